"""Shapes, joins, selection and casts with TensorFlow's names and signatures.

Each function converts its arguments by TensorFlow's rules and calls one of nabla's operations
(``nb.reshape``, ``nb.concatenate``, ``nb.getitem``...), so gradients flow as in TensorFlow: through
reshapes, joins, gathers and masks back to the selected elements; not through ``tf.shape``, ``tf.argsort``,
``tf.stop_gradient`` or a cast to an integer dtype.
"""

from __future__ import annotations

import builtins

import numpy as np

import nabla as nb

from . import dtypes, string_tensor  # (a module: string_tensor imports tensor, which imports this)
from ._convert import apply, as_tf, axis_arg, constant, match, pair_tensors, shape_tuple, tensor_arg
from ._engine import recompute
from ._recording import run
from .errors import InvalidArgumentError
from .math_ops import _no_grad, maximum, multiply, sqrt, truediv
from .reduce_ops import reduce_sum, take_along_last_axis

# --- shape --------------------------------------------------------------------------------------


def reshape(tensor, shape, name=None):
    """``tf.reshape(x, shape)``; one dimension may be -1 (inferred)."""
    return apply(nb.reshape, tensor_arg(tensor), shape_tuple(shape))


def transpose(a, perm=None, conjugate=False, name="transpose"):
    """``tf.transpose(a, perm)``: axes permuted by ``perm``, reversed when None."""
    x = tensor_arg(a)
    axes = tuple(reversed(range(x.ndim))) if perm is None else shape_tuple(perm)
    return apply(nb.transpose, x, axes)


def squeeze(input, axis=None, name=None):  # noqa: A002 - TensorFlow's name
    """``tf.squeeze(x, axis)``: remove axes of size 1 (all of them, or those in ``axis``)."""
    return apply(nb.squeeze, tensor_arg(input), axis_arg(axis))


def expand_dims(input, axis, name=None):  # noqa: A002
    """``tf.expand_dims(x, axis)``: insert an axis of size 1 at ``axis``, in ``[-rank - 1, rank]``; a string
    tensor too (keras.io's ``vectorize_text`` makes texts a column)."""
    text = isinstance(input, string_tensor.StringTensor)
    x = input if text else tensor_arg(input)
    if not -x.ndim - 1 <= int(axis) <= x.ndim:
        raise InvalidArgumentError(f"expand_dims: axis {axis} is out of [{-x.ndim - 1}, {x.ndim}] for shape {x.shape}")
    if text:
        return string_tensor.StringTensor(np.expand_dims(x._data, int(axis)))
    return apply(nb.expand_dims, x, int(axis))


def broadcast_to(input, shape, name=None):  # noqa: A002
    """``tf.broadcast_to(x, shape)``: x repeated along broadcast axes (no copy)."""
    return apply(nb.broadcast_to, tensor_arg(input), shape_tuple(shape))


def tile(input, multiples, name=None):  # noqa: A002
    """``tf.tile(x, multiples)``: the whole tensor repeated ``multiples[i]`` times along axis i; one multiple
    per axis, as TensorFlow (NumPy's tile would add axes)."""
    x, multiples = tensor_arg(input), shape_tuple(multiples)
    if len(multiples) != x.ndim:
        raise InvalidArgumentError(f"tile: expected one multiple per axis of the shape {x.shape}, got {multiples}")
    return apply(nb.tile, x, multiples)


def repeat(input, repeats, axis=None, name=None):  # noqa: A002
    """``tf.repeat(x, repeats, axis)``: each element repeated ``repeats`` times (flattened if axis is None).
    ``repeats`` is one integer here (TensorFlow also takes one count per element)."""
    if not isinstance(repeats, (int, np.integer)):
        raise TypeError("nabla.tf's repeat takes one integer count; repeat elements unevenly with tf.gather")
    return apply(nb.repeat, tensor_arg(input), int(repeats), axis_arg(axis))


def reverse(tensor, axis, name=None):
    """``tf.reverse(x, axis)``: the order of elements reversed along the axes in ``axis``."""
    return apply(nb.flip, tensor_arg(tensor), axis_arg(axis))


def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
    """``tf.pad(x, paddings, mode)``: ``paddings[i] = [before, after]`` values added on axis i.

    "CONSTANT" adds ``constant_values``; "REFLECT" mirrors the tensor about its edge elements (``c b | a b c d``;
    each padding at most the axis's length - 1) and "SYMMETRIC" about its edges (``b a | a b c d``; at most the
    axis's length), as TensorFlow; the mode's case does not matter. The mirrored modes pass the gradient back
    onto the elements they copy."""
    x, mode = tensor_arg(tensor), str(mode).upper()
    widths = np.asarray(paddings._data if isinstance(paddings, nb.Tensor) else paddings).tolist()
    widths = tuple(tuple(int(v) for v in pair) for pair in widths)
    if len(widths) != x.ndim or any(len(pair) != 2 for pair in widths):
        raise InvalidArgumentError(f"paddings must be [rank, 2] for a tensor of shape {x.shape}, got {list(widths)}")
    if min((v for pair in widths for v in pair), default=0) < 0:
        raise InvalidArgumentError(f"paddings must be non-negative, got {list(widths)}")
    if mode == "CONSTANT":
        return apply(nb.pad, x, widths, constant_values)
    if mode not in ("REFLECT", "SYMMETRIC"):
        raise ValueError(f'tf.pad: mode must be one of "CONSTANT", "REFLECT" or "SYMMETRIC", got {mode!r}')
    room = 1 if mode == "REFLECT" else 0  # (REFLECT does not repeat the edge: one element fewer to mirror)
    for size, pair in zip(x.shape, widths):
        if max(pair) > size - room:
            raise InvalidArgumentError(f"tf.pad: {mode} paddings must be at most {size - room} on an axis of "
                                       f"{size}, got {list(pair)}")  # fmt: skip
    return apply(nb.pad, x, widths, mode=mode.lower())


def shape(input, out_type=dtypes.int32, name=None):  # noqa: A002
    """``tf.shape(x)``: the shape as an int32 tensor (``x.shape`` gives a TensorShape of Python ints)."""
    return as_tf(nb.tensor(list(tensor_arg(input).shape), dtype=dtypes.numpy_dtype(out_type)))


def size(input, out_type=dtypes.int32, name=None):  # noqa: A002
    """``tf.size(x)``: the number of elements as an int32 scalar tensor."""
    return constant(int(tensor_arg(input)._data.size), out_type)


def rank(input, name=None):  # noqa: A002
    """``tf.rank(x)``: the number of axes as an int32 scalar tensor."""
    return constant(int(tensor_arg(input).ndim))


# --- joining and splitting ------------------------------------------------------------------------


def concat(values, axis, name="concat"):
    """``tf.concat(values, axis)``: tensors of one dtype joined along an existing axis (ragged tensors too:
    :meth:`RaggedTensor.concat`)."""
    ragged = next((v for v in values if type(v).__name__ == "RaggedTensor"), None)
    if ragged is not None:  # (the first may be dense: RaggedTensor.concat refuses it in one line)
        return ragged.concat(list(values), int(axis))
    return apply(nb.concatenate, match(values, "ConcatV2"), axis=int(axis))


def stack(values, axis=0, name="stack"):
    """``tf.stack(values, axis)``: tensors of one shape and dtype joined along a new axis."""
    return apply(nb.stack, match(values, "Pack"), axis=int(axis))


def unstack(value, num=None, axis=0, name="unstack"):
    """``tf.unstack(x, axis=0)``: the list of slices of x along ``axis``."""
    x = tensor_arg(value)
    axis = int(axis) % x.ndim
    lead = (builtins.slice(None),) * axis
    return [apply(nb.getitem, x, lead + (i,)) for i in range(x.shape[axis])]


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """``tf.split(x, n)``: n equal parts along ``axis``; ``tf.split(x, [2, 3, -1])``: parts of those sizes
    (one -1 takes the rest)."""
    x = tensor_arg(value)
    axis = int(axis) % x.ndim
    if isinstance(num_or_size_splits, (int, np.integer)):
        return list(apply(nb.split, x, int(num_or_size_splits), axis=axis))
    sizes = list(shape_tuple(num_or_size_splits))
    if sizes.count(-1) == 1:
        sizes[sizes.index(-1)] = x.shape[axis] - (sum(sizes) + 1)
    if sum(sizes) != x.shape[axis]:
        raise ValueError(f"tf.split: sizes {sizes} do not add up to {x.shape[axis]}, the size of axis {axis}")
    return list(apply(nb.split, x, list(np.cumsum(sizes[:-1]).tolist()), axis=axis))


def meshgrid(*args, indexing="xy", name=None):
    """``tf.meshgrid(x, y, ...)``: coordinate grids (``indexing="xy"``: the first two axes swapped, as NumPy);
    each grid a tensor of its own, as TensorFlow's (not a broadcast view)."""
    vectors = [apply(nb.reshape, tensor_arg(a), (-1,)) for a in args]
    return [apply(nb.clone, grid) for grid in run(nb.meshgrid, *vectors, indexing=indexing)]


# --- selection ---------------------------------------------------------------------------------------


def getitem(x, index):
    """``x[index]`` with TensorFlow's reading of a list (a tuple of indices: ``x[[0, 1]]`` is ``x[0, 1]``)."""
    if type(index) is list:
        index = tuple(index)
    return apply(nb.getitem, x, index)


def _batch_grids(shape: tuple, batch_dims: int, rank: int) -> tuple:
    """Index arrays that pair batch position b of params with batch position b of the indices."""
    grids = []
    for i in range(batch_dims):
        view = (1,) * i + (shape[i],) + (1,) * (rank - i - 1)
        grids.append(nb.reshape(nb.arange(shape[i]), view))
    return tuple(grids)


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    """``tf.gather(params, indices, axis)``: the slices of ``params`` at ``indices`` along ``axis``.

    Shape: params.shape[:axis] + indices.shape[batch_dims:] + params.shape[axis + 1:]. With
    ``batch_dims=b`` (and ``axis=b``, the case offered beyond b=0), row i of the indices picks from row i
    of params. The gradient adds up at the gathered positions, as TensorFlow's.
    """
    x, idx = tensor_arg(params), tensor_arg(indices)
    if idx._data.dtype.kind not in "iu":
        raise TypeError(f"tf.gather: indices must be integers, got {idx._data.dtype}")
    batch_dims = int(batch_dims) % (idx.ndim + 1) if batch_dims else 0
    axis = batch_dims if axis is None else int(axis) % x.ndim
    if batch_dims and axis != batch_dims:
        raise ValueError(f"nabla.tf's gather takes axis == batch_dims when batch_dims > 0, got {axis} and {batch_dims}")
    _check_gathered(idx._data, x.shape[axis])
    if batch_dims:
        index = _batch_grids(x.shape, batch_dims, idx.ndim) + (idx,)
    else:
        index = (builtins.slice(None),) * axis + (idx,)
    return apply(nb.getitem, x, index)


def _check_gathered(indices: np.ndarray, size: int) -> None:
    """TensorFlow's refusal of an index outside ``[0, size)``: negative ones too (NumPy would count them from
    the end), with its message naming the first such index."""
    outside = (indices < 0) | (indices >= size)
    if outside.any():
        where = tuple(np.argwhere(outside)[0])
        position = f"[{','.join(str(int(i)) for i in where)}]" if where else ""
        raise InvalidArgumentError(f"indices{position} = {int(indices[where])} is not in [0, {size}) [Op:GatherV2]")


def boolean_mask(tensor, mask, axis=None, name="boolean_mask"):
    """``tf.boolean_mask(x, mask)``: the elements (or slices) of x where ``mask`` is True; mask's shape
    matches x's axes from ``axis`` (0) on. A numeric mask counts its nonzero entries as True, as TensorFlow's
    does (it finds the positions with ``tf.where``): d2l picks each row's label with a one-hot float mask."""
    x, m = tensor_arg(tensor), tensor_arg(mask)
    if m._data.dtype.kind not in "biuf":
        raise TypeError(f"tf.boolean_mask: mask must be bool or numeric (nonzero counts as True), got {m.dtype.name}")
    if m._data.dtype.kind != "b":
        m = nb.tensor(m._data != 0)
    lead = (builtins.slice(None),) * (0 if axis is None else int(axis) % x.ndim)
    return apply(nb.getitem, x, lead + (m,))


def _nonzero_positions(condition):
    return np.argwhere(condition).astype(np.int64)


def where(condition, x=None, y=None, name=None):
    """``tf.where(condition, x, y)``: x where condition holds, else y (broadcast together; x and y must
    have one dtype). ``tf.where(condition)`` alone: the coordinates of the True elements, int64 (n, rank)."""
    cond = tensor_arg(condition)
    if x is None and y is None:
        return _no_grad(_nonzero_positions, cond)
    if x is None or y is None:
        raise ValueError("tf.where: give both x and y, or neither")
    return apply(nb.where, cond, *pair_tensors(x, y, "SelectV2"))


def _argsort(x, axis, descending):
    order = np.argsort(-x if descending else x, axis=axis, kind="stable")
    return np.asarray(order.astype(np.int32))


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    """``tf.argsort(x)``: the int32 indices that sort x along ``axis``. No gradient."""
    return _no_grad(_argsort, tensor_arg(values), int(axis), _descending(direction))


def sort(values, axis=-1, direction="ASCENDING", name=None):
    """``tf.sort(x)``: x sorted along ``axis`` (differentiable: the gradient follows the elements)."""
    x = tensor_arg(values)
    moved = apply(nb.moveaxis, x, int(axis), -1)
    order = nb.from_numpy(recompute(_argsort, moved, -1, _descending(direction)))
    return apply(nb.moveaxis, take_along_last_axis(moved, order), -1, int(axis))


def _descending(direction: str) -> bool:
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(f"direction must be 'ASCENDING' or 'DESCENDING', got {direction!r}")
    return direction == "DESCENDING"


def slice(input_, begin, size, name=None):  # noqa: A001 - TensorFlow's name
    """``tf.slice(x, begin, size)``: the block starting at ``begin`` of shape ``size`` (-1: to the end)."""
    x = tensor_arg(input_)
    start, sizes = shape_tuple(begin), shape_tuple(size)
    index = tuple(builtins.slice(b, None if s == -1 else b + s) for b, s in zip(start, sizes))
    return apply(nb.getitem, x, index)


# --- values ---------------------------------------------------------------------------------------


def cast(x, dtype, name=None):
    """``tf.cast(x, dtype)``: x converted to ``dtype``. Floats become integers by truncation toward zero;
    the gradient flows between float dtypes and stops at integer ones, as in TensorFlow. Already of
    ``dtype``, x itself comes back (a Variable stays the Variable, as TensorFlow's cast returns its input)."""
    x = tensor_arg(x)
    target = dtypes.numpy_dtype(dtype)
    return as_tf(x) if x._data.dtype == target else apply(nb.astype, x, target)


def identity(input, name=None):  # noqa: A002
    """``tf.identity(x)``: a tensor with x's values (a Variable's value now); the gradient passes."""
    return apply(nb.clone, tensor_arg(input))


def stop_gradient(input, name=None):  # noqa: A002
    """``tf.stop_gradient(x)``: x's values, through which no gradient flows."""
    return as_tf(tensor_arg(input).detach())


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """``tf.clip_by_value(t, lo, hi)``: t limited to [lo, hi]. The gradient passes inside, bounds included."""
    x = tensor_arg(t)
    lo, hi = (
        v._data.item() if isinstance(v, nb.Tensor) and v.ndim == 0 else v for v in (clip_value_min, clip_value_max)
    )
    return apply(nb.clip, x, lo, hi)


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """``tf.clip_by_norm(t, c)``: t scaled to an L2 norm of at most c: ``t * c / max(||t||, c)``."""
    x = tensor_arg(t)
    norm = sqrt(reduce_sum(multiply(x, x), axes, keepdims=True))
    return truediv(multiply(x, clip_norm), maximum(norm, clip_norm))


def global_norm(t_list, name=None):
    """``tf.linalg.global_norm(ts)``: the L2 norm of all the tensors together (None entries skipped)."""
    squares = [reduce_sum(multiply(t, t)) for t in t_list if t is not None]
    return sqrt(squares[0] if len(squares) == 1 else apply(nb.sum, apply(nb.stack, squares)))


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """``tf.clip_by_global_norm(ts, c)``: every tensor scaled by ``c / max(global_norm, c)``; returns the
    clipped list (None entries stay None) and the global norm."""
    total = global_norm(t_list) if use_norm is None else tensor_arg(use_norm)
    scale = truediv(clip_norm, maximum(total, clip_norm))
    return [None if t is None else multiply(t, scale) for t in t_list], total


def gather_nd(params, indices, batch_dims=0, name=None):
    """``tf.gather_nd(params, indices)``: the elements (or slices) of params at the coordinates in the last
    axis of ``indices``: shape ``indices.shape[:-1] + params.shape[indices.shape[-1]:]``."""
    if batch_dims:
        raise ValueError("nabla.tf's gather_nd offers batch_dims=0; for batch_dims=1 use tf.gather(..., batch_dims=1)")
    x, idx = tensor_arg(params), tensor_arg(indices)
    coordinates = tuple(apply(nb.getitem, idx, (Ellipsis, k)) for k in range(idx.shape[-1]))
    return apply(nb.getitem, x, coordinates)
