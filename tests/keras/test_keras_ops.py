"""``nabla.keras.ops`` against Keras 3's ``keras.ops`` (PyTorch backend): values, and gradients by backward."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import assert_ops_match, assert_values_match, keras_on_torch

import nabla as nb
from nabla.keras import ops

RNG = np.random.default_rng(0)
X = RNG.standard_normal((3, 4)).astype(np.float32)
POS = (np.abs(X) + 0.5).astype(np.float32)
W = RNG.standard_normal((4, 5)).astype(np.float32)
PROBS = (np.exp(X) / np.exp(X).sum(-1, keepdims=True)).astype(np.float32)
LABELS = np.array([0, 3, 1])
ONE_HOT = np.eye(4, dtype=np.float32)[LABELS]
TARGETS = (RNG.random((3, 4)) > 0.5).astype(np.float32)
SIGMOIDS = (1 / (1 + np.exp(-X))).astype(np.float32)
RAMP = np.arange(12.0, dtype=np.float32)  # weights that make the gradient of a rearrangement tell where values went

# name -> (function of the module given, differentiable inputs, other arguments)
CASES = {
    "matmul": (lambda k, x, w: k.matmul(x, w), (X, W)),
    "relu": (lambda k, x: k.relu(x), (X,)),
    "relu6": (lambda k, x: k.relu6(x * 4), (X,)),
    "sigmoid": (lambda k, x: k.sigmoid(x), (X,)),
    "tanh": (lambda k, x: k.tanh(x), (X,)),
    "softmax": (lambda k, x: k.softmax(x), (X,)),
    "softmax_axis0": (lambda k, x: k.softmax(x, axis=0), (X,)),
    "log_softmax": (lambda k, x: k.log_softmax(x), (X,)),
    "gelu": (lambda k, x: k.gelu(x), (X,)),
    "gelu_exact": (lambda k, x: k.gelu(x, approximate=False), (X,)),
    "leaky_relu": (lambda k, x: k.leaky_relu(x), (X,)),
    "elu": (lambda k, x: k.elu(x), (X,)),
    "selu": (lambda k, x: k.selu(x), (X,)),
    "silu": (lambda k, x: k.silu(x), (X,)),
    "softplus": (lambda k, x: k.softplus(x), (X,)),
    "softsign": (lambda k, x: k.softsign(x), (X,)),
    "hard_sigmoid": (lambda k, x: k.hard_sigmoid(x * 3), (X,)),
    "log_sigmoid": (lambda k, x: k.log_sigmoid(x), (X,)),
    "mean": (lambda k, x: k.mean(x), (X,)),
    "mean_axis": (lambda k, x: k.mean(x, axis=-1, keepdims=True), (X,)),
    "sum": (lambda k, x: k.sum(x, axis=0), (X,)),
    "max": (lambda k, x: k.max(x, axis=1), (X,)),
    "min": (lambda k, x: k.min(x), (X,)),
    "var": (lambda k, x: k.var(x, axis=0), (X,)),
    "std": (lambda k, x: k.std(x, axis=1), (X,)),
    "prod": (lambda k, x: k.prod(x, axis=1), (X,)),
    "logsumexp": (lambda k, x: k.logsumexp(x, axis=1), (X,)),
    "square": (lambda k, x: k.square(x), (X,)),
    "sqrt": (lambda k, x: k.sqrt(x), (POS,)),
    "rsqrt": (lambda k, x: k.rsqrt(x), (POS,)),
    "exp": (lambda k, x: k.exp(x), (X,)),
    "log": (lambda k, x: k.log(x), (POS,)),
    "log2": (lambda k, x: k.log2(x), (POS,)),
    "log1p": (lambda k, x: k.log1p(x), (POS,)),
    "abs": (lambda k, x: k.abs(x), (X,)),
    "tan": (lambda k, x: k.tan(x), (X,)),
    "reciprocal": (lambda k, x: k.reciprocal(x), (POS,)),
    "arithmetic": (lambda k, x, y: k.divide(k.add(k.multiply(x, 2.0), y), k.subtract(y, -3.0)), (X, POS)),
    "power": (lambda k, x: k.power(x, 3), (X,)),
    "maximum": (lambda k, x, y: k.maximum(x, y), (X, POS - 1)),
    "clip": (lambda k, x: k.clip(x, -0.5, 0.5), (X,)),
    "where": (lambda k, x, y: k.where(x > 0, x, y), (X, POS)),
    "reshape": (lambda k, x: k.multiply(k.reshape(x, (2, 6)), RAMP.reshape(2, 6)), (X,)),
    "transpose": (lambda k, x: k.multiply(k.transpose(x), RAMP.reshape(4, 3)), (X,)),
    "expand_squeeze": (lambda k, x: k.squeeze(k.expand_dims(x, 1), axis=1), (X,)),
    "concatenate": (lambda k, x, y: k.concatenate([x, y * 2], axis=1), (X, POS)),
    "stack": (lambda k, x, y: k.stack([x, y * 2], axis=0), (X, POS)),
    "tile": (lambda k, x: k.tile(x, (2, 1)), (X,)),
    "repeat": (lambda k, x: k.repeat(x, 2, axis=1), (X,)),
    "flip": (lambda k, x: k.multiply(k.flip(x, axis=1), RAMP[:4]), (X,)),
    "take": (lambda k, x: k.take(x, np.array([2, 0, 2]), axis=1), (X,)),
    "take_along_axis": (lambda k, x: k.take_along_axis(x, np.array([[1], [0], [3]]), axis=1), (X,)),
    "sort": (lambda k, x: k.multiply(k.sort(x), RAMP[:4]), (X,)),
    "cumsum": (lambda k, x: k.multiply(k.cumsum(x, axis=1), RAMP[:4]), (X,)),
    "tril": (lambda k, x: k.tril(x), (X,)),
    "triu": (lambda k, x: k.triu(x, 1), (X,)),
    "norm": (lambda k, x: k.norm(x, axis=1), (X,)),
    "normalize": (lambda k, x: k.normalize(x), (X,)),
    "einsum": (lambda k, x, w: k.einsum("ij,jk->ik", x, w), (X, W)),
    "dot": (lambda k, x, w: k.dot(x, w), (X, W)),
    "outer": (lambda k, x, y: k.outer(x[0], y[1]), (X, POS)),
    "pad": (lambda k, x: k.pad(x, ((1, 0), (0, 2)), constant_values=1.0), (X,)),
    "pad_reflect": (lambda k, x: k.multiply(k.pad(x, ((2, 1), (1, 3)), mode="reflect"), RAMP[:8]), (X,)),
    "sparse_cce": (lambda k, p: k.sparse_categorical_crossentropy(LABELS, p), (PROBS,)),
    "sparse_cce_logits": (lambda k, x: k.sparse_categorical_crossentropy(LABELS, x, from_logits=True), (X,)),
    "cce": (lambda k, p: k.categorical_crossentropy(ONE_HOT, p), (PROBS,)),
    "cce_logits": (lambda k, x: k.categorical_crossentropy(ONE_HOT, x, from_logits=True), (X,)),
    "bce": (lambda k, p: k.binary_crossentropy(TARGETS, p), (SIGMOIDS,)),
    "bce_logits": (lambda k, x: k.binary_crossentropy(TARGETS, x, from_logits=True), (X,)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_op_values_and_gradients_match_keras(name):
    assert_ops_match(*CASES[name])


@pytest.mark.parametrize("mode", ["symmetric", "edge", "wrap"])
def test_pad_modes_are_numpys(mode):
    """NumPy is the reference where Keras 3.15's torch backend is not: it pads "symmetric" as "edge" (fixed in
    later Keras); TensorFlow's SYMMETRIC checks the gradient (tests/tf/test_tf_ops_parity.py)."""
    widths = ((1, 3), (4, 0))
    np.testing.assert_array_equal(ops.pad(X, widths, mode=mode).numpy(), np.pad(X, widths, mode=mode))


@pytest.mark.parametrize(
    "call",
    [
        lambda k: k.ones((2, 3)),
        lambda k: k.zeros((2,), dtype="float64"),
        lambda k: k.full((2, 2), 3.0),
        lambda k: k.eye(3),
        lambda k: k.linspace(0.0, 1.0, 5),
        lambda k: k.one_hot(np.array([0, 2, 1]), 3),
        lambda k: k.one_hot(np.array([0, 2]), 3, axis=0),
        lambda k: k.argmax(X, axis=1),
        lambda k: k.argmin(X),
        lambda k: k.argsort(X[0]),
        lambda k: k.floor(X),
        lambda k: k.round(X * 3),
        lambda k: k.cast(X * 3, "float64"),
        lambda k: k.ones_like(X),
        lambda k: k.zeros_like(X),
        lambda k: k.greater(X, 0.0),
        lambda k: k.logical_and(X > 0, X < 1),
        lambda k: k.top_k(X, 2)[0],
        lambda k: k.top_k(X, 2)[1],
        lambda k: k.moments(X, axes=[0])[1],
        lambda k: k.split(X, 2, axis=1)[1],
        lambda k: k.hstack([X, X]),
        lambda k: k.vstack([X[0], X[1]]),
        lambda k: k.broadcast_to(X[0], (2, 4)),
        lambda k: k.all(X > -10),
        lambda k: k.stop_gradient(k.convert_to_tensor(X)),
    ],
)
def test_values_of_non_differentiable_and_creation_ops_match_keras(call):
    assert_values_match(call)


def test_shape_convert_and_dtype_helpers():
    keras = keras_on_torch()
    x = ops.convert_to_tensor([[1.0, 2.0]])
    assert ops.shape(x) == keras.ops.shape(keras.ops.convert_to_tensor([[1.0, 2.0]])) == (1, 2)
    assert ops.dtype(x) == keras.ops.dtype(keras.ops.convert_to_tensor([[1.0, 2.0]])) == "float32"
    assert ops.convert_to_tensor(x) is x
    assert ops.convert_to_tensor(x, "float64").dtype == np.float64
    assert ops.is_tensor(x) and not ops.is_tensor(np.ones(2))
    trained = nb.tensor([1.0], requires_grad=True) * 2  # convert_to_numpy works on tensors that need grad
    np.testing.assert_array_equal(ops.convert_to_numpy(trained), [2.0])
    assert ops.ndim(x) == 2 and ops.size(x) == 2


def test_where_with_the_condition_only_gives_the_indices():
    rows, cols = ops.where(np.array([[True, False], [False, True]]))
    assert rows.tolist() == [0, 1] and cols.tolist() == [0, 1]


def test_control_flow_runs_eagerly():
    assert ops.cond(True, lambda: 1, lambda: 2) == 1
    assert ops.fori_loop(0, 4, lambda i, v: v + i, 0) == 6
    assert ops.while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, s * 2), (0, 1)) == (3, 8)
    np.testing.assert_allclose(ops.vectorized_map(lambda r: ops.sum(r), X).numpy(), X.sum(1), rtol=1e-6)


def test_a_name_nabla_lacks_says_what_to_use():
    with pytest.raises(AttributeError, match="nabla.keras does not offer keras.ops.fft: FFTs are not offered"):
        ops.fft  # noqa: B018
    with pytest.raises(AttributeError, match="did you mean relu"):
        ops.relux  # noqa: B018
