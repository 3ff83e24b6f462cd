"""Finite differences against backprop, in float64, for every differentiable operation.

Inputs are kept away from the kinks where a derivative does not exist
(0 for abs/relu, ties for max/min, the clip bounds, |d| = delta for Huber).
The second half checks that :func:`nb.gradcheck` itself catches a wrong
gradient, and the second-order rules (the same VJPs run on Tensors).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from autograd_helpers import (
    _grad_mode_restored,  # noqa: F401  (a fixture)
    rand,
)

import nabla as nb
from nabla.engine.ops.primitive import primitive


def _uniform(shape, low=-2.0, high=2.0, seed=0):
    return np.random.default_rng(seed).uniform(low, high, size=shape)


def _away_from_zero(shape, low=0.3, high=2.0, seed=0):
    rng = np.random.default_rng(seed)
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(low, high, size=shape)


def _distinct(shape, seed=0):
    """Values at least 0.1 apart: no ties for max/min/maximum, even after a finite-difference step."""
    n = int(np.prod(shape))
    return np.random.default_rng(seed).permutation(np.linspace(-2, 2, n)).reshape(shape) + 0.01


def _positive(shape, seed=0):
    return _uniform(shape, 0.3, 2.0, seed)


def _probs(shape, axis=-1, seed=0):
    p = _uniform(shape, 0.1, 1.0, seed)
    return p / p.sum(axis=axis, keepdims=True)


U = _uniform
CLASSES = np.array([0, 2, 1, 2])
MASK = np.array([[True, False, True], [False, True, True]])

# name: (function of the inputs, list of float64 input arrays)
CASES = {
    # elementwise arithmetic, with broadcasting
    "add": (lambda a, b: a + b, [U((2, 3)), U((3,), seed=1)]),
    "sub": (lambda a, b: a - b, [U((2, 1)), U((1, 3), seed=1)]),
    "mul": (lambda a, b: a * b, [U((2, 3)), U((), seed=1)]),
    "div": (lambda a, b: a / b, [U((2, 3)), _away_from_zero((2, 3), seed=1)]),
    "pow": (lambda a, b: a**b, [_positive((2, 3)), U((2, 3), seed=1)]),
    "pow(scalar exponent)": (lambda a: a**3 + abs(a) ** -1.5 + abs(a) ** 0.5, [_away_from_zero((5,))]),
    "rpow": (lambda a: 2.0**a, [U((4,))]),
    "neg": (lambda a: -a, [U((3,))]),
    "abs": (nb.abs, [_away_from_zero((2, 3))]),
    "exp": (nb.exp, [U((2, 3))]),
    "log": (nb.log, [_positive((2, 3))]),
    "log1p": (nb.log1p, [_uniform((2, 3), -0.5, 2)]),
    "expm1": (nb.expm1, [U((2, 3))]),
    "sqrt": (nb.sqrt, [_positive((2, 3))]),
    "square": (nb.square, [U((2, 3))]),
    "sin": (nb.sin, [U((2, 3))]),
    "cos": (nb.cos, [U((2, 3))]),
    "erf": (nb.erf, [_uniform((2, 4), -3, 3)]),
    "maximum": (nb.maximum, [_distinct((2, 3)), _distinct((2, 3), seed=1) + 0.05]),
    "minimum": (nb.minimum, [_distinct((2, 3)), _distinct((3,), seed=1) + 0.05]),
    "clip": (lambda a: nb.clip(a, -0.95, 1.05), [_distinct((3, 4))]),
    "where": (lambda a, b: nb.where(MASK, a, b), [U((2, 3)), U((3,), seed=1)]),
    "clone": (lambda a: nb.clone(a) * a, [U((3,))]),
    # activations
    "sigmoid": (nb.sigmoid, [_uniform((2, 3), -5, 5)]),
    "tanh": (nb.tanh, [U((2, 3))]),
    "relu": (nb.relu, [_away_from_zero((2, 3))]),
    "leaky_relu": (lambda a: nb.leaky_relu(a, 0.1), [_away_from_zero((2, 3))]),
    "elu": (lambda a: nb.elu(a, 0.7), [_away_from_zero((2, 3))]),
    "gelu": (nb.gelu, [_uniform((2, 4), -4, 4)]),
    "gelu(tanh)": (lambda a: nb.gelu(a, approximate="tanh"), [_uniform((2, 4), -4, 4)]),
    "silu": (nb.silu, [_uniform((2, 3), -4, 4)]),
    "softplus": (nb.softplus, [_uniform((2, 3), -5, 5)]),
    "softplus(beyond threshold)": (nb.softplus, [_uniform((4,), 21, 30)]),
    "softplus(beta)": (lambda a: nb.softplus(a, beta=2.0, threshold=3.0), [_uniform((2, 3), -3, 3)]),
    "step": (lambda a: nb.step(a) * a, [_away_from_zero((2, 3))]),
    "softmax": (lambda a: nb.softmax(a, axis=0) * U((2, 3), seed=5), [U((2, 3))]),
    "log_softmax": (lambda a: nb.log_softmax(a) * U((2, 3), seed=5), [U((2, 3))]),
    # reductions
    "sum": (lambda a: nb.sum(a, axis=1) * U((2,), seed=5), [U((2, 3))]),
    "mean": (lambda a: nb.mean(a, axis=(0, 2), keepdims=True) ** 2, [U((2, 3, 2))]),
    "prod": (lambda a: nb.prod(a, axis=1), [U((3, 4))]),
    "prod(with zeros)": (nb.prod, [np.array([[0.0, 2.0, -1.5], [0.0, 0.0, 3.0]])]),
    "prod(one zero per row)": (lambda a: nb.prod(a, axis=1), [np.array([[0.0, 2.0, -1.5], [1.2, 0.0, 3.0]])]),
    "max": (lambda a: nb.max(a, axis=-1), [_distinct((3, 4))]),
    "min": (lambda a: nb.min(a, axis=(0, 1)), [_distinct((3, 4))]),
    "max(all)": (nb.max, [_distinct((3, 4))]),
    "var": (lambda a: nb.var(a, axis=0), [U((4, 3))]),
    "var(ddof=1)": (lambda a: nb.var(a, ddof=1), [U((4, 3))]),
    "std": (lambda a: nb.std(a, axis=1, keepdims=True), [U((3, 4))]),
    "logsumexp": (lambda a: nb.logsumexp(a, axis=1), [U((3, 4))]),
    "norm": (lambda a: nb.norm(a, axis=1), [U((3, 4))]),
    "norm(ord=1)": (lambda a: nb.norm(a, ord=1), [_away_from_zero((3, 4))]),
    "norm(ord=3)": (lambda a: nb.norm(a, ord=3, axis=0), [_away_from_zero((3, 4))]),
    "norm(ord=inf)": (lambda a: nb.norm(a, ord=np.inf, axis=1), [_distinct((3, 4))]),
    # shape operations (multiplied by a fixed array so that each position has its own weight)
    "reshape": (lambda a: a.reshape(3, -1) * U((3, 4), seed=5), [U((2, 6))]),
    "flatten": (lambda a: a.flatten() * U((12,), seed=5), [U((2, 3, 2))]),
    "transpose": (lambda a: a.transpose(2, 0, 1) * U((2, 2, 3), seed=5), [U((2, 3, 2))]),
    "permute": (lambda a: a.permute(1, 0) * U((3, 2), seed=5), [U((2, 3))]),
    "swapaxes": (lambda a: nb.swapaxes(a, 0, 2) * U((2, 3, 2), seed=5), [U((2, 3, 2))]),
    "moveaxis": (lambda a: nb.moveaxis(a, 0, -1) * U((3, 2, 2), seed=5), [U((2, 3, 2))]),
    "squeeze": (lambda a: a.squeeze(1) * U((2, 3), seed=5), [U((2, 1, 3))]),
    "expand_dims": (lambda a: nb.expand_dims(a, (0, 2)) * U((1, 2, 1, 3), seed=5), [U((2, 3))]),
    "broadcast_to": (lambda a: nb.broadcast_to(a, (4, 2, 3)) * U((4, 2, 3), seed=5), [U((2, 1))]),
    "concatenate": (lambda a, b: nb.concatenate([a, b, a], axis=1) * U((2, 7), seed=5), [U((2, 3)), U((2, 1))]),
    "stack": (lambda a, b: nb.stack([a, b], axis=-1) * U((3, 2), seed=5), [U((3,)), U((3,), seed=1)]),
    "split": (lambda a: nb.split(a, [1, 3], axis=1)[1] * 2 + nb.split(a, 4, axis=1)[0], [U((2, 4))]),
    "pad": (lambda a: nb.pad(a, ((1, 0), (2, 1)), value=3.0) * U((3, 5), seed=5), [U((2, 2))]),
    "flip": (lambda a: nb.flip(a, 1) * U((2, 3), seed=5), [U((2, 3))]),
    "repeat": (lambda a: nb.repeat(a, 2, axis=0) * U((4, 3), seed=5), [U((2, 3))]),
    "tile": (lambda a: nb.tile(a, (2, 2)) * U((4, 6), seed=5), [U((2, 3))]),
    "getitem(basic)": (lambda a: a[1:, None, ..., ::2] * U((2, 1, 2), seed=5), [U((3, 3))]),
    "getitem(int array, repeated)": (lambda a: a[np.array([0, 2, 0, -1])] * U((4, 3), seed=5), [U((3, 3))]),
    "getitem(negative step)": (lambda a: a[::-1, -1:0:-2] * U((3, 1), seed=5), [U((3, 3))]),
    "getitem(bool mask)": (lambda a: a[MASK] * U((4,), seed=5), [U((2, 3))]),
    "getitem(paired arrays)": (lambda a: a[np.array([1, 1, 0]), np.array([2, 2, 0])], [U((2, 3))]),
    # linear algebra
    "matmul": (lambda a, b: a @ b, [U((2, 3)), U((3, 4), seed=1)]),
    "matmul(batched, broadcast)": (lambda a, b: a @ b, [U((2, 1, 2, 3)), U((3, 3, 2), seed=1)]),
    "matmul(1-d)": (lambda a, b, c: (a @ b) @ c + a[:2] @ c, [U((3,)), U((3, 2), seed=1), U((2,), seed=2)]),
    "dot": (nb.dot, [U((4,)), U((4,), seed=1)]),
    "outer": (nb.outer, [U((3,)), U((2,), seed=1)]),
    "einsum(ij,jk->ik)": (lambda a, b: nb.einsum("ij,jk->ik", a, b), [U((2, 3)), U((3, 2), seed=1)]),
    "einsum(bij,bjk->bik)": (lambda a, b: nb.einsum("bij,bjk->bik", a, b), [U((2, 2, 3)), U((2, 3, 2), seed=1)]),
    "einsum(ij->j)": (lambda a: nb.einsum("ij->j", a) ** 2, [U((2, 3))]),
    "einsum(i,j->ij)": (lambda a, b: nb.einsum("i,j->ij", a, b) ** 2, [U((3,)), U((2,), seed=1)]),
    "einsum(bi,bi->b)": (lambda a, b: nb.einsum("bi,bi->b", a, b) ** 2, [U((2, 3)), U((2, 3), seed=1)]),
    "einsum(ij,k->k)": (lambda a, b: nb.einsum("ij,k->k", a, b) ** 2, [U((2, 3)), U((2,), seed=1)]),
    "linear": (nb.linear, [U((3, 4)), U((2, 4), seed=1), U((2,), seed=2)]),
    "linear(3-d, no bias)": (lambda x, w: nb.linear(x, w) ** 2, [U((2, 2, 3)), U((2, 3), seed=1)]),
    "dense (Keras's kernel layout)": (nb.ops.dense, [U((3, 4)), U((4, 2), seed=1), U((2,), seed=2)]),
    "dense(3-d, no bias)": (lambda x, k: nb.ops.dense(x, k) ** 2, [U((2, 2, 3)), U((3, 2), seed=1)]),
    # convolution and pooling
    "conv2d": (
        lambda x, w, b: nb.conv2d(x, w, b, stride=(2, 1), padding=1, dilation=(1, 2)),
        [U((2, 2, 5, 6)), U((3, 2, 3, 2), seed=1), U((3,), seed=2)],
    ),
    "conv2d_nhwc (8 channels: the patch matrix by rows)": (
        lambda x, k, b: nb.ops.conv2d_nhwc(x, k, b, stride=(1, 2), padding=((1, 0), (0, 1)), dilation=(2, 1)),
        [U((2, 5, 6, 8)), U((2, 3, 8, 3), seed=1), U((3,), seed=2)],
    ),
    "max_pool2d": (lambda x: nb.max_pool2d(x, 3, stride=2, padding=1), [_distinct((2, 2, 5, 6))]),
    "max_pool2d(overlapping)": (lambda x: nb.max_pool2d(x, (2, 3), stride=1), [_distinct((1, 2, 4, 5))]),
    "avg_pool2d": (lambda x: nb.avg_pool2d(x, (2, 3), stride=(1, 2), padding=1), [U((2, 2, 5, 6))]),
    # losses
    "cross_entropy": (lambda x: nb.cross_entropy(x, CLASSES), [U((4, 3))]),
    "cross_entropy(all options)": (
        lambda x: nb.cross_entropy(
            x, CLASSES, weight=np.array([0.5, 1.0, 2.0]), ignore_index=1, label_smoothing=0.2, reduction="mean"
        ),
        [U((4, 3))],
    ),
    "cross_entropy(N,C,d)": (lambda x: nb.cross_entropy(x, CLASSES.reshape(2, 2), reduction="sum"), [U((2, 3, 2))]),
    "cross_entropy(probabilities)": (
        lambda x, p: nb.cross_entropy(x, p, label_smoothing=0.1),
        [U((4, 3)), _probs((4, 3))],
    ),
    "nll_loss": (lambda x: nb.nll_loss(x, CLASSES, weight=np.array([1.0, 2.0, 0.5])), [U((4, 3))]),
    "binary_cross_entropy": (
        lambda p, y: nb.binary_cross_entropy(p, y, weight=np.array([1.0, 2.0, 0.5])),
        [_uniform((2, 3), 0.1, 0.9), _uniform((2, 3), 0, 1, seed=1)],
    ),
    "binary_cross_entropy_with_logits": (
        lambda x, y: nb.binary_cross_entropy_with_logits(x, y, pos_weight=np.array([2.0, 0.5, 1.0])),
        [_uniform((2, 3), -4, 4), _uniform((2, 3), 0, 1, seed=1)],
    ),
    "mse_loss": (nb.mse_loss, [U((2, 3)), U((2, 3), seed=1)]),
    "l1_loss": (lambda a: nb.l1_loss(a, np.zeros((2, 3))), [_away_from_zero((2, 3))]),
    "huber_loss": (lambda a: nb.huber_loss(a, np.zeros(6), delta=0.8), [np.array([-2.0, -0.5, 0.1, 0.6, 1.0, 3.0])]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_gradcheck(name):
    fn, arrays = CASES[name]
    inputs = [nb.tensor(np.asarray(a, dtype=np.float64), requires_grad=True) for a in arrays]
    assert nb.gradcheck(fn, *inputs)


# --- gradcheck catches wrong gradients -------------------------------------------------------


@primitive("wrong_square")
def _wrong_square(xp, x):
    return x * x


@_wrong_square.defvjp
def _(xp, need, g, out, x):
    return (g * 3 * x,)  # should be 2 x


@primitive("wrong_mul")
def _wrong_mul(xp, a, b):
    return a * b


@_wrong_mul.defvjp
def _(xp, need, g, out, a, b):
    return g * b, g * a * (1 + (a > 1.5))  # wrong for the second input where a > 1.5 only


@primitive("nan_grad")
def _nan_grad(xp, x):
    return x * 2


@_nan_grad.defvjp
def _(xp, need, g, out, x):
    return (g * math.nan,)


def test_gradcheck_fails_with_a_helpful_message():
    x = nb.tensor(np.array([[0.5, -1.0], [2.0, 0.25]]), requires_grad=True)
    with pytest.raises(nb.GradcheckError, match=r"input 0 \(shape \(2, 2\)\) at index \(1, 0\)") as info:
        nb.gradcheck(_wrong_square, x)
    message = str(info.value)
    assert "backprop gives 6" in message and "finite differences 4" in message
    assert "relative error 0.5" in message


def test_gradcheck_names_the_input_and_element_that_is_wrong():
    a = nb.tensor(np.array([1.0, 2.0, 0.5]), requires_grad=True)
    b = nb.tensor(np.array([0.3, -0.7, 1.1]), requires_grad=True)
    with pytest.raises(nb.GradcheckError, match=r"input 1 \(shape \(3,\)\) at index \(1,\).*relative error 1"):
        nb.gradcheck(_wrong_mul, a, b)
    a2 = nb.tensor(np.array([1.0, 0.2, 0.5]), requires_grad=True)
    assert nb.gradcheck(_wrong_mul, a2, b)  # correct where a <= 1.5: the check is not a tautology


def test_gradcheck_fails_on_nan_gradient():
    x = nb.tensor(np.array([-1.0, 2.0]), requires_grad=True)
    assert not nb.gradcheck(_nan_grad, x, raise_exception=False)


def test_gradcheck_without_raising_returns_false():
    x = nb.tensor(np.array([1.0, 2.0]), requires_grad=True)
    assert nb.gradcheck(_wrong_square, x, raise_exception=False) is False
    assert nb.gradcheck(nb.square, x, raise_exception=False) is True


def test_gradcheck_needs_an_input_that_requires_grad():
    with pytest.raises(ValueError, match="requires_grad"):
        nb.gradcheck(nb.exp, nb.tensor(np.ones(2)))


def test_numerical_grad_matches_analytic_gradient():
    x = np.array([[0.5, -1.0, 2.0], [1.5, 0.1, -0.3]])
    y = np.array([0.7, -1.2, 2.5])
    gx, gy = nb.numerical_grad(lambda a, b: nb.sin(a) * b**2, nb.tensor(x), nb.tensor(y))
    assert gx.dtype == gy.dtype == np.float64
    np.testing.assert_allclose(gx, np.cos(x) * y**2, rtol=1e-8, atol=1e-9)
    np.testing.assert_allclose(gy, (np.sin(x) * 2 * y).sum(axis=0), rtol=1e-8, atol=1e-9)


def test_numerical_grad_of_float32_inputs_is_float64_and_leaves_inputs_alone():
    x = nb.tensor(np.array([1.0, 2.0, 3.0], dtype=np.float32))
    (g,) = nb.numerical_grad(lambda a: (a**3).sum(), x)
    assert g.dtype == np.float64 and x.dtype == np.float32
    np.testing.assert_allclose(g, 3 * np.array([1.0, 4.0, 9.0]), rtol=1e-6)
    assert x.tolist() == [1.0, 2.0, 3.0]


# --- second order: the same gradient rules, run on Tensors ---------------------------------


def _gradient_of(fn):
    """``x -> d sum(fn(x)) / dx`` as a function that gradcheck can differentiate again."""

    def grad_fn(x):
        with nb.enable_grad():
            if x.requires_grad:  # backprop through the backward pass
                (g,) = nb.grad(fn(x).sum(), x, create_graph=True)
                return g
            leaf = x.detach().requires_grad_()  # finite differences: a fresh leaf, first order only
            (g,) = nb.grad(fn(leaf).sum(), leaf)
            return g.detach()

    return grad_fn


W = U((2, 3), seed=7)
SECOND_ORDER = {
    "mul/square": (lambda a: a * a * a + nb.square(a), U((2, 3))),
    "div": (lambda a: 1.0 / a + a / 3.0, _away_from_zero((2, 3))),
    "pow": (lambda a: a**3.0 + 2.0**a, U((2, 3))),
    "exp/log": (lambda a: nb.exp(a) * nb.log(a), _positive((2, 3))),
    "log1p/expm1/sqrt": (lambda a: nb.log1p(a) * nb.expm1(a) + nb.sqrt(a), _positive((2, 3))),
    "sin/cos": (lambda a: nb.sin(a) * nb.cos(2 * a), U((2, 3))),
    "abs": (lambda a: nb.abs(a) * a, _away_from_zero((2, 3))),
    "erf": (lambda a: nb.erf(a), U((2, 3))),
    "maximum/minimum": (lambda a: nb.maximum(a, W) * nb.minimum(a * a, W), _distinct((2, 3))),
    "clip": (lambda a: nb.clip(a, -0.95, 1.05) * a, _distinct((2, 3))),
    "where": (lambda a: nb.where(MASK, a * a, a * a * a), U((2, 3))),
    "sigmoid": (nb.sigmoid, U((2, 3))),
    "tanh": (nb.tanh, U((2, 3))),
    "relu/leaky_relu": (lambda a: nb.relu(a) * a + nb.leaky_relu(a, 0.1) * a, _away_from_zero((2, 3))),
    "elu": (lambda a: nb.elu(a) * a, _away_from_zero((2, 3))),
    "gelu": (nb.gelu, U((2, 3))),
    "gelu(tanh)": (lambda a: nb.gelu(a, approximate="tanh"), U((2, 3))),
    "silu": (nb.silu, U((2, 3))),
    "softplus": (lambda a: nb.softplus(a, beta=2.0), U((2, 3))),
    "softmax": (lambda a: nb.softmax(a, axis=1) * W, U((2, 3))),
    "log_softmax": (lambda a: nb.log_softmax(a, axis=0) * W, U((2, 3))),
    "sum/mean": (lambda a: nb.sum(a, axis=1, keepdims=True) ** 2 + nb.mean(a, axis=0, keepdims=True) ** 3, U((2, 3))),
    "prod": (lambda a: nb.prod(a, axis=1), U((2, 3))),
    "max/min": (lambda a: nb.max(a * a, axis=1) + nb.min(a * a * a), _distinct((2, 3))),
    "var/std": (lambda a: nb.var(a, axis=1) + nb.std(a), U((2, 3))),
    "logsumexp": (lambda a: nb.logsumexp(a, axis=0), U((2, 3))),
    "norm": (lambda a: nb.norm(a, axis=1) + nb.norm(a, ord=3), _away_from_zero((2, 3))),
    "shape ops": (
        lambda a: (
            (nb.flip(a.T, 0).reshape(-1)[np.array([0, 0, 4])] ** 2).sum()
            + (nb.tile(nb.pad(a, 1), (1, 2)) ** 3).sum()
            + (nb.concatenate([a, a * a], axis=0) ** 2).sum()
        ),
        U((2, 3)),
    ),
    "more shape ops": (
        lambda a: (
            (nb.stack([a, a * a], axis=1) ** 2).sum()
            + (nb.moveaxis(nb.expand_dims(a, 0), 0, -1).squeeze(-1) ** 3).sum()
            + (nb.repeat(a, 2, axis=1) * nb.broadcast_to(a[:, :1], (2, 6)) ** 2).sum()
            + (nb.split(a, [1], axis=1)[1] ** 3).sum()
        ),
        U((2, 3)),
    ),
    "getitem(mask)": (lambda a: a[MASK] ** 3, U((2, 3))),
    "matmul": (lambda a: (a @ a.T) ** 2, U((2, 3))),
    "einsum": (lambda a: (nb.einsum("ij,k->k", a, a[0]) ** 2).sum() + nb.einsum("ij,kj->ik", a, a) ** 2, U((2, 3))),
    "linear": (lambda a: nb.linear(a, a * a, a[:, 0]) ** 2, U((2, 2))),
    "dense": (lambda a: nb.ops.dense(a, a * a, a[:, 0]) ** 2, U((2, 2))),
    "conv2d": (lambda a: nb.conv2d(a, a[:2, :, :2, :2] * 0.5, stride=1, padding=1) ** 2, U((2, 2, 3, 3))),
    "conv2d_nhwc": (lambda a: nb.ops.conv2d_nhwc(a, a[:2, :2] * 0.5, padding=1) ** 2, U((2, 3, 3, 3))),
    "max_pool2d": (lambda a: nb.max_pool2d(a * a * a, 2, stride=1) ** 2, _distinct((1, 2, 3, 3))),
    "avg_pool2d": (lambda a: nb.avg_pool2d(a, 2, stride=1, padding=1) ** 3, U((1, 2, 3, 3))),
    "cross_entropy(fused)": (lambda a: nb.cross_entropy(a, np.array([2, 0]), reduction="sum") * a[0, 0], U((2, 3))),
    "cross_entropy": (
        lambda a: nb.cross_entropy(a, np.array([2, 0]), weight=np.array([0.5, 1.0, 2.0]), label_smoothing=0.1),
        U((2, 3)),
    ),
    "bce_with_logits": (lambda a: nb.binary_cross_entropy_with_logits(a, MASK * 1.0, pos_weight=2.0), U((2, 3))),
    "bce": (lambda a: nb.binary_cross_entropy(nb.sigmoid(a), MASK * 0.8), U((2, 3))),
    "huber": (lambda a: nb.huber_loss(a * a, np.ones((2, 3)), delta=0.7), _distinct((2, 3))),
}


@pytest.mark.parametrize("name", list(SECOND_ORDER))
def test_second_order_gradcheck(name):
    fn, array = SECOND_ORDER[name]
    x = nb.tensor(array, requires_grad=True)
    assert nb.gradcheck(_gradient_of(fn), x)


# --- gradcheck on composite functions, integer targets, a wrong rule -------------------------


def test_gradcheck_passes_on_a_composite_function():
    x = nb.tensor(rand(3, 4, seed=30), requires_grad=True)
    w = nb.tensor(rand(4, 2, seed=31), requires_grad=True)
    b = nb.tensor(rand(2, seed=32))  # a constant input

    def f(x, w, b):
        h = (x @ w + b).tanh()
        return (h * h.sigmoid()).sum(axis=0) / (1 + x.exp().mean()) + nb.logsumexp(x, axis=1).sum()

    assert nb.gradcheck(f, x, w, b)


def test_gradcheck_with_integer_targets():
    x = nb.tensor(rand(4, 3, seed=33), requires_grad=True)
    assert nb.gradcheck(lambda x, t: nb.cross_entropy(x, t), x, nb.tensor([0, 2, 1, 1]))
    numeric = nb.numerical_grad(lambda x, t: nb.cross_entropy(x, t), x, nb.tensor([0, 2, 1, 1]))
    assert numeric[1] is None and numeric[0].shape == (4, 3)


@primitive("half_grad_square")
def _half_grad_square(xp, x):
    return x * x


@_half_grad_square.defvjp
def _(xp, need, g, out, x):
    return (g * x,)  # should be 2 g x


def test_gradcheck_catches_a_wrong_gradient():
    x = nb.tensor([0.5, -1.0, 2.0], dtype=nb.float64, requires_grad=True)
    with pytest.raises(nb.GradcheckError, match=r"input 0 \(shape \(3,\)\) at index \(2,\): backprop gives 2, "):
        nb.gradcheck(_half_grad_square, x)
    assert nb.gradcheck(_half_grad_square, x, raise_exception=False) is False


def test_gradcheck_needs_an_input_requiring_grad():
    with pytest.raises(ValueError, match="no input requires grad"):
        nb.gradcheck(lambda x: x * 2, nb.ones(2))
