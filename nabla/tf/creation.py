"""Making tensors the TensorFlow way: ``tf.zeros``, ``tf.ones``, ``tf.fill``, ``tf.range``, ``tf.one_hot``...

TensorFlow's defaults, which differ from PyTorch's and NumPy's: ``tf.zeros`` / ``tf.ones`` / ``tf.eye`` are
float32; ``tf.range(5)`` is int32 (float32 when an argument is a float); ``tf.linspace`` of Python ints is
float64 (of floats, float32); ``tf.fill`` takes the value's dtype (``tf.fill([2], 3)`` is int32);
``tf.one_hot`` is float32 and gives a row of zeros for an index out of range (no error).
"""

from __future__ import annotations

import builtins

import numpy as np

import nabla as nb

from . import dtypes
from ._convert import as_tf, constant, infer, shape_tuple, tensor_arg
from ._engine import recompute
from .errors import InvalidArgumentError


def _float32_unless(dtype) -> np.dtype:
    return dtypes.numpy_dtype(dtype) or np.dtype(np.float32)


def zeros(shape, dtype=dtypes.float32, name=None):
    """``tf.zeros(shape)``: zeros, float32 unless ``dtype`` says otherwise."""
    return as_tf(nb.zeros(shape_tuple(shape), dtype=_float32_unless(dtype)))


def ones(shape, dtype=dtypes.float32, name=None):
    """``tf.ones(shape)``: ones, float32 unless ``dtype`` says otherwise."""
    return as_tf(nb.ones(shape_tuple(shape), dtype=_float32_unless(dtype)))


def zeros_like(input, dtype=None, name=None):  # noqa: A002 - TensorFlow's name
    """``tf.zeros_like(x)``: zeros of x's shape and dtype (or ``dtype``)."""
    x = tensor_arg(input)
    return as_tf(nb.zeros(x.shape, dtype=dtypes.numpy_dtype(dtype) or x._data.dtype))


def ones_like(input, dtype=None, name=None):  # noqa: A002
    """``tf.ones_like(x)``: ones of x's shape and dtype (or ``dtype``)."""
    x = tensor_arg(input)
    return as_tf(nb.ones(x.shape, dtype=dtypes.numpy_dtype(dtype) or x._data.dtype))


def fill(dims, value, name=None):
    """``tf.fill(dims, value)``: ``value`` everywhere, in the dtype TensorFlow gives it (3 -> int32)."""
    value = constant(value)
    if value.ndim:
        raise ValueError(f"tf.fill: value must be a scalar, got shape {value.shape}")
    return as_tf(nb.full(shape_tuple(dims), value.item(), dtype=value._data.dtype))


def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32, name=None):
    """``tf.eye(n)``: the identity matrix (n x m), float32 by default; ``batch_shape`` stacks copies."""
    matrix = nb.eye(int(num_rows), None if num_columns is None else int(num_columns), dtype=_float32_unless(dtype))
    if batch_shape is not None:
        shape = shape_tuple(batch_shape) + matrix.shape
        matrix = nb.clone(nb.broadcast_to(matrix, shape))
    return as_tf(matrix)


def _range_dtype(values) -> np.dtype:
    """TensorFlow's dtype for ``tf.range``: the widest float among its arguments if there is one, else the
    widest integer (Python ints being int32)."""
    kinds = [v._data.dtype if isinstance(v, nb.Tensor) else infer(v) for v in values]
    floats = [k for k in kinds if k.kind == "f"]
    return max(floats or kinds, key=lambda k: k.itemsize)


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001 - TensorFlow's name
    """``tf.range(start, limit, delta)``: ``start, start + delta, ...`` below ``limit`` (``tf.range(n)``
    counts from 0). int32 for Python ints, float32 when one is a float, or ``dtype``."""
    if limit is None:
        start, limit = 0, start
    values = [v.item() if isinstance(v, nb.Tensor) else v for v in (start, limit, delta)]
    target = dtypes.numpy_dtype(dtype) or _range_dtype([start, limit, delta])
    return as_tf(nb.arange(*values, dtype=target))


def linspace(start, stop, num, name=None, axis=0):
    """``tf.linspace(start, stop, num)``: ``num`` values from start to stop, both included. float32 for
    Python floats, float64 for Python ints, as TensorFlow; tensors of values give one line per value along
    ``axis``. The values are TensorFlow's, bit for bit: ``start + i * delta`` in the result's dtype with
    ``delta = (stop - start) / (num - 1)``, and ``stop`` itself last (NumPy's interpolation rounds
    differently: ``tf.linspace(-10.0, 10.0, 201)[101]`` is 0.10000038 in TensorFlow, 0.1 in NumPy)."""
    if not isinstance(num, (int, np.integer)) or isinstance(num, builtins.bool):
        raise TypeError(f"tf.linspace: num must be an integer, got {num!r}")
    first, last = (v if isinstance(v, nb.Tensor) else constant(v) for v in (start, stop))
    dtype = np.result_type(first._data.dtype, last._data.dtype)
    dtype = dtype if dtype.kind == "f" else np.dtype(np.float64)
    shape = np.broadcast_shapes(first.shape, last.shape)
    first, last = (nb.expand_dims(nb.broadcast_to(nb.astype(v, dtype), shape), 0) for v in (first, last))
    num = int(num)
    delta = (last - first) / nb.tensor(max(num - 1, 1), dtype=dtype)
    steps = np.arange(1, num - 1, dtype=dtype).reshape((-1,) + (1,) * len(shape))
    middle = first + nb.tensor(steps.tolist(), dtype=dtype) * delta
    lines = nb.concatenate([first, middle, last]) if num > 1 else first[: max(num, 0)]
    return as_tf(nb.moveaxis(lines, 0, axis) if axis else lines)


def _one_hot(indices, depth, on, off, axis, dtype):
    hot = np.asarray(indices)[..., None] == np.arange(depth)  # out of range or negative: all False
    out = np.where(hot, np.asarray(on, dtype=dtype), np.asarray(off, dtype=dtype))
    return np.moveaxis(out, -1, axis) if axis not in (-1, out.ndim - 1) else out


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """``tf.one_hot(indices, depth)``: each index as a row of ``depth`` values, ``on_value`` (1) at the
    index and ``off_value`` (0) elsewhere; float32 unless ``dtype`` or the on/off values say otherwise. An
    index outside ``[0, depth)`` gives a row of ``off_value``, as in TensorFlow. No gradient."""
    idx = tensor_arg(indices)
    if idx._data.dtype.kind not in "iu":
        raise InvalidArgumentError(f"one_hot: indices must be integers, got {idx._data.dtype}; tf.cast them first")
    if dtype is None:
        given = next((v for v in (on_value, off_value) if v is not None), None)
        target = np.dtype(np.float32) if given is None else infer(given)
    else:
        target = dtypes.numpy_dtype(dtype)
    on = 1 if on_value is None else on_value
    off = 0 if off_value is None else off_value
    on, off = (v.item() if isinstance(v, nb.Tensor) else v for v in (on, off))
    position = -1 if axis is None else int(axis)
    return as_tf(nb.from_numpy(recompute(_one_hot, idx, int(depth), on, off, position, target)))
