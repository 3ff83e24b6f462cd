"""``tf.SparseTensor`` and ``tf.sparse.to_dense``: what ``tf.io.VarLenFeature`` parses into.

A sparse tensor is three dense ones: ``indices`` (int64, ``(N, rank)``: where each stored value sits),
``values`` (``(N,)``: numbers or strings) and ``dense_shape`` (int64, ``(rank,)``); every other position holds
the default (0, or ``b""`` for strings). nabla offers it to be read (``.values``, ``.indices``,
``.dense_shape``, :func:`to_dense`), not computed with: no operation takes one (TensorFlow's ``tf.sparse``
arithmetic raises an ``AttributeError`` that says so).
"""

from __future__ import annotations

import numpy as np

from ._missing import missing
from .data.structure import as_tensor
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
        self._values = _array(values)
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
    dense = np.full(tuple(sp_input._shape), fill.reshape(()) if fill.size == 1 else fill, dtype=values.dtype)
    dense[tuple(sp_input._indices.T)] = values
    return as_tensor(dense)


def __getattr__(name: str):
    raise missing("tf.sparse", name)
