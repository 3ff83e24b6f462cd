"""``tf.sets``: set operations along the last axis of dense tensors and ``tf.SparseTensor``\\ s.

A rank-``n`` input (``n >= 2``) holds one set per position of its first ``n - 1`` axes (its *group*): the values
along the last axis. A dense tensor's set is every value of its row (padding values included: ``[10, 0, 0]`` is
``{0, 10}``); a sparse tensor's set is only the values stored in the row. Values are integers (int8, int16,
int32, int64, uint8, uint16) or strings, as TensorFlow's kernels take; both operands share one dtype.

:func:`union`, :func:`intersection` and :func:`difference` return a ``tf.SparseTensor`` of the same dtype whose
dense shape is the group shape plus the size of the largest resulting set; row ``g`` stores its set sorted
ascending (strings byte-wise) at ``[*g, 0]``, ``[*g, 1]``... ``tf.sparse.to_dense`` pads the shorter rows with
0 (or a ``default_value``). :func:`size` counts the distinct stored values of each row of a sparse tensor.
Géron's chapter 12::

    a = tf.constant([[1, 5, 9], [10, 0, 0]])
    b = tf.constant([[5, 6, 9, 11], [13, 0, 0, 0]])
    tf.sparse.to_dense(tf.sets.union(a, b))  # [[1, 5, 6, 9, 11], [0, 10, 13, 0, 0]]

Sparse operands must list their indices in row-major order, without repeats (``tf.sparse.reorder`` sorts
them); ``validate_indices=False`` skips that check, as in TensorFlow. Computed on NumPy arrays: no gradient
flows through set operations (TensorFlow registers none either).
"""

from __future__ import annotations

import numpy as np

from ._convert import convert_to_tensor
from ._missing import missing
from .errors import InvalidArgumentError
from .sparse import SparseTensor
from .string_tensor import StringTensor

_SET_DTYPES = frozenset(("int8", "int16", "int32", "int64", "uint8", "uint16", "string"))


def _operand(value, role: str, who: str, check_dtype: bool = True):
    """``value`` as a SparseTensor or a tensor (Python lists converted as tf.constant does), dtype checked."""
    if not isinstance(value, SparseTensor):
        value = convert_to_tensor(value)
    if check_dtype and value.dtype.name not in _SET_DTYPES:
        raise TypeError(f"tf.sets.{who}: '{role}' has dtype {value.dtype.name}; set operations take "
                        f"{', '.join(sorted(_SET_DTYPES))}")  # fmt: skip
    return value


def _check_order(sp: SparseTensor, who: str) -> None:
    """TensorFlow's ``validate_indices``: a sparse operand's indices strictly increase in row-major order."""
    if len(sp._indices) < 2:
        return
    flat = np.ravel_multi_index(tuple(sp._indices.T), tuple(sp._shape))
    steps = np.diff(flat)
    bad = int(np.flatnonzero(steps <= 0)[0]) + 1 if (steps <= 0).any() else 0
    if bad:
        problem = "repeated" if steps[bad - 1] == 0 else "out of order"
        raise InvalidArgumentError(None, None, f"tf.sets.{who}: indices[{bad}] = {sp._indices[bad].tolist()} is "
                                   f"{problem}; sort them with tf.sparse.reorder")  # fmt: skip


def _rank_at_least_2(shape: tuple, who: str) -> None:
    if len(shape) < 2:
        raise InvalidArgumentError(None, None, f"tf.sets.{who}: shape {list(shape)} has rank {len(shape)} < 2; "
                                   "the last axis holds each set, so give at least one row: [[1, 2, 3]]")  # fmt: skip


def _sets(value, validate_indices: bool, who: str) -> tuple[tuple, list[np.ndarray]]:
    """The group shape of ``value`` and, per group in row-major order, the sorted distinct values of its set."""
    if isinstance(value, SparseTensor):
        shape = tuple(int(d) for d in value._shape)
        _rank_at_least_2(shape, who)
        if validate_indices:
            _check_order(value, who)
        group = shape[:-1]
        count = int(np.prod(group))
        rows = np.ravel_multi_index(tuple(value._indices[:, :-1].T), group) if len(value._indices) else []
        members = [[] for _ in range(count)]
        for row, item in zip(np.asarray(rows).tolist(), value._values):
            members[row].append(item)
        return group, [np.unique(np.array(m, dtype=value._values.dtype)) for m in members]
    data = value._data if isinstance(value, StringTensor) else value.numpy()
    _rank_at_least_2(data.shape, who)
    group = data.shape[:-1]
    return group, [np.unique(row) for row in data.reshape(int(np.prod(group)), data.shape[-1])]


def _values_dtype(value) -> np.dtype:
    if isinstance(value, SparseTensor):
        return value._values.dtype
    return np.dtype(object) if isinstance(value, StringTensor) else value.numpy().dtype


def _set_operation(a, b, combine, validate_indices: bool, who: str) -> SparseTensor:
    """``combine(set_a, set_b)`` (sorted distinct arrays -> sorted distinct array) for each group of a and b."""
    a, b = _operand(a, "a", who), _operand(b, "b", who, check_dtype=False)  # (b must have a's dtype)
    if b.dtype.name != a.dtype.name:
        raise TypeError(f"tf.sets.{who}: a and b must have one dtype, got {a.dtype.name} and {b.dtype.name}; "
                        "cast one with tf.cast")  # fmt: skip
    group_a, sets_a = _sets(a, validate_indices, who)
    group_b, sets_b = _sets(b, validate_indices, who)
    if group_a != group_b:
        raise InvalidArgumentError(None, None, f"tf.sets.{who}: all but the last axis of a and b must match, got "
                                   f"{list(group_a)} vs {list(group_b)}")  # fmt: skip
    results = [combine(x, y) for x, y in zip(sets_a, sets_b)]
    width = max((len(r) for r in results), default=0)
    dtype = _values_dtype(a)
    indices = [(*np.unravel_index(g, group_a), j) for g, r in enumerate(results) for j in range(len(r))]
    values = np.concatenate([np.asarray(r, dtype=dtype) for r in results]) if results else np.zeros(0, dtype)
    indices = np.array(indices, dtype=np.int64).reshape(-1, len(group_a) + 1)
    return SparseTensor(indices, values.astype(dtype), np.array([*group_a, width], dtype=np.int64))


def union(a, b, validate_indices: bool = True) -> SparseTensor:
    """The union of each set of ``a`` with the matching set of ``b``: a ``tf.SparseTensor`` (sorted rows).

    ``a``, ``b``: dense tensors (or nested lists) or ``tf.SparseTensor``\\ s of one integer or string dtype,
    rank >= 2, whose shapes agree on all but the last axis."""
    return _set_operation(a, b, np.union1d, validate_indices, "union")


def intersection(a, b, validate_indices: bool = True) -> SparseTensor:
    """The values each set of ``a`` shares with the matching set of ``b``: a ``tf.SparseTensor`` (sorted rows).

    Arguments as :func:`union`'s."""
    return _set_operation(a, b, lambda x, y: np.intersect1d(x, y, assume_unique=True), validate_indices,
                          "intersection")  # fmt: skip


def difference(a, b, aminusb: bool = True, validate_indices: bool = True) -> SparseTensor:
    """The values of each set of ``a`` not in the matching set of ``b`` (``aminusb=False``: of ``b`` not in
    ``a``): a ``tf.SparseTensor`` (sorted rows). Arguments as :func:`union`'s."""
    if aminusb:
        combine = lambda x, y: np.setdiff1d(x, y, assume_unique=True)  # noqa: E731
    else:
        combine = lambda x, y: np.setdiff1d(y, x, assume_unique=True)  # noqa: E731
    return _set_operation(a, b, combine, validate_indices, "difference")


def size(a: SparseTensor, validate_indices: bool = True):
    """The number of distinct values in each set of the sparse tensor ``a``: an int32 tensor of ``a``'s group
    shape (its dense shape without the last axis). A dense tensor is a ``TypeError``, as in TensorFlow: sizes
    are of the results of :func:`union` and co. (or ``tf.sparse.from_dense``)."""
    if not isinstance(a, SparseTensor):
        raise TypeError(f"tf.sets.size takes a tf.SparseTensor (what tf.sets.union and co. return), got "
                        f"{type(a).__name__}")  # fmt: skip
    _operand(a, "a", "size")
    group, sets = _sets(a, validate_indices, "size")
    counts = np.array([len(s) for s in sets], dtype=np.int32).reshape(group)
    return convert_to_tensor(counts)


def __getattr__(name: str):
    raise missing("tf.sets", name)
