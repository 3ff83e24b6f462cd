"""Elementwise math with TensorFlow's names and rules, each a call to one of nabla's operations.

Where TensorFlow's semantics differ from PyTorch's (nabla's engine follows PyTorch), these follow
TensorFlow, and each function says how:

- dtypes: operands are matched by TensorFlow's rule (see ``_convert``); ``exp``, ``log``, ``sqrt`` and the
  other transcendental functions take floating-point tensors only (an int32 tensor raises, as in TF);
- ``truediv`` / ``divide`` / ``/`` of integers is float64 for int32 and int64 (float32 for 8- and 16-bit
  integers); ``floordiv`` (``//``) and ``floormod`` (``%``) floor, as Python does;
- ``maximum`` / ``minimum``: on a tie the whole gradient goes to ``x`` (PyTorch splits it in two);
- ``floor``, ``ceil``, ``round`` and comparisons have no gradient (None); ``sign``'s is 0; as in TensorFlow.
"""

from __future__ import annotations

import numpy as np

import nabla as nb

from ._convert import apply, as_tf, constant, match, pair, pair_tensors, tensor_arg
from ._engine import recompute
from .errors import InvalidArgumentError

# --- helpers -----------------------------------------------------------------------------------


def _floats_only(x, op: str) -> None:
    if x._data.dtype.kind != "f":
        raise InvalidArgumentError(
            f"{op}: TensorFlow computes {op} on floating-point tensors only, got {x._data.dtype}; "
            "convert first with tf.cast(x, tf.float32)"
        )


def _unary(engine_fn, name: str, what: str, floats_only: bool = True, quiet: bool = False):
    """A one-argument operation ``tf.<name>(x)`` computed by ``engine_fn`` (``quiet``: where NumPy would warn
    about an infinite or NaN result)."""

    def op(x, name=None):
        x = tensor_arg(x)
        if floats_only:
            _floats_only(x, op.__name__)
        return _quietly(engine_fn, x) if quiet else apply(engine_fn, x)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``tf.{name}(x)``: {what}, elementwise."
    return op


def _array_of(fn, *args) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):  # IEEE results (inf, NaN) without warnings, as TF
        return np.asarray(fn(*args))


def _no_grad(fn, *args):
    """``fn`` on the arrays of ``args`` as a tensor without gradient (a captured step recomputes it)."""
    return as_tf(nb.from_numpy(recompute(_array_of, fn, *args)))


def _quietly(engine_fn, *args):
    """``engine_fn`` where NumPy would warn about an IEEE result (log(0) = -inf, 1/0 = inf): TensorFlow does
    not warn, and neither does nabla.tf."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return apply(engine_fn, *args)


def _binary(engine_fn, name: str, what: str, first_alone: bool = False):
    """A two-argument operation with TensorFlow's dtype matching, computed by ``engine_fn``."""

    def op(x, y, name=None):
        return apply(engine_fn, *pair(x, y, op.__name__, first_alone))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``tf.{name}(x, y)``: {what}, elementwise with broadcasting; x and y must have one dtype."
    return op


# --- arithmetic --------------------------------------------------------------------------------

add = _binary(nb.add, "add", "x + y (x is converted on its own, as TensorFlow's add does)", first_alone=True)
plus = _binary(nb.add, "add", "x + y")  # the + operator: a Python number or array takes the tensor's dtype
subtract = _binary(nb.sub, "subtract", "x - y")
multiply = _binary(nb.mul, "multiply", "x * y")


def pow(x, y, name=None):  # noqa: A001 - TensorFlow's name
    """``tf.pow(x, y)``: x to the power y. Integer tensors stay integers (a negative power raises)."""
    return _quietly(nb.pow, *pair(x, y, "Pow"))


# TensorFlow's truediv: the float an integer dtype divides into.
_TRUEDIV_FLOAT = {1: np.float32, 2: np.float32, 4: np.float64, 8: np.float64}


def truediv(x, y, name=None):
    """``x / y`` as TensorFlow computes it: integers are first converted to float64 (int32, int64) or
    float32 (8- and 16-bit integers), so ``tf.constant(1) / 2`` is ``0.5`` as a float64."""
    x, y = pair(x, y, "RealDiv")
    dtype = (x if isinstance(x, nb.Tensor) else y)._data.dtype
    if dtype.kind in "iu":
        target = _TRUEDIV_FLOAT[dtype.itemsize]
        x = apply(nb.astype, x, target) if isinstance(x, nb.Tensor) else x
        y = apply(nb.astype, y, target) if isinstance(y, nb.Tensor) else y
    return _quietly(nb.div, x, y)


divide = truediv


def floordiv(x, y, name=None):
    """``x // y``: the quotient rounded down (-7 // 2 is -4), for integers and floats. No gradient."""
    return _no_grad(np.floor_divide, *pair(x, y, "FloorDiv"))


def floormod(x, y, name=None):
    """``x % y`` with the sign of ``y`` (Python's and TensorFlow's modulo: -7 % 3 is 2).

    For floats it is ``x - floor(x / y) * y``, so the gradient is 1 for x and ``-floor(x / y)`` for y, as
    TensorFlow's. Integers have no gradient.
    """
    x, y = pair(x, y, "FloorMod")
    if (x if isinstance(x, nb.Tensor) else y)._data.dtype.kind != "f":
        return _no_grad(np.mod, x, y)
    return subtract(x, multiply(floordiv(x, y), y))


mod = floormod
negative = _unary(nb.neg, "negative", "-x", floats_only=False)
abs = _unary(nb.abs, "abs", "|x| (gradient 0 at 0)", floats_only=False)  # noqa: A001
square = _unary(nb.square, "square", "x * x", floats_only=False)
sqrt = _unary(nb.sqrt, "sqrt", "the square root", quiet=True)
exp = _unary(nb.exp, "exp", "e ** x")
expm1 = _unary(nb.expm1, "expm1", "e ** x - 1, accurate near 0")
log = _unary(nb.log, "log", "the natural logarithm (-inf at 0, NaN below)", quiet=True)
log1p = _unary(nb.log1p, "log1p", "log(1 + x), accurate near 0", quiet=True)
sin = _unary(nb.sin, "sin", "the sine")
cos = _unary(nb.cos, "cos", "the cosine")
tanh = _unary(nb.tanh, "tanh", "the hyperbolic tangent")
sigmoid = _unary(nb.sigmoid, "sigmoid", "the logistic function 1 / (1 + e ** -x)")
softplus = _unary(nb.softplus, "softplus", "log(1 + e ** x), computed without overflow")
erf = _unary(nb.erf, "erf", "the error function")


def tan(x, name=None):
    """``tf.math.tan(x)``: the tangent, sin(x) / cos(x)."""
    x = tensor_arg(x)
    _floats_only(x, "tan")
    return truediv(sin(x), cos(x))


def rsqrt(x, name=None):
    """``tf.math.rsqrt(x)``: 1 / sqrt(x)."""
    return truediv(1.0, sqrt(x))


def reciprocal(x, name=None):
    """``tf.math.reciprocal(x)``: 1 / x."""
    x = tensor_arg(x)
    _floats_only(x, "reciprocal")
    return truediv(1.0, x)


def log_sigmoid(x, name=None):
    """``tf.math.log_sigmoid(x)``: log(sigmoid(x)) = -softplus(-x), without overflow."""
    return negative(softplus(negative(x)))


def squared_difference(x, y, name=None):
    """``tf.math.squared_difference(x, y)``: (x - y) ** 2."""
    return square(subtract(x, y))


def _ge_or_nan(x, y):
    return np.asarray((x >= y) | (x != x))  # (x != x: x is NaN, which wins, as in NumPy and TensorFlow)


def _le_or_nan(x, y):
    return np.asarray((x <= y) | (x != x))


def _select(take_x, x, y, op: str):
    """``x`` where ``take_x(x, y)`` holds, else ``y``: on a tie the gradient goes to x (TensorFlow's rule)."""
    x, y = pair_tensors(x, y, op)
    return apply(nb.where, _no_grad(take_x, x, y), x, y)


def maximum(x, y, name=None):
    """``tf.maximum(x, y)``: the larger of x and y; on a tie the gradient goes to x, as in TensorFlow
    (PyTorch splits it between the two)."""
    return _select(_ge_or_nan, x, y, "Maximum")


def minimum(x, y, name=None):
    """``tf.minimum(x, y)``: the smaller of x and y; on a tie the gradient goes to x, as in TensorFlow."""
    return _select(_le_or_nan, x, y, "Minimum")


def add_n(inputs, name=None):
    """``tf.add_n(inputs)``: the sum of a list of tensors of one shape and dtype."""
    values = match(inputs, "AddN")
    total = values[0] if len(values) > 1 else apply(nb.clone, values[0])
    for v in values[1:]:
        total = apply(nb.add, total, v)
    return total


def scalar_mul(scalar, x, name=None):
    """``tf.math.scalar_mul(scalar, x)``: scalar * x."""
    return multiply(scalar, x)


def divide_no_nan(x, y, name=None):
    """``tf.math.divide_no_nan(x, y)``: x / y, and 0 where y is 0 (no NaN or inf, no gradient through 0)."""
    x, y = pair_tensors(x, y, "DivNoNan")
    zero = equal(y, 0)
    return apply(nb.where, zero, 0, truediv(x, apply(nb.where, zero, 1, y)))


# --- rounding: no gradient ---------------------------------------------------------------------


def _rounding(fn, name: str, what: str):
    def op(x, name=None):
        x = tensor_arg(x)
        return apply(nb.clone, x) if x._data.dtype.kind in "iub" else _no_grad(fn, x)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``tf.math.{name}(x)``: {what}. No gradient, as in TensorFlow."
    return op


floor = _rounding(np.floor, "floor", "the largest integer not above x")
ceil = _rounding(np.ceil, "ceil", "the smallest integer not below x")
round = _rounding(np.round, "round", "x rounded to the nearest integer, halves to even (2.5 -> 2)")  # noqa: A001
rint = _rounding(np.rint, "rint", "x rounded to the nearest integer, halves to even")


def sign(x, name=None):
    """``tf.sign(x)``: -1, 0 or 1 (NaN for NaN). Its gradient is 0 everywhere, as TensorFlow's (not None)."""
    x = tensor_arg(x)
    signs = _no_grad(np.sign, x)
    if x._data.dtype.kind != "f":
        return signs
    # The signs where they are numbers, x (NaN) elsewhere: a selection, whose gradient for x is 0 where the
    # sign was taken (and no product with x, which would turn an infinite x into NaN).
    return apply(nb.where, _no_grad(np.isfinite, signs), signs, x)


# --- comparisons and logic: no gradient --------------------------------------------------------

less = _binary(nb.less, "less", "x < y as bools")
less_equal = _binary(nb.less_equal, "less_equal", "x <= y as bools")
greater = _binary(nb.greater, "greater", "x > y as bools")
greater_equal = _binary(nb.greater_equal, "greater_equal", "x >= y as bools")
equal = _binary(nb.equal, "equal", "x == y as bools")
not_equal = _binary(nb.not_equal, "not_equal", "x != y as bools")


def tensor_equals(x, y, equal_: bool):
    """``x == y`` (``equal_``) or ``x != y`` as TensorFlow's operators: elementwise, but a plain ``False``
    (``True`` for !=) against None, and a scalar one for shapes that do not broadcast."""
    if y is None:
        return not equal_
    x, y = pair(x, y, "Equal" if equal_ else "NotEqual")
    try:
        np.broadcast_shapes(np.shape(x), np.shape(y))
    except ValueError:
        return constant(not equal_)
    return apply(nb.equal if equal_ else nb.not_equal, x, y)


def _logical(fn, name: str):
    def op(x, y, name=None):
        x, y = pair(x, y, op.__name__)
        if (x if isinstance(x, nb.Tensor) else y)._data.dtype.kind != "b":
            raise InvalidArgumentError(f"{op.__name__} takes bool tensors, got {np.result_type(x, y)}")
        return _no_grad(fn, x, y)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``tf.math.{name}(x, y)`` on bool tensors."
    return op


logical_and = _logical(np.logical_and, "logical_and")
logical_or = _logical(np.logical_or, "logical_or")
logical_xor = _logical(np.logical_xor, "logical_xor")


def logical_not(x, name=None):
    """``tf.logical_not(x)`` on a bool tensor."""
    return _no_grad(np.logical_not, tensor_arg(x))


def invert(x):
    """``~x``: logical not of bools, bitwise not of integers (TensorFlow's operator)."""
    x = tensor_arg(x)
    return _no_grad(np.logical_not if x._data.dtype.kind == "b" else np.invert, x)


_BITWISE = {"and": np.bitwise_and, "or": np.bitwise_or, "xor": np.bitwise_xor}
_LOGICAL = {"and": np.logical_and, "or": np.logical_or, "xor": np.logical_xor}


def bitwise_or_logical(kind: str, x, y):
    """``x & y``, ``x | y``, ``x ^ y``: logical on bools, bitwise on integers (TensorFlow's operators)."""
    x, y = pair(x, y, kind)
    dtype = (x if isinstance(x, nb.Tensor) else y)._data.dtype
    return _no_grad((_LOGICAL if dtype.kind == "b" else _BITWISE)[kind], x, y)


def is_nan(x, name=None):
    """``tf.math.is_nan(x)``."""
    return _no_grad(np.isnan, tensor_arg(x))


def is_inf(x, name=None):
    """``tf.math.is_inf(x)``."""
    return _no_grad(np.isinf, tensor_arg(x))


def is_finite(x, name=None):
    """``tf.math.is_finite(x)``."""
    return _no_grad(np.isfinite, tensor_arg(x))
