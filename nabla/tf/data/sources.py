"""Where pipelines start: ``Dataset.from_tensor_slices``, ``Dataset.from_tensors``, ``Dataset.range``."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from ...keras.ragged import RaggedTensor
from ..dtypes import numpy_dtype
from .node import Node
from .structure import Spec, as_array, flatten, is_structure


def _leaves(value) -> tuple[object, list]:
    """``(template, leaves)`` of user data: its leaves as arrays of their own (TensorFlow copies them too); a
    ragged tensor's as the list of its rows (see :class:`_RaggedLeaf`)."""
    leaves = [_RaggedLeaf(leaf) if isinstance(leaf, RaggedTensor) else np.array(as_array(leaf), copy=True)
              for leaf in flatten(value)]  # fmt: skip
    return (value if is_structure(value) else None), leaves


class _RaggedLeaf:
    """A ragged tensor sliced along its rows (Géron's chorales, ``from_tensor_slices(tf.ragged.constant(...))``):
    each element is one row, a dense tensor whose length varies, so the element's spec has None there."""

    def __init__(self, ragged: RaggedTensor):
        self.rows = [np.array(row.numpy(), copy=True) for row in ragged]
        self.dtype = np.dtype(ragged._dtype)
        self.shape = (len(self.rows), None, *ragged.shape[2:])

    def __getitem__(self, index):
        return self.rows[index[0]]


class TensorSlices(Node):
    """``Dataset.from_tensor_slices(x)``: the rows of each leaf of ``x`` (sliced along the first axis together)."""

    name = "_TensorSliceDataset"

    def __init__(self, value):
        self.structure, self.leaves = _leaves(value)
        if not self.leaves:
            raise ValueError("from_tensor_slices needs at least one tensor, got an empty structure")
        shapes = [leaf.shape for leaf in self.leaves]
        if any(len(s) == 0 for s in shapes):
            raise ValueError(
                f"from_tensor_slices slices along the first axis, and a scalar has none (shapes {shapes}): "
                "use Dataset.from_tensors for one element"
            )
        if len({s[0] for s in shapes}) > 1:
            raise ValueError(f"from_tensor_slices: the tensors must have the same first dimension, got shapes {shapes}")
        self.count = shapes[0][0]
        self.ragged = any(isinstance(leaf, _RaggedLeaf) for leaf in self.leaves)

    def elements(self) -> Iterator[tuple]:
        leaves = self.leaves
        for i in range(self.count):
            yield tuple(leaf[i, ...] for leaf in leaves)  # (views; `...` keeps a row of a 1-D leaf an array)

    def take_rows(self, index) -> tuple:
        """The rows at ``index`` (an int, or an array of them: a batch) of every leaf."""
        return tuple(leaf[index, ...] for leaf in self.leaves)

    def rows(self) -> tuple[np.ndarray, Callable] | None:
        return None if self.ragged else (np.arange(self.count), self.take_rows)

    def _spec(self) -> Spec:
        return Spec(self.structure, [leaf.shape[1:] for leaf in self.leaves], [leaf.dtype for leaf in self.leaves])

    def cardinality(self) -> int:
        return self.count


class Tensors(Node):
    """``Dataset.from_tensors(x)``: one element, ``x`` itself."""

    name = "_TensorDataset"

    def __init__(self, value):
        self.structure, self.leaves = _leaves(value)

    def elements(self) -> Iterator[tuple]:
        yield tuple(self.leaves)

    def _spec(self) -> Spec:
        return Spec.of(self.structure, self.leaves)

    def cardinality(self) -> int:
        return 1


class Range(Node):
    """``Dataset.range(stop)``, ``range(start, stop[, step])``: the integers of Python's ``range``, as int64
    scalars (``output_type`` or ``dtype`` changes it)."""

    name = "_RangeDataset"

    def __init__(self, *args, dtype=np.int64):
        if not 1 <= len(args) <= 3:
            raise TypeError(f"Dataset.range takes 1 to 3 arguments (start, stop, step), got {len(args)}")
        bounds = [int(a) for a in args]
        if len(bounds) == 3 and bounds[2] == 0:
            raise ValueError("Dataset.range: step must not be 0")
        self.range = range(*bounds)
        self.dtype = numpy_dtype(dtype)

    def elements(self) -> Iterator[tuple]:
        dtype = self.dtype
        for i in self.range:
            yield (np.array(i, dtype=dtype),)

    def _spec(self) -> Spec:
        return Spec(None, [()], [self.dtype])

    def cardinality(self) -> int:
        return len(self.range)
