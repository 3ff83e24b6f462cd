"""``nabla.keras.activations`` against Keras 3's ``keras.activations`` (PyTorch backend): values, gradients, names.

Values and gradients (by backward of a weighted sum) on random inputs, in float32 against Keras in float32;
on extreme finite inputs against Keras in float64 (then rounded to float32), where nabla must not warn.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla as nb
from nabla import keras as nk
from nabla.keras import activations

RNG = np.random.default_rng(0)
X = (RNG.standard_normal((4, 8)) * 3).astype(np.float32)
EXTREME = np.array([-3e38, -1e30, -1e4, -90.0, -20.0, -2.5, 2.5, 20.0, 90.0, 1e4, 1e30, 3e38], np.float32)
EXTREME_ROWS = np.array([[1e30, -1e30, 0.0, 5.0], [-1e4, 1e4, 3.0, 2.0], [80.0, 90.0, 89.0, -90.0]], np.float32)

# case -> (name, keyword arguments)
CASES = {
    **{
        n: (n, {})
        for n in activations._ACTIVATIONS
        if n not in ("step", "threshold", "swish", "hard_swish", "sparsemax")
    },
    "relu_clipped_leaky": ("relu", {"negative_slope": 0.1, "max_value": 6.0}),
    "relu_threshold": ("relu", {"threshold": 0.5}),
    "relu_all": ("relu", {"negative_slope": 0.1, "max_value": 2.0, "threshold": 0.5}),
    "relu_leaky": ("relu", {"negative_slope": 0.3}),
    "leaky_relu_0.1": ("leaky_relu", {"negative_slope": 0.1}),
    "elu_0.5": ("elu", {"alpha": 0.5}),
    "celu_2": ("celu", {"alpha": 2.0}),
    "gelu_tanh": ("gelu", {"approximate": True}),
    "softmax_axis0": ("softmax", {"axis": 0}),
    "log_softmax_axis0": ("log_softmax", {"axis": 0}),
    "glu_axis0": ("glu", {"axis": 0}),
    "soft_shrink_1": ("soft_shrink", {"threshold": 1.0}),
    "hard_shrink_0.8": ("hard_shrink", {"threshold": 0.8}),
    "threshold": ("threshold", {"threshold": 0.3, "default_value": -2.0}),
    "squareplus_1": ("squareplus", {"b": 1}),
}
ROW_WISE = {"softmax", "log_softmax", "glu"}


def _keras_run(name, kwargs, x, weights, dtype=None):
    import torch

    keras = keras_on_torch()
    t = torch.tensor(x if dtype is None else x.astype(dtype), requires_grad=True)
    out = getattr(keras.activations, name)(t, **kwargs)
    (out * torch.tensor(weights, dtype=out.dtype)).sum().backward()
    return out.detach().numpy().astype(np.float32), t.grad.numpy().astype(np.float32)


def _nabla_run(name, kwargs, x, weights):
    t = nb.tensor(x, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow or invalid value in any step fails the test
        out = getattr(activations, name)(t, **kwargs)
        (out * nb.tensor(weights)).sum().backward()
    assert out.dtype == np.float32 and t.grad.dtype == np.float32
    return out.detach().numpy(), t.grad.numpy()


@pytest.mark.parametrize("case", sorted(CASES))
def test_values_and_gradients_match_keras(case):
    name, kwargs = CASES[case]
    weights = RNG.standard_normal(getattr(activations, name)(X, **kwargs).shape).astype(np.float32)
    want, want_grad = _keras_run(name, kwargs, X, weights)
    got, got_grad = _nabla_run(name, kwargs, X, weights)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_grad, want_grad, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("case", sorted(c for c in CASES if CASES[c][0] != "exponential"))
def test_extreme_inputs_stay_finite_and_match_keras_in_float64(case):
    """No overflow warning in nabla; Keras computed in float64 is the reference (float32 Keras overflows in
    ``squareplus`` and ``sparse_plus``). ``exponential`` overflows to inf by definition, in both."""
    name, kwargs = CASES[case]
    x = EXTREME_ROWS if name in ROW_WISE else EXTREME
    if kwargs.get("axis") == 0:
        x = np.ascontiguousarray(x[:2].T)
    weights = np.ones(getattr(activations, name)(x, **kwargs).shape, np.float32)
    want, want_grad = _keras_run(name, kwargs, x, weights, dtype=np.float64)
    got, got_grad = _nabla_run(name, kwargs, x, weights)
    # atol: float32's resolution next to 1 (an elu's slope e^-20 is 1 + expm1(-20), 0 in float32)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(got_grad, want_grad, rtol=1e-4, atol=1e-7)


def _sparsemax(z: np.ndarray) -> np.ndarray:
    """Martins & Astudillo's algorithm 1 on one float64 vector: sort, find the support size k, shift by tau."""
    z = z - z.max()  # the same projection, without losing the 1 next to 1e30
    ordered = np.sort(z)[::-1]
    k = np.arange(1, len(z) + 1)
    size = k[1 + k * ordered > np.cumsum(ordered)].max()
    return np.maximum(z - (ordered[:size].sum() - 1) / size, 0)


@pytest.mark.parametrize("x", [X, EXTREME_ROWS, X[:, :1]], ids=["random", "extreme", "one"])
def test_sparsemax_matches_its_definition_and_jacobian(x):
    """Against the paper's sorting algorithm, not Keras: Keras 3.15's sparsemax sums the cumulative sums over
    the support (its tau is wrong whenever two or more outputs are non-zero). Jacobian: diag(s) - s s^T / k."""
    weights = RNG.standard_normal(x.shape).astype(np.float32)
    got, got_grad = _nabla_run("sparsemax", {}, x, weights)
    want = np.stack([_sparsemax(row.astype(np.float64)) for row in x])
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got.sum(-1), 1.0, rtol=1e-6)
    support = want > 0
    centred = weights - (weights * support).sum(-1, keepdims=True) / support.sum(-1, keepdims=True)
    np.testing.assert_allclose(got_grad, np.where(support, centred, 0.0), rtol=1e-5, atol=1e-6)
    axis0, axis0_grad = _nabla_run("sparsemax", {"axis": 0}, np.ascontiguousarray(x.T), weights.T)
    np.testing.assert_allclose(axis0, got.T, rtol=1e-6)
    np.testing.assert_allclose(axis0_grad, got_grad.T, rtol=1e-6)


def test_names_are_keras_names_and_serialize_as_keras_does():
    keras = keras_on_torch()
    keras_names = {n for n in dir(keras.activations) if not n.startswith("_")} - {"get", "serialize", "deserialize"}
    assert set(activations._ACTIVATIONS) - keras_names == {"step"}  # nabla's perceptron step, not in Keras
    for name in keras_names:
        assert callable(getattr(activations, name)), name
        assert activations.get(name) is getattr(activations, name)
        assert activations.serialize(activations.get(name)) == keras.activations.serialize(keras.activations.get(name))
        config = keras.saving.serialize_keras_object(keras.activations.get(name))
        assert activations.deserialize(config) is activations.get(name)  # Keras's object form
    assert activations.get(None) is activations.linear and activations.get(np.tanh) is np.tanh
    with pytest.raises(ValueError, match="unknown activation 'relu7'"):
        activations.get("relu7")
    with pytest.raises(ValueError, match="cannot serialize"):
        activations.serialize(lambda x: x)
    assert activations.deserialize("mine", custom_objects={"mine": np.tanh}) is np.tanh


def test_the_tf_keras_and_keras_ops_names_are_the_same_functions():
    import nabla.tf as tf

    assert tf.keras.activations.sigmoid is activations.sigmoid
    x = nb.tensor(X)
    np.testing.assert_allclose(nk.ops.hard_tanh(x).numpy(), activations.hard_tanh(x).numpy())
    np.testing.assert_allclose(nk.ops.gelu(x).numpy(), activations.gelu(x, approximate=True).numpy())


@pytest.mark.parametrize(
    "fn", [activations.relu, activations.softmax, activations.hard_silu, activations.swish, nb.relu, nb.gelu]
)
def test_a_layer_given_a_function_saves_its_name_and_reloads(fn, tmp_path):
    model = nk.Sequential([nk.Input((8,)), nk.layers.Dense(6, activation=fn), nk.layers.Activation(fn)])
    config = model.get_config()["layers"]
    assert config[0]["config"]["activation"] == config[1]["config"]["activation"] == activations.serialize(fn)
    model.save(tmp_path / "m.keras")
    loaded = nk.models.load_model(tmp_path / "m.keras")
    assert loaded.layers[0].activation is activations.get(activations.serialize(fn))
    np.testing.assert_allclose(loaded.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6)


def test_dense_and_conv_keep_the_relu_primitive_fast_path():
    layer = nk.layers.Dense(3, activation="relu")
    assert layer.activation is activations.relu
    for fn in ("relu", activations.relu, nb.relu):  # all three take Conv2D's fused ReLU
        assert activations.name_of(nk.layers.Conv2D(2, 3, activation=fn).activation) == "relu"


@pytest.mark.parametrize(
    "name, kwargs", [("relu", {}), ("softmax", {"axis": 1}), ("leaky_relu", {"negative_slope": 0.3})]
)
def test_activation_on_keras_input_builds_a_functional_model_as_keras(name, kwargs):
    # Géron's chapter 15 WaveNet: keras.activations.relu(keras.layers.Add()(skips)) on symbolic tensors
    keras = keras_on_torch()
    models = []
    for k in (keras, nk):
        inputs = k.Input(shape=(3, 4))
        hidden = k.layers.Dense(5)(inputs)
        models.append(k.Model(inputs, getattr(k.activations, name)(hidden, **kwargs)))
    theirs, ours = models
    ours.set_weights(theirs.get_weights())
    x = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    expected = keras.ops.convert_to_numpy(theirs(x))
    np.testing.assert_allclose(np.asarray(ours(x)), expected, rtol=1e-5, atol=1e-6)
    assert ours.output.shape == tuple(theirs.output.shape)


def test_activations_on_keras_input_record_keras_3_s_operations():
    # Géron's chapter 15 WaveNet summary: relu(Add()(skips)) is Keras's ReLU operation, a row "re_lu (ReLU)";
    # exponential records exp, and linear records nothing (it returns its input).
    keras = keras_on_torch()
    names = ["relu", "sigmoid", "exponential", "linear", "leaky_relu", "softmax", "swish"]
    rows = []
    for k in (keras, nk):
        k.backend.clear_session()  # (names count from zero again, as the operations' suffixes are compared)
        x = k.Input((3,))
        model = k.Model(x, [getattr(k.activations, name)(x) for name in names])
        lines = []
        model.summary(print_fn=lambda line, *args, into=lines, **kwargs: into.append(line))
        rows.append([row.split("│")[1].strip() for row in "\n".join(lines).splitlines() if row.startswith("│")])
    ours, theirs = rows[1], rows[0]
    assert ours == theirs
    assert any("(ReLU)" in row for row in ours)
