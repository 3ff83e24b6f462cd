"""keras.layers.RNN with SimpleRNNCell, LSTMCell, GRUCell, stacked and custom cells, against Keras 3 (PyTorch
backend): outputs and states with Keras's weights, masks, a training step, parameter counts, configs and files."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras as keras

RNG = np.random.default_rng(7)
X = RNG.standard_normal((3, 5, 4)).astype(np.float32)
MASK = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [0, 1, 1, 1, 0]], dtype=bool)

CELLS = [
    ("SimpleRNNCell", {}),
    ("LSTMCell", {}),
    ("LSTMCell", {"use_bias": False, "unit_forget_bias": False}),
    ("GRUCell", {}),
    ("GRUCell", {"reset_after": False}),
]
OPTIONS = [{}, {"return_sequences": True}, {"go_backwards": True, "return_sequences": True}]


def numpy(value) -> np.ndarray:
    return value.detach().cpu().numpy() if hasattr(value, "detach") else np.asarray(value)


def flat(values) -> list:
    """Outputs and states, nested lists (a stack's states) flattened, as NumPy arrays."""
    if isinstance(values, (list, tuple)):
        return [a for v in values for a in flat(v)]
    return [value.numpy() if hasattr(value, "numpy") and not hasattr(value, "detach") else numpy(value)
            for value in [values]]  # fmt: skip


def assert_same(ours, theirs) -> None:
    ours, theirs = flat(ours), flat(theirs)
    assert len(ours) == len(theirs)
    for mine, reference in zip(ours, theirs):
        np.testing.assert_allclose(mine, reference, rtol=1e-5, atol=1e-5)


def twins(make, options: dict):
    """``RNN(make(k), **options)`` in Keras 3 and in nabla, built on X, nabla holding Keras's (random) weights."""
    reference_keras = keras_on_torch()
    reference = reference_keras.layers.RNN(make(reference_keras), **options)
    layer = keras.layers.RNN(make(keras), **options)
    reference(X), layer(X)
    layer.set_weights([numpy(w) for w in reference.get_weights()])
    return reference, layer


def cell_maker(name: str, options: dict, units: int = 6):
    return lambda k: getattr(k.layers, name)(units, **options)


def stack_maker(k):
    return [k.layers.LSTMCell(5), k.layers.GRUCell(3), k.layers.SimpleRNNCell(2)]


def minimal_cell_class(k):
    """The custom cell of Keras's RNN guide and docstring (state_size, build, call(inputs, states))."""

    class MinimalRNNCell(k.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.state_size = units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="uniform", name="kernel")
            self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), initializer="uniform",
                                                    name="recurrent_kernel")  # fmt: skip

        def call(self, inputs, states):
            h = k.ops.matmul(inputs, self.kernel)
            output = h + k.ops.matmul(states[0], self.recurrent_kernel)
            return output, [output]

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    return MinimalRNNCell


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: "-".join(o) or "plain")
@pytest.mark.parametrize(("name", "cell_options"), CELLS, ids=[f"{n}-{'-'.join(o) or 'plain'}" for n, o in CELLS])
def test_outputs_and_states_are_keras_ones(name, cell_options, options):
    reference, layer = twins(cell_maker(name, cell_options), {**options, "return_state": True})
    assert_same(layer(X), reference(X))
    assert [w.shape for w in layer.get_weights()] == [tuple(w.shape) for w in reference.get_weights()]


@pytest.mark.parametrize("name", ["SimpleRNNCell", "LSTMCell", "GRUCell"])
def test_initial_state_and_mask_as_keras(name):
    reference_keras = keras_on_torch()
    reference, layer = twins(cell_maker(name, {}), {"return_sequences": True, "return_state": True})
    states = [RNG.standard_normal((3, 6)).astype(np.float32) for _ in range(2 if name == "LSTMCell" else 1)]
    theirs = reference(X, initial_state=[reference_keras.ops.convert_to_tensor(s) for s in states],
                       mask=reference_keras.ops.convert_to_tensor(MASK))  # fmt: skip
    assert_same(layer(X, initial_state=states, mask=MASK), theirs)


def test_a_mask_from_embedding_reaches_the_cell_loop():
    reference_keras = keras_on_torch()
    ids = np.array([[3, 1, 0, 0], [2, 2, 5, 0], [1, 4, 2, 3]])

    def build(k):
        return k.Sequential([k.Input((4,), dtype="int32"), k.layers.Embedding(6, 3, mask_zero=True),
                             k.layers.RNN(k.layers.GRUCell(4), return_sequences=True)])  # fmt: skip

    reference, model = build(reference_keras), build(keras)
    model.set_weights([numpy(w) for w in reference.get_weights()])
    assert_same(model.predict(ids, verbose=0), reference.predict(ids, verbose=0))


def test_a_list_of_cells_is_stacked_as_keras():
    reference, layer = twins(stack_maker, {"return_sequences": True, "return_state": True})
    assert isinstance(layer.cell, keras.layers.StackedRNNCells)
    theirs, ours = reference(X), layer(X)
    assert len(ours) == len(theirs) == 4  # the output, then the states of each cell
    assert_same(ours, theirs)
    assert layer.cell.state_size == [[5, 5], 3, 2] and layer.cell.output_size == 2


def test_the_guide_custom_cell_as_keras():
    reference, layer = twins(lambda k: minimal_cell_class(k)(4), {"return_sequences": True})
    assert_same(layer(X), reference(X))


def test_the_cells_called_alone_as_keras():
    reference_keras = keras_on_torch()
    for name in ("SimpleRNNCell", "LSTMCell", "GRUCell"):
        reference, cell = getattr(reference_keras.layers, name)(6), getattr(keras.layers, name)(6)
        theirs_states = reference.get_initial_state(batch_size=3)
        theirs = reference(X[:, 0], theirs_states)
        cell(X[:, 0], cell.get_initial_state(3))
        cell.set_weights([numpy(w) for w in reference.get_weights()])
        assert_same(cell(X[:, 0], cell.get_initial_state(3)), theirs)
        assert cell.state_size == reference.state_size and cell.output_size == reference.output_size


@pytest.mark.parametrize("maker", [cell_maker("LSTMCell", {}), cell_maker("GRUCell", {}), stack_maker],
                         ids=["LSTMCell", "GRUCell", "stack"])  # fmt: skip
def test_a_training_step_and_parameter_counts_as_keras(maker):
    """One SGD step through the cell loop gives Keras's weights (so the gradients are Keras's)."""
    reference_keras = keras_on_torch()
    y = RNG.standard_normal((3, 1)).astype(np.float32)

    def build(k):
        return k.Sequential([k.Input((5, 4)), k.layers.RNN(maker(k)), k.layers.Dense(1)])

    reference, model = build(reference_keras), build(keras)
    model.set_weights([numpy(w) for w in reference.get_weights()])
    for m, k in ((reference, reference_keras), (model, keras)):
        m.compile(optimizer=k.optimizers.SGD(learning_rate=0.1), loss="mse")
        m.train_on_batch(X, y)
    for mine, theirs in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(mine, numpy(theirs), rtol=1e-5, atol=1e-6)
    assert [layer.count_params() for layer in model.layers] == [layer.count_params() for layer in reference.layers]


def test_a_functional_model_with_the_states():
    inputs = keras.Input((5, 4))
    output, h, c = keras.layers.RNN(keras.layers.LSTMCell(3), return_state=True)(inputs)
    model = keras.Model(inputs, [output, h, c])
    got = model.predict(X, verbose=0)
    assert [g.shape for g in got] == [(3, 3)] * 3
    np.testing.assert_allclose(got[0], got[1], rtol=1e-6)  # an LSTM's output is its h


def test_configs_and_model_files_round_trip(tmp_path):
    model = keras.Sequential([keras.Input((5, 4)), keras.layers.RNN(keras.layers.GRUCell(3, reset_after=False),
                                                                    return_sequences=True),
                              keras.layers.RNN([keras.layers.LSTMCell(4), keras.layers.SimpleRNNCell(2)]),
                              keras.layers.Dense(1)])  # fmt: skip
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6)
    for layer in model.layers[:2]:
        assert type(layer).from_config(layer.get_config()).get_config() == layer.get_config()
    cell = keras.layers.LSTMCell(3, recurrent_dropout=0.2, unit_forget_bias=False)
    assert keras.layers.LSTMCell.from_config(cell.get_config()).get_config() == cell.get_config()


def test_a_custom_cell_loads_with_custom_objects(tmp_path):
    cell_class = minimal_cell_class(keras)
    model = keras.Sequential([keras.Input((5, 4)), keras.layers.RNN(cell_class(3)), keras.layers.Dense(1)])
    model.save(tmp_path / "custom.keras")
    loaded = keras.models.load_model(tmp_path / "custom.keras", custom_objects={"MinimalRNNCell": cell_class})
    np.testing.assert_allclose(loaded.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6)
    with pytest.raises(ValueError, match=r"custom_objects=\{'MinimalRNNCell'"):
        keras.models.load_model(tmp_path / "custom.keras")


def test_a_cell_without_state_size_is_refused_in_one_line():
    class NoState(keras.layers.Layer):
        def call(self, inputs, states):
            return inputs, states

    with pytest.raises(ValueError, match="has no state_size") as error:
        keras.layers.RNN(NoState())
    assert "\n" not in str(error.value)
    with pytest.raises(ValueError, match="initial_state holds 2"):
        keras.layers.RNN(keras.layers.LSTMCell(3))(X, initial_state=[np.zeros((3, 3), np.float32)])
    with pytest.raises(ValueError, match=r"\(batch, timesteps, features\)"):
        keras.layers.RNN(keras.layers.GRUCell(3))(X[0])
