"""``tf.SparseTensor`` and ``tf.sparse.to_dense``: what ``tf.io.VarLenFeature`` parses into.

A sparse tensor is three dense ones: ``indices`` (int64, ``(N, rank)``: where each stored value sits),
``values`` (``(N,)``: numbers or strings) and ``dense_shape`` (int64, ``(rank,)``); every other position holds
the default (0, or ``b""`` for strings). nabla offers it to be read (``.values``, ``.indices``,
``.dense_shape``, :func:`to_dense`, :func:`reorder`), multiplied by a number or a dense tensor (``sp * 42.0``,
a sparse tensor of the products, as TensorFlow's; ``sp + 42.0`` is a ``TypeError`` there too) and by a dense
matrix (:func:`sparse_dense_matmul`); the rest of TensorFlow's ``tf.sparse`` raises an ``AttributeError``
that says so. Computed on NumPy arrays: no gradient flows through these.
"""

from __future__ import annotations

import numpy as np

from ._convert import constant, convert_to_tensor
from ._missing import missing
from .data.structure import as_tensor
from .errors import InvalidArgumentError
from .string_tensor import text_data
from .tensor_shape import TensorShape


def _array(value, dtype=None) -> np.ndarray:
    value = value.numpy() if hasattr(value, "numpy") else value
    text = text_data(value)
    return text if text is not None else np.asarray(value, dtype=dtype)


class SparseTensor:
    """``tf.SparseTensor(indices, values, dense_shape)``: see the module's documentation.

    Shapes: ``indices`` (N, rank) int64, ``values`` (N,), ``dense_shape`` (rank,) int64."""

    def __init__(self, indices, values, dense_shape):
        self._indices = _array(indices, np.int64).astype(np.int64).reshape(-1, len(np.atleast_1d(dense_shape)))
        # (Python floats make float32 values, as tf.constant's)
        self._values = values if isinstance(values, np.ndarray) else _array(values)
        if not isinstance(values, np.ndarray) and self._values.dtype.kind in "iuf":
            self._values = constant(values).numpy()
        self._shape = _array(dense_shape, np.int64).astype(np.int64).reshape(-1)
        if self._values.ndim != 1 or len(self._values) != len(self._indices):
            raise ValueError(f"SparseTensor: values must be one per row of indices ({len(self._indices)}), got "
                             f"shape {self._values.shape}")  # fmt: skip
        if len(self._indices) and ((self._indices < 0).any() or (self._indices >= self._shape).any()):
            raise ValueError(f"SparseTensor: an index lies outside dense_shape {self._shape.tolist()}")

    indices = property(lambda self: as_tensor(self._indices), doc="Where each value sits: int64 (N, rank).")
    values = property(lambda self: as_tensor(self._values), doc="The stored values: (N,).")
    dense_shape = property(lambda self: as_tensor(self._shape), doc="The dense tensor's shape: int64 (rank,).")

    @property
    def shape(self) -> TensorShape:
        return TensorShape(tuple(int(d) for d in self._shape))

    @property
    def dtype(self):
        return as_tensor(self._values).dtype

    def __mul__(self, other) -> SparseTensor:
        """``sp * x``: each stored value times ``x`` (a number, or a dense tensor broadcast to ``dense_shape``,
        read at the stored positions), a sparse tensor of the same indices."""
        values = as_tensor(self._values)
        # (Converted to the values' dtype as TensorFlow converts it: an int sparse tensor times 0.5 is a
        # TypeError, a tensor of another dtype a ValueError, never a silent int(0.5) = 0 at every value.)
        array = np.asarray(convert_to_tensor(other, dtype=values.dtype).numpy())
        if array.ndim:
            try:
                array = np.broadcast_to(array, tuple(self._shape))[tuple(self._indices.T)]
            except ValueError:
                raise InvalidArgumentError(None, None, f"sp * x: x of shape {list(array.shape)} does not broadcast "
                                           f"to the sparse tensor's dense_shape {self._shape.tolist()}") from None
        return SparseTensor(self._indices, values * as_tensor(array), self._shape)

    def __repr__(self) -> str:
        return f"SparseTensor(indices={self.indices}, values={self.values}, dense_shape={self.dense_shape})"


def to_dense(sp_input: SparseTensor, default_value=None, validate_indices=True, name=None):
    """``tf.sparse.to_dense(sp)``: the dense tensor of shape ``dense_shape``, ``default_value`` (0, or ``b""``
    for strings, when None) where nothing is stored."""
    if not isinstance(sp_input, SparseTensor):
        raise TypeError(f"tf.sparse.to_dense takes a tf.SparseTensor, got {type(sp_input).__name__}")
    values = sp_input._values
    if default_value is None:
        default_value = b"" if values.dtype == object else 0
    fill = _array(default_value)
    if validate_indices and len(sp_input._indices) > 1:
        flat = np.ravel_multi_index(tuple(sp_input._indices.T), tuple(sp_input._shape))
        unordered = np.flatnonzero(np.diff(flat) <= 0)
        if len(unordered):
            at = sp_input._indices[unordered[0] + 1].tolist()
            raise InvalidArgumentError(None, None, f"tf.sparse.to_dense: indices[{unordered[0] + 1}] = {at} is "
                                       "out of order or repeated; sort them with tf.sparse.reorder")  # fmt: skip
    dense = np.full(tuple(sp_input._shape), fill.reshape(()) if fill.size == 1 else fill, dtype=values.dtype)
    dense[tuple(sp_input._indices.T)] = values
    return as_tensor(dense)


def reorder(sp_input: SparseTensor, name=None) -> SparseTensor:
    """The same sparse tensor with its values in row-major order of their indices (what :func:`to_dense`
    requires)."""
    order = np.lexsort(sp_input._indices.T[::-1]) if len(sp_input._indices) else np.zeros(0, np.int64)
    return SparseTensor(sp_input._indices[order], sp_input._values[order], sp_input._shape)


def sparse_dense_matmul(sp_a: SparseTensor, b, adjoint_a: bool = False, adjoint_b: bool = False, name=None):
    """``sp_a @ b`` for a 2-D sparse ``sp_a`` and a dense matrix ``b`` (transposed first with ``adjoint_*``):
    a dense tensor, computed as ``to_dense(sp_a) @ b``."""
    if not isinstance(sp_a, SparseTensor) or len(sp_a._shape) != 2:
        raise TypeError("tf.sparse.sparse_dense_matmul: sp_a must be a 2-D tf.SparseTensor")
    from .linalg_ops import matmul

    return matmul(to_dense(reorder(sp_a)), b, transpose_a=adjoint_a, transpose_b=adjoint_b)


def __getattr__(name: str):
    raise missing("tf.sparse", name)
