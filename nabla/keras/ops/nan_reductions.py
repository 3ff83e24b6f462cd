"""``keras.ops``'s NaN-ignoring reductions: ``nansum``, ``nanmean``, ``nanmax``... skip the NaNs of ``x``.

Each is its reduction of ``x`` with the NaNs replaced by the reduction's neutral value (0 for sums, 1 for
products, -inf for maxima...), so no gradient reaches a NaN; an all-NaN slice gives NaN for the mean, the
variance, the maximum and the minimum, as NumPy (with a warning there, none here).
"""

from __future__ import annotations

import numpy as np

from .._convert import convert_to_tensor
from .._engine import Tensor, ops
from .core import on_values, record_symbolic_calls
from .reductions import cumprod, cumsum


def _filled(x, value) -> Tensor:
    x = convert_to_tensor(x)
    return ops.where(ops.isnan(x), value, x) if x.dtype.kind == "f" else x


def _count(x, axis, keepdims) -> Tensor:
    x = convert_to_tensor(x)
    return ops.sum(ops.astype(ops.logical_not(ops.isnan(x)), x.dtype), axis=axis, keepdims=keepdims)


def nansum(x, axis=None, keepdims=False) -> Tensor:
    return ops.sum(_filled(x, 0.0), axis=axis, keepdims=keepdims)


def nanprod(x, axis=None, keepdims=False) -> Tensor:
    return ops.prod(_filled(x, 1.0), axis=axis, keepdims=keepdims)


def nanmean(x, axis=None, keepdims=False) -> Tensor:
    return nansum(x, axis, keepdims) / _count(x, axis, keepdims)


def nanvar(x, axis=None, keepdims=False) -> Tensor:
    """The (biased) variance of the values that are not NaN."""
    x = convert_to_tensor(x)
    deviations = ops.where(ops.isnan(x), 0.0, _filled(x, 0.0) - nanmean(x, axis, keepdims=True))
    return ops.sum(deviations * deviations, axis=axis, keepdims=keepdims) / _count(x, axis, keepdims)


def nanstd(x, axis=None, keepdims=False) -> Tensor:
    return ops.sqrt(nanvar(x, axis, keepdims))


def _all_nan_to_nan(out, x, axis, keepdims) -> Tensor:
    return ops.where(_count(x, axis, keepdims) == 0, np.nan, out)


def nanmax(x, axis=None, keepdims=False) -> Tensor:
    return _all_nan_to_nan(ops.max(_filled(x, -np.inf), axis=axis, keepdims=keepdims), x, axis, keepdims)


def nanmin(x, axis=None, keepdims=False) -> Tensor:
    return _all_nan_to_nan(ops.min(_filled(x, np.inf), axis=axis, keepdims=keepdims), x, axis, keepdims)


@on_values
def nanargmax(x, axis=None, keepdims=False) -> Tensor:
    """The index of the largest value that is not NaN (of the flattened tensor when ``axis`` is None)."""
    return np.nanargmax(x, axis=axis, keepdims=keepdims)


@on_values
def nanargmin(x, axis=None, keepdims=False) -> Tensor:
    """The index of the smallest value that is not NaN (of the flattened tensor when ``axis`` is None)."""
    return np.nanargmin(x, axis=axis, keepdims=keepdims)


def nancumsum(x, axis=None, dtype=None) -> Tensor:
    return cumsum(_filled(x, 0.0), axis, dtype)


def nancumprod(x, axis=None, dtype=None) -> Tensor:
    return cumprod(_filled(x, 1.0), axis, dtype)


record_symbolic_calls(globals())
