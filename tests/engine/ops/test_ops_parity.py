"""Every differentiable operation against PyTorch: values, dtypes and gradients, float32 and float64.

Each test is one call of :func:`reference.compare`, which runs the same
function through nabla and torch. nabla speaks NumPy (``axis=``,
``keepdims=``), torch its own (``dim=``, ``keepdim=``), so ``torch_fn`` is
given wherever the spellings differ. Shape sweeps include 0-d tensors, size-1
axes and broadcasting.
"""

from __future__ import annotations

import numpy as np
import pytest
import reference
from conftest import OTHER_DEVICES
from reference import compare, random_inputs
from reference import torch as torch_module

import nabla as nb


class _LazyTorch:
    """``T.exp`` / ``F.softmax`` resolved when a test runs (torch is an optional dependency)."""

    def __init__(self, path: str = ""):
        self._path = path

    def __getattr__(self, name):
        obj = torch_module()
        for part in filter(None, self._path.split(".")):
            obj = getattr(obj, part)
        return getattr(obj, name)


T = _LazyTorch()
F = _LazyTorch("nn.functional")

DTYPES = [pytest.param(np.float32, id="f32"), pytest.param(np.float64, id="f64")]

# NumPy, and array-api-strict on its CPU device and its other devices (whose arrays refuse np.asarray, so a
# silent conversion to NumPy anywhere in forward or backward fails loudly; no_float64 has only float32).
DEVICES = ["cpu", *OTHER_DEVICES]


@pytest.fixture(params=DEVICES, autouse=True)
def device(request):
    with reference.on_device(request.param):
        yield request.param


@pytest.fixture(params=DTYPES)
def dtype(request):
    return request.param


def _signed_away_from_zero(shape, dtype, seed=0, low=0.5, high=2.0):
    rng = np.random.default_rng(seed)
    return (rng.choice([-1.0, 1.0], size=shape) * rng.uniform(low, high, size=shape)).astype(dtype)


# --- elementwise binary ops, broadcasting ------------------------------------------------

BROADCAST = [
    ((), ()),
    ((4,), ()),
    ((), (4,)),
    ((1,), (4,)),
    ((3, 4), (3, 4)),
    ((3, 1), (1, 4)),
    ((1, 4), (3, 1)),
    ((4,), (3, 4)),
    ((3, 4), (4,)),
    ((5, 1), (5, 1)),
    ((2, 1, 4), (3, 1)),
    ((2, 3, 1, 1), (1, 1, 4)),
]

BINARY = {
    "add": (lambda a, b: a + b, None),
    "sub": (lambda a, b: a - b, None),
    "mul": (lambda a, b: a * b, None),
    "div": (lambda a, b: a / b, None),
    "pow": (lambda a, b: a**b, None),
    "maximum": (nb.maximum, lambda a, b: T.maximum(a, b)),
    "minimum": (nb.minimum, lambda a, b: T.minimum(a, b)),
    "nb.add": (nb.add, lambda a, b: T.add(a, b)),
    "nb.sub": (nb.sub, lambda a, b: T.sub(a, b)),
    "nb.mul": (nb.mul, lambda a, b: T.mul(a, b)),
    "nb.div": (nb.div, lambda a, b: T.div(a, b)),
    "nb.pow": (nb.pow, lambda a, b: T.pow(a, b)),
}


@pytest.mark.parametrize("shapes", BROADCAST, ids=str)
@pytest.mark.parametrize("op", list(BINARY))
def test_binary_broadcasting(op, shapes, dtype):
    fn, torch_fn = BINARY[op]
    a, b = random_inputs(shapes, dtype, seed=len(shapes[0]))
    if op.endswith("pow"):
        a = np.abs(a).astype(dtype) + dtype(0.5)  # a^b with a > 0: real values, finite d/db
    if op.endswith("div"):
        b = _signed_away_from_zero(shapes[1], dtype)
    compare(fn, torch_fn=torch_fn, inputs=[a, b], dtype=dtype)


@pytest.mark.parametrize("fn", [nb.maximum, nb.minimum], ids=["maximum", "minimum"])
def test_maximum_minimum_ties_split_gradient(fn, dtype):
    a = np.array([1.0, 2.0, 3.0, -1.0], dtype=dtype)
    b = np.array([1.0, 0.5, 3.0, 4.0], dtype=dtype)
    torch_fn = (lambda x, y: T.maximum(x, y)) if fn is nb.maximum else (lambda x, y: T.minimum(x, y))
    compare(fn, torch_fn=torch_fn, inputs=[a, b], dtype=dtype)
    x, y = nb.tensor(a, requires_grad=True), nb.tensor(b, requires_grad=True)
    fn(x, y).sum().backward()
    assert x.grad.numpy()[[0, 2]].tolist() == [0.5, 0.5]
    assert y.grad.numpy()[[0, 2]].tolist() == [0.5, 0.5]


def test_maximum_tie_with_broadcast_scalar(dtype):
    compare(
        lambda x: nb.maximum(x, 0.0),
        torch_fn=lambda x: T.maximum(x, T.zeros((), dtype=x.dtype)),
        inputs=[np.array([-1.0, 0.0, 2.0], dtype=dtype)],
        dtype=dtype,
    )


def test_unary_neg_and_pos(dtype):
    compare(lambda x: -x, shapes=[(3, 4)], dtype=dtype)
    compare(lambda x: -(x * 2) - x, shapes=[()], dtype=dtype)
    compare(lambda x: +x * 3, shapes=[(2,)], dtype=dtype)


def test_pow_at_zero_base(dtype):
    # d(a^2)/da at a = 0 is 0 (not NaN from 2 * out / a); d(a^b)/db at a = 0 is taken as 0.
    a = np.array([0.0, 1.5, 2.0], dtype=dtype)
    b = np.array([2.0, 2.0, 3.0], dtype=dtype)
    compare(lambda x, y: x**y, inputs=[a, b], dtype=dtype)
    compare(lambda x: x**2, inputs=[a], dtype=dtype)
    compare(lambda x: x**3.0, inputs=[a], dtype=dtype)


# --- Python numbers, NumPy scalars and arrays mixed in ----------------------------------

REFLECTED = {
    "x+c": lambda x, c: x + c,
    "c+x": lambda x, c: c + x,
    "x-c": lambda x, c: x - c,
    "c-x": lambda x, c: c - x,
    "x*c": lambda x, c: x * c,
    "c*x": lambda x, c: c * x,
    "x/c": lambda x, c: x / c,
    "c/x": lambda x, c: c / x,
    "x**c": lambda x, c: x**c,
    "c**x": lambda x, c: c**x,
}

CONSTANTS = {
    "int": lambda dtype: 2,
    "float": lambda dtype: 1.5,
    "np.float64": lambda dtype: np.float64(1.5),
    "np.float32": lambda dtype: np.float32(1.5),
    "np.int64": lambda dtype: np.int64(3),
    "ndarray": lambda dtype: np.array([0.5, 1.0, 1.5, 2.5], dtype=dtype),
    "ndarray2d": lambda dtype: np.linspace(0.5, 2.0, 12).reshape(3, 4).astype(dtype),
}


@pytest.mark.parametrize("const", list(CONSTANTS))
@pytest.mark.parametrize("op", list(REFLECTED))
def test_python_and_numpy_operands(op, const, dtype):
    """float32 stays float32 with Python numbers and NumPy scalars of any type, on either side."""
    c = CONSTANTS[const](dtype)
    fn = REFLECTED[op]

    def torch_c():
        if isinstance(c, np.ndarray):
            return T.tensor(c)
        return c.item() if isinstance(c, np.generic) else c

    x = np.linspace(0.5, 2.0, 12).reshape(3, 4).astype(dtype)  # positive: fine for c / x and x ** c
    compare(lambda t: fn(t, c), torch_fn=lambda t: fn(t, torch_c()), inputs=[x], dtype=dtype)


def test_float64_array_operand_promotes_like_torch(device):
    if device.endswith("no_float64"):
        pytest.skip("this device has no float64")
    x = np.linspace(0.5, 2.0, 4).astype(np.float32)
    c = np.array([1.0, 2.0, 3.0, 4.0])  # float64
    out = compare(lambda t: c * t + t, torch_fn=lambda t: T.tensor(c) * t + t, inputs=[x], dtype=np.float32)
    assert out.dtype == np.float64


@pytest.mark.parametrize(
    "fn",
    [
        lambda a: a * 2.5,
        lambda a: 2.5 + a,
        lambda a: a / 2,
        lambda a: a / a,
        lambda a: a.float() + a,
    ],
    ids=["int*float", "float+int", "int/int", "intT/intT", "float32T+intT"],
)
def test_integer_tensors_promote_to_float32(fn):
    out = compare(fn, inputs=[np.array([[1, 2, 3], [4, 5, 6]])])
    assert out.dtype == np.float32


def test_integer_tensor_with_float_tensor_keeps_float_dtype(dtype):
    i = np.array([1, 2, 3])
    x = np.array([0.5, 1.5, 2.5], dtype=dtype)
    for f in (lambda a, b: a + b, lambda a, b: b * a, lambda a, b: b / a, lambda a, b: a - b):
        compare(
            lambda b, f=f: f(nb.tensor(i, device=reference.DEVICE["name"]), b),
            torch_fn=lambda b, f=f: f(T.tensor(i), b),
            inputs=[x],
            dtype=dtype,
        )


def test_reflected_matmul_with_ndarray(dtype):
    a = random_inputs([(2, 3)], dtype)[0]
    compare(lambda w: a @ w, torch_fn=lambda w: T.tensor(a) @ w, inputs=random_inputs([(3, 4)], dtype), dtype=dtype)
    compare(lambda w: w @ a, torch_fn=lambda w: w @ T.tensor(a), inputs=random_inputs([(4, 2)], dtype), dtype=dtype)


# --- unary math functions and activations ----------------------------------------------

UNARY_SHAPES = [(), (1,), (6,), (3, 4), (2, 1, 3)]

UNARY = {
    # name: (nabla fn, torch fn or None for the same spelling, (low, high) of the inputs)
    "abs": (lambda x: x.abs(), None, (-2, 2)),
    "abs()": (lambda x: abs(x), None, (-2, 2)),
    "exp": (lambda x: x.exp(), None, (-2, 2)),
    "log": (lambda x: x.log(), None, (0.1, 3)),
    "log1p": (lambda x: x.log1p(), None, (-0.5, 3)),
    "expm1": (lambda x: x.expm1(), None, (-2, 2)),
    "sqrt": (lambda x: x.sqrt(), None, (0.1, 3)),
    "square": (lambda x: x.square(), None, (-2, 2)),
    "sin": (lambda x: x.sin(), None, (-3, 3)),
    "cos": (lambda x: x.cos(), None, (-3, 3)),
    "nb.exp": (nb.exp, lambda x: T.exp(x), (-2, 2)),
    "nb.log": (nb.log, lambda x: T.log(x), (0.1, 3)),
    "nb.sqrt": (nb.sqrt, lambda x: T.sqrt(x), (0.1, 3)),
    "nb.square": (nb.square, lambda x: T.square(x), (-2, 2)),
    "nb.neg": (nb.neg, lambda x: T.neg(x), (-2, 2)),
    "sigmoid": (nb.sigmoid, lambda x: T.sigmoid(x), (-6, 6)),
    "tanh": (nb.tanh, lambda x: T.tanh(x), (-3, 3)),
    "relu": (nb.relu, lambda x: F.relu(x), (-2, 2)),
    "x.relu": (lambda x: x.relu(), None, (-2, 2)),
    "leaky_relu": (nb.leaky_relu, lambda x: F.leaky_relu(x), (-2, 2)),
    "leaky_relu(0.2)": (lambda x: nb.leaky_relu(x, 0.2), lambda x: F.leaky_relu(x, 0.2), (-2, 2)),
    "elu": (nb.elu, lambda x: F.elu(x), (-3, 3)),
    "elu(0.5)": (lambda x: nb.elu(x, alpha=0.5), lambda x: F.elu(x, alpha=0.5), (-3, 3)),
    "gelu": (nb.gelu, lambda x: F.gelu(x), (-4, 4)),
    "gelu(tanh)": (lambda x: nb.gelu(x, approximate="tanh"), lambda x: F.gelu(x, approximate="tanh"), (-4, 4)),
    "gelu(wide)": (nb.gelu, lambda x: F.gelu(x), (-8, 8)),
    "silu": (nb.silu, lambda x: F.silu(x), (-4, 4)),
    "swish": (nb.swish, lambda x: F.silu(x), (-4, 4)),
    "softplus": (nb.softplus, lambda x: F.softplus(x), (-5, 5)),
    "softplus(beta=2)": (lambda x: nb.softplus(x, beta=2), lambda x: F.softplus(x, beta=2), (-5, 5)),
    "softplus(>threshold)": (nb.softplus, lambda x: F.softplus(x), (15, 30)),
    "softplus(beta=2,threshold=5)": (
        lambda x: nb.softplus(x, beta=2.0, threshold=5.0),
        lambda x: F.softplus(x, beta=2.0, threshold=5.0),
        (-4, 4),
    ),
    "step": (nb.step, lambda x: (x >= 0).to(x.dtype) + 0 * x, (-2, 2)),
    "arcsin": (nb.ops.arcsin, lambda x: T.asin(x), (-0.9, 0.9)),
    "arctan": (nb.ops.arctan, lambda x: T.atan(x), (-4, 4)),
    "erfinv": (nb.ops.erfinv, lambda x: T.erfinv(x), (-0.99, 0.99)),
}


@pytest.mark.parametrize("shape", UNARY_SHAPES, ids=str)
@pytest.mark.parametrize("op", list(UNARY))
def test_unary(op, shape, dtype):
    fn, torch_fn, (low, high) = UNARY[op]
    compare(fn, shapes=[shape], torch_fn=torch_fn, dtype=dtype, low=low, high=high)


def test_step_has_zero_gradient(dtype):
    x = nb.tensor(np.array([-1.0, 0.0, 2.0], dtype=dtype), requires_grad=True)
    out = nb.step(x)
    assert out.tolist() == [0.0, 1.0, 1.0] and out.dtype == dtype
    (out * 3).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]


def test_relu_and_abs_gradient_at_zero_match_torch(dtype):
    x = np.array([-1.0, 0.0, 1.0], dtype=dtype)
    compare(nb.relu, torch_fn=lambda t: F.relu(t), inputs=[x], dtype=dtype)
    compare(lambda t: t.abs(), inputs=[x], dtype=dtype)
    compare(nb.leaky_relu, torch_fn=lambda t: F.leaky_relu(t), inputs=[x], dtype=dtype)
    compare(nb.elu, torch_fn=lambda t: F.elu(t), inputs=[x], dtype=dtype)


@pytest.mark.parametrize("slope", [0.01, 0.2, 1.0, 0.0, 1.5, -0.3])
def test_leaky_relu_on_special_values_is_torch_s_bit_for_bit(slope):
    """The slopes in (0, 1] take max(x, slope * x), the others a where on x > 0: both are torch's numbers,
    signed zeros, infinities and NaN included."""
    th = torch_module()
    x = np.array([-0.0, 0.0, np.inf, -np.inf, np.nan, 1e-45, -1e-45, 3e38, -3e38, -2.5, 2.5], dtype=np.float32)
    got = nb.leaky_relu(nb.tensor(x), slope).numpy()
    want = th.nn.functional.leaky_relu(th.tensor(x), slope).numpy()
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(np.signbit(got), np.signbit(want))


@pytest.mark.parametrize(
    "name, fn",
    [
        ("relu", lambda m, t: m.relu(t)),
        ("clip", lambda m, t: m.clip(t, -0.5, 0.5) if m is nb else m.clamp(t, -0.5, 0.5)),
        ("maximum", lambda m, t: m.maximum(t, t[1:2] * 0 + 0.5)),
        ("max", lambda m, t: m.max(t)),
    ],
)
def test_dropped_inf_and_nan_gradients_give_zero_as_in_torch(name, fn, dtype):
    """Where an op passes no gradient, an incoming Inf or NaN gives 0 (the masks are multiplies: NaN * 0 = NaN)."""
    th = torch_module()
    x = np.array([-1.0, 0.25, 2.0], dtype=dtype)
    ours, theirs = nb.tensor(x, requires_grad=True), th.tensor(x, requires_grad=True)
    out, expected = fn(nb, ours), fn(th, theirs)
    g = np.full(expected.shape, np.inf, dtype=dtype)
    g.reshape(-1)[-1] = np.nan if g.size > 1 else np.inf
    out.backward(nb.tensor(g))
    expected.backward(th.tensor(g))
    np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())


@pytest.mark.parametrize(
    "kwargs",
    [dict(min=-0.5, max=0.7), dict(min=-0.5), dict(max=0.5), dict(min=np.float64(-0.5), max=np.float64(0.5))],
    ids=["both", "min", "max", "np.float64-bounds"],
)
@pytest.mark.parametrize("shape", [(), (7,), (3, 4)], ids=str)
def test_clip(kwargs, shape, dtype):
    tkw = {k: float(v) for k, v in kwargs.items()}
    compare(lambda x: nb.clip(x, **kwargs), torch_fn=lambda x: T.clamp(x, **tkw), shapes=[shape], dtype=dtype)
    compare(lambda x: x.clamp(**kwargs), torch_fn=lambda x: x.clamp(**tkw), shapes=[shape], dtype=dtype)


def test_clip_bounds_are_inclusive(dtype):
    x = np.array([-1.0, -0.5, 0.0, 0.5, 1.0], dtype=dtype)
    compare(lambda t: nb.clip(t, -0.5, 0.5), torch_fn=lambda t: T.clamp(t, -0.5, 0.5), inputs=[x], dtype=dtype)
    t = nb.tensor(x, requires_grad=True)
    nb.clip(t, -0.5, 0.5).sum().backward()
    assert t.grad.tolist() == [0.0, 1.0, 1.0, 1.0, 0.0]


@pytest.mark.parametrize("axis", [0, 1, 2, -1, -2])
@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
def test_softmax_axes(fn, axis, dtype):
    compare(
        lambda x: getattr(nb, fn)(x, axis=axis),
        torch_fn=lambda x: getattr(T, fn)(x, dim=axis),
        shapes=[(2, 3, 4)],
        dtype=dtype,
        low=-5,
        high=5,
    )


@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
def test_softmax_1d_and_method(fn, dtype):
    compare(lambda x: getattr(nb, fn)(x), torch_fn=lambda x: getattr(T, fn)(x, dim=-1), shapes=[(5,)], dtype=dtype)
    compare(lambda x: getattr(x, fn)(1), torch_fn=lambda x: getattr(x, fn)(1), shapes=[(3, 4)], dtype=dtype)


# --- comparisons and where ------------------------------------------------------------

COMPARISONS = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


@pytest.mark.parametrize("shapes", [((3, 4), (3, 4)), ((3, 1), (1, 4)), ((4,), ())], ids=str)
@pytest.mark.parametrize("op", list(COMPARISONS))
def test_comparisons_give_bool_without_grad(op, shapes, dtype):
    a, b = random_inputs(shapes, dtype, low=-1, high=1, seed=3)
    b = np.where(np.random.default_rng(1).random(b.shape) < 0.3, b, b.flat[0]).astype(dtype)
    a = np.where(a > 0.5, b.flat[0], a).astype(dtype)  # some exact equalities
    out = compare(COMPARISONS[op], inputs=[a, b], dtype=dtype)
    assert out.dtype == np.bool_ and not out.requires_grad and out.grad_fn is None
    assert not COMPARISONS[op](nb.tensor(a), 0.0).requires_grad


@pytest.mark.parametrize(
    "shapes", [((3, 4), (3, 4), (3, 4)), ((3, 1), (3, 4), ()), ((4,), (3, 1), (1, 4)), ((), (2,), (2,))], ids=str
)
def test_where_gates_gradient(shapes, dtype):
    cshape, ashape, bshape = shapes
    cond = np.random.default_rng(5).random(cshape) < 0.5
    compare(
        lambda a, b: nb.where(cond, a, b),
        torch_fn=lambda a, b: T.where(T.tensor(cond), a, b),
        inputs=random_inputs([ashape, bshape], dtype),
        dtype=dtype,
    )


def test_where_with_tensor_condition_and_scalars(dtype):
    compare(lambda x: nb.where(x > 0, x, 0.0), torch_fn=lambda x: T.where(x > 0, x, 0.0), shapes=[(3, 4)], dtype=dtype)
    compare(
        lambda x: nb.where(x > 0, np.float64(2.0), x * x),
        torch_fn=lambda x: T.where(x > 0, 2.0, x * x),
        shapes=[(5,)],
        dtype=dtype,
    )


# --- reductions ------------------------------------------------------------------------

REDUCE_CASES = [
    ((), None),
    ((5,), None),
    ((5,), 0),
    ((5,), -1),
    ((3, 4), None),
    ((3, 4), 0),
    ((3, 4), 1),
    ((3, 4), -1),
    ((3, 4), (0, 1)),
    ((2, 3, 4), (0, 2)),
    ((2, 3, 4), (-1, 0)),
    ((2, 3, 4), -2),
    ((2, 1, 3), 1),
    ((1, 1), None),
]


def _dims(axis, ndim):
    """nabla's axis as torch's dim: None (all) -> a tuple of every axis."""
    return tuple(range(ndim)) if axis is None else axis


def _torch_prod(x, axis, keepdims):
    """torch.prod reduces one dim at a time; do several (or all) in turn."""
    axes = sorted(a % x.ndim for a in np.atleast_1d(_dims(axis, x.ndim)).tolist()) if x.ndim else []
    out = x
    for a in reversed(axes):
        out = T.prod(out, dim=a, keepdim=True)
    if not keepdims:
        out = out.reshape([s for i, s in enumerate(out.shape) if i not in axes])
    return out


REDUCTIONS = {
    "sum": (nb.sum, lambda x, a, k: T.sum(x, dim=a, keepdim=k)),
    "mean": (nb.mean, lambda x, a, k: T.mean(x, dim=a, keepdim=k)),
    "prod": (nb.prod, _torch_prod),
    "max": (nb.max, lambda x, a, k: T.amax(x, dim=_dims(a, x.ndim), keepdim=k)),
    "min": (nb.min, lambda x, a, k: T.amin(x, dim=_dims(a, x.ndim), keepdim=k)),
    "var": (nb.var, lambda x, a, k: T.var(x, dim=a, keepdim=k, correction=0)),
    "std": (nb.std, lambda x, a, k: T.std(x, dim=a, keepdim=k, correction=0)),
    "var(ddof=1)": (
        lambda x, axis, keepdims: nb.var(x, axis=axis, keepdims=keepdims, ddof=1),
        lambda x, a, k: T.var(x, dim=a, keepdim=k, correction=1),
    ),
    "std(ddof=1)": (
        lambda x, axis, keepdims: nb.std(x, axis=axis, keepdims=keepdims, ddof=1),
        lambda x, a, k: T.std(x, dim=a, keepdim=k),
    ),
    "logsumexp": (nb.logsumexp, lambda x, a, k: T.logsumexp(x, dim=_dims(a, x.ndim), keepdim=k)),
    "norm": (nb.norm, lambda x, a, k: T.linalg.vector_norm(x, dim=a, keepdim=k)),
    "norm(ord=1)": (
        lambda x, axis, keepdims: nb.norm(x, ord=1, axis=axis, keepdims=keepdims),
        lambda x, a, k: T.linalg.vector_norm(x, ord=1, dim=a, keepdim=k),
    ),
    "norm(ord=3)": (
        lambda x, axis, keepdims: nb.norm(x, ord=3, axis=axis, keepdims=keepdims),
        lambda x, a, k: T.linalg.vector_norm(x, ord=3, dim=a, keepdim=k),
    ),
    "norm(ord=inf)": (
        lambda x, axis, keepdims: nb.norm(x, ord=np.inf, axis=axis, keepdims=keepdims),
        lambda x, a, k: T.linalg.vector_norm(x, ord=float("inf"), dim=a, keepdim=k),
    ),
}


@pytest.mark.parametrize("keepdims", [False, True], ids=["", "keepdims"])
@pytest.mark.parametrize("case", REDUCE_CASES, ids=str)
@pytest.mark.parametrize("op", list(REDUCTIONS))
def test_reduction(op, case, keepdims, dtype):
    shape, axis = case
    fn, torch_fn = REDUCTIONS[op]
    if op.startswith(("var(ddof=1)", "std(ddof=1)")):
        n = int(np.prod([shape[a] for a in np.atleast_1d(_dims(axis, len(shape)))])) if shape else 1
        if n < 2:
            pytest.skip("the sample variance of one element is NaN")
    compare(
        lambda x: fn(x, axis=axis, keepdims=keepdims),
        torch_fn=lambda x: torch_fn(x, axis, keepdims),
        shapes=[shape],
        dtype=dtype,
        seed=len(shape),
    )


@pytest.mark.parametrize("op", ["sum", "mean", "prod", "max", "min", "var", "std", "logsumexp", "norm"])
def test_reduction_methods(op, dtype):
    fn, torch_fn = REDUCTIONS[op]
    compare(lambda x: getattr(x, op)(axis=1, keepdims=True), torch_fn=lambda x: torch_fn(x, 1, True), shapes=[(3, 4)])


@pytest.mark.parametrize("axis", [None, 0, 1], ids=str)
def test_prod_with_zeros(axis, dtype):
    x = np.array([[0.0, 2.0, 3.0], [1.5, 0.0, 0.0], [2.0, -1.0, 0.5], [0.0, 4.0, 1.0]], dtype=dtype)
    compare(lambda t: nb.prod(t, axis=axis), torch_fn=lambda t: _torch_prod(t, axis, False), inputs=[x], dtype=dtype)
    compare(lambda t: nb.prod(t[1:3], axis=axis), torch_fn=lambda t: _torch_prod(t[1:3], axis, False), inputs=[x])


@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1)], ids=str)
@pytest.mark.parametrize("op", ["max", "min"])
def test_max_min_ties_split_gradient(op, axis, dtype):
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, -1.0], [3.0, -1.0, 0.0]], dtype=dtype)
    fn, torch_fn = REDUCTIONS[op]
    compare(lambda t: fn(t, axis=axis), torch_fn=lambda t: torch_fn(t, axis, False), inputs=[x], dtype=dtype)
    if op == "max" and axis is None:
        t = nb.tensor(x, requires_grad=True)
        nb.max(t).backward()
        np.testing.assert_array_equal(t.grad.numpy(), np.where(x == 3.0, 1 / 3, 0.0).astype(dtype))


def test_norm_frobenius_and_zero_vector(dtype):
    compare(lambda x: nb.norm(x, ord="fro"), torch_fn=lambda x: T.linalg.vector_norm(x), shapes=[(3, 4)], dtype=dtype)
    z = np.zeros((2, 3), dtype=dtype)
    z[1] = [1.0, -2.0, 2.0]
    compare(lambda x: nb.norm(x, axis=1), torch_fn=lambda x: T.linalg.vector_norm(x, dim=1), inputs=[z], dtype=dtype)


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", [None, 0, 1, -1], ids=str)
@pytest.mark.parametrize("op", ["argmax", "argmin"])
def test_argmax_argmin(op, axis, keepdims, dtype):
    out = compare(
        lambda x: getattr(nb, op)(x, axis=axis, keepdims=keepdims),
        torch_fn=lambda x: getattr(T, op)(x, dim=axis, keepdim=keepdims),
        shapes=[(4, 5)],
        dtype=dtype,
    )
    assert out.dtype == np.int64 and not out.requires_grad


# --- shape operations ------------------------------------------------------------------


def _torch_pad_mode(x, widths, mode):
    """torch pads the last axes of a batch in a mode: ``widths`` on x's axes past the first two."""
    return F.pad(x, [w for pair in reversed(widths) for w in pair], mode=mode)


def _torch_pad(x, widths, value=0.0):
    flat = [w for pair in reversed(widths) for w in pair]
    return F.pad(x, flat, value=value)


SHAPE_OPS = {
    # name: (input shape, nabla fn, torch fn or None for the same spelling)
    "reshape": ((2, 3, 4), lambda x: x.reshape(4, 6), None),
    "reshape(-1)": ((2, 3, 4), lambda x: x.reshape(-1), None),
    "reshape(3,-1)": ((2, 3, 4), lambda x: x.reshape((3, -1)), None),
    "reshape(0-d)": ((), lambda x: x.reshape(1, 1), None),
    "reshape(to 0-d)": ((1, 1), lambda x: x.reshape(()), None),
    "nb.reshape": ((6,), lambda x: nb.reshape(x, (2, -1, 1)), lambda x: T.reshape(x, (2, -1, 1))),
    "view": ((6,), lambda x: x.view(3, 2), None),
    "flatten": ((2, 3, 4), lambda x: x.flatten(), None),
    "flatten(1)": ((2, 3, 4), lambda x: nb.flatten(x, 1), lambda x: T.flatten(x, 1)),
    "flatten(0,1)": ((2, 3, 4), lambda x: nb.flatten(x, 0, 1), lambda x: T.flatten(x, 0, 1)),
    "flatten(0-d)": ((), lambda x: nb.flatten(x), lambda x: T.flatten(x)),
    "T": ((3, 4), lambda x: x.T, None),
    "mT": ((2, 3, 4), lambda x: x.mT, None),
    "transpose()": ((2, 3, 4), lambda x: nb.transpose(x), lambda x: x.permute(2, 1, 0)),
    "transpose(axes)": ((2, 3, 4), lambda x: nb.transpose(x, (1, 2, 0)), lambda x: x.permute(1, 2, 0)),
    "transpose(0,2)": ((2, 3, 4), lambda x: x.transpose(0, 2), None),
    "transpose(-1,-2)": ((2, 3, 4), lambda x: x.transpose(-1, -2), None),
    "permute": ((2, 3, 4), lambda x: x.permute(2, 0, 1), None),
    "permute(tuple)": ((2, 3, 4), lambda x: nb.permute(x, (0, 2, 1)), lambda x: x.permute(0, 2, 1)),
    "swapaxes": ((2, 3, 4), lambda x: nb.swapaxes(x, 0, -1), lambda x: T.swapaxes(x, 0, -1)),
    "moveaxis": ((2, 3, 4), lambda x: nb.moveaxis(x, 0, -1), lambda x: T.movedim(x, 0, -1)),
    "moveaxis(-1,0)": ((2, 3, 4), lambda x: nb.moveaxis(x, -1, 0), lambda x: T.movedim(x, -1, 0)),
    "moveaxis(1,2)": ((2, 3, 4), lambda x: nb.moveaxis(x, 1, 2), lambda x: T.movedim(x, 1, 2)),
    "squeeze()": ((1, 3, 1, 4), lambda x: x.squeeze(), None),
    "squeeze(0)": ((1, 3, 1, 4), lambda x: x.squeeze(0), None),
    "squeeze(-2)": ((1, 3, 1, 4), lambda x: x.squeeze(-2), None),
    "squeeze((0,2))": ((1, 3, 1, 4), lambda x: nb.squeeze(x, (0, 2)), lambda x: T.squeeze(x, (0, 2))),
    "unsqueeze(0)": ((3, 4), lambda x: x.unsqueeze(0), None),
    "unsqueeze(-1)": ((3, 4), lambda x: x.unsqueeze(-1), None),
    "unsqueeze(0-d)": ((), lambda x: x.unsqueeze(0), None),
    "expand_dims((0,2))": ((3, 4), lambda x: nb.expand_dims(x, (0, 2)), lambda x: x.reshape(1, 3, 1, 4)),
    "expand_dims(-1)": ((3, 4), lambda x: nb.expand_dims(x, -1), lambda x: x.unsqueeze(-1)),
    "broadcast_to": ((3, 1), lambda x: nb.broadcast_to(x, (2, 3, 4)), lambda x: T.broadcast_to(x, (2, 3, 4))),
    "broadcast_to(0-d)": ((), lambda x: nb.broadcast_to(x, (3, 2)), lambda x: T.broadcast_to(x, (3, 2))),
    "expand(-1)": ((3, 1), lambda x: x.expand(2, -1, 5), None),
    "flip()": ((2, 3, 4), lambda x: nb.flip(x), lambda x: T.flip(x, (0, 1, 2))),
    "flip(1)": ((2, 3, 4), lambda x: nb.flip(x, 1), lambda x: T.flip(x, (1,))),
    "flip((0,-1))": ((2, 3, 4), lambda x: nb.flip(x, (0, -1)), lambda x: T.flip(x, (0, -1))),
    "repeat": ((2, 3), lambda x: nb.repeat(x, 3, axis=1), lambda x: T.repeat_interleave(x, 3, dim=1)),
    "repeat(axis=None)": ((2, 3), lambda x: nb.repeat(x, 2), lambda x: T.repeat_interleave(x, 2)),
    "repeat(axis=-2)": ((2, 3), lambda x: x.repeat(2, axis=-2), lambda x: T.repeat_interleave(x, 2, dim=-2)),
    "tile(2)": ((2, 3), lambda x: nb.tile(x, 2), lambda x: T.tile(x, (2,))),
    "tile((2,1,3))": ((2, 3), lambda x: nb.tile(x, (2, 1, 3)), lambda x: T.tile(x, (2, 1, 3))),
    "tile((3,2))": ((4,), lambda x: x.tile((3, 2)), lambda x: x.tile((3, 2))),
    "pad": ((2, 3), lambda x: nb.pad(x, ((1, 2), (0, 3))), lambda x: _torch_pad(x, ((1, 2), (0, 3)))),
    "pad(value)": ((2, 3), lambda x: nb.pad(x, 1, value=-1.5), lambda x: _torch_pad(x, ((1, 1), (1, 1)), -1.5)),
    "pad(3-d)": ((2, 1, 3), lambda x: nb.pad(x, (2, 0)), lambda x: _torch_pad(x, ((2, 0),) * 3)),
    "pad(reflect)": ((2, 2, 4, 5), lambda x: nb.pad(x, ((0, 0), (0, 0), (3, 1), (2, 4)), mode="reflect"),
                     lambda x: _torch_pad_mode(x, ((3, 1), (2, 4)), "reflect")),
    "pad(edge)": ((2, 2, 4, 5), lambda x: nb.pad(x, ((0, 0), (0, 0), (5, 1), (0, 2)), mode="edge"),
                  lambda x: _torch_pad_mode(x, ((5, 1), (0, 2)), "replicate")),
    "pad(wrap)": ((2, 2, 4, 5), lambda x: nb.pad(x, ((0, 0), (0, 0), (2, 3), (1, 0)), mode="wrap"),
                  lambda x: _torch_pad_mode(x, ((2, 3), (1, 0)), "circular")),
}


@pytest.mark.parametrize("op", list(SHAPE_OPS))
def test_shape_op(op, dtype):
    shape, fn, torch_fn = SHAPE_OPS[op]
    compare(fn, torch_fn=torch_fn, shapes=[shape], dtype=dtype)


@pytest.mark.parametrize("axis", [0, 1, -1, 2])
def test_concatenate_and_stack(axis, dtype):
    shapes = [(2, 3, 4), (2, 3, 4), (2, 3, 4)]
    compare(lambda a, b, c: nb.concatenate([a, b, c], axis=axis), torch_fn=lambda a, b, c: T.cat([a, b, c], dim=axis),
            shapes=shapes, dtype=dtype)  # fmt: skip
    compare(lambda a, b, c: nb.stack([a, b, c], axis=axis), torch_fn=lambda a, b, c: T.stack([a, b, c], dim=axis),
            shapes=shapes, dtype=dtype)  # fmt: skip


@pytest.mark.parametrize("indexing", ["ij", "xy"])
@pytest.mark.parametrize("sizes", [(3,), (3, 4), (2, 3, 4)])
def test_meshgrid(sizes, indexing, dtype):
    """The grids (stacked, to compare one output) and the gradients summed over each vector's copies."""
    compare(lambda *v: nb.stack(nb.meshgrid(*v, indexing=indexing)),
            torch_fn=lambda *v: T.stack(T.meshgrid(*v, indexing=indexing)), shapes=[(n,) for n in sizes],
            dtype=dtype)  # fmt: skip


def test_concatenate_uneven_and_with_constants(dtype):
    const = np.ones((1, 3), dtype=dtype)
    compare(
        lambda a, b: nb.cat([a, const, b], axis=0),
        torch_fn=lambda a, b: T.cat([a, T.tensor(const), b], dim=0),
        shapes=[(2, 3), (4, 3)],
        dtype=dtype,
    )
    compare(
        lambda a, b: nb.concatenate([a, b], axis=-1),
        torch_fn=lambda a, b: T.cat([a, b], dim=-1),
        shapes=[(2, 1), (2, 5)],
        dtype=dtype,
    )
    compare(lambda a, b: nb.stack([a, b]), torch_fn=lambda a, b: T.stack([a, b]), shapes=[(), ()], dtype=dtype)


@pytest.mark.parametrize(
    "sections, axis",
    [(3, 1), (2, 0), ([1, 4], 1), ([2], -1), ([0, 3, 3], 1)],
    ids=["3@1", "2@0", "[1,4]", "[2]@-1", "empty"],
)
def test_split(sections, axis, dtype):
    # The pieces joined back in reverse order: a non-trivial permutation of the input.
    compare(
        lambda x: nb.concatenate(nb.split(x, sections, axis=axis)[::-1], axis=axis),
        torch_fn=lambda x: T.cat(T.tensor_split(x, sections, dim=axis)[::-1], dim=axis),
        shapes=[(4, 6)],
        dtype=dtype,
    )
    pieces = nb.split(nb.tensor(np.zeros((4, 6), dtype=dtype)), sections, axis=axis)
    ref = T.tensor_split(T.zeros(4, 6), sections, dim=axis)
    assert [p.shape for p in pieces] == [tuple(r.shape) for r in ref]


def test_split_method_pieces_get_their_own_gradient(dtype):
    def fn(x):
        a, b, c = x.split(3, axis=0) if isinstance(x, nb.Tensor) else T.tensor_split(x, 3, dim=0)
        return a * 1 + b * 2 + c * c

    compare(fn, shapes=[(6, 2)], dtype=dtype)


# --- indexing ------------------------------------------------------------------------------

MASK_2D = np.array([[True, False, True, False, True], [False, False, False, False, False]] * 2)
INDEXES = {
    "int": 1,
    "negative int": -1,
    "slice": slice(1, 3),
    "step slice": (slice(None, None, 2), slice(1, 4, 2)),
    "negative slice": (slice(-2, None), Ellipsis, -1),
    "int, int": (2, -3),
    "int, int, int": (0, 1, 2),
    "[:, 2]": (slice(None), 2),
    "ellipsis": (Ellipsis, 1),
    "None": (None, slice(1, None)),
    "int, None, slice": (1, None, slice(None, None, 2)),
    "ellipsis, None": (Ellipsis, None),
    "bool mask 1-d": np.array([True, False, True, True]),
    "bool mask 2-d": MASK_2D,
    "bool mask all false": np.zeros(4, dtype=bool),
    "bool mask, int": (np.array([True, False, True, True]), 1),
    "int array repeated": np.array([0, 2, 0, 0]),
    "int array negative": np.array([-1, 0, -1]),
    "int array 2-d": np.array([[0, 1], [1, 3]]),
    "int arrays paired": (np.array([0, 0, 3]), np.array([1, 1, 4])),
    "int array, slice, int array": (np.array([1, 1]), slice(None), np.array([0, 0])),
    "slice, int array": (slice(None), np.array([4, 4, 0])),
    "int, int array": (2, np.array([1, 1])),
}


@pytest.mark.parametrize("name", list(INDEXES))
def test_getitem(name, dtype):
    index = INDEXES[name]
    compare(lambda x: x[index], shapes=[(4, 5, 3)], dtype=dtype)


def test_getitem_repeated_indices_accumulate(dtype):
    x = nb.tensor(np.arange(4, dtype=dtype), requires_grad=True)
    x[np.array([1, 1, 3, 1])].sum().backward()
    assert x.grad.tolist() == [0.0, 3.0, 0.0, 1.0] and x.grad.dtype == dtype


def test_getitem_with_tensor_indices(dtype):
    idx, mask = np.array([2, 0, 2]), np.array([True, False, True, False])
    compare(lambda x: x[nb.tensor(idx)] if isinstance(x, nb.Tensor) else x[T.tensor(idx)], shapes=[(4, 3)], dtype=dtype)
    compare(lambda x: x[x > 0] if isinstance(x, nb.Tensor) else x[x > 0], shapes=[(4, 3)], dtype=dtype)
    compare(
        lambda x: x[nb.tensor(mask), 1] if isinstance(x, nb.Tensor) else x[T.tensor(mask), 1],
        shapes=[(4, 3)],
        dtype=dtype,
    )


def test_getitem_of_0d_and_1d(dtype):
    compare(lambda x: x[()], shapes=[()], dtype=dtype)
    compare(lambda x: x[None], shapes=[()], dtype=dtype)
    compare(lambda x: x[...], shapes=[()], dtype=dtype)
    compare(lambda x: x[2] * x[-1] + x[1:2], shapes=[(5,)], dtype=dtype)


# --- linear algebra ----------------------------------------------------------------------

MATMUL_SHAPES = [
    ((3, 4), (4, 5)),
    ((1, 4), (4, 1)),
    ((2, 3, 4), (2, 4, 5)),
    ((2, 1, 3, 4), (5, 4, 2)),
    ((1, 3, 4), (2, 4, 5)),
    ((3, 4), (2, 4, 5)),
    ((4,), (4,)),
    ((4,), (4, 5)),
    ((3, 4), (4,)),
    ((2, 3, 4), (4,)),
    ((4,), (2, 4, 3)),
]


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul(shapes, dtype):
    compare(lambda a, b: a @ b, shapes=shapes, dtype=dtype)
    compare(nb.matmul, torch_fn=lambda a, b: T.matmul(a, b), shapes=shapes, dtype=dtype, seed=1)


def test_matmul_method_and_constant_operand(dtype):
    w = random_inputs([(4, 2)], dtype, seed=9)[0]
    compare(lambda a: a.matmul(w), torch_fn=lambda a: a.matmul(T.tensor(w)), shapes=[(3, 4)], dtype=dtype)


def test_dot_and_outer(dtype):
    compare(nb.dot, torch_fn=lambda a, b: T.dot(a, b), shapes=[(5,), (5,)], dtype=dtype)
    compare(lambda a, b: a.dot(b), shapes=[(5,), (5,)], dtype=dtype)
    compare(nb.outer, torch_fn=lambda a, b: T.outer(a, b), shapes=[(3,), (4,)], dtype=dtype)
    compare(nb.outer, torch_fn=lambda a, b: T.outer(a, b), shapes=[(1,), (4,)], dtype=dtype)


EINSUMS = [
    ("ij,jk->ik", [(3, 4), (4, 5)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("ij->j", [(3, 4)]),
    ("ij->ji", [(3, 4)]),
    ("i,j->ij", [(3,), (4,)]),
    ("bi,bi->b", [(3, 4), (3, 4)]),
    ("ij,k->k", [(3, 4), (5,)]),
    ("ij,k->jk", [(3, 4), (5,)]),
    ("ij,jk->i", [(3, 4), (4, 5)]),
    ("ij, jk -> ki", [(3, 4), (4, 5)]),
    ("bij,jk,bk->bi", [(2, 3, 4), (4, 5), (2, 5)]),
    # Keras's MultiHeadAttention's contractions (two operands as one batched matmul: shared output letters)
    ("abc,cde->abde", [(2, 5, 4), (4, 3, 6)]),
    ("aecd,abcd->acbe", [(2, 5, 3, 4), (2, 6, 3, 4)]),
    ("acbe,aecd->abcd", [(2, 3, 6, 5), (2, 5, 3, 4)]),
    ("abcd,cde->abe", [(2, 5, 3, 4), (3, 4, 6)]),
    ("bij,bjk->kbi", [(2, 3, 4), (2, 4, 5)]),
    ("ijk,jl->li", [(3, 4, 5), (4, 2)]),  # k summed within its operand alone
    ("ij,jk->", [(3, 4), (4, 5)]),
]


@pytest.mark.parametrize("spec, shapes", EINSUMS, ids=[s for s, _ in EINSUMS])
def test_einsum(spec, shapes, dtype):
    compare(lambda *xs: nb.einsum(spec, *xs), torch_fn=lambda *xs: T.einsum(spec, *xs), shapes=shapes, dtype=dtype)


@pytest.mark.parametrize(
    "xshape, bias", [((5, 3), True), ((5, 3), False), ((2, 5, 3), True), ((2, 4, 5, 3), False), ((3,), True)], ids=str
)
def test_linear(xshape, bias, dtype):
    shapes = [xshape, (4, 3)] + ([(4,)] if bias else [])
    compare(nb.linear, torch_fn=lambda *a: F.linear(*a), shapes=shapes, dtype=dtype)
    if bias:
        compare(lambda x, w, b: x @ w.T + b, shapes=shapes, dtype=dtype)


# --- errors that name the operation and the shapes -------------------------------------------


def _t(*shape):
    return nb.tensor(np.zeros(shape))


@pytest.mark.parametrize(
    "fn, error, match",
    [
        (lambda: _t(3, 4) @ _t(5, 6), ValueError, r"matmul: shapes \(3, 4\) and \(5, 6\) are not aligned"),
        (lambda: _t(4) @ _t(3), ValueError, r"matmul: shapes \(4,\) and \(3,\) are not aligned"),
        (lambda: _t(2, 3, 4) @ _t(3, 4, 5), ValueError, r"matmul: batch shapes \(2,\) and \(3,\)"),
        (lambda: nb.matmul(_t(), _t(3)), ValueError, r"matmul: .*at least one dimension.*\(\) and \(3,\)"),
        (lambda: _t(3) + _t(4), ValueError, r"add: shapes \(3,\) and \(4,\) cannot be broadcast"),
        (lambda: _t(2, 3) - _t(3, 2), ValueError, r"sub: shapes \(2, 3\) and \(3, 2\) cannot be broadcast"),
        (
            lambda: (
                _t(2, 3)
                * _t(
                    2,
                )
            ),
            ValueError,
            r"mul: shapes \(2, 3\) and \(2,\)",
        ),
        (lambda: _t(2, 3) / np.ones(4), ValueError, r"div: shapes \(2, 3\) and \(4,\)"),
        (lambda: nb.maximum(_t(2), _t(3)), ValueError, r"maximum: shapes \(2,\) and \(3,\)"),
        (lambda: _t(3, 4).reshape(5, -1), ValueError, r"reshape: cannot reshape .* shape \(3, 4\) \(12 elements\)"),
        (lambda: _t(3, 4).reshape(5), ValueError, r"reshape: .*\(3, 4\).*into \(5,\)"),
        (lambda: _t(3, 4).reshape(-1, -1), ValueError, r"reshape: .*only one dimension can be -1"),
        (lambda: _t(4, 5, 3)[4], IndexError, r"out of range for a tensor of shape \(4, 5, 3\)"),
        (lambda: _t(4, 5, 3)[0, -6], IndexError, r"shape \(4, 5, 3\)"),
        (lambda: _t(4, 5)[np.array([0, 7])], IndexError, r"shape \(4, 5\)"),
        (lambda: _t(4, 5)[0, 0, 0], IndexError, r"shape \(4, 5\)"),
        (lambda: nb.broadcast_to(_t(3, 2), (3, 3)), ValueError, r"broadcast_to: .*\(3, 2\) to \(3, 3\)"),
        (lambda: nb.concatenate([_t(2, 3), _t(2, 4)]), ValueError, r"concatenate: shapes \[\(2, 3\), \(2, 4\)\]"),
        (lambda: nb.stack([_t(2, 3), _t(3, 2)]), ValueError, r"stack: all tensors need the same shape"),
        (lambda: nb.squeeze(_t(2, 3), 0), ValueError, r"squeeze: axis 0 of shape \(2, 3\) has size 2"),
        (lambda: nb.split(_t(5, 2), 2), ValueError, r"split: axis 0 of size 5"),
        (lambda: nb.sum(_t(2, 3), axis=2), ValueError, r"sum: axis 2 is out of range"),
        (lambda: nb.linear(_t(2, 3), _t(4, 5)), ValueError, r"linear: input has 3 features"),
        (lambda: nb.einsum("ij,jk->ik", _t(2, 3)), ValueError, r"einsum: .*2 operands but 1"),
        (lambda: nb.max(_t(0, 3)), ValueError, r"max: cannot reduce an empty tensor"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_shape_errors_name_op_and_shapes(fn, error, match):
    with pytest.raises(error, match=match):
        fn()


def _well_conditioned(shape, dtype, seed=0):
    """Random square matrices plus n times the identity: far from singular."""
    rng = np.random.default_rng(seed)
    n = shape[-1]
    return (rng.uniform(-1, 1, size=shape) + n * np.eye(n)).astype(dtype)


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4)], ids=str)
def test_inv_det_solve(shape, dtype):
    from nabla.engine import ops

    a = _well_conditioned(shape, dtype)
    b = np.random.default_rng(1).uniform(-1, 1, size=shape[:-1] + (2,)).astype(dtype)
    compare(ops.inv, inputs=[a], torch_fn=lambda x: T.linalg.inv(x), dtype=dtype)
    compare(ops.det, inputs=[a], torch_fn=lambda x: T.linalg.det(x), dtype=dtype)
    compare(ops.solve, inputs=[a, b], torch_fn=lambda x, y: T.linalg.solve(x, y), dtype=dtype)
    if len(shape) == 2:  # b one vector
        compare(ops.solve, inputs=[a, b[:, 0]], torch_fn=lambda x, y: T.linalg.solve(x, y), dtype=dtype)
