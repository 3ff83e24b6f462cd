"""``keras.ops``'s reductions, cumulative functions, sorting, searching and counting.

Counts and indices are int32, as Keras gives them (``count_nonzero``, ``bincount``, ``searchsorted``,
``digitize``, ``argpartition``); ``argmax``, ``argmin`` and ``argsort`` give nabla's int64. Sorting is
along the last axis by default (Keras's ``axis=-1``, NumPy's too), and stable.
"""

from __future__ import annotations

import functools

import numpy as np

from .._convert import convert_to_tensor
from .._engine import Tensor, dtypes, made_by, ops
from .arrays import take_along_axis
from .core import convert_to_numpy, on_values, record_symbolic_calls

sum, mean, max, min, prod = ops.sum, ops.mean, ops.max, ops.min, ops.prod  # noqa: A001
amax, amin, var, std, logsumexp = ops.max, ops.min, ops.var, ops.std, ops.logsumexp
argmax, argmin, all, any = ops.argmax, ops.argmin, ops.all, ops.any  # noqa: A001


def _int32(fn):
    """:func:`on_values` of ``fn``, its result as int32 (Keras's dtype of counts and indices)."""

    @functools.wraps(fn)
    def counts(*args, **kwargs):
        return np.asarray(fn(*args, **kwargs)).astype(np.int32)

    return on_values(counts)


def average(x, axis=None, weights=None) -> Tensor:
    """The mean, or ``sum(x * weights) / sum(weights)`` over ``axis``; 1-D ``weights`` with an ``axis``
    weigh the positions along that axis. Integers become float32.

    NumPy's rule, which Keras documents; Keras 3's torch backend divides by the sum of the weights along the
    last axis whatever ``axis`` is (a vector, not a number, for ``axis=None`` with weights of x's shape).
    """
    x = convert_to_tensor(x)
    x = x if x.dtype.kind == "f" else ops.astype(x, dtypes.default_float)
    if weights is None:
        return ops.mean(x, axis=axis)
    weights = convert_to_tensor(weights)
    if weights.ndim == 1 and x.ndim > 1 and axis is not None:
        view = [1] * x.ndim
        view[axis % x.ndim] = -1
        weights = ops.reshape(weights, tuple(view))
    return ops.sum(x * weights, axis=axis) / ops.sum(ops.broadcast_to(weights, x.shape), axis=axis)


@_int32
def count_nonzero(x, axis=None) -> Tensor:
    """The number of nonzero values over ``axis`` (all of them when None), as int32."""
    return np.count_nonzero(x, axis=axis)


def _along_last(fn):
    """``fn(x moved so that axis is last)`` moved back; a None axis works on the flattened tensor."""

    def along(x, axis=None, *args):
        x = convert_to_tensor(x)
        if axis is None:
            x, axis = ops.reshape(x, -1), 0
        return ops.moveaxis(fn(ops.moveaxis(x, axis, -1), *args), -1, axis)

    return along


@_along_last
def _cumsum(x):
    n = x.shape[-1]
    return ops.matmul(x, made_by(np.tri, n, dtype=x.dtype).T)  # (ones on and above the diagonal)


@_along_last
def _cumprod(x):
    # out[..., i] = prod_j (x[..., j] if j <= i else 1): one product over an (n, n) grid.
    n = x.shape[-1]
    upto = made_by(np.tri, n, dtype=bool)  # upto[i, j]: j <= i
    return ops.prod(ops.where(upto, ops.expand_dims(x, -2), 1.0), axis=-1)


def cumsum(x, axis=None, dtype=None) -> Tensor:
    """Cumulative sums along ``axis`` (of the flattened tensor when None); differentiable.

    Composed as a product with a triangular matrix of ones: quadratic in the length of the axis (fine for
    the lengths of course material).
    """
    return _cumsum(x if dtype is None else convert_to_tensor(x, dtype), axis)


def cumprod(x, axis=None, dtype=None) -> Tensor:
    """Cumulative products along ``axis`` (of the flattened tensor when None); differentiable, also
    through zeros. Composed as products over an (n, n) grid: quadratic in the length of the axis."""
    return _cumprod(x if dtype is None else convert_to_tensor(x, dtype), axis)


def diff(a, n=1, axis=-1) -> Tensor:
    """The ``n``-th differences ``a[i + 1] - a[i]`` along ``axis``."""
    a = convert_to_tensor(a)
    lead = (slice(None),) * (axis % a.ndim)
    for _ in range(n):
        a = a[lead + (slice(1, None),)] - a[lead + (slice(None, -1),)]
    return a


def ptp(x, axis=None, keepdims=False) -> Tensor:
    """The range ``max - min`` over ``axis``."""
    return ops.max(x, axis=axis, keepdims=keepdims) - ops.min(x, axis=axis, keepdims=keepdims)


_METHODS = ("linear", "lower", "higher", "nearest", "midpoint")


def quantile(x, q, axis=None, method="linear", keepdims=False) -> Tensor:
    """The ``q``-th quantiles (q in [0, 1], a number or a 1-D list: then a first axis of results) over ``axis``
    (all elements when None), NumPy's methods "linear", "lower", "higher", "nearest", "midpoint"; differentiable
    (the gradient goes to the values the result is read from)."""
    if method not in _METHODS:
        raise ValueError(f"quantile: method must be one of {_METHODS}, got {method!r}")
    x = convert_to_tensor(x)
    x = x if x.dtype.kind == "f" else ops.astype(x, dtypes.default_float)
    axes = tuple(range(x.ndim)) if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
    axes = tuple(a % x.ndim for a in axes)
    rest = [a for a in range(x.ndim) if a not in axes]
    flat = ops.reshape(ops.transpose(x, tuple(rest + list(axes))), tuple(x.shape[a] for a in rest) + (-1,))
    ordered = sort(flat, axis=-1)
    qs = np.asarray(convert_to_numpy(q), dtype=np.float64)
    below, above, fraction = made_by(_read_at, qs, ordered.shape[-1], method, x.dtype)
    low, high = ordered[..., below], ordered[..., above]
    out = low + (high - low) * fraction
    out = ops.moveaxis(out, -1, 0) if qs.ndim else out  # (one quantile per entry of a first axis)
    if keepdims:
        out = ops.reshape(out, out.shape[: qs.ndim] + tuple(1 if a in axes else n for a, n in enumerate(x.shape)))
    return out


def _read_at(qs, n: int, method: str, dtype) -> tuple:
    """Where the quantiles ``qs`` of ``n`` sorted values are read: the positions below and above, and the
    fraction of the way between them."""
    position = qs * (n - 1)
    below, above = np.floor(position).astype(np.int64), np.ceil(position).astype(np.int64)
    if method == "nearest":
        below = above = np.round(position).astype(np.int64)  # (halves to even, as NumPy)
    fixed = {"lower": 0.0, "higher": 1.0, "nearest": 0.0, "midpoint": 0.5}
    fraction = position - below if method == "linear" else np.full_like(position, fixed.get(method, 0.0))
    return below, above, fraction.astype(dtype)


def percentile(x, q, axis=None, method="linear", keepdims=False) -> Tensor:
    """:func:`quantile` with ``q`` in percent (0 to 100)."""
    return quantile(x, np.asarray(convert_to_numpy(q), dtype=np.float64) / 100.0, axis, method, keepdims)


def median(x, axis=None, keepdims=False) -> Tensor:
    """The middle value over ``axis`` (the mean of the two middle ones for an even count)."""
    return quantile(x, 0.5, axis, "linear", keepdims)


def segment_sum(data, segment_ids, num_segments=None, sorted=False) -> Tensor:  # noqa: A002
    """The sums of the rows of ``data`` that share a segment id: out[s] = sum of data[i] with ids[i] = s
    (``num_segments`` rows, by default the largest id + 1); differentiable in ``data``."""
    data, ids = convert_to_tensor(data), convert_to_numpy(segment_ids).astype(np.int64)
    n = int(ids.max()) + 1 if num_segments is None else int(num_segments)
    return ops.index_add(data, (ids,), (n,) + data.shape[1:], False)


def segment_max(data, segment_ids, num_segments=None, sorted=False) -> Tensor:  # noqa: A002
    """The largest row of ``data`` per segment id (as :func:`segment_sum`; an empty segment gives -inf);
    differentiable in ``data``."""
    data, ids = convert_to_tensor(data), convert_to_numpy(segment_ids).astype(np.int64)
    n = int(ids.max()) + 1 if num_segments is None else int(num_segments)
    member = (ids == np.arange(n)[:, None]).reshape((n, -1) + (1,) * (data.ndim - 1))  # (segments, rows, ...)
    return ops.max(ops.where(member, ops.expand_dims(data, 0), -np.inf), axis=1)


def segment_min(data, segment_ids, num_segments=None, sorted=False) -> Tensor:  # noqa: A002
    """The smallest row of ``data`` per segment id (an empty segment gives +inf); differentiable in ``data``."""
    return -segment_max(-convert_to_tensor(data), segment_ids, num_segments)


def trapezoid(y, x=None, dx=1.0, axis=-1) -> Tensor:
    """The integral of ``y`` along ``axis`` by the trapezoidal rule, at points ``x`` (spaced ``dx`` when None)."""
    y = convert_to_tensor(y)
    y = y if y.dtype.kind == "f" else ops.astype(y, dtypes.default_float)
    lead = (slice(None),) * (axis % y.ndim)
    mids = (y[lead + (slice(1, None),)] + y[lead + (slice(None, -1),)]) * 0.5
    if x is None:
        return ops.sum(mids, axis=axis) * dx
    x = convert_to_tensor(x)
    widths = x[1:] - x[:-1] if x.ndim == 1 else x[lead + (slice(1, None),)] - x[lead + (slice(None, -1),)]
    if x.ndim == 1 and y.ndim > 1:
        view = [1] * y.ndim
        view[axis % y.ndim] = -1
        widths = ops.reshape(widths, tuple(view))
    return ops.sum(mids * widths, axis=axis)


def corrcoef(x) -> Tensor:
    """The Pearson correlation coefficients of the rows of ``x`` (variables in rows, observations in columns)."""
    x = convert_to_tensor(x)
    x = x if x.dtype.kind == "f" else ops.astype(x, dtypes.default_float)
    centred = x - ops.mean(x, axis=-1, keepdims=True)
    covariance = ops.matmul(centred, ops.swapaxes(centred, -1, -2))
    scale = ops.sqrt(ops.sum(centred * centred, axis=-1))
    return ops.clip(covariance / ops.outer(scale, scale), -1.0, 1.0)


@on_values
def in_top_k(targets, predictions, k) -> Tensor:
    """Whether each row's target class is among its ``k`` highest predictions (ties count in, as in
    TensorFlow), as a bool tensor."""
    target_score = np.take_along_axis(predictions, np.asarray(targets, dtype=np.int64)[:, None], axis=1)
    return (predictions > target_score).sum(axis=1) < k


# --- sorting and searching ---------------------------------------------------------------------------


@on_values
def argsort(x, axis=-1) -> Tensor:
    """The indices that sort ``x`` along ``axis`` (stable); no gradient."""
    return np.argsort(x, axis=axis, kind="stable")


def sort(x, axis=-1) -> Tensor:
    """``x`` sorted along ``axis``; differentiable (the gradient goes back to each value's place)."""
    return take_along_axis(x, argsort(x, axis), axis)


@_int32
def argpartition(x, kth, axis=-1) -> Tensor:
    """Indices that put the ``kth`` smallest value in its sorted place, the smaller ones before it and the
    larger after (in an order that may differ from Keras's), as int32."""
    return np.argpartition(x, kth, axis=axis)


@on_values
def _top_indices(x, k):
    """The indices of the ``k`` largest values along the last axis, largest first (the first of equal ones)."""
    return np.argsort(-x, axis=-1, kind="stable")[..., :k]


def top_k(x, k, sorted=True) -> tuple[Tensor, Tensor]:  # noqa: A002
    """The ``k`` largest values along the last axis, and their indices (largest first)."""
    x = convert_to_tensor(x)
    indices = _top_indices(x, k)
    return take_along_axis(x, indices, -1), indices


@_int32
def searchsorted(sorted_sequence, values, side="left") -> Tensor:
    """Where each value would go in the sorted 1-D ``sorted_sequence`` to keep it sorted, as int32."""
    return np.searchsorted(sorted_sequence, values, side=side)


@_int32
def digitize(x, bins) -> Tensor:
    """The index of the bin of each value (``bins`` increasing: i with bins[i-1] <= x < bins[i]), as int32."""
    return np.digitize(x, bins)


def bincount(x, weights=None, minlength=0, sparse=False) -> Tensor:
    """How often each non-negative integer occurs in the 1-D ``x`` (int32), or the sums of its ``weights``
    (in their dtype); no gradient."""
    if sparse:
        raise ValueError("bincount: nabla has no sparse tensors (sparse=False)")
    return _bincount(x, weights, minlength)


@on_values
def _bincount(x, weights, minlength):
    x = np.asarray(x).astype(np.int64)
    if weights is None:
        return np.bincount(x, minlength=minlength).astype(np.int32)
    weights = np.asarray(weights)
    return np.bincount(x, weights, minlength=minlength).astype(weights.dtype)


def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False, axis=None,  # noqa: A002
           size=None, fill_value=None):
    """The sorted unique values (of the flattened tensor, or the unique slices along ``axis``), and with
    ``return_index``, ``return_inverse``, ``return_counts`` NumPy's extra results. ``size`` (JAX's fixed
    output size) is not needed in nabla, which runs eagerly: None only."""
    if size is not None:
        raise ValueError("unique: size= is not offered by nabla.keras, which runs eagerly (size=None)")
    values, *extras = _unique(x, axis)
    wanted = [e for e, w in zip(extras, (return_index, return_inverse, return_counts)) if w]
    return (values, *wanted) if wanted else values


@on_values
def _unique(x, axis):
    """NumPy's unique values with all three extras (their shapes follow the values: a replay with other
    values of another count runs eagerly)."""
    return np.unique(x, True, True, True, axis=axis)


record_symbolic_calls(globals())
