"""Reductions over axes: sum, mean, prod, max/min, var/std, logsumexp, norm.

``axis`` is None (all axes), an int or a tuple of ints, negative allowed;
``keepdims`` keeps the reduced axes with size 1, as in NumPy. The gradient
of a reduction is the output gradient broadcast back over the reduced axes.
"""

from __future__ import annotations

import builtins
import math

import numpy as np

from .. import backend, dtypes
from ..tensor import Tensor
from ..tracing import recompute
from .elementwise import abs as abs_
from .elementwise import astype, sqrt, where
from .primitive import as_operand, ieee_results, primitive


def normalize_axis(axis, ndim: int, op: str):
    """``axis`` as a sorted tuple of non-negative ints (None means every axis)."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    out = []
    for a in axes:
        if not -builtins.max(ndim, 1) <= a < builtins.max(ndim, 1):
            raise ValueError(f"{op}: axis {a} is out of range for a tensor with {ndim} dimensions")
        out.append(a % ndim if ndim else 0)
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: repeated axis in {axis}")
    return tuple(sorted(out))


def _expand(xp, g, axes, keepdims: bool):
    """Put back the reduced axes of ``g`` as size-1 axes (a 0-d ``g`` broadcasts as it is)."""
    return g if keepdims or not axes or g.ndim == 0 else xp.expand_dims(g, axes)


@primitive("sum", reads=())
def _sum(xp, x, axis, keepdims):
    return xp.sum(x, axis=axis, keepdims=keepdims)


@_sum.defvjp
def _(xp, need, g, out, x, axis, keepdims):
    return (xp.broadcast_to(_expand(xp, g, axis, keepdims), x.shape),)


def sum(x, axis=None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Sum over ``axis``. Booleans and integers are summed as int64 (no gradient)."""
    x = as_operand(x)
    if x.dtype.kind in "biu":
        return Tensor._make(recompute(_no_grad_reduction, "sum", x, axis, keepdims))
    return _sum(x, axis=normalize_axis(axis, x.ndim, "sum"), keepdims=keepdims)


def mean(x, axis=None, keepdims: bool = False) -> Tensor:
    """Arithmetic mean over ``axis`` (the sum divided by the number of elements reduced)."""
    x = as_operand(x)
    if x.dtype.kind in "biu":
        x = astype(x, dtypes.default_float)
    axes = normalize_axis(axis, x.ndim, "mean")
    count = math.prod(x.shape[a] for a in axes)
    return _mean(x, axis=axes, keepdims=keepdims, scale=1.0 / count if count else math.nan)


@primitive("mean", reads=())
def _mean(xp, x, axis, keepdims, scale):
    """The sum times ``scale`` (1 / count): one node, where a sum and a product were two."""
    return xp.sum(x, axis=axis, keepdims=keepdims) * scale


@_mean.defvjp
def _(xp, need, g, out, x, axis, keepdims, scale):
    return (xp.broadcast_to(_expand(xp, g * scale, axis, keepdims), x.shape),)


@primitive("prod")
def _prod(xp, x, axis, keepdims):
    return xp.prod(x, axis=axis, keepdims=keepdims)


@_prod.defvjp
def _(xp, need, g, out, x, axis, keepdims):
    # NOTE: the gradient is the product of the *other* factors. out / x gives
    # it except at zeros (0/0): with exactly one zero in the slice, that
    # element's gradient is the product of the non-zero factors and every
    # other one is 0; with two or more zeros all gradients are 0.
    g = _expand(xp, g, axis, keepdims)
    out = _expand(xp, out, axis, keepdims)
    zero = x == 0
    safe_x = xp.where(zero, 1, x)
    without_zeros = xp.prod(safe_x, axis=axis, keepdims=True)
    nzeros = xp.sum(xp.astype(zero, g.dtype), axis=axis, keepdims=True)
    others = xp.where(zero, xp.where(nzeros == 1, without_zeros, 0), out / safe_x)
    return (g * others,)


def prod(x, axis=None, keepdims: bool = False) -> Tensor:
    """Product over ``axis``; the gradient is right at zeros too (product of the other factors)."""
    x = as_operand(x)
    return _prod(x, axis=normalize_axis(axis, x.ndim, "prod"), keepdims=keepdims)


@primitive("max")
def _max(xp, x, axis, keepdims):
    return xp.max(x, axis=axis, keepdims=keepdims)


@primitive("min")
def _min(xp, x, axis, keepdims):
    return xp.min(x, axis=axis, keepdims=keepdims)


def _extremum_vjp(xp, need, g, out, x, axis, keepdims):
    # The gradient goes to the selected element(s), split evenly among ties.
    hit = x == _expand(xp, out, axis, keepdims)
    count = xp.sum(xp.astype(hit, g.dtype), axis=axis, keepdims=True)
    return (xp.keep(_expand(xp, g, axis, keepdims) / count, hit),)


_max.defvjp(_extremum_vjp)
_min.defvjp(_extremum_vjp)


def _extremum(prim, x, axis, keepdims):
    x = as_operand(x)
    if x.size == 0:
        raise ValueError(f"{prim.name}: cannot reduce an empty tensor of shape {x.shape}")
    return prim(x, axis=normalize_axis(axis, x.ndim, prim.name), keepdims=keepdims)


def max(x, axis=None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Largest value over ``axis``. The gradient flows to the maximal element; ties share it evenly."""
    return _extremum(_max, x, axis, keepdims)


def min(x, axis=None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Smallest value over ``axis``. The gradient flows to the minimal element; ties share it evenly."""
    return _extremum(_min, x, axis, keepdims)


def var(x, axis=None, keepdims: bool = False, ddof: int = 0, correction: int | None = None) -> Tensor:
    """Variance over ``axis``: ``sum((x - mean)^2) / (N - ddof)``.

    NumPy's default ``ddof=0`` (population variance). PyTorch's default is
    ``correction=1``; pass ``ddof=1`` (or ``correction=1``) for the sample variance.
    """
    x = as_operand(x)
    ddof = ddof if correction is None else correction
    axes = normalize_axis(axis, x.ndim, "var")
    count = math.prod(x.shape[a] for a in axes)
    centered = x - mean(x, axis=axes, keepdims=True)
    return sum(centered * centered, axis=axes, keepdims=keepdims) * (1.0 / (count - ddof) if count > ddof else math.nan)


def std(x, axis=None, keepdims: bool = False, ddof: int = 0, correction: int | None = None) -> Tensor:
    """Standard deviation, ``sqrt(var)``; same ``ddof`` convention as :func:`var`.

    Where all values are equal (variance 0) the gradient is 0, as in PyTorch.
    """
    v = var(x, axis=axis, keepdims=keepdims, ddof=ddof, correction=correction)
    # NOTE: sqrt'(0) is infinite and var's gradient there is 0: inf * 0 = NaN.
    # Clamp the argument where the variance is 0 so the gradient is 0 instead.
    zero = v == 0
    return where(zero, 0.0, sqrt(where(zero, 1.0, v)))


@primitive("logsumexp")
@ieee_results  # (log(0) = -inf for an all -inf slice, as in PyTorch; x - m = -inf where x spans past float32's range)
def _logsumexp(xp, x, axis, keepdims):
    # NOTE: shift by the max so exp() never overflows; an all -inf slice
    # would give -inf - -inf = NaN, so its shift is 0 instead.
    m = xp.max(x, axis=axis, keepdims=True)
    m = xp.where(xp.isfinite(m), m, 0)
    out = xp.log(xp.sum(xp.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else xp.squeeze(out, axis=axis)


@_logsumexp.defvjp
def _(xp, need, g, out, x, axis, keepdims):
    return (_expand(xp, g, axis, keepdims) * xp.exp(x - _expand(xp, out, axis, keepdims)),)


def logsumexp(x, axis=None, keepdims: bool = False) -> Tensor:
    """``log(sum(exp(x)))`` over ``axis``, computed stably; its gradient is softmax(x)."""
    x = as_operand(x)
    return _logsumexp(x, axis=normalize_axis(axis, x.ndim, "logsumexp"), keepdims=keepdims)


def norm(x, ord=2, axis=None, keepdims: bool = False) -> Tensor:  # noqa: A002
    """Vector p-norm over ``axis`` (all elements by default): ``(sum |x|^p)^(1/p)``.

    ``ord`` may be any p > 0, ``inf`` (max |x|) or ``"fro"`` (same as 2 over
    all elements). At the zero vector the 2-norm's gradient is 0 (PyTorch's choice).
    """
    x = as_operand(x)
    if ord == "fro" or ord == 2:
        sq = sum(x * x, axis=axis, keepdims=keepdims)
        # NOTE: sqrt'(0) is infinite; clamp the argument where the sum is 0 so
        # the gradient there is 0, not NaN.
        zero = sq == 0
        return where(zero, 0.0, sqrt(where(zero, 1.0, sq)))
    if ord == math.inf:
        return max(abs_(x), axis=axis, keepdims=keepdims)
    if not isinstance(ord, (int, float)) or ord <= 0:
        raise ValueError(f"norm: ord must be a positive number, inf or 'fro', got {ord!r}")
    return sum(abs_(x) ** ord, axis=axis, keepdims=keepdims) ** (1.0 / ord)


def argmax(x, axis=None, keepdims: bool = False) -> Tensor:
    """Index of the largest value along ``axis`` (of the flattened tensor if None). No gradient."""
    return Tensor._make(recompute(_no_grad_reduction, "argmax", x, axis, keepdims))


def argmin(x, axis=None, keepdims: bool = False) -> Tensor:
    """Index of the smallest value along ``axis``. No gradient."""
    return Tensor._make(recompute(_no_grad_reduction, "argmin", x, axis, keepdims))


def any(x, axis=None, keepdims: bool = False) -> Tensor:  # noqa: A001
    return Tensor._make(recompute(_no_grad_reduction, "any", x, axis, keepdims))


def all(x, axis=None, keepdims: bool = False) -> Tensor:  # noqa: A001
    return Tensor._make(recompute(_no_grad_reduction, "all", x, axis, keepdims))


def _no_grad_reduction(name: str, x, axis, keepdims):
    """A reduction without gradient, in x's library (integers and booleans sum as int64, as NumPy sums them)."""
    xp = backend.namespace(x)
    if xp is backend.numpy_ns:
        return np.asarray(getattr(np, name)(x, axis=axis, keepdims=keepdims))
    if name == "sum":
        x = xp.astype(x, dtypes.int64)
    return getattr(xp, name)(x, axis=axis, keepdims=keepdims)
