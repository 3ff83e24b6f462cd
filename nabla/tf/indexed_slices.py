"""``tf.IndexedSlices``: a sparse set of rows of a tensor (rows ``indices`` of a ``dense_shape`` tensor).

TensorFlow returns one as the gradient of ``tf.gather`` (an embedding's gradient touches few rows), and
gradient-clipping code checks for it: ``if isinstance(g, tf.IndexedSlices): g = tf.convert_to_tensor(g)``
(d2l's ``grad_clipping``). nabla's gradients are always dense tensors, so the check is False and the dense
gradient is used as it is; an ``IndexedSlices`` built by hand converts to its dense tensor, rows given
twice adding up as TensorFlow's do.
"""

from __future__ import annotations

from .array_ops import reshape, transpose
from .creation import one_hot
from .linalg_ops import matmul


class IndexedSlices:
    """``tf.IndexedSlices(values, indices, dense_shape)``: ``values[i]`` is row ``indices[i]`` of a tensor of
    shape ``dense_shape``; the rows not listed are zeros."""

    def __init__(self, values, indices, dense_shape=None):
        self.values, self.indices, self.dense_shape = values, indices, dense_shape

    @property
    def dtype(self):
        return self.values.dtype

    def dense(self):
        """The dense tensor (``tf.convert_to_tensor(slices)``): ``one_hot(indices)^T @ values``, one
        differentiable product that sums repeated rows."""
        if self.dense_shape is None:
            raise ValueError("tf.IndexedSlices without dense_shape cannot become a dense tensor: give dense_shape")
        shape = [int(d) for d in getattr(self.dense_shape, "numpy", lambda: self.dense_shape)()]
        rows = one_hot(self.indices, shape[0], dtype=self.values.dtype)
        flat = reshape(self.values, [len(self.indices), -1])
        return reshape(matmul(transpose(rows), flat), shape)

    def __repr__(self) -> str:
        return f"IndexedSlices(indices={self.indices}, values={self.values}, dense_shape={self.dense_shape})"
