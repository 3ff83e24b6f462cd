"""Elementwise arithmetic and math functions, with NumPy's broadcasting.

Each binary op broadcasts like NumPy; its VJP returns gradients in the
broadcast shape and the backward walk sums them back to each input's shape.
Python numbers mix in without changing the tensor's dtype (float32 stays
float32), as in PyTorch.
"""

from __future__ import annotations

import math

import numpy as np

from .. import backend, devices, dtypes
from ..tensor import Tensor
from ..tracing import recompute
from .primitive import apply, as_operand, ieee_results, primitive

_FOREIGN_FLOATS = backend.FOREIGN_FLOAT_DTYPES


def _floating(dtype) -> bool:
    """Whether an array's dtype is a float: NumPy's ``kind``, or one of another library's float dtypes."""
    return getattr(dtype, "kind", None) == "f" or dtype in _FOREIGN_FLOATS


def _binary(prim, a, b) -> Tensor:
    # Fast path, the common case: two tensors of one dtype, or a float tensor
    # and a Python number. Everything else goes through the promotion rules.
    if isinstance(a, Tensor):
        if (isinstance(b, Tensor) and a._data.dtype is b._data.dtype) or (
            type(b) in (float, int) and _floating(a._data.dtype)
        ):
            return _broadcasting(prim, a, b)
    elif type(a) in (float, int) and isinstance(b, Tensor) and _floating(b._data.dtype):
        return _broadcasting(prim, a, b)
    a, b = as_operand(a, b), as_operand(b, a)
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
            f"{prim.name}: shapes {getattr(a, 'shape', ())} and {getattr(b, 'shape', ())} cannot be broadcast together "
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
@ieee_results
def _div(xp, a, b):
    return a / b


@_div.defvjp
def _(xp, need, g, out, a, b):
    # d(a/b)/db = -a/b^2 = -out/b
    return (g / b if need[0] else None), (-g * out / b if need[1] else None)


@primitive("pow")
@ieee_results
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
        if hasattr(a, "shape"):
            log_a = xp.log(xp.where(a == 0, 1, a))
        else:  # a Python number
            log_a = math.log(a) if a > 0 else (0.0 if a == 0 else math.nan)
        gb = g * out * log_a
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
    a, b = as_operand(a, b), as_operand(b, a)
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
@ieee_results
def exp(xp, x):
    """``e^x``."""
    return xp.exp(x)


@exp.defvjp
def _(xp, need, g, out, x):
    return (g * out,)


@primitive("log")
@ieee_results
def log(xp, x):
    """Natural logarithm."""
    return xp.log(x)


@log.defvjp
def _(xp, need, g, out, x):
    return (g / x,)


@primitive("log1p")
@ieee_results
def log1p(xp, x):
    """``log(1 + x)``, accurate for small x."""
    return xp.log1p(x)


@log1p.defvjp
def _(xp, need, g, out, x):
    return (g / (1 + x),)


@primitive("expm1")
@ieee_results
def expm1(xp, x):
    """``e^x - 1``, accurate for small x."""
    return xp.expm1(x)


@expm1.defvjp
def _(xp, need, g, out, x):
    return (g * (out + 1),)


@primitive("sqrt")
@ieee_results
def sqrt(xp, x):
    """Square root; the gradient at 0 is infinite, as in PyTorch."""
    return xp.sqrt(x)


@sqrt.defvjp
def _(xp, need, g, out, x):
    return (g / (2 * out),)


@primitive("square")
@ieee_results
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
    like = next((t for t in (cond, a, b) if isinstance(t, Tensor)), None)
    if not isinstance(cond, Tensor):
        cond = as_operand(np.asarray(cond), like)
    if cond.dtype != np.bool_:
        cond = Tensor._make(recompute(_as_bool, cond))
    a, b = as_operand(a, like), as_operand(b, like)
    if isinstance(a, float) and isinstance(b, float):
        device = devices.device_of(cond._data) if isinstance(cond, Tensor) else devices.CPU
        a = Tensor._make(backend.to_device(np.asarray(a, dtype=dtypes.default_float), device))
    return _where(cond, a, b)


def _as_bool(x):
    return backend.namespace(x).astype(x, dtypes.bool_)


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
    return xp.copy(x)


@_clone.defvjp
def _(xp, need, g, out, x):
    return (g,)


def clone(x) -> Tensor:
    """A copy with its own memory; the gradient passes through unchanged."""
    return _clone(as_operand(x))


@primitive("to_device", reads=())
def _to_device(xp, x, device, source):
    return xp.to_device(x, device)


@_to_device.defvjp
def _(xp, need, g, out, x, device, source):
    return (xp.to_device(g, source),)


def to_device(x, device) -> Tensor:
    """``x`` moved to ``device`` (``t.to(device)``); the gradient moves back to x's device."""
    x = as_operand(x)
    source = devices.device_of(x._data)  # (the array's: a subclass may show another name, as nabla.tf does)
    if devices.normalize(device) == source:
        return x
    return _to_device(x, device=device, source=source)


# --- comparisons and logic (no gradient) -------------------------------------------


def _no_grad(name: str, doc: str):
    """An elementwise function without gradient (a comparison, a test), run in its inputs' library."""

    def run(*arrays):
        out = getattr(backend.namespace(*arrays), name)(*arrays)
        # NOTE: NumPy answers 0-d inputs with a scalar (np.True_, a shared singleton): a 0-d array instead, as
        # every tensor holds, which a captured step can name (``sum(x) == 0`` inside a step is then recorded).
        return out if hasattr(out, "shape") and not isinstance(out, np.generic) else np.asarray(out)

    run.__name__ = name

    def function(*args) -> Tensor:
        return Tensor._make(recompute(run, *args))  # no gradient, but a captured step recomputes it

    function.__name__ = name
    function.__doc__ = doc
    return function


def _compare(name: str):
    return _no_grad(name, f"Elementwise ``{name}`` as a bool tensor (no gradient).")


less = _compare("less")
less_equal = _compare("less_equal")
greater = _compare("greater")
greater_equal = _compare("greater_equal")
equal = _compare("equal")
not_equal = _compare("not_equal")
logical_and = _compare("logical_and")
logical_or = _compare("logical_or")
logical_not = _no_grad("logical_not", "Elementwise not, as a bool tensor.")
isfinite = _no_grad("isfinite", "True where a value is neither NaN nor infinite.")
isnan = _no_grad("isnan", "True where a value is NaN.")
sign = _no_grad("sign", "-1, 0 or 1 by the sign of each value (no gradient: it is 0 almost everywhere).")
