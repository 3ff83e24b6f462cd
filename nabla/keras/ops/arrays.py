"""``keras.ops``'s NumPy functions that create tensors or rearrange them; differentiable where they move values.

Creation functions give float32 by default (Keras's floatx); ``arange`` follows its arguments' types.
"""

from __future__ import annotations

import numpy as np

from .._convert import convert_to_tensor
from .._engine import Tensor, dtypes, made_by, ops
from .core import on_values, record_symbolic_calls, shape

reshape, expand_dims, squeeze, stack = ops.reshape, ops.expand_dims, ops.squeeze, ops.stack
concatenate, broadcast_to, moveaxis, swapaxes = ops.concatenate, ops.broadcast_to, ops.moveaxis, ops.swapaxes
flip, tile, repeat, split, copy = ops.flip, ops.tile, ops.repeat, ops.split, ops.clone
array = convert_to_tensor


def _dtype(d):
    return dtypes.resolve(d) or dtypes.default_float


# --- creation --------------------------------------------------------------------------------------


def zeros(shape, dtype=None) -> Tensor:
    return made_by(np.zeros, shape, dtype=_dtype(dtype))


def ones(shape, dtype=None) -> Tensor:
    return made_by(np.ones, shape, dtype=_dtype(dtype))


def empty(shape, dtype=None) -> Tensor:
    """A tensor of ``shape`` (nabla's is zeros; NumPy's values are whatever memory held)."""
    return zeros(shape, dtype)


def full(shape, fill_value, dtype=None) -> Tensor:
    return made_by(np.full, shape, fill_value, dtype=_dtype(dtype))


def zeros_like(x, dtype=None) -> Tensor:
    return zeros(shape(x), dtype or convert_to_tensor(x).dtype)


def ones_like(x, dtype=None) -> Tensor:
    return ones(shape(x), dtype or convert_to_tensor(x).dtype)


empty_like = zeros_like


def full_like(x, fill_value, dtype=None) -> Tensor:
    return full(shape(x), fill_value, dtype or convert_to_tensor(x).dtype)


def eye(N, M=None, k=0, dtype=None) -> Tensor:  # noqa: N803 - Keras's names
    return made_by(np.eye, N, M, k, dtype=_dtype(dtype))


def identity(n, dtype=None) -> Tensor:
    return eye(n, dtype=dtype)


def tri(N, M=None, k=0, dtype=None) -> Tensor:  # noqa: N803 - Keras's names
    """Ones on and below the k-th diagonal of an (N, M) matrix, zeros above."""
    return made_by(np.tri, N, M, k, dtype=_dtype(dtype))


def arange(start, stop=None, step=1, dtype=None) -> Tensor:
    return made_by(np.arange, start, stop, step, dtype=dtypes.resolve(dtype))


def linspace(start, stop, num=50, endpoint=True, dtype=None) -> Tensor:
    return made_by(np.linspace, start, stop, num, endpoint=endpoint, dtype=_dtype(dtype))


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0) -> Tensor:
    """``base ** linspace(start, stop, num)``."""
    return made_by(np.logspace, start, stop, num, endpoint, base, dtype=_dtype(dtype), axis=axis)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0) -> Tensor:
    """``num`` numbers from ``start`` to ``stop`` in geometric progression."""
    return made_by(np.geomspace, start, stop, num, endpoint, dtype=_dtype(dtype), axis=axis)


def _as_float(fn, *args) -> np.ndarray:
    return fn(*args).astype(dtypes.default_float)


def _window(fn):
    def window(x, *args) -> Tensor:
        return made_by(_as_float, fn, int(x), *args)

    window.__name__ = window.__qualname__ = fn.__name__
    window.__doc__ = f"NumPy's ``{fn.__name__}`` window of ``x`` points, as float32."
    return window


hamming, hanning, blackman, bartlett, kaiser = map(_window, (np.hamming, np.hanning, np.blackman, np.bartlett,
                                                            np.kaiser))


def vander(x, N=None, increasing=False) -> Tensor:  # noqa: N803 - Keras's name
    """The Vandermonde matrix of the 1-D ``x``: columns ``x^(N-1), ..., x, 1`` (reversed with ``increasing``);
    differentiable in x."""
    x = convert_to_tensor(x)
    n = x.shape[0] if N is None else N
    powers = np.arange(n) if increasing else np.arange(n)[::-1]
    return ops.stack([x**int(p) if p else ones_like(x) for p in powers], axis=1)


@on_values
def unravel_index(indices, shape) -> tuple[Tensor, ...]:
    """The coordinates in an array of ``shape`` of each flat index, one int tensor per axis."""
    return np.unravel_index(indices, shape)


def meshgrid(*x, indexing="xy") -> list[Tensor]:
    """Coordinate grids from 1-D tensors; ``"xy"`` (the default) swaps the first two axes, as NumPy does."""
    return ops.meshgrid(*(ops.reshape(convert_to_tensor(v), -1) for v in x), indexing=indexing)


def tril(x, k=0) -> Tensor:
    """The lower triangle of the last two axes (the rest zeroed); differentiable."""
    x = convert_to_tensor(x)
    return x * made_by(np.tri, *x.shape[-2:], k=k, dtype=x.dtype)


def _above(n, m, k, dtype):
    """Ones (True) on and above the k-th diagonal of an (n, m) matrix, zeros below, in ``dtype`` (a boolean
    matrix keeps its dtype: Keras 3's ``triu`` of one is boolean)."""
    return (np.tri(n, m, k=k - 1) == 0).astype(dtype)


def triu(x, k=0) -> Tensor:
    """The upper triangle of the last two axes (the rest zeroed); differentiable."""
    x = convert_to_tensor(x)
    return x * made_by(_above, *x.shape[-2:], k=k, dtype=x.dtype)


# --- diagonals ---------------------------------------------------------------------------------------


def diagonal(x, offset=0, axis1=0, axis2=1) -> Tensor:
    """The diagonal of the (axis1, axis2) planes, moved to the last axis (NumPy's layout)."""
    x = convert_to_tensor(x)
    axis1, axis2 = axis1 % x.ndim, axis2 % x.ndim
    x = ops.transpose(x, tuple(a for a in range(x.ndim) if a not in (axis1, axis2)) + (axis1, axis2))
    rows, cols = x.shape[-2:]
    n = max(0, min(rows, cols - offset) if offset >= 0 else min(rows + offset, cols))
    i = np.arange(n) + max(0, -offset)
    return x[..., i, i + offset]


def trace(x, offset=0, axis1=0, axis2=1) -> Tensor:
    """The sum of :func:`diagonal`."""
    return ops.sum(diagonal(x, offset, axis1, axis2), axis=-1)


def diag(x, k=0) -> Tensor:
    """For a 1-D x, the square matrix with x on the k-th diagonal; for a 2-D x, its k-th diagonal."""
    x = convert_to_tensor(x)
    if x.ndim == 2:
        return diagonal(x, k)
    if x.ndim != 1:
        raise ValueError(f"diag: expected a 1-D or 2-D tensor, got shape {x.shape}")
    n = x.shape[0] + abs(k)
    rows = np.arange(x.shape[0]) + max(0, -k)
    return ops.index_add(x, (rows, rows + k), (n, n), False)  # zeros, with x written along the diagonal


def diagflat(x, k=0) -> Tensor:
    """:func:`diag` of ``x`` flattened."""
    return diag(ops.reshape(convert_to_tensor(x), -1), k)


# --- rearranging -------------------------------------------------------------------------------------


def transpose(x, axes=None) -> Tensor:
    """Permute the axes as NumPy does (``axes=None`` reverses them)."""
    x = convert_to_tensor(x)
    return ops.transpose(x, *(reversed(range(x.ndim)) if axes is None else axes))


def fliplr(x) -> Tensor:
    return ops.flip(x, axis=1)


def flipud(x) -> Tensor:
    return ops.flip(x, axis=0)


def roll(x, shift, axis=None) -> Tensor:
    """Shift the elements along ``axis`` (of the flattened tensor when None), wrapping around."""
    x = convert_to_tensor(x)
    if axis is None:
        return ops.reshape(roll(ops.reshape(x, -1), shift, 0), x.shape)
    shifts, axes = np.broadcast_arrays(np.atleast_1d(shift), np.atleast_1d(axis))
    for s, a in zip(shifts.tolist(), axes.tolist()):
        order = np.roll(np.arange(x.shape[a]), s)
        x = x[(slice(None),) * (a % x.ndim) + (order,)]
    return x


def _index(indices):
    """``indices`` as an index: a tensor as it is (a captured step reads its values at each replay), else an
    array."""
    return indices if isinstance(indices, Tensor) else np.asarray(indices)


def take(x, indices, axis=None) -> Tensor:
    """The elements at ``indices`` along ``axis`` (of the flattened tensor when None); differentiable."""
    x, indices = convert_to_tensor(x), _index(indices)
    if axis is None:
        return ops.reshape(x, -1)[indices]
    return x[(slice(None),) * (axis % x.ndim) + (indices,)]


def take_along_axis(x, indices, axis=None) -> Tensor:
    """NumPy's ``take_along_axis`` (``indices`` broadcast with ``x`` except along ``axis``); differentiable."""
    x, indices = convert_to_tensor(x), _index(indices)
    if axis is None:
        x, axis = ops.reshape(x, -1), 0
    axis %= x.ndim
    index = list(made_by(_open_grid, indices.shape))  # (constants of a captured step, as shapes are)
    index[axis] = indices
    return x[tuple(index)]


def _open_grid(shape) -> tuple:
    return np.ix_(*(np.arange(n) for n in shape))


def hstack(xs) -> Tensor:
    xs = [convert_to_tensor(x) for x in xs]
    return ops.concatenate(xs, axis=0 if xs[0].ndim == 1 else 1)


def vstack(xs) -> Tensor:
    return ops.concatenate([ops.reshape(x, (1, -1)) if x.ndim == 1 else x for x in map(convert_to_tensor, xs)], 0)


def dstack(xs) -> Tensor:
    """Join along the third axis (1-D x as (1, n, 1), 2-D as (m, n, 1))."""
    xs = [convert_to_tensor(x) for x in xs]
    xs = [ops.reshape(x, (1, -1, 1)) if x.ndim <= 1 else ops.expand_dims(x, -1) if x.ndim == 2 else x for x in xs]
    return ops.concatenate(xs, axis=2)


def array_split(x, indices_or_sections, axis=0) -> list[Tensor]:
    """Split into ``indices_or_sections`` parts whose sizes differ by at most one (the first ones larger),
    or at the given indices."""
    x = convert_to_tensor(x)
    if isinstance(indices_or_sections, int):
        n, parts = x.shape[axis], indices_or_sections
        sizes = [n // parts + 1] * (n % parts) + [n // parts] * (parts - n % parts)
        indices_or_sections = np.cumsum(sizes)[:-1].tolist()
    return ops.split(x, list(indices_or_sections), axis=axis)


def _split_along(axis_for):
    def split_there(x, indices_or_sections) -> list[Tensor]:
        x = convert_to_tensor(x)
        return ops.split(x, indices_or_sections, axis=axis_for(x))

    return split_there


hsplit = _split_along(lambda x: 0 if x.ndim == 1 else 1)
hsplit.__doc__ = "Split along the second axis (the only one of a 1-D tensor)."
vsplit = _split_along(lambda x: 0)
vsplit.__doc__ = "Split along the first axis."
dsplit = _split_along(lambda x: 2)
dsplit.__doc__ = "Split along the third axis."


def unstack(x, num=None, axis=0) -> list[Tensor]:
    """The slices of ``x`` along ``axis``, as a list."""
    x = convert_to_tensor(x)
    lead = (slice(None),) * (axis % x.ndim)
    return [x[lead + (i,)] for i in range(x.shape[axis])]


def ravel(x) -> Tensor:
    return ops.reshape(convert_to_tensor(x), -1)


def rot90(array, k=1, axes=(0, 1)) -> Tensor:
    """``array`` turned by ``k`` quarter turns in the plane of ``axes``, from the first axis towards the second."""
    x = convert_to_tensor(array)
    swapped = list(range(x.ndim))
    swapped[axes[0]], swapped[axes[1]] = swapped[axes[1]], swapped[axes[0]]
    k %= 4
    if k == 1:
        return ops.transpose(ops.flip(x, axis=axes[1]), tuple(swapped))
    if k == 2:
        return ops.flip(ops.flip(x, axis=axes[0]), axis=axes[1])
    return ops.flip(ops.transpose(x, tuple(swapped)), axis=axes[1]) if k == 3 else x


def kron(x1, x2) -> Tensor:
    """The Kronecker product: each element of ``x1`` times the whole of ``x2``, laid out in blocks."""
    a, b = convert_to_tensor(x1), convert_to_tensor(x2)
    nd = max(a.ndim, b.ndim)
    a_shape, b_shape = (1,) * (nd - a.ndim) + a.shape, (1,) * (nd - b.ndim) + b.shape
    a = ops.reshape(a, tuple(v for n in a_shape for v in (n, 1)))
    b = ops.reshape(b, tuple(v for n in b_shape for v in (1, n)))
    return ops.reshape(a * b, tuple(m * n for m, n in zip(a_shape, b_shape)))


def correlate(x1, x2, mode="valid") -> Tensor:
    """NumPy's cross-correlation of two 1-D tensors, ``out[k] = sum_n x1[n + k] x2[n]``, with its modes:
    "valid" (where they overlap fully), "same" (the length of the longer), "full"; differentiable."""
    a, v = convert_to_tensor(x1), convert_to_tensor(x2)
    if a.ndim != 1 or v.ndim != 1:
        raise ValueError(f"correlate: expected two 1-D tensors, got shapes {a.shape} and {v.shape}")
    if v.shape[0] > a.shape[0]:  # NumPy swaps them, and reverses the result
        return ops.flip(correlate(v, a, mode), axis=0)
    m = v.shape[0]
    pads = {"valid": (0, 0), "same": (m // 2, m - 1 - m // 2), "full": (m - 1, m - 1)}
    if mode not in pads:
        raise ValueError(f"correlate: mode must be 'valid', 'same' or 'full', got {mode!r}")
    padded = ops.pad(a, [pads[mode]])
    windows = np.arange(padded.shape[0] - m + 1)[:, None] + np.arange(m)
    return ops.matmul(padded[windows], v)


def append(x1, x2, axis=None) -> Tensor:
    if axis is None:
        return ops.concatenate([ops.reshape(x1, -1), ops.reshape(x2, -1)])
    return ops.concatenate([x1, x2], axis=axis)


def pad(x, pad_width, mode="constant", constant_values=None) -> Tensor:
    """``keras.ops.pad``: NumPy's ``pad`` in the modes "constant", "reflect", "symmetric", "edge" and "wrap" (see
    :func:`nabla.pad`); ``constant_values`` with "constant" only, as Keras."""
    if constant_values is not None and mode != "constant":
        raise ValueError(f"pad: constant_values can only be given with mode='constant', got mode={mode!r}")
    return ops.pad(x, pad_width, 0.0 if constant_values is None else constant_values, mode=mode)


def clip(x, x_min, x_max) -> Tensor:
    return ops.clip(x, x_min, x_max)


def where(condition, x1=None, x2=None):
    """``x1`` where ``condition`` holds, else ``x2``; with ``condition`` only, the indices where it holds."""
    if x1 is None and x2 is None:
        return nonzero(condition)
    return ops.where(condition, x1, x2)


@on_values
def nonzero(x) -> tuple[Tensor, ...]:
    """The indices of the nonzero elements, one int tensor per axis (their number follows the values: a
    captured step's replay with another count runs eagerly)."""
    return np.nonzero(x)


record_symbolic_calls(globals())
