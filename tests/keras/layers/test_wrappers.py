"""Bidirectional and TimeDistributed against Keras 3 (PyTorch backend): outputs and states with Keras's
weights, training steps, names, summaries, configs and model files."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras as keras

RNG = np.random.default_rng(5)
X = RNG.standard_normal((3, 5, 4)).astype(np.float32)
MODES = ["concat", "sum", "mul", "ave", None]


def numpy(value) -> np.ndarray:
    return value.detach().cpu().numpy() if hasattr(value, "detach") else np.asarray(value)


def twins(make, x: np.ndarray = X):
    """``make(k)`` in Keras 3 and in nabla, built on ``x``, nabla's holding Keras's (random) weights."""
    reference_keras = keras_on_torch()
    reference, layer = make(reference_keras), make(keras)
    reference(x), layer(x)
    layer.set_weights([numpy(w) for w in reference.get_weights()])
    return reference, layer


def assert_same(ours, theirs) -> None:
    ours = ours if isinstance(ours, (list, tuple)) else [ours]
    theirs = theirs if isinstance(theirs, (list, tuple)) else [theirs]
    assert len(ours) == len(theirs)
    for mine, reference_value in zip(ours, theirs):
        np.testing.assert_allclose(mine.numpy(), numpy(reference_value), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("merge_mode", MODES, ids=str)
@pytest.mark.parametrize("name", ["SimpleRNN", "LSTM", "GRU"])
@pytest.mark.parametrize("sequences", [False, True], ids=["last", "sequences"])
def test_outputs_and_states_are_keras_ones(name, merge_mode, sequences):
    def make(k):
        inner = getattr(k.layers, name)(6, return_sequences=sequences, return_state=True)
        return k.layers.Bidirectional(inner, merge_mode=merge_mode)

    reference, layer = twins(make)
    assert_same(layer(X), reference(X))
    assert [w.shape for w in layer.get_weights()] == [tuple(w.shape) for w in reference.get_weights()]


@pytest.mark.parametrize("name", ["SimpleRNN", "LSTM"])
def test_initial_states_are_split_between_the_two_as_keras_does(name):
    def make(k):
        return k.layers.Bidirectional(getattr(k.layers, name)(6, return_sequences=True), merge_mode="sum")

    reference, layer = twins(make)
    states = [RNG.standard_normal((3, 6)).astype(np.float32) for _ in range(4 if name == "LSTM" else 2)]
    convert = keras_on_torch().ops.convert_to_tensor
    assert_same(layer(X, initial_state=states), reference(X, initial_state=[convert(s) for s in states]))


def test_three_training_steps_give_keras_weights():
    """Backpropagation through both directions, checked by three SGD steps against Keras's."""
    reference_keras = keras_on_torch()
    y = RNG.standard_normal((3, 1)).astype(np.float32)

    def build(k):
        return k.Sequential([k.Input((5, 4)), k.layers.Bidirectional(k.layers.LSTM(6)), k.layers.Dense(1)])

    reference, model = build(reference_keras), build(keras)
    model.set_weights([numpy(w) for w in reference.get_weights()])
    for m, k in ((reference, reference_keras), (model, keras)):
        m.compile(optimizer=k.optimizers.SGD(learning_rate=0.1), loss="mse")
        for _ in range(3):
            m.train_on_batch(X, y)
    for mine, theirs in zip(model.get_weights(), reference.get_weights(), strict=True):
        np.testing.assert_allclose(mine, numpy(theirs), rtol=1e-4, atol=1e-6)


def test_time_distributed_dense_and_conv2d_are_keras_ones():
    reference, layer = twins(lambda k: k.layers.TimeDistributed(k.layers.Dense(3, activation="tanh")))
    assert_same(layer(X), reference(X))
    videos = RNG.standard_normal((2, 3, 6, 6, 2)).astype(np.float32)
    reference, layer = twins(lambda k: k.layers.TimeDistributed(k.layers.Conv2D(4, 3, padding="same")), videos)
    assert_same(layer(videos), reference(videos))
    assert layer(videos).shape == (2, 3, 6, 6, 4)
    assert layer.weights[0] is layer.layer.kernel  # the wrapped layer's weights are the wrapper's


def test_names_summary_and_parameter_counts_are_keras_ones(capsys):
    reference_keras = keras_on_torch()
    reference_keras.utils.clear_session()
    keras.utils.clear_session()

    def build(k):
        return k.Sequential([k.Input((5, 4)), k.layers.Bidirectional(k.layers.GRU(3, return_sequences=True)),
                             k.layers.TimeDistributed(k.layers.Dense(2)), k.layers.Bidirectional(k.layers.LSTM(2)),
                             k.layers.Dense(1)])  # fmt: skip

    reference, model = build(reference_keras), build(keras)
    names = [[layer.name, *(getattr(layer, a).name for a in ("forward_layer", "backward_layer", "layer")
                            if hasattr(layer, a))] for layer in model.layers]  # fmt: skip
    theirs = [[layer.name, *(getattr(layer, a).name for a in ("forward_layer", "backward_layer", "layer")
                             if hasattr(layer, a))] for layer in reference.layers]  # fmt: skip
    assert names == theirs
    assert names[0] == ["bidirectional", "forward_gru", "backward_gru"]
    reference.summary()
    expected = capsys.readouterr().out
    model.summary()
    assert capsys.readouterr().out == expected


def test_keras_weights_argument_and_a_given_backward_layer():
    reference, layer = twins(lambda k: k.layers.Bidirectional(k.layers.GRU(2)))
    given = keras.layers.Bidirectional(keras.layers.GRU(2), weights=reference.get_weights())
    assert_same(given(X), reference(X))
    backward = keras.layers.LSTM(3, go_backwards=True, activation="relu")
    both = keras.layers.Bidirectional(keras.layers.LSTM(3), backward_layer=backward)
    assert both.backward_layer is backward and both(X).shape == (3, 6)
    with pytest.raises(ValueError, match="differ in go_backwards"):
        keras.layers.Bidirectional(keras.layers.LSTM(3), backward_layer=keras.layers.LSTM(3))
    with pytest.raises(ValueError, match="agree in return_sequences"):
        keras.layers.Bidirectional(keras.layers.LSTM(3), backward_layer=keras.layers.LSTM(
            3, go_backwards=True, return_sequences=True))  # fmt: skip
    with pytest.raises(ValueError, match="must be a recurrent layer"):
        keras.layers.Bidirectional(keras.layers.Dense(3))
    with pytest.raises(ValueError, match="merge_mode must be one of"):
        keras.layers.Bidirectional(keras.layers.LSTM(3), merge_mode="max")
    with pytest.raises(ValueError, match=r"\(batch, time, \.\.\.\)"):
        keras.layers.TimeDistributed(keras.layers.Dense(2))(X[0])


def test_config_round_trip_and_keras_configs_are_read():
    bidirectional = keras.layers.Bidirectional(keras.layers.GRU(3, reset_after=False), merge_mode="ave")
    distributed = keras.layers.TimeDistributed(keras.layers.Dense(2, activation="relu"))
    for layer in (bidirectional, distributed):
        again = type(layer).from_config(layer.get_config())
        assert again.get_config() == layer.get_config()
    assert bidirectional.get_config()["layer"]["config"]["name"] == bidirectional.forward_layer.name
    reference = keras_on_torch().layers.TimeDistributed(keras_on_torch().layers.Dense(2))
    entry = reference.get_config()["layer"]  # Keras's form: module, registered_name beside class_name and config
    options = {key: entry["config"][key] for key in ("name", "units", "activation", "use_bias")}
    layer = keras.layers.TimeDistributed.from_config({"layer": {**entry, "config": options}})
    assert layer.layer.units == 2 and layer.layer.name == options["name"]


@pytest.mark.parametrize("functional", [False, True], ids=["sequential", "functional"])
def test_a_model_file_holds_the_wrappers(tmp_path, functional):
    stack = [keras.layers.Bidirectional(keras.layers.LSTM(3, return_sequences=True), merge_mode="mul"),
             keras.layers.TimeDistributed(keras.layers.Dense(2)), keras.layers.Bidirectional(keras.layers.GRU(2))]
    if functional:
        inputs = keras.Input((5, 4))
        x = inputs
        for layer in stack:
            x = layer(x)
        model = keras.Model(inputs, keras.layers.Dense(1)(x))
    else:
        model = keras.Sequential([keras.Input((5, 4)), *stack, keras.layers.Dense(1)])
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6)


def test_what_a_model_file_cannot_hold_is_refused_at_save(tmp_path):
    inputs = keras.Input((5, 4))
    forward, backward = keras.layers.Bidirectional(keras.layers.LSTM(3), merge_mode=None)(inputs)
    with pytest.raises(TypeError, match="merge_mode=None"):
        keras.Model(inputs, [forward, backward]).save(tmp_path / "pair.keras")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c["layer"].update(class_name="Dense"), r"layer.class_name: a Bidirectional wraps one of SimpleRNN"),
        (lambda c: c["layer"]["config"].update(units=4), r"weight 0.forward_layer.kernel of shape \(4, 16\)"),
        (lambda c: c["layer"]["config"].update(shape=[3]), r"layers\[0\].config.layer.config.shape: unexpected field"),
        (lambda c: c.update(merge_mode=None), r"merge_mode"),
    ],
    ids=["not-recurrent", "units", "unknown-field", "two-outputs"],
)
def test_a_tampered_wrapped_layer_is_refused_at_load(tmp_path, change, message):
    """The nested entries pass the same allow-list and shape checks as a model's own layers."""
    import nabla as nb

    model = keras.Sequential([keras.Input((5, 4)), keras.layers.Bidirectional(keras.layers.LSTM(3)),
                              keras.layers.Dense(1)])  # fmt: skip
    model.save(tmp_path / "m.keras")
    payload = nb.load(tmp_path / "m.keras")
    change(payload["config"]["layers"][0]["config"])
    nb.save(payload, tmp_path / "tampered.keras")
    with pytest.raises(ValueError, match=message):
        keras.models.load_model(tmp_path / "tampered.keras")


def test_time_distributed_wraps_no_input_and_nests_a_bounded_depth(tmp_path):
    import nabla as nb

    layer = keras.layers.Dense(2)
    for _ in range(4):
        layer = keras.layers.TimeDistributed(layer)
    model = keras.Sequential([keras.Input((2, 2, 2, 2, 3)), layer])
    model.save(tmp_path / "deep.keras")
    with pytest.raises(ValueError, match="wrappers nest at most 4 deep"):
        keras.models.load_model(tmp_path / "deep.keras")
    model = keras.Sequential([keras.Input((2, 3)), keras.layers.TimeDistributed(keras.layers.Dense(2))])
    model.save(tmp_path / "m.keras")
    payload = nb.load(tmp_path / "m.keras")
    payload["config"]["layers"][0]["config"]["layer"] = {"class_name": "InputLayer", "config": {"shape": [3]}}
    nb.save(payload, tmp_path / "input.keras")
    with pytest.raises(ValueError, match="wraps one of nabla's layers of one input, not 'InputLayer'"):
        keras.models.load_model(tmp_path / "input.keras")


def test_keras_2_input_shapes_start_a_sequential_model(tmp_path):
    """``Bidirectional(LSTM(3, input_shape=...))`` (the wrapped layer's shape) and ``TimeDistributed(Dense(2),
    input_shape=...)`` (the wrapper's) build the model at once, and its file loads."""
    inner = keras.layers.LSTM(3, return_sequences=True, input_shape=(5, 4))
    model = keras.Sequential([keras.layers.Bidirectional(inner), keras.layers.TimeDistributed(keras.layers.Dense(2)),
                              keras.layers.Flatten()])  # fmt: skip
    assert model.count_params() == 2 * 4 * (4 * 3 + 3 * 3 + 3) + 6 * 2 + 2
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6)
    single = keras.Sequential([keras.layers.TimeDistributed(keras.layers.Dense(2), input_shape=(5, 4))])
    assert single.count_params() == 10 and single.predict(X, verbose=0).shape == (3, 5, 2)


@pytest.mark.parametrize("name", ["GRU", "LSTM", "Bidirectional"])
def test_a_functional_model_with_initial_states_saves_and_loads(tmp_path, name):
    """States passed with initial_state= are checked against the layer's (units,) shapes when the file loads."""
    import nabla as nb

    count = {"GRU": 1, "LSTM": 2, "Bidirectional": 4}[name]
    inputs, states = keras.Input((5, 4)), [keras.Input((3,)) for _ in range(count)]
    layer = keras.layers.Bidirectional(keras.layers.LSTM(3)) if name == "Bidirectional" else keras.layers.LSTM(3)
    layer = keras.layers.GRU(3) if name == "GRU" else layer
    model = keras.Model([inputs, *states], layer(inputs, initial_state=states))
    model.save(tmp_path / "m.keras")
    data = [X, *(RNG.standard_normal((3, 3)).astype(np.float32) for _ in range(count))]
    loaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.predict(data, verbose=0), model.predict(data, verbose=0), rtol=1e-6)
    payload = nb.load(tmp_path / "m.keras")
    payload["config"]["input_specs"][1]["batch_shape"] = [None, 2]
    nb.save(payload, tmp_path / "tampered.keras")
    with pytest.raises(ValueError, match=r"kwargs.initial_state: the \w+ layer takes states of shapes \[\(3,\)"):
        keras.models.load_model(tmp_path / "tampered.keras")
