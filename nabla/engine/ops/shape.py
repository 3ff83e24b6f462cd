"""Shape operations: reshape, transpose, squeeze, concatenate, indexing...

They move values around without changing them, so each VJP moves the
gradient back: the inverse reshape, the inverse permutation, the slice of
the concatenation that came from each input, a scatter-add for indexing.
"""

from __future__ import annotations

import math

import numpy as np

from .. import backend, devices
from ..tensor import Tensor
from .primitive import as_operand, primitive
from .reduce import normalize_axis


def _shape_arg(shape) -> tuple:
    """Accept both ``f(x, 2, 3)`` and ``f(x, (2, 3))``."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


@primitive("reshape", view=True, reads=())
def _reshape(xp, x, shape):
    return xp.reshape(x, shape)


@_reshape.defvjp
def _(xp, need, g, out, x, shape):
    return xp.reshape(g, x.shape), None


def reshape(x, *shape) -> Tensor:
    """The same values in a new shape (one entry may be -1: inferred). ``x.view`` is the same."""
    x = as_operand(x)
    shape = _shape_arg(shape)
    try:
        target = _infer_shape(x.shape, shape)
    except ValueError as e:
        raise ValueError(
            f"reshape: cannot reshape a tensor of shape {x.shape} ({x.size} elements) into {shape}: {e}"
        ) from None
    if target == x.shape:
        return x
    return _reshape(x, shape=target)


def _infer_shape(old: tuple, new: tuple) -> tuple:
    size = math.prod(old)
    unknown = [i for i, s in enumerate(new) if s == -1]
    if len(unknown) > 1:
        raise ValueError("only one dimension can be -1")
    known = math.prod(s for s in new if s != -1)
    if unknown:
        if known == 0 or size % known:
            raise ValueError("the sizes do not divide the number of elements")
        new = tuple(size // known if s == -1 else s for s in new)
    if math.prod(new) != size:
        raise ValueError(f"that shape has {math.prod(new)} elements")
    return tuple(int(s) for s in new)


def flatten(x, start_axis: int = 0, end_axis: int = -1) -> Tensor:
    """Merge axes ``start_axis..end_axis`` into one (all of them by default)."""
    x = as_operand(x)
    if x.ndim == 0:
        return reshape(x, 1)
    s, e = start_axis % x.ndim, end_axis % x.ndim
    return reshape(x, x.shape[:s] + (-1,) + x.shape[e + 1 :])


@primitive("transpose", view=True, reads=())
def _transpose(xp, x, axes):
    return xp.transpose(x, axes)


@_transpose.defvjp
def _(xp, need, g, out, x, axes):
    return (xp.transpose(g, tuple(np.argsort(axes))),)


def transpose(x, *axes) -> Tensor:
    """Permute the axes (NumPy's ``transpose``); no axes reverses them.

    As in PyTorch, ``transpose(x, i, j)`` with exactly two axes on a tensor of
    more than two dimensions swaps those two axes (NumPy would refuse it).
    """
    x = as_operand(x)
    axes = _shape_arg(axes)
    if not axes:
        axes = tuple(range(x.ndim))[::-1]
    elif len(axes) == 2 and x.ndim > 2:
        return swapaxes(x, *axes)
    if sorted(a % max(x.ndim, 1) for a in axes) != list(range(x.ndim)):
        raise ValueError(f"transpose: axes {axes} are not a permutation of the {x.ndim} axes of shape {x.shape}")
    axes = tuple(a % x.ndim for a in axes)
    if axes == tuple(range(x.ndim)):
        return x
    return _transpose(x, axes=axes)


def permute(x, *axes) -> Tensor:
    """Reorder the axes: ``permute(x, 2, 0, 1)`` (PyTorch's name for NumPy's transpose)."""
    x = as_operand(x)
    axes = _shape_arg(axes)
    if len(axes) != x.ndim:
        raise ValueError(f"permute: got {len(axes)} axes for a tensor of shape {x.shape}")
    return transpose(x, axes)


def swapaxes(x, axis1: int, axis2: int) -> Tensor:
    """Exchange two axes."""
    x = as_operand(x)
    axes = list(range(x.ndim))
    a, b = axis1 % x.ndim, axis2 % x.ndim
    axes[a], axes[b] = axes[b], axes[a]
    return x if a == b else _transpose(x, axes=tuple(axes))


def moveaxis(x, source: int, destination: int) -> Tensor:
    """Move axis ``source`` to position ``destination``, keeping the others in order."""
    x = as_operand(x)
    order = [a for a in range(x.ndim) if a != source % x.ndim]
    order.insert(destination % x.ndim, source % x.ndim)
    return transpose(x, order)


def squeeze(x, axis=None) -> Tensor:
    """Remove axes of size 1 (all of them, or those in ``axis``)."""
    x = as_operand(x)
    if axis is None:
        shape = tuple(s for s in x.shape if s != 1)
    else:
        axes = {a % x.ndim for a in ((axis,) if isinstance(axis, int) else axis)}
        for a in axes:
            if x.shape[a] != 1:
                raise ValueError(f"squeeze: axis {a} of shape {x.shape} has size {x.shape[a]}, not 1")
        shape = tuple(s for i, s in enumerate(x.shape) if i not in axes)
    return reshape(x, shape)


def expand_dims(x, axis) -> Tensor:
    """Insert size-1 axes at the positions ``axis`` (int or tuple) of the result."""
    x = as_operand(x)
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    ndim = x.ndim + len(axes)
    axes = {a % ndim for a in axes}
    it = iter(x.shape)
    return reshape(x, tuple(1 if i in axes else next(it) for i in range(ndim)))


unsqueeze = expand_dims


@primitive("broadcast_to", view=True, reads=())
def _broadcast_to(xp, x, shape):
    return xp.broadcast_to(x, shape)


@_broadcast_to.defvjp
def _(xp, need, g, out, x, shape):
    return (g,)  # the backward walk sums it back to x's shape


def broadcast_to(x, *shape) -> Tensor:
    """Repeat ``x`` along size-1 (or new leading) axes to ``shape``, without copying. -1 keeps a size."""
    x = as_operand(x)
    shape = _shape_arg(shape)
    lead = len(shape) - x.ndim
    shape = tuple(x.shape[i - lead] if s == -1 and i >= lead else s for i, s in enumerate(shape))
    if shape == x.shape:
        return x
    try:
        np.broadcast_shapes(x.shape, shape)
    except ValueError:
        raise ValueError(f"broadcast_to: cannot broadcast shape {x.shape} to {shape}") from None
    return _broadcast_to(x, shape=shape)


@primitive("concatenate")
def _concatenate(xp, *xs, axis):
    return xp.concatenate(xs, axis=axis)


@_concatenate.defvjp
def _(xp, need, g, out, *xs, axis):
    grads, start = [], 0
    for x, n in zip(xs, need):
        stop = start + x.shape[axis]
        index = (slice(None),) * axis + (slice(start, stop), Ellipsis)
        grads.append(g[index] if n else None)
        start = stop
    return grads


def concatenate(tensors, axis: int = 0) -> Tensor:
    """Join tensors along an existing axis (``torch.cat``)."""
    like = next((t for t in tensors if isinstance(t, Tensor)), None)
    tensors = [as_operand(t, like) for t in tensors]
    tensors = [t if isinstance(t, Tensor) else as_operand(np.asarray(t), like) for t in tensors]
    if not tensors:
        raise ValueError("concatenate: needs at least one tensor")
    ndim = tensors[0].ndim
    axis = axis % ndim
    for t in tensors:
        if (
            t.ndim != ndim
            or t.shape[:axis] + t.shape[axis + 1 :] != tensors[0].shape[:axis] + tensors[0].shape[axis + 1 :]
        ):
            raise ValueError(
                f"concatenate: shapes {[t.shape for t in tensors]} differ outside axis {axis}; "
                "all other sizes must match"
            )
    return _concatenate(*tensors, axis=axis)


cat = concatenate


def stack(tensors, axis: int = 0) -> Tensor:
    """Join tensors of equal shape along a new axis."""
    tensors = [as_operand(t) for t in tensors]
    shapes = {np.shape(t) for t in tensors}
    if len(shapes) != 1:
        raise ValueError(f"stack: all tensors need the same shape, got {sorted(shapes)}")
    return concatenate([expand_dims(t, axis) for t in tensors], axis=axis)


def meshgrid(*tensors, indexing: str = "ij") -> list[Tensor]:
    """Coordinate grids from 1-D tensors of sizes (n0, n1, ...): grid k holds tensor k along axis k.

    ``indexing="ij"`` (the default, as PyTorch's): every grid has shape (n0, n1, ...); ``"xy"`` (NumPy's
    default, Keras's and TensorFlow's) swaps the first two axes, (n1, n0, ...), for Cartesian x/y plots.
    The grids are broadcast views, as PyTorch's: differentiable, each gradient summed over the copies.
    """
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    vectors = [as_operand(t) for t in tensors]
    if any(v.ndim != 1 for v in vectors):
        raise ValueError(f"meshgrid: expected 1-D tensors, got shapes {[v.shape for v in vectors]}")
    axes = list(range(len(vectors)))
    if indexing == "xy" and len(vectors) > 1:
        axes[0], axes[1] = 1, 0
    shape = [0] * len(vectors)
    for v, axis in zip(vectors, axes):
        shape[axis] = v.shape[0]
    grids = []
    for v, axis in zip(vectors, axes):
        view = [1] * len(vectors)
        view[axis] = -1
        grids.append(broadcast_to(reshape(v, tuple(view)), tuple(shape)))
    return grids


def split(x, indices_or_sections, axis: int = 0) -> list[Tensor]:
    """Split along ``axis`` into equal sections (an int) or at the given indices (a list), as NumPy does."""
    x = as_operand(x)
    n = x.shape[axis]
    if isinstance(indices_or_sections, int):
        if n % indices_or_sections:
            raise ValueError(f"split: axis {axis} of size {n} does not divide into {indices_or_sections} equal parts")
        step = n // indices_or_sections
        bounds = list(range(0, n + 1, step))
    else:
        bounds = [0, *indices_or_sections, n]
    lead = (slice(None),) * (axis % x.ndim)
    return [x[lead + (slice(a, b),)] for a, b in zip(bounds[:-1], bounds[1:])]


@primitive("pad", reads=())
def _pad(xp, x, pad_width, value):
    return xp.pad(x, pad_width, constant_values=value)


@_pad.defvjp
def _(xp, need, g, out, x, pad_width, value):
    return (g[tuple(slice(lo, lo + s) for (lo, _), s in zip(pad_width, x.shape))],)


# The modes that pad with the tensor's own elements, by NumPy's names (torch's "replicate" is "edge", its
# "circular" "wrap"; TensorFlow's REFLECT and SYMMETRIC are these two).
MIRRORED_PAD_MODES = ("reflect", "symmetric", "edge", "wrap")


def pad(x, pad_width, value: float = 0.0, mode: str = "constant") -> Tensor:
    """Pad, NumPy style: ``pad_width`` is ``((before, after), ...)`` (one pair per axis), one pair, or an int.

    ``mode`` is NumPy's: "constant" pads with ``value``; the others with the tensor's own elements, on
    ``a b c d``: "reflect" ``c b | a b c d | c b`` (the edge not repeated), "symmetric" ``b a | a b c d | d c``,
    "edge" ``a a | a b c d | d d``, "wrap" ``c d | a b c d | a b``. Those gather along each padded axis (the
    indices are NumPy's ``pad`` of the positions), so their gradient adds each copy back onto its element."""
    x = as_operand(x)
    if x.ndim == 0:  # (no axis to pad)
        return x.clone()
    widths = tuple(map(tuple, np.broadcast_to(np.asarray(pad_width, dtype=int), (x.ndim, 2)).tolist()))
    if mode == "constant":
        return _pad(x, pad_width=widths, value=value)
    if mode not in MIRRORED_PAD_MODES:
        raise ValueError(f"pad: mode must be 'constant' or one of {MIRRORED_PAD_MODES}, got {mode!r}")
    for axis, (before, after) in enumerate(widths):
        if before or after:
            if x.shape[axis] == 0:
                raise ValueError(f"pad: mode {mode!r} cannot pad axis {axis}, which is empty; pad it with a constant")
            positions = np.pad(np.arange(x.shape[axis]), (before, after), mode=mode).tolist()  # (a list: capturable)
            x = getitem(x, (slice(None),) * axis + (positions,))
    return x


@primitive("flip", view=True)
def _flip(xp, x, axis):
    return xp.flip(x, axis=axis)


@_flip.defvjp
def _(xp, need, g, out, x, axis):
    return (xp.flip(g, axis=axis),)


def flip(x, axis=None) -> Tensor:
    """Reverse the order of elements along ``axis`` (all axes if None)."""
    x = as_operand(x)
    return _flip(x, axis=normalize_axis(axis, x.ndim, "flip"))


def repeat(x, repeats: int, axis: int | None = None) -> Tensor:
    """Repeat each element ``repeats`` times along ``axis`` (NumPy's ``repeat``; flattens if axis is None)."""
    x = as_operand(x)
    if axis is None:
        x, axis = reshape(x, -1), 0
    axis %= x.ndim
    expanded = expand_dims(x, axis + 1)
    shape = x.shape[: axis + 1] + (repeats,) + x.shape[axis + 1 :]
    return reshape(broadcast_to(expanded, shape), x.shape[:axis] + (x.shape[axis] * repeats,) + x.shape[axis + 1 :])


def tile(x, reps) -> Tensor:
    """Repeat the whole tensor ``reps`` times along each axis (NumPy's ``tile``)."""
    x = as_operand(x)
    reps = (reps,) if isinstance(reps, int) else tuple(reps)
    ndim = max(x.ndim, len(reps))
    reps = (1,) * (ndim - len(reps)) + reps
    x = reshape(x, (1,) * (ndim - x.ndim) + x.shape)
    # interleave a new axis of size r before each axis, broadcast, then merge
    inter = reshape(x, tuple(v for s in x.shape for v in (1, s)))
    big = broadcast_to(inter, tuple(v for r, s in zip(reps, x.shape) for v in (r, s)))
    return reshape(big, tuple(r * s for r, s in zip(reps, x.shape)))


# --- indexing -------------------------------------------------------------------------


def index_arrays(index):
    """Turn Tensors inside an index into arrays; validate what NumPy would misread."""
    if isinstance(index, Tensor):
        return index._data
    if isinstance(index, tuple):
        return tuple(i._data if isinstance(i, Tensor) else i for i in index)
    if isinstance(index, list):
        return np.asarray(index)
    return index


def _on_device(index, device):
    """An index's arrays moved to the indexed tensor's device (as PyTorch takes CPU indices for GPU data)."""
    items = index if isinstance(index, tuple) else (index,)
    moved = tuple(backend.to_device(np.asarray(i), device) if isinstance(i, (np.ndarray, list)) else i for i in items)
    return moved if isinstance(index, tuple) else moved[0]


def _is_basic(index) -> bool:
    items = index if isinstance(index, tuple) else (index,)
    return all(
        i is None
        or i is Ellipsis
        or isinstance(i, (int, np.integer, slice))
        or (isinstance(i, np.ndarray) and i.dtype == np.bool_ and len(items) == 1)
        for i in items
    )


@primitive("getitem", view=True)
def indexing(xp, x, index, basic):
    """The primitive of ``x[index]`` (the backward walk runs its rule in place where it can: see
    :func:`nabla.engine.backward.run_backward`)."""
    return xp.getitem(x, index)


@indexing.defvjp
def _(xp, need, g, out, x, index, basic):
    return (xp.index_add(g, index, x.shape, basic),)


@primitive("index_add")
def _index_add(xp, g, index, shape, basic):
    return xp.index_add(g, index, shape, basic)


@_index_add.defvjp
def _(xp, need, g, out, src, index, shape, basic):
    return (xp.getitem(g, index),)


def index_add(g, index, shape, basic: bool) -> Tensor:
    """Zeros of ``shape`` with ``g`` added at ``index`` (repeated indices accumulate, like ``np.add.at``)."""
    return _index_add(as_operand(g), index=index, shape=tuple(shape), basic=basic)


def getitem(x, index) -> Tensor:
    """``x[index]`` with NumPy's rules: ints, slices, None, ..., boolean masks and integer arrays.

    The gradient is scattered back to the indexed positions; an element picked
    several times by an integer array gets the sum of its gradients.
    """
    x = as_operand(x)
    index = index_arrays(index)
    if not isinstance(x._data, np.ndarray):
        index = _on_device(index, devices.device_of(x._data))
    basic = _is_basic(index)
    items = index if isinstance(index, tuple) else (index,)
    # (``is``, not ``in``: ``in`` compares with ==, which is elementwise on a boolean mask.)
    if basic and not any(i is Ellipsis for i in items):
        # A trailing ``...`` makes NumPy return a 0-d view, not a detached scalar, when every axis is indexed.
        index = (*index, Ellipsis) if isinstance(index, tuple) else (index, Ellipsis)
    try:
        return indexing(x, index=index, basic=basic)
    except IndexError as e:
        raise IndexError(f"index {index!r} is out of range for a tensor of shape {x.shape}: {e}") from None
