"""``RaggedTensor``: a batch of rows of different lengths, as TensorFlow's ``tf.RaggedTensor`` (ragged rank 1).

TensorFlow's text material makes one with ``TextVectorization(ragged=True)`` or ``Dataset.ragged_batch``
and turns it straight into a rectangular array: ``pad_sequences(ragged.numpy())`` or ``ragged.to_tensor()``.
nabla's holds its rows as NumPy arrays and offers that reading side, and the elementwise arithmetic
(``+ - * /``) of a ragged tensor with a number or with one of the same row lengths (Hands-On ML's
``(tf.ragged.constant(ids) + 1).to_tensor()``); nothing else (pad first). ``nabla.tf`` offers the class as
``tf.RaggedTensor`` and ``tf.ragged.constant``.
"""

from __future__ import annotations

import numpy as np

from ._engine import Tensor
from .output_class import switch_class


class RaggedTensor:
    """Rows of numbers of different lengths, read-only.

    As TensorFlow's: ``numpy()`` is an object array of the rows (a 2-D array when they have one length),
    ``shape`` is ``(rows, None)``, ``r[i]`` is row ``i`` as a tensor, ``r[i:j]`` a ``RaggedTensor``,
    ``to_tensor(default_value=0)`` pads each row at its end, ``to_list()`` gives Python lists.

    Example::

        r = tf.RaggedTensor.from_row_lengths([3, 2, 5, 3, 4, 3], [3, 1, 2])
        r.to_tensor()   # [[3, 2, 5], [3, 0, 0], [4, 3, 0]]
    """

    def __init__(self, rows, dtype=None, tensor_class=Tensor, text_class=None):
        self._rows = [np.asarray(row, dtype=dtype) for row in rows]
        # Ragged rank 1: the rows' lengths vary, any axes after theirs are one shape for all (Géron's chorales:
        # rows of 4-note chords, ``tf.ragged.constant(chorales, ragged_rank=1)`` of shape (rows, None, 4)).
        if any(row.ndim == 0 for row in self._rows) or len({row.shape[1:] for row in self._rows}) > 1:
            raise ValueError(
                "RaggedTensor: the rows must be arrays whose shapes differ in their length only (nabla's ragged "
                f"tensors have ragged rank 1), got rows of shapes {sorted({row.shape for row in self._rows})}"
            )
        self._dtype = np.dtype(dtype) if dtype is not None else (self._rows[0].dtype if self._rows else np.float32)
        self._rows = [row.astype(self._dtype, copy=False) for row in self._rows]
        self._tensor_class = tensor_class
        # What a row of text is made into (nabla.tf's string tensor, for tf.strings.split's rows); None: numbers.
        self._text_class = text_class

    @classmethod
    def from_row_lengths(cls, values, row_lengths) -> RaggedTensor:
        """Rows cut from ``values`` (1-D) in order, ``row_lengths[i]`` values for row ``i``: tensors of the class
        ``values`` is (``nabla.tf``'s for a ``tf.Tensor``)."""
        tensor_class = type(values) if isinstance(values, Tensor) else Tensor
        values = values.numpy() if hasattr(values, "numpy") else np.asarray(values)
        lengths = np.asarray(row_lengths.numpy() if hasattr(row_lengths, "numpy") else row_lengths, np.int64)
        if lengths.sum() != len(values):
            raise ValueError(f"RaggedTensor.from_row_lengths: the row lengths add up to {lengths.sum()}, "
                             f"but there are {len(values)} values")  # fmt: skip
        return cls(np.split(values, np.cumsum(lengths)[:-1]), values.dtype, tensor_class=tensor_class)

    @classmethod
    def from_sparse(cls, st_input, name=None, row_splits_dtype="int64") -> RaggedTensor:
        """The rows of a 2-D sparse tensor (``tf.SparseTensor``: ``indices`` ``(N, 2)``, ``values`` ``(N,)``,
        ``dense_shape`` ``[rows, width]``): row ``i`` is its values in order, ``dense_shape[0]`` rows.

        The sparse tensor must be right-ragged, as TensorFlow requires: its indices in row-major order and each
        row's columns ``0, 1, ..., length - 1``, as ``tf.io.VarLenFeature`` parses them. The rows are tensors
        of the classes the sparse tensor's ``values`` and ``indices`` are (``nabla.tf``'s for ``tf.SparseTensor``).
        """
        if not all(hasattr(st_input, a) for a in ("indices", "values", "dense_shape")):
            raise TypeError(f"RaggedTensor.from_sparse takes a tf.SparseTensor, got {type(st_input).__name__}: "
                            "for a dense tensor use tf.RaggedTensor.from_row_lengths")  # fmt: skip
        indices, values = st_input.indices, st_input.values
        shape = np.asarray(st_input.dense_shape.numpy(), np.int64).reshape(-1)
        index, data = np.asarray(indices.numpy(), np.int64), values.numpy()
        if len(shape) != 2:
            raise ValueError(f"rank(st_input) must be 2, got a sparse tensor of dense_shape {shape.tolist()}: "
                             "RaggedTensor.from_sparse makes rows of a matrix")  # fmt: skip
        lengths = np.bincount(index[:, 0], minlength=int(shape[0])) if len(index) else np.zeros(shape[0], np.int64)
        starts = np.cumsum(lengths) - lengths
        expected = np.arange(len(index)) - np.repeat(starts, lengths)  # (each row's columns 0, 1, ...)
        if len(index) and (np.any(np.diff(index[:, 0]) < 0) or np.any(index[:, 1] != expected)):
            raise ValueError("RaggedTensor.from_sparse: the SparseTensor is not right-ragged (indices in row-major "
                             "order, each row's columns 0, 1, ... with no gap): densify it with "
                             "tf.sparse.to_dense instead")  # fmt: skip
        text_class = type(values) if data.dtype == object else None
        return cls(np.split(data, np.cumsum(lengths)[:-1]) if len(lengths) else [], data.dtype,
                   tensor_class=type(indices), text_class=text_class)  # fmt: skip

    def _tensor(self, array: np.ndarray):
        if array.dtype == object and self._text_class is not None:
            return self._text_class(array)
        return switch_class(Tensor._make(array), self._tensor_class)

    @property
    def shape(self) -> tuple:
        return (len(self._rows), None, *(self._rows[0].shape[1:] if self._rows else ()))

    @property
    def dtype(self):
        """The values' dtype as the rows' tensors give it: ``tf.int32`` (a ``tf.DType``) for ``nabla.tf``'s ragged
        tensors, as TensorFlow's; a NumPy dtype on the Keras side."""
        if self._dtype.kind == "O" and self._text_class is None:
            return self._dtype
        return self._tensor(np.zeros(0, self._dtype)).dtype

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self):
        return (self._tensor(row.copy()) for row in self._rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return RaggedTensor(self._rows[index], self._dtype, self._tensor_class, self._text_class)
        return self._tensor(self._rows[int(index)].copy())

    def row_lengths(self):
        return self._tensor(np.array([len(row) for row in self._rows], np.int64))

    def numpy(self) -> np.ndarray:
        if len({len(row) for row in self._rows}) == 1:
            return np.stack(self._rows)  # (TensorFlow's numpy() too: rows of one length make a 2-D array)
        out = np.empty(len(self._rows), dtype=object)
        out[:] = [row.copy() for row in self._rows]
        return out

    def to_list(self) -> list:
        return [row.tolist() for row in self._rows]

    def to_tensor(self, default_value=None, shape=None):
        """The rows padded at their end with ``default_value`` (0, or ``b""`` for text) to the longest (or to
        ``shape``'s length)."""
        width = max((len(row) for row in self._rows), default=0)
        if shape is not None and shape[1] is not None:
            width = int(shape[1])
        if default_value is None:
            default_value = b"" if self._dtype.kind == "O" else 0
        out = np.full((len(self._rows), width, *self.shape[2:]), default_value, self._dtype)
        for i, row in enumerate(self._rows):
            out[i, : min(len(row), width)] = row[:width]
        return self._tensor(out)

    @staticmethod
    def concat(values: list, axis: int) -> RaggedTensor:
        """``tf.concat`` of ragged tensors (ragged rank 1): ``axis=0`` stacks their rows, ``axis=1`` (or -1)
        joins row ``i`` of each, which must have as many rows."""
        first = values[0]
        if any(not isinstance(v, RaggedTensor) or v._dtype != first._dtype for v in values):
            raise TypeError("tf.concat: ragged tensors join only with ragged tensors of one dtype; "
                            "convert with tf.ragged.constant, or pad with to_tensor() first")  # fmt: skip
        if axis == 0:
            rows = [row for v in values for row in v._rows]
        elif axis in (1, -1):
            if len({len(v._rows) for v in values}) != 1:
                raise ValueError(f"tf.concat: along axis 1 the ragged tensors must have as many rows, got "
                                 f"{[len(v._rows) for v in values]}")  # fmt: skip
            rows = [np.concatenate(parts) for parts in zip(*(v._rows for v in values))]
        else:
            raise ValueError(f"tf.concat: a ragged tensor (ragged rank 1) has axes 0 and 1, got axis={axis}")
        return RaggedTensor(rows, first._dtype, first._tensor_class, first._text_class)

    def _elementwise(self, fn, other) -> RaggedTensor:
        """``fn(row, other)`` for each row, by the tensor class's own operators (``nabla.tf``'s dtype rules:
        int32 + 1 is int32); ``other`` a number, or a RaggedTensor of the same row lengths."""
        if isinstance(other, RaggedTensor):
            if [len(r) for r in other._rows] != [len(r) for r in self._rows]:
                raise ValueError("RaggedTensor: the two ragged tensors' row lengths differ; pad both with to_tensor()")
            pairs = zip(self._rows, other._rows)
            rows = [fn(self._tensor(a.copy()), other._tensor(b.copy())).numpy() for a, b in pairs]
        elif np.ndim(other) == 0:
            rows = [fn(self._tensor(row.copy()), other).numpy() for row in self._rows]
        else:
            raise TypeError("RaggedTensor: arithmetic takes a number or a RaggedTensor of the same row lengths; "
                            "for anything else pad first with to_tensor()")  # fmt: skip
        dtype = rows[0].dtype if rows else fn(self._tensor(np.zeros(0, self._dtype)), other).numpy().dtype
        return RaggedTensor(rows, dtype, self._tensor_class, self._text_class)

    def __add__(self, other):
        return self._elementwise(lambda a, b: a + b, other)

    def __radd__(self, other):
        return self._elementwise(lambda a, b: b + a, other)

    def __sub__(self, other):
        return self._elementwise(lambda a, b: a - b, other)

    def __rsub__(self, other):
        return self._elementwise(lambda a, b: b - a, other)

    def __mul__(self, other):
        return self._elementwise(lambda a, b: a * b, other)

    def __rmul__(self, other):
        return self._elementwise(lambda a, b: b * a, other)

    def __truediv__(self, other):
        return self._elementwise(lambda a, b: a / b, other)

    def __repr__(self) -> str:
        with np.printoptions(formatter={"all": _printed}):
            return f"<tf.RaggedTensor {_printed(self.numpy())}>"


def _printed(x) -> str:
    """A ragged tensor's value as TensorFlow prints it: elements separated by commas, rows of one length as a
    2-D array (with NumPy's line breaks), an empty array as its list."""
    if isinstance(x, np.ndarray):
        return np.array2string(x, separator=", ") if x.size else repr(x.tolist())
    return str(x)
