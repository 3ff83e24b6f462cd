"""``tf.ragged``: making a ``tf.RaggedTensor`` from Python lists of different lengths.

Only ``tf.ragged.constant`` of ragged rank 1 (a list of flat lists), what Hands-On ML's exercises use to turn
strings of different lengths into ids: ``(tf.ragged.constant(ids, ragged_rank=1) + 1).to_tensor()``. The
result is read as :class:`nabla.keras.ragged.RaggedTensor` says (``to_tensor``, ``numpy``, ``r[i]``,
arithmetic with a number).
"""

from __future__ import annotations

import numpy as np

from ..keras.ragged import RaggedTensor
from ._convert import constant as _constant
from .tensor import Tensor

__all__ = ["RaggedTensor", "constant"]


def constant(pylist, dtype=None, ragged_rank=None, inner_shape=None, name=None, row_splits_dtype="int64"):
    """``tf.ragged.constant``: rows of different lengths from a list of lists of numbers (ragged rank 1).

    The dtype is ``tf.constant``'s of all the values together (Python ints int32, floats float32), or
    ``dtype``. ``ragged_rank`` must be 1 (or None for a list of flat lists): with 1, the rows may be lists of
    lists of one shape (rows of chords, shape ``(rows, None, 4)``); ``name`` and
    ``row_splits_dtype`` are accepted and ignored.

    Example::

        >>> tf.ragged.constant([[3, 1, 4], [1]])
        <tf.RaggedTensor [[3, 1, 4], [1]]>
    """
    if ragged_rank not in (None, 1) or inner_shape not in (None, ()):
        raise ValueError(
            f"tf.ragged.constant: nabla's ragged tensors have ragged rank 1 (a list of flat lists), got "
            f"ragged_rank={ragged_rank}, inner_shape={inner_shape}: pad the rows to one length and use tf.constant"
        )
    rows = [np.asarray(row.numpy() if hasattr(row, "numpy") else row) for row in pylist]
    inner = {row.shape[1:] for row in rows}
    if any(row.ndim == 0 or row.dtype == object for row in rows) or len(inner) > 1 or (
        ragged_rank is None and inner not in (set(), {()})
    ):
        raise ValueError(
            "tf.ragged.constant: each row must be a flat list of numbers, or with ragged_rank=1 a list of lists of "
            "one shape (nabla's ragged tensors have ragged rank 1): pad nested rows to one length and use tf.constant"
        )
    flat = _constant([v for row in pylist for v in (row.numpy() if hasattr(row, "numpy") else row)], dtype=dtype)
    values = np.split(flat.numpy(), np.cumsum([len(row) for row in rows])[:-1]) if rows else []
    return RaggedTensor(values, flat.numpy().dtype, tensor_class=Tensor)


def __getattr__(name: str):
    from ._missing import missing

    raise missing("tf.ragged", name)
