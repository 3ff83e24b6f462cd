"""Property tests: arbitrary broadcastable shapes and arbitrary reduction axes, against torch in float64."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, mutually_broadcastable_shapes
from reference import compare
from reference import torch as torch_module

import nabla as nb

# Derandomized: the same examples on every run, so CI cannot turn red by chance.
PROFILE = settings(max_examples=40, deadline=None, derandomize=True)


def T():
    return torch_module()


def _arrays(shapes, seed, low=-2.0, high=2.0):
    rng = np.random.default_rng(seed)
    return [rng.uniform(low, high, size=s) for s in shapes]


BINARY = {
    "add": (lambda a, b: a + b, None),
    "sub": (lambda a, b: a - b, None),
    "mul": (lambda a, b: a * b, None),
    "div": (lambda a, b: a / b, None),
    "pow": (lambda a, b: a**b, None),
    "maximum": (nb.maximum, lambda a, b: T().maximum(a, b)),
    "minimum": (nb.minimum, lambda a, b: T().minimum(a, b)),
    "where": (lambda a, b: nb.where(a._data > 0, a, b), lambda a, b: T().where(a > 0, a, b)),
}


@pytest.mark.parametrize("op", list(BINARY))
@PROFILE
@given(shapes=mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=4), seed=st.integers(0, 99))
def test_binary_ops_broadcast_like_torch(op, shapes, seed):
    fn, torch_fn = BINARY[op]
    a, b = _arrays(shapes.input_shapes, seed)
    if op == "pow":
        a = np.abs(a) + 0.5
    if op == "div":
        b = np.where(b < 0, b - 0.5, b + 0.5)
    out = compare(fn, torch_fn=torch_fn, inputs=[a, b])
    assert out.shape == shapes.result_shape


@PROFILE
@given(shapes=mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3, max_side=3), seed=st.integers(0, 99))
def test_three_way_broadcast_chain(shapes, seed):
    a, b, c = _arrays(shapes.input_shapes, seed)
    out = compare(lambda x, y, z: (x * y - z) / (1.5 + y * y) + x, inputs=[a, b, c])
    assert out.shape == shapes.result_shape


@PROFILE
@given(
    shapes=mutually_broadcastable_shapes(signature="(m,n),(n,p)->(m,p)", max_dims=2, max_side=3),
    seed=st.integers(0, 99),
)
def test_matmul_batch_broadcasting(shapes, seed):
    a, b = _arrays(shapes.input_shapes, seed)
    compare(lambda x, y: x @ y, inputs=[a, b])


@st.composite
def shape_and_axes(draw, min_dims=0):
    shape = draw(array_shapes(min_dims=min_dims, max_dims=4, min_side=1, max_side=4))
    ndim = len(shape)
    kind = draw(st.sampled_from(["none", "int", "tuple"]) if ndim else st.just("none"))
    if kind == "none":
        axis = None
    elif kind == "int":
        axis = draw(st.integers(-ndim, ndim - 1))
    else:
        chosen = draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True))
        negate = draw(st.lists(st.booleans(), min_size=len(chosen), max_size=len(chosen)))
        axis = tuple(a - ndim if n else a for a, n in zip(chosen, negate))
    return shape, axis


def _dims(axis, ndim):
    return tuple(range(ndim)) if axis is None else axis


def _torch_prod(x, axis, keepdim):
    axes = sorted({a % x.ndim for a in np.atleast_1d(_dims(axis, x.ndim)).tolist()}) if x.ndim else []
    out = x
    for a in reversed(axes):
        out = T().prod(out, dim=a, keepdim=True)
    return out if keepdim else out.reshape([s for i, s in enumerate(out.shape) if i not in axes])


REDUCTIONS = {
    "sum": (nb.sum, lambda x, a, k: T().sum(x, dim=a, keepdim=k)),
    "mean": (nb.mean, lambda x, a, k: T().mean(x, dim=a, keepdim=k)),
    "prod": (nb.prod, _torch_prod),
    "max": (nb.max, lambda x, a, k: T().amax(x, dim=_dims(a, x.ndim), keepdim=k)),
    "min": (nb.min, lambda x, a, k: T().amin(x, dim=_dims(a, x.ndim), keepdim=k)),
    "var": (nb.var, lambda x, a, k: T().var(x, dim=a, keepdim=k, correction=0)),
    "std": (nb.std, lambda x, a, k: T().std(x, dim=a, keepdim=k, correction=0)),
    "logsumexp": (nb.logsumexp, lambda x, a, k: T().logsumexp(x, dim=_dims(a, x.ndim), keepdim=k)),
    "norm": (nb.norm, lambda x, a, k: T().linalg.vector_norm(x, dim=a, keepdim=k)),
}


@pytest.mark.parametrize("op", list(REDUCTIONS))
@PROFILE
@given(case=shape_and_axes(), keepdims=st.booleans(), seed=st.integers(0, 99))
def test_reductions_over_any_axes(op, case, keepdims, seed):
    shape, axis = case
    fn, torch_fn = REDUCTIONS[op]
    (x,) = _arrays([shape], seed)
    out = compare(
        lambda t: fn(t, axis=axis, keepdims=keepdims), torch_fn=lambda t: torch_fn(t, axis, keepdims), inputs=[x]
    )
    # The shape rule, independently of torch: NumPy's.
    assert out.shape == np.sum(x, axis=axis, keepdims=keepdims).shape


@PROFILE
@given(case=shape_and_axes(min_dims=1), keepdims=st.booleans(), seed=st.integers(0, 99))
def test_sum_and_mean_match_numpy_in_float32(case, keepdims, seed):
    shape, axis = case
    x = _arrays([shape], seed)[0].astype(np.float32)
    for fn, ref in ((nb.sum, np.sum), (nb.mean, np.mean)):
        out = fn(nb.tensor(x), axis=axis, keepdims=keepdims)
        expect = ref(x, axis=axis, keepdims=keepdims)
        assert out.dtype == np.float32 and out.shape == np.shape(expect)
        np.testing.assert_allclose(out.numpy(), expect, rtol=1e-5, atol=1e-5)


@PROFILE
@given(case=shape_and_axes(min_dims=1), seed=st.integers(0, 99))
def test_max_gradient_sums_to_one_per_slice(case, seed):
    """Whatever the ties (few distinct values), each reduced slice passes on exactly its gradient."""
    shape, axis = case
    x = np.random.default_rng(seed).integers(0, 3, size=shape).astype(np.float64)
    t = nb.tensor(x, requires_grad=True)
    nb.max(t, axis=axis).sum().backward()
    np.testing.assert_allclose(nb.sum(t.grad, axis=axis).numpy(), 1.0)
    compare(lambda a: nb.max(a, axis=axis), torch_fn=lambda a: T().amax(a, dim=_dims(axis, a.ndim)), inputs=[x])


@PROFILE
@given(case=shape_and_axes(min_dims=1), seed=st.integers(0, 99))
def test_argmax_argmin_match_numpy(case, seed):
    shape, axis = case
    if isinstance(axis, tuple):
        axis = axis[0]
    x = np.random.default_rng(seed).integers(0, 4, size=shape).astype(np.float64)  # ties: first index wins
    np.testing.assert_array_equal(nb.argmax(nb.tensor(x), axis=axis).numpy(), np.argmax(x, axis=axis))
    np.testing.assert_array_equal(nb.argmin(nb.tensor(x), axis=axis).numpy(), np.argmin(x, axis=axis))


# --- the backend's shortcuts give NumPy's own results ----------------------------------------------


@PROFILE
@given(
    shape=array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4), ndim=st.integers(0, 3), seed=st.integers(0, 99)
)
def test_backend_broadcast_to_is_numpys(shape, ndim, seed):
    """A single element is broadcast by a view made directly: same values, read-only, same refusals."""
    from nabla.engine import backend

    x = np.random.default_rng(seed).standard_normal((1,) * ndim).astype(np.float32)
    with pytest.raises(ValueError):  # (-1 is no size to broadcast to; NumPy's constructor would infer it)
        backend.broadcast_to(x, (-1,) + shape)
    for value in (x, x.reshape(()), x.reshape(())[()]):  # an array, a 0-d array, a NumPy scalar
        try:
            expected = np.broadcast_to(value, shape)
        except ValueError:
            with pytest.raises(ValueError):
                backend.broadcast_to(value, shape)
            continue
        got = backend.broadcast_to(value, shape)
        assert got.shape == expected.shape and got.dtype == expected.dtype and not got.flags.writeable
        np.testing.assert_array_equal(got, expected)


@PROFILE
@given(m=st.integers(0, 9), k=st.integers(0, 9), n=st.integers(0, 9), seed=st.integers(0, 99))
def test_backend_matmul_of_matrices_is_bit_identical(m, k, n, seed):
    from nabla.engine import backend

    rng = np.random.default_rng(seed)
    a, b = rng.standard_normal((m, k)).astype(np.float32), rng.standard_normal((n, k)).astype(np.float32)
    for left, right in ((a, b.T), (a, np.ascontiguousarray(b.T)), (np.asfortranarray(a), b.T)):
        got = backend.matmul(left, right)
        assert got.dtype == np.float32
        np.testing.assert_array_equal(got, np.matmul(left, right), strict=True)


def test_backend_sigmoid_is_the_two_branch_form_bit_for_bit():
    """max(e, x >= 0) / (1 + e) picks the same numerator as the textbook two-branch form, NaN and -0 included."""
    from nabla.engine import backend

    x = np.concatenate(
        [
            np.random.default_rng(0).standard_normal(10_000).astype(np.float32) * 30,
            np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 88.7, -88.7, 1e-45, -1e-45, 3.4e38, -3.4e38], np.float32),
        ]
    )
    e = np.exp(-np.abs(x))
    expected = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
    np.testing.assert_array_equal(backend.sigmoid(x), expected, strict=True)
