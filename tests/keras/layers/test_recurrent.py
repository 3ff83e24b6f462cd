"""SimpleRNN, LSTM and GRU against Keras 3 (PyTorch backend): outputs and states with Keras's weights, a
training step, parameter counts, configs and model files."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras as keras

RNG = np.random.default_rng(3)
X = RNG.standard_normal((3, 5, 4)).astype(np.float32)

CASES = [
    ("SimpleRNN", {}),
    ("SimpleRNN", {"return_sequences": True, "activation": "relu"}),
    ("LSTM", {}),
    ("LSTM", {"return_sequences": True, "go_backwards": True}),
    ("LSTM", {"use_bias": False, "unit_forget_bias": False}),
    ("GRU", {}),
    ("GRU", {"reset_after": False, "return_sequences": True}),
    ("GRU", {"go_backwards": True, "use_bias": False}),
]


def numpy(value) -> np.ndarray:
    return value.detach().cpu().numpy() if hasattr(value, "detach") else np.asarray(value)


def twins(name: str, options: dict, units: int = 6):
    """The same layer in Keras 3 and in nabla, built on X's shape, nabla holding Keras's (random) weights."""
    reference_keras = keras_on_torch()
    reference = getattr(reference_keras.layers, name)(units, **options)
    layer = getattr(keras.layers, name)(units, **options)
    reference(X), layer(X)
    layer.set_weights([numpy(w) for w in reference.get_weights()])
    return reference, layer


@pytest.mark.parametrize(("name", "options"), CASES, ids=[f"{n}-{'-'.join(o) or 'plain'}" for n, o in CASES])
def test_outputs_and_states_are_keras_ones(name, options):
    reference, layer = twins(name, {**options, "return_state": True})
    theirs, ours = reference(X), layer(X)
    assert len(ours) == len(theirs) == (3 if name == "LSTM" else 2)
    for mine, reference_value in zip(ours, theirs):
        np.testing.assert_allclose(mine.numpy(), numpy(reference_value), rtol=1e-5, atol=1e-6)
    assert [w.shape for w in layer.get_weights()] == [tuple(w.shape) for w in reference.get_weights()]


@pytest.mark.parametrize("name", ["SimpleRNN", "LSTM", "GRU"])
def test_an_initial_state_is_where_the_sequence_starts(name):
    reference, layer = twins(name, {"return_sequences": True})
    states = [RNG.standard_normal((3, 6)).astype(np.float32) for _ in range(2 if name == "LSTM" else 1)]
    theirs = reference(X, initial_state=[reference_keras_tensor(s) for s in states])
    np.testing.assert_allclose(layer(X, initial_state=states).numpy(), numpy(theirs), rtol=1e-5, atol=1e-6)


def reference_keras_tensor(array):
    return keras_on_torch().ops.convert_to_tensor(array)


@pytest.mark.parametrize(("name", "options"), [("SimpleRNN", {}), ("LSTM", {}), ("GRU", {}),
                                               ("GRU", {"reset_after": False})])  # fmt: skip
def test_training_steps_give_keras_weights(name, options):
    """Backpropagation through time, checked by three SGD steps of a sequence model against Keras's."""
    reference_keras = keras_on_torch()
    y = RNG.standard_normal((3, 1)).astype(np.float32)

    def build(k):
        return k.Sequential([k.Input((5, 4)), getattr(k.layers, name)(6, **options), k.layers.Dense(1)])

    reference, model = build(reference_keras), build(keras)
    model.set_weights([numpy(w) for w in reference.get_weights()])
    for m, k in ((reference, reference_keras), (model, keras)):
        m.compile(optimizer=k.optimizers.SGD(learning_rate=0.1), loss="mse")
        for _ in range(3):
            m.train_on_batch(X, y)
    for mine, theirs in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(mine, numpy(theirs), rtol=1e-4, atol=1e-6)
    assert model.count_params() == reference.count_params()


def test_dropout_is_for_training_only_and_the_lstm_forget_bias_starts_at_one():
    layer = keras.layers.LSTM(4, dropout=0.5, recurrent_dropout=0.3, return_sequences=True)
    plain = keras.layers.LSTM(4, return_sequences=True)
    layer(X), plain(X)
    plain.set_weights(layer.get_weights())
    np.testing.assert_allclose(layer(X).numpy(), plain(X).numpy(), rtol=1e-6)  # inference: no dropout
    assert not np.allclose(layer(X, training=True).numpy(), plain(X).numpy())
    np.testing.assert_array_equal(layer.get_weights()[2], np.r_[np.zeros(4), np.ones(4), np.zeros(8)])


def test_config_round_trip_and_a_model_file(tmp_path):
    model = keras.Sequential([keras.Input((5, 4)), keras.layers.GRU(3, return_sequences=True, reset_after=False),
                              keras.layers.LSTM(2, recurrent_dropout=0.1), keras.layers.Dense(1)])  # fmt: skip
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6)
    for layer in model.layers[:2]:
        assert type(layer).from_config(layer.get_config()).get_config() == layer.get_config()


def test_what_is_refused_is_said():
    with pytest.raises(ValueError, match=r"\(batch, timesteps, features\)"):
        keras.layers.GRU(3)(X[0])
    with pytest.raises(ValueError, match="initial_state holds 2"):
        keras.layers.LSTM(3)(X, initial_state=[np.zeros((3, 3), np.float32)])
