"""``keras.ops``'s elementwise math (NumPy's names), composed from nabla's differentiable operations.

Functions of floats (``arcsin``, ``cosh``, ``exp2``...) turn integer and bool inputs into float32 first, as
Keras does; float32 stays float32. Functions whose gradient is zero almost everywhere (``floor``, ``trunc``,
``floor_divide``, ``sign``, the tests ``isclose``, ``isinf``...) give no gradient, as ``stop_gradient``.
"""

from __future__ import annotations

import math

import numpy as np

from .._convert import convert_to_tensor
from .._engine import Tensor, dtypes, ops
from .core import on_values, record_symbolic_calls

abs = absolute = fabs = ops.abs  # noqa: A001
add, subtract, multiply, divide, true_divide = ops.add, ops.sub, ops.mul, ops.div, ops.div
negative, power, square, sqrt, exp, expm1 = ops.neg, ops.pow, ops.square, ops.sqrt, ops.exp, ops.expm1
log, log1p, sin, cos, tanh, sign, erf = ops.log, ops.log1p, ops.sin, ops.cos, ops.tanh, ops.sign, ops.erf
maximum, minimum, matmul, einsum, outer = ops.maximum, ops.minimum, ops.matmul, ops.einsum, ops.outer
equal, not_equal, greater, greater_equal = ops.equal, ops.not_equal, ops.greater, ops.greater_equal
less, less_equal, isnan, isfinite = ops.less, ops.less_equal, ops.isnan, ops.isfinite
logical_and, logical_or, logical_not = ops.logical_and, ops.logical_or, ops.logical_not


def _float(x) -> Tensor:
    """``x`` as a tensor of floats: integers and bools become float32 (Keras's floatx)."""
    x = convert_to_tensor(x)
    return x if x.dtype.kind == "f" else ops.astype(x, dtypes.default_float)


def _constant(fn, doc: str):
    """A NumPy function on the values, without gradient (see the module's notes)."""

    def constant(*args, **kwargs):
        return fn(*args, **kwargs)

    constant.__name__ = constant.__qualname__ = fn.__name__
    constant.__doc__ = doc
    return on_values(constant)


floor = _constant(np.floor, "NumPy's ``floor``; no gradient.")
ceil = _constant(np.ceil, "NumPy's ``ceil``; no gradient.")
round = _constant(np.round, "NumPy's ``round`` (halves to even); no gradient.")  # noqa: A001
trunc = _constant(np.trunc, "The integer part, rounded towards zero; no gradient.")
floor_divide = _constant(np.floor_divide, "``floor(x1 / x2)``, in the inputs' dtype (ints stay ints); no gradient.")
isinf = _constant(np.isinf, "True where a value is +inf or -inf.")
isposinf = _constant(np.isposinf, "True where a value is +inf.")
isneginf = _constant(np.isneginf, "True where a value is -inf.")
signbit = _constant(np.signbit, "True where the sign bit is set (negative values and -0.0).")
logical_xor = _constant(np.logical_xor, "Elementwise exclusive or, as a bool tensor.")
bitwise_and = _constant(np.bitwise_and, "Elementwise bitwise and of integers (or bools).")
bitwise_or = _constant(np.bitwise_or, "Elementwise bitwise or of integers (or bools).")
bitwise_xor = _constant(np.bitwise_xor, "Elementwise bitwise exclusive or of integers (or bools).")
bitwise_invert = bitwise_not = _constant(np.invert, "Elementwise bitwise not of integers (or bools).")
bitwise_left_shift = left_shift = _constant(np.left_shift, "The bits of x shifted left by y (integers).")
bitwise_right_shift = right_shift = _constant(np.right_shift, "The bits of x shifted right by y (integers).")
gcd = _constant(np.gcd, "The greatest common divisor of integers, elementwise.")
lcm = _constant(np.lcm, "The least common multiple of integers, elementwise.")
heaviside = _constant(np.heaviside, "0 where x1 < 0, 1 where x1 > 0, x2 where x1 = 0; no gradient (as torch's).")


@on_values
def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False) -> Tensor:
    """``|x1 - x2| <= atol + rtol * |x2|`` elementwise, as a bool tensor."""
    return np.isclose(x1, x2, rtol, atol, equal_nan)


@on_values
def allclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False) -> Tensor:
    """Whether :func:`isclose` holds everywhere, as a 0-d bool tensor."""
    return np.allclose(x1, x2, rtol, atol, equal_nan)


def dot(x1, x2) -> Tensor:
    """NumPy's ``dot``: a product of numbers, vectors and matrices (``matmul`` for tensors of 1-2 axes)."""
    x1, x2 = convert_to_tensor(x1), convert_to_tensor(x2)
    if x1.ndim == 0 or x2.ndim == 0:
        return x1 * x2
    if x2.ndim > 2:
        raise ValueError("dot: tensors of more than 2 axes are not offered; use keras.ops.einsum or matmul")
    return ops.matmul(x1, x2)


def vdot(x1, x2) -> Tensor:
    """The dot product of the two tensors flattened."""
    return ops.matmul(ops.reshape(convert_to_tensor(x1), -1), ops.reshape(convert_to_tensor(x2), -1))


def tensordot(x1, x2, axes=2) -> Tensor:
    """Sum the products over ``axes``: the last ``axes`` axes of x1 with the first of x2 (an int), or the
    pairs of axes of two lists; composed as :func:`einsum`."""
    x1, x2 = convert_to_tensor(x1), convert_to_tensor(x2)
    if isinstance(axes, int):
        axes = (list(range(x1.ndim - axes, x1.ndim)), list(range(axes)))
    first, second = ([a] if isinstance(a, int) else list(a) for a in axes)
    letters = iter("abcdefghijklmnopqrstuvwxyz")
    sub1 = [next(letters) for _ in range(x1.ndim)]
    sub2 = [next(letters) for _ in range(x2.ndim)]
    for i, j in zip(first, second):
        sub2[j % x2.ndim] = sub1[i % x1.ndim]
    summed = {sub1[i % x1.ndim] for i in first}
    kept = [c for c in sub1 if c not in summed] + [c for c in sub2 if c not in summed]
    return ops.einsum(f"{''.join(sub1)},{''.join(sub2)}->{''.join(kept)}", x1, x2)


def inner(x1, x2) -> Tensor:
    """The sums of products over the last axes of both (a number for two vectors)."""
    x1, x2 = convert_to_tensor(x1), convert_to_tensor(x2)
    if x1.ndim == 0 or x2.ndim == 0:
        return x1 * x2
    return tensordot(x1, x2, ([-1], [-1]))


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None) -> Tensor:
    """The cross product of 3-vectors along ``axisa`` of x1 and ``axisb`` of x2 (``axis`` sets all three)."""
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = ops.moveaxis(_float(x1), axisa, -1), ops.moveaxis(_float(x2), axisb, -1)
    if a.shape[-1] != 3 or b.shape[-1] != 3:
        raise ValueError(f"cross: nabla offers the cross product of 3-vectors, got shapes {a.shape} and {b.shape}")
    out = ops.stack([a[..., (i + 1) % 3] * b[..., (i + 2) % 3] - a[..., (i + 2) % 3] * b[..., (i + 1) % 3]
                     for i in range(3)], axis=-1)
    return ops.moveaxis(out, -1, axisc)


def fmax(x1, x2) -> Tensor:
    """The larger of the two, ignoring a NaN (NaN only where both are)."""
    x1, x2 = _float(x1), _float(x2)
    return ops.where(ops.isnan(x1), x2, ops.where(ops.isnan(x2), x1, ops.maximum(x1, x2)))


def fmin(x1, x2) -> Tensor:
    """The smaller of the two, ignoring a NaN (NaN only where both are)."""
    x1, x2 = _float(x1), _float(x2)
    return ops.where(ops.isnan(x1), x2, ops.where(ops.isnan(x2), x1, ops.minimum(x1, x2)))


def sinc(x) -> Tensor:
    """``sin(pi x) / (pi x)``, and 1 at 0."""
    x = _float(x)
    zero = x == 0
    scaled = ops.where(zero, 1.0, x) * math.pi
    return ops.where(zero, 1.0, ops.sin(scaled) / scaled)


@on_values
def isin(x1, x2, assume_unique=False, invert=False) -> Tensor:
    """Whether each element of ``x1`` is one of ``x2``'s, as a bool tensor."""
    return np.isin(x1, x2, assume_unique=assume_unique, invert=invert)


def select(condlist, choicelist, default=0) -> Tensor:
    """Each element from the first choice whose condition holds there, else ``default``; differentiable in the
    choices."""
    out = convert_to_tensor(default)
    for condition, choice in reversed(list(zip(condlist, choicelist))):
        out = ops.where(condition, choice, out)
    return out


# --- powers, logarithms, trigonometry ---------------------------------------------------------------


def reciprocal(x) -> Tensor:
    return 1.0 / _float(x)


def rsqrt(x) -> Tensor:
    return 1.0 / ops.sqrt(_float(x))


def cbrt(x) -> Tensor:
    """The real cube root (negative for negative x)."""
    x = _float(x)
    positive = x >= 0
    root = ops.where(positive, x, -x) ** (1.0 / 3.0)
    return ops.where(positive, root, -root)


def exp2(x) -> Tensor:
    return ops.exp(_float(x) * math.log(2.0))


def log2(x) -> Tensor:
    return ops.log(_float(x)) * (1.0 / math.log(2.0))


def log10(x) -> Tensor:
    return ops.log(_float(x)) * (1.0 / math.log(10.0))


def logaddexp(x1, x2) -> Tensor:
    """``log(exp(x1) + exp(x2))``, computed as ``max + log1p(exp(-|x1 - x2|))``."""
    # NOTE: exp(-|d|) <= 1 never overflows, whatever the size of x1 and x2.
    x1, x2 = _float(x1), _float(x2)
    return ops.maximum(x1, x2) + ops.log1p(ops.exp(-ops.abs(x1 - x2)))


def logaddexp2(x1, x2) -> Tensor:
    """``log2(2**x1 + 2**x2)``."""
    ln2 = math.log(2.0)
    return logaddexp(_float(x1) * ln2, _float(x2) * ln2) * (1.0 / ln2)


def hypot(x1, x2) -> Tensor:
    """``sqrt(x1**2 + x2**2)``; its gradient at (0, 0) is 0 (as the norm's)."""
    squares = ops.square(_float(x1)) + ops.square(_float(x2))
    zero = squares == 0
    return ops.where(zero, 0.0, ops.sqrt(ops.where(zero, 1.0, squares)))


def fmod(x1, x2) -> Tensor:
    """The remainder of ``x1 / x2`` with the sign of ``x1`` (C's fmod): ``x1 - trunc(x1 / x2) * x2``."""
    x1, x2 = convert_to_tensor(x1), convert_to_tensor(x2)
    if x1.dtype.kind in "iub" and x2.dtype.kind in "iub":
        return _integer_fmod(x1, x2)
    return x1 - trunc(ops.div(x1, x2)) * x2


def mod(x1, x2) -> Tensor:
    """The remainder with the sign of ``x2`` (Python's ``%``): ``x1 - floor(x1 / x2) * x2``.

    A Python int beside an integer tensor takes the tensor's dtype, as Keras 3's weak Python scalars do
    (``mod(int32_ids, 2)`` is int32, not int64)."""
    x1, x2 = _beside(x1, x2), _beside(x2, x1)
    x1, x2 = convert_to_tensor(x1), convert_to_tensor(x2)
    if x1.dtype.kind in "iub" and x2.dtype.kind in "iub":
        return _integer_mod(x1, x2)
    return x1 - floor(ops.div(x1, x2)) * x2


def _beside(x, other):
    """``x``, a Python int beside an integer tensor or array given that one's dtype; anything else as it is."""
    kind = getattr(getattr(other, "dtype", None), "kind", None)
    if isinstance(x, int) and not isinstance(x, bool) and kind in ("i", "u"):
        return convert_to_tensor(x, other.dtype)
    return x


_integer_fmod = on_values(np.fmod)
_integer_mod = on_values(np.mod)


def divide_no_nan(x1, x2) -> Tensor:
    """``x1 / x2``, and 0 where ``x2`` is 0 (the gradient there is 0 too)."""
    x1, x2 = _float(x1), convert_to_tensor(x2)
    zero = x2 == 0
    return ops.where(zero, 0.0, x1 / ops.where(zero, 1.0, x2))


def nan_to_num(x, nan=0.0, posinf=None, neginf=None) -> Tensor:
    """NaN, +inf and -inf replaced by ``nan``, ``posinf`` and ``neginf`` (by default 0 and the dtype's
    largest and smallest finite values); the gradient flows where the values were finite."""
    x = convert_to_tensor(x)
    if x.dtype.kind != "f":
        return x
    big = float(np.finfo(x.dtype).max)
    x = ops.where(ops.isnan(x), nan, x)
    x = ops.where(isposinf(x), big if posinf is None else posinf, x)
    return ops.where(isneginf(x), -big if neginf is None else neginf, x)


def tan(x) -> Tensor:
    x = _float(x)
    return ops.sin(x) / ops.cos(x)


def arcsin(x) -> Tensor:
    return ops.arcsin(_float(x))


def arccos(x) -> Tensor:
    return math.pi / 2 - ops.arcsin(_float(x))


def arctan(x) -> Tensor:
    return ops.arctan(_float(x))


def arctan2(x1, x2) -> Tensor:
    """The angle of the point (x2, x1) in [-pi, pi]: NumPy's ``arctan2(y, x)`` with y = x1 and x = x2.

    Composed as ``arctan(y / x)`` (moved by pi when x < 0) where ``|x| >= |y|``, else as
    ``+-pi/2 - arctan(x / y)``: no division by a small number, the right gradient everywhere but at (0, 0),
    where the angle is 0.
    """
    y, x = _float(x1), _float(x2)
    wide = ops.abs(x) >= ops.abs(y)
    up = 2.0 * (y >= 0) - 1.0  # the sign of y, +1 at y = 0
    near_x = ops.arctan(y / ops.where(wide & (x != 0), x, 1.0)) + math.pi * (x < 0) * up
    near_y = (math.pi / 2) * up - ops.arctan(x / ops.where(wide, 1.0, y))
    return ops.where(wide, near_x, near_y)


def sinh(x) -> Tensor:
    """``(e^x - e^-x) / 2``, with expm1 so that it stays accurate near 0."""
    x = _float(x)
    return (ops.expm1(x) - ops.expm1(-x)) * 0.5


def cosh(x) -> Tensor:
    x = _float(x)
    return (ops.exp(x) + ops.exp(-x)) * 0.5


def arcsinh(x) -> Tensor:
    """``log(x + sqrt(x^2 + 1))``, evaluated at ``|x|`` and given x's sign (no cancellation for x < 0)."""
    x = _float(x)
    positive = x >= 0
    magnitude = ops.where(positive, x, -x)  # (where, not abs: its gradient at 0 is 1)
    out = ops.log(magnitude + ops.sqrt(magnitude * magnitude + 1))
    return ops.where(positive, out, -out)


def arccosh(x) -> Tensor:
    """``log(x + sqrt(x^2 - 1))`` for x >= 1 (NaN below)."""
    x = _float(x)
    return ops.log(x + ops.sqrt(x * x - 1))


def arctanh(x) -> Tensor:
    """``(log1p(x) - log1p(-x)) / 2`` on (-1, 1)."""
    x = _float(x)
    return (ops.log1p(x) - ops.log1p(-x)) * 0.5


def erfc(x) -> Tensor:
    """``1 - erf(x)`` (as computed: for x above ~4 in float32 it is 0)."""
    return 1.0 - ops.erf(_float(x))


def erfinv(x) -> Tensor:
    """The inverse of ``erf`` on (-1, 1); +-inf at +-1."""
    return ops.erfinv(_float(x))


def deg2rad(x) -> Tensor:
    return _float(x) * (math.pi / 180.0)


def rad2deg(x) -> Tensor:
    return _float(x) * (180.0 / math.pi)


record_symbolic_calls(globals())
