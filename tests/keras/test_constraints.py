"""``nabla.keras.constraints`` against Keras 3's (PyTorch backend): values, names, training with a constraint."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla as nb
from nabla import keras as nk
from nabla.keras import constraints

RNG = np.random.default_rng(0)
DENSE = (RNG.standard_normal((5, 4)) * 2).astype(np.float32)
CONV = (RNG.standard_normal((3, 3, 2, 4)) * 0.7).astype(np.float32)

# (class name, arguments, weight)
CASES = [
    ("MaxNorm", {}, DENSE),
    ("MaxNorm", {"max_value": 1.5, "axis": 1}, DENSE),
    ("MaxNorm", {"max_value": 1.0, "axis": [0, 1, 2]}, CONV),
    ("MinMaxNorm", {}, DENSE),
    ("MinMaxNorm", {"min_value": 2.5, "max_value": 3.0, "rate": 0.7, "axis": 1}, DENSE),
    ("NonNeg", {}, DENSE),
    ("UnitNorm", {}, DENSE),
    ("UnitNorm", {"axis": [0, 1, 2]}, CONV),
    ("MaxNorm", {}, np.zeros((3, 2), np.float32)),  # an all-zero weight stays zero (epsilon in the division)
]


@pytest.mark.parametrize("name, kwargs, w", CASES)
def test_constraint_values_and_configs_match_keras(name, kwargs, w):
    import torch

    keras = keras_on_torch()
    theirs, ours = getattr(keras.constraints, name)(**kwargs), getattr(constraints, name)(**kwargs)
    got = ours(nb.tensor(w))
    assert got.dtype == np.float32
    np.testing.assert_allclose(got.numpy(), theirs(torch.tensor(w)).numpy(), rtol=1e-6, atol=1e-7)
    assert constraints.serialize(ours) == keras.constraints.serialize(theirs)
    assert ours.get_config() == theirs.get_config()
    again = constraints.deserialize(keras.constraints.serialize(theirs))
    assert type(again) is type(ours) and again.get_config() == ours.get_config()


def test_get_takes_keras_names_classes_instances_and_none():
    keras = keras_on_torch()
    for name in ("max_norm", "MaxNorm", "min_max_norm", "non_neg", "NonNeg", "unit_norm"):
        assert type(constraints.get(name)).__name__ == type(keras.constraints.get(name)).__name__
        assert constraints.get(name).get_config() == keras.constraints.get(name).get_config()
    assert constraints.get(None) is None
    assert isinstance(constraints.get(constraints.UnitNorm), constraints.UnitNorm)
    c = constraints.MaxNorm(3)
    assert constraints.get(c) is c and constraints.get(abs) is abs
    with pytest.raises(ValueError, match="unknown constraint 'max_nrom'"):
        constraints.get("max_nrom")
    with pytest.raises(ValueError, match="MinMaxNorm: need 0 <= min_value <= max_value"):
        constraints.MinMaxNorm(2.0, 1.0)


def _xy():
    x = RNG.standard_normal((32, 4)).astype(np.float32)
    return x, (x @ RNG.standard_normal((4, 3)) * 3).astype(np.float32)


def test_dense_with_max_norm_trains_as_keras_and_stays_within_the_norm():
    """Same initial weights, data and SGD: the constraint is applied after every update, as Keras does."""
    keras = keras_on_torch()
    x, y = _xy()
    kernel, bias = (RNG.standard_normal((4, 3)) * 0.5).astype(np.float32), np.zeros(3, np.float32)

    def run(k):
        model = k.Sequential([k.Input((4,)), k.layers.Dense(3, kernel_constraint=k.constraints.MaxNorm(0.8),
                                                            bias_constraint=k.constraints.NonNeg())])  # fmt: skip
        model.set_weights([kernel, bias])
        model.compile(optimizer=k.optimizers.SGD(learning_rate=0.05), loss="mse")
        model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
        return [np.asarray(w) for w in model.get_weights()]

    (want_kernel, want_bias), (got_kernel, got_bias) = run(keras), run(nk)
    assert np.linalg.norm(got_kernel, axis=0).max() <= 0.8 + 1e-6
    assert got_bias.min() >= 0
    unconstrained = nk.Sequential([nk.Input((4,)), nk.layers.Dense(3)])
    unconstrained.set_weights([kernel, bias])
    unconstrained.compile(optimizer=nk.optimizers.SGD(learning_rate=0.05), loss="mse")
    unconstrained.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    assert np.linalg.norm(unconstrained.get_weights()[0], axis=0).max() > 0.8  # the constraint did act
    np.testing.assert_allclose(got_kernel, want_kernel, atol=1e-5)
    np.testing.assert_allclose(got_bias, want_bias, atol=1e-5)


def test_add_weight_constraint_applies_in_apply_gradients_and_fit():
    class Scale(nk.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", constraint="non_neg")

        def call(self, inputs):
            return inputs * self.w

    layer = Scale()
    layer(nb.ones((1, 3)))
    assert isinstance(layer.w.constraint, constraints.NonNeg)
    optimizer = nk.optimizers.SGD(learning_rate=1.0)
    optimizer.apply_gradients([(np.array([2.0, -1.0, 0.5], np.float32), layer.w)])
    np.testing.assert_allclose(layer.w.numpy(), [0.0, 2.0, 0.5])


@pytest.mark.parametrize(
    "make",
    [
        lambda: nk.layers.Conv2D(4, 3, kernel_constraint=constraints.MaxNorm(0.3, axis=[0, 1, 2])),
        lambda: nk.layers.Conv1D(4, 3, kernel_constraint=constraints.UnitNorm(axis=[0, 1])),
    ],
)
def test_convolution_kernels_are_constrained_after_fit(make):
    layer = make()
    is_2d = isinstance(layer, nk.layers.Conv2D)
    shape = (6, 6, 2) if is_2d else (6, 2)
    model = nk.Sequential([nk.Input(shape), layer, nk.layers.Flatten(), nk.layers.Dense(1)])
    model.compile(optimizer=nk.optimizers.SGD(learning_rate=0.5), loss="mse")
    x = RNG.standard_normal((8, *shape)).astype(np.float32)
    model.fit(x, RNG.standard_normal((8, 1)).astype(np.float32) * 10, epochs=2, verbose=0)
    kernel = layer.kernel.numpy()
    norms = np.sqrt((kernel**2).sum(axis=tuple(range(kernel.ndim - 1))))
    if is_2d:
        assert norms.max() <= 0.3 + 1e-6
    else:
        np.testing.assert_allclose(norms, 1.0, rtol=1e-5)


def test_embedding_constraint_and_a_saved_model_reloads_with_its_constraints(tmp_path):
    model = nk.Sequential([
        nk.Input((3,)),
        nk.layers.Embedding(10, 4, embeddings_constraint=constraints.UnitNorm(axis=1)),
        nk.layers.Flatten(),
        nk.layers.Dense(2, kernel_constraint=constraints.MinMaxNorm(0.1, 0.9, rate=0.5)),
    ])  # fmt: skip
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.array([[1, 2, 3], [4, 5, 6]]), np.ones((2, 2), np.float32), verbose=0)
    rows = np.linalg.norm(model.layers[0].embeddings.numpy()[[1, 2, 3, 4, 5, 6]], axis=1)
    np.testing.assert_allclose(rows, 1.0, rtol=1e-5)
    model.save(tmp_path / "m.keras")
    loaded = nk.models.load_model(tmp_path / "m.keras")
    assert loaded.layers[0].embeddings_constraint.get_config() == {"axis": 1}
    assert loaded.layers[2].kernel_constraint.get_config() == constraints.MinMaxNorm(0.1, 0.9, rate=0.5).get_config()
    assert loaded.layers[2].get_config() == model.layers[2].get_config()


@pytest.mark.parametrize(
    "bad",
    [
        {"module": "keras.constraints", "class_name": "os.system", "config": {}, "registered_name": None},
        {"module": "keras.constraints", "class_name": "MaxNorm", "config": {"max_value": 2, "extra": 1},
         "registered_name": None},
        {"module": "keras.constraints", "class_name": "MaxNorm", "config": {"max_value": -1}, "registered_name": None},
        "max_norm",
    ],
)  # fmt: skip
def test_the_file_schema_refuses_any_other_constraint(tmp_path, bad):
    model = nk.Sequential([nk.Input((3,)), nk.layers.Dense(2, kernel_constraint="max_norm")])
    model.save(tmp_path / "m.keras")
    payload = nb.load(tmp_path / "m.keras")
    payload["config"]["layers"][-1]["config"]["kernel_constraint"] = bad
    nb.save(payload, tmp_path / "bad.keras")
    with pytest.raises(ValueError, match=r"kernel_constraint"):
        nk.models.load_model(tmp_path / "bad.keras")
