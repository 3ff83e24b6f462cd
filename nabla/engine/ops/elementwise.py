"""Elementwise arithmetic and math functions, with NumPy's broadcasting.

Each binary op broadcasts like NumPy; its VJP returns gradients in the
broadcast shape and the backward walk sums them back to each input's shape.
Python numbers mix in without changing the tensor's dtype (float32 stays
float32), as in PyTorch.
"""

from __future__ import annotations

import math

import numpy as np

from .. import dtypes
from ..tensor import Tensor
from ..tracing import recompute
from .primitive import apply, as_operand, primitive


def _binary(prim, a, b) -> Tensor:
    # Fast path, the common case: two tensors of one dtype, or a float tensor
    # and a Python number. Everything else goes through the promotion rules.
    if isinstance(a, Tensor):
        if (isinstance(b, Tensor) and a._data.dtype == b._data.dtype) or (
            type(b) in (float, int) and a._data.dtype.kind == "f"
        ):
            return _broadcasting(prim, a, b)
    elif type(a) in (float, int) and isinstance(b, Tensor) and b._data.dtype.kind == "f":
        return _broadcasting(prim, a, b)
    a, b = as_operand(a), as_operand(b)
    # A 0-d float tensor adapts to a float tensor with dimensions, as in
    # PyTorch (NumPy would promote float32 * float64-scalar-array to float64).
    if isinstance(a, Tensor) and isinstance(b, Tensor) and a.dtype != b.dtype and a.dtype.kind == b.dtype.kind == "f":
        if b.ndim == 0 and a.ndim:
            b = astype(b, a.dtype)
        elif a.ndim == 0 and b.ndim:
            a = astype(a, b.dtype)
    # An integer tensor with a Python float gives the default float dtype, as
    # in PyTorch (NumPy alone would give float64).
    if isinstance(a, Tensor) and isinstance(b, float) and a.dtype.kind in "iub":
        a = astype(a, dtypes.default_float)
    elif isinstance(b, Tensor) and isinstance(a, float) and b.dtype.kind in "iub":
        b = astype(b, dtypes.default_float)
    # An integer tensor with a float tensor takes the float's dtype, as in
    # PyTorch (NumPy gives float64 for int64 with float32).
    elif isinstance(a, Tensor) and isinstance(b, Tensor) and a.dtype.kind in "iub" and b.dtype.kind == "f":
        a = astype(a, b.dtype)
    elif isinstance(a, Tensor) and isinstance(b, Tensor) and b.dtype.kind in "iub" and a.dtype.kind == "f":
        b = astype(b, a.dtype)
    return _broadcasting(prim, a, b)


def _broadcasting(prim, a, b) -> Tensor:
    """Apply a binary primitive, turning NumPy's broadcasting error into one that names the op and shapes."""
    try:
        return apply(prim, (a, b), {})
    except ValueError as e:
        if "broadcast" not in str(e):
            raise
        raise ValueError(
            f"{prim.name}: shapes {np.shape(a)} and {np.shape(b)} cannot be broadcast together "
            "(NumPy rules: trailing axes must be equal or 1)"
        ) from None


# --- arithmetic --------------------------------------------------------------------


@primitive("add", reads=())
def _add(xp, a, b):
    return a + b


@_add.defvjp
def _(xp, need, g, out, a, b):
    return g, g


@primitive("sub", reads=())
def _sub(xp, a, b):
    return a - b


@_sub.defvjp
def _(xp, need, g, out, a, b):
    return g, (-g if need[1] else None)


def _mul_reads(need):
    """a's gradient reads b and b's reads a: a dropout mask times an activation keeps the mask only."""
    return {i for i, other_needs in ((1, need[0]), (0, need[1])) if other_needs}


@primitive("mul", reads=_mul_reads)
def _mul(xp, a, b):
    return a * b


@_mul.defvjp
def _(xp, need, g, out, a, b):
    return (g * b if need[0] else None), (g * a if need[1] else None)


@primitive("div")
def _div(xp, a, b):
    return a / b


@_div.defvjp
def _(xp, need, g, out, a, b):
    # d(a/b)/db = -a/b^2 = -out/b
    return (g / b if need[0] else None), (-g * out / b if need[1] else None)


@primitive("pow")
def _pow(xp, a, b):
    return a**b


@_pow.defvjp
def _(xp, need, g, out, a, b):
    ga = gb = None
    if need[0]:
        # NOTE: b * a**(b-1) rather than b * out / a, which is NaN at a = 0.
        ga = g * b * a ** (b - 1)
    if need[1]:
        # d(a^b)/db = a^b log a; taken as 0 where a = 0 (where a^b is 0 or 1), as PyTorch does.
        safe = xp.where(a == 0, 1, a)
        gb = g * out * xp.log(safe)
    return ga, gb


def add(a, b) -> Tensor:
    """``a + b`` with broadcasting."""
    return _binary(_add, a, b)


def sub(a, b) -> Tensor:
    """``a - b`` with broadcasting."""
    return _binary(_sub, a, b)


def mul(a, b) -> Tensor:
    """``a * b`` with broadcasting."""
    return _binary(_mul, a, b)


def div(a, b) -> Tensor:
    """``a / b`` with broadcasting (true division; integers give floats)."""
    a, b = as_operand(a), as_operand(b)
    if isinstance(a, Tensor) and a.dtype.kind in "iub" and not (isinstance(b, Tensor) and b.dtype.kind == "f"):
        a = astype(a, dtypes.default_float)
    return _binary(_div, a, b)


def pow(a, b) -> Tensor:  # noqa: A001 - NumPy's and PyTorch's name
    """``a ** b`` with broadcasting. The gradient with respect to b is ``a^b log a`` (0 where a = 0)."""
    return _binary(_pow, a, b)


@primitive("neg", reads=())
def neg(xp, x):
    """``-x``."""
    return -x


@neg.defvjp
def _(xp, need, g, out, x):
    return (-g,)


@primitive("abs")
def abs(xp, x):  # noqa: A001
    """``|x|``; its gradient at 0 is 0 (the subgradient PyTorch picks)."""
    return xp.abs(x)


@abs.defvjp
def _(xp, need, g, out, x):
    return (g * xp.sign(x),)


# --- math functions ---------------------------------------------------------------


@primitive("exp", reads=("out",))
def exp(xp, x):
    """``e^x``."""
    return xp.exp(x)


@exp.defvjp
def _(xp, need, g, out, x):
    return (g * out,)


@primitive("log")
def log(xp, x):
    """Natural logarithm."""
    return xp.log(x)


@log.defvjp
def _(xp, need, g, out, x):
    return (g / x,)


@primitive("log1p")
def log1p(xp, x):
    """``log(1 + x)``, accurate for small x."""
    return xp.log1p(x)


@log1p.defvjp
def _(xp, need, g, out, x):
    return (g / (1 + x),)


@primitive("expm1")
def expm1(xp, x):
    """``e^x - 1``, accurate for small x."""
    return xp.expm1(x)


@expm1.defvjp
def _(xp, need, g, out, x):
    return (g * (out + 1),)


@primitive("sqrt")
def sqrt(xp, x):
    """Square root; the gradient at 0 is infinite, as in PyTorch."""
    return xp.sqrt(x)


@sqrt.defvjp
def _(xp, need, g, out, x):
    return (g / (2 * out),)


@primitive("square")
def square(xp, x):
    """``x^2``."""
    return xp.square(x)


@square.defvjp
def _(xp, need, g, out, x):
    return (g * 2 * x,)


@primitive("sin")
def sin(xp, x):
    return xp.sin(x)


@sin.defvjp
def _(xp, need, g, out, x):
    return (g * xp.cos(x),)


@primitive("cos")
def cos(xp, x):
    return xp.cos(x)


@cos.defvjp
def _(xp, need, g, out, x):
    return (-g * xp.sin(x),)


@primitive("erf")
def erf(xp, x):
    """The error function ``2/sqrt(pi) * integral_0^x e^(-t^2) dt``."""
    return xp.erf(x)


@erf.defvjp
def _(xp, need, g, out, x):
    return (g * _TWO_OVER_SQRT_PI * xp.exp(-x * x),)


_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)


# --- selection ---------------------------------------------------------------------


def _winner_grad(xp, g, won, tie):
    """Gradient of maximum/minimum for one input: all of g where it won, half on ties (PyTorch's split)."""
    return xp.where(tie, g * 0.5, xp.keep(g, won))


@primitive("maximum")
def _maximum(xp, a, b):
    return xp.maximum(a, b)


@_maximum.defvjp
def _(xp, need, g, out, a, b):
    tie = a == b
    ga = _winner_grad(xp, g, a > b, tie) if need[0] else None
    gb = _winner_grad(xp, g, b > a, tie) if need[1] else None
    return ga, gb


@primitive("minimum")
def _minimum(xp, a, b):
    return xp.minimum(a, b)


@_minimum.defvjp
def _(xp, need, g, out, a, b):
    tie = a == b
    ga = _winner_grad(xp, g, a < b, tie) if need[0] else None
    gb = _winner_grad(xp, g, b < a, tie) if need[1] else None
    return ga, gb


def maximum(a, b) -> Tensor:
    """Elementwise maximum; on ties the gradient is split evenly between a and b (as in PyTorch)."""
    return _binary(_maximum, a, b)


def minimum(a, b) -> Tensor:
    """Elementwise minimum; on ties the gradient is split evenly between a and b (as in PyTorch)."""
    return _binary(_minimum, a, b)


@primitive("clip")
def _clip(xp, x, lo, hi):
    return (
        xp.minimum(xp.maximum(x, lo), hi)
        if lo is not None and hi is not None
        else (xp.maximum(x, lo) if lo is not None else xp.minimum(x, hi))
    )


@_clip.defvjp
def _(xp, need, g, out, x, lo, hi):
    # Gradient passes where lo <= x <= hi, bounds included (as PyTorch's clamp).
    inside = True
    if lo is not None:
        inside = x >= lo
    if hi is not None:
        inside = (x <= hi) & inside if lo is not None else x <= hi
    return xp.keep(g, inside), None, None


def clip(x, min=None, max=None) -> Tensor:  # noqa: A002
    """Limit values to ``[min, max]`` (either bound may be None). Gradient: 1 inside, bounds included; 0 outside."""
    if min is None and max is None:
        raise ValueError("clip: give at least one of min and max")
    # as_operand turns NumPy scalar bounds into Python numbers, which keep float32 float32.
    min, max = (None if v is None else as_operand(v) for v in (min, max))
    return _clip(as_operand(x), min, max)


clamp = clip


@primitive("where")
def _where(xp, cond, a, b):
    return xp.where(cond, a, b)


@_where.defvjp
def _(xp, need, g, out, cond, a, b):
    return None, (xp.keep(g, cond) if need[1] else None), (xp.where(cond, 0, g) if need[2] else None)


def where(cond, a, b) -> Tensor:
    """``a`` where ``cond`` is true, else ``b`` (broadcast together).

    The gradient is gated like the forward pass: it flows to ``a`` where cond
    holds and to ``b`` elsewhere. Note that a NaN gradient of the unselected
    branch still does not leak through, but a NaN or Inf *value* computed in
    it (e.g. ``where(x > 0, log(x), 0)`` at x < 0) still poisons the gradient
    of ``log``: mask the input, not only the output.
    """
    if not isinstance(cond, Tensor):
        cond = np.asarray(cond)
    if cond.dtype != np.bool_:
        cond = Tensor._make(recompute(_as_bool, cond))
    a, b = as_operand(a), as_operand(b)
    if isinstance(a, float) and isinstance(b, float):
        a = Tensor._make(np.asarray(a, dtype=dtypes.default_float))
    return _where(cond, a, b)


def _as_bool(x: np.ndarray) -> np.ndarray:
    return x.astype(bool)


@primitive("astype")
def _astype(xp, x, dtype):
    return xp.astype(x, dtype)


@_astype.defvjp
def _(xp, need, g, out, x, dtype):
    return xp.astype(g, x.dtype), None


def astype(x, dtype) -> Tensor:
    """``x`` converted to ``dtype``; gradients flow back between float dtypes."""
    dtype = dtypes.resolve(dtype)
    x = as_operand(x)
    if x.dtype == dtype:
        return x
    out = _astype(x, dtype)
    if dtype.kind != "f" and out._node is not None:
        return out.detach()
    return out


@primitive("clone")
def _clone(xp, x):
    return x.copy()


@_clone.defvjp
def _(xp, need, g, out, x):
    return (g,)


def clone(x) -> Tensor:
    """A copy with its own memory; the gradient passes through unchanged."""
    return _clone(as_operand(x))


# --- comparisons and logic (no gradient) -------------------------------------------


def _compare(fn):
    def run(a, b):
        return np.asarray(fn(a, b))

    run.__name__ = fn.__name__

    def compare(a, b) -> Tensor:
        return Tensor._make(recompute(run, a, b))  # no gradient, but a captured step recomputes it

    compare.__name__ = fn.__name__
    compare.__doc__ = f"Elementwise ``{fn.__name__}`` as a bool tensor (no gradient)."
    return compare


less = _compare(np.less)
less_equal = _compare(np.less_equal)
greater = _compare(np.greater)
greater_equal = _compare(np.greater_equal)
equal = _compare(np.equal)
not_equal = _compare(np.not_equal)
logical_and = _compare(np.logical_and)
logical_or = _compare(np.logical_or)


def logical_not(a) -> Tensor:
    """Elementwise not, as a bool tensor."""
    return Tensor._make(recompute(np.logical_not, a))


def isfinite(a) -> Tensor:
    """True where a value is neither NaN nor infinite."""
    return Tensor._make(recompute(np.isfinite, a))


def isnan(a) -> Tensor:
    return Tensor._make(recompute(np.isnan, a))


def sign(a) -> Tensor:
    """-1, 0 or 1 by the sign of each value (no gradient: it is 0 almost everywhere)."""
    return Tensor._make(recompute(np.sign, a))
