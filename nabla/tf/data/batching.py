"""Elements grouped into batches and back: ``batch``, ``padded_batch``, ``unbatch``."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ...keras.ragged import RaggedTensor
from ..errors import InvalidArgumentError
from ..tensor import Tensor
from .node import INFINITE, UNKNOWN, Node, Passthrough, positive
from .structure import Spec, as_array, flatten


def _groups(elements: Iterator[tuple], size: int, drop_remainder: bool) -> Iterator[list[tuple]]:
    group: list[tuple] = []
    for element in elements:
        group.append(element)
        if len(group) == size:
            yield group
            group = []
    if group and not drop_remainder:
        yield group


def batch_count(count: int, size: int, drop_remainder: bool) -> int:
    """How many batches of ``size`` ``count`` elements make."""
    if count < 0:
        return count
    return count // size if drop_remainder else -(-count // size)


class Batch(Passthrough):
    """``ds.batch(n, drop_remainder=False)``: ``n`` consecutive elements stacked along a new first axis; the
    last batch is smaller unless ``drop_remainder`` (then its first dimension is known: ``n``).

    Elements of one batch must have the same shape (``padded_batch`` pads those that differ).
    """

    name = "_BatchDataset"

    def __init__(self, source: Node, size, drop_remainder: bool = False):
        super().__init__(source)
        self.size, self.drop_remainder = positive(size, "Batch size"), bool(drop_remainder)

    def elements(self) -> Iterator[tuple]:
        rows = self.source.rows()
        if rows is not None:  # rows of arrays in memory: each batch one gather, not a stack of elements
            order, take = rows
            end = len(order) - len(order) % self.size if self.drop_remainder else len(order)
            for start in range(0, end, self.size):
                yield take(order[start : min(start + self.size, end)])
            return
        for group in _groups(self.source.elements(), self.size, self.drop_remainder):
            yield tuple(_stack([element[i] for element in group], i) for i in range(len(group[0])))

    def _spec(self) -> Spec:
        spec = self.source.spec()
        first = self.size if self.drop_remainder else None
        return spec.with_shapes([(first, *shape) for shape in spec.shapes])

    def cardinality(self) -> int:
        return batch_count(self.source.cardinality(), self.size, self.drop_remainder)


def _stack(arrays: list[np.ndarray], leaf: int) -> np.ndarray:
    shapes = {a.shape for a in arrays}
    if len(shapes) > 1:
        raise InvalidArgumentError(
            f"Cannot batch tensors with different shapes in component {leaf}: got shapes {sorted(shapes)}; use "
            "padded_batch to pad them to a common shape"
        )
    return np.stack(arrays)


class PaddedBatch(Batch):
    """``ds.padded_batch(n, padded_shapes=None, padding_values=None, drop_remainder=False)``: a batch whose
    elements are padded at the end of each axis with ``padding_values`` (0, or False) to ``padded_shapes``
    (per leaf, in the element's structure; None or -1 for a dimension: the longest in the batch)."""

    name = "_PaddedBatchDataset"

    def __init__(self, source: Node, size, padded_shapes, padding_values, drop_remainder: bool):
        super().__init__(source, size, drop_remainder)
        leaves = len(source.spec().shapes)
        self.shapes = [None] * leaves if padded_shapes is None else [_dims(s) for s in flatten(padded_shapes)]
        self.values = [None] * leaves if padding_values is None else flatten(padding_values)
        if len(self.shapes) != leaves or len(self.values) != leaves:
            raise ValueError("padded_batch: padded_shapes and padding_values must have the structure of an element")

    def elements(self) -> Iterator[tuple]:
        for group in _groups(self.source.elements(), self.size, self.drop_remainder):
            yield tuple(self._pad([element[i] for element in group], i) for i in range(len(group[0])))

    def _pad(self, arrays: list[np.ndarray], leaf: int) -> np.ndarray:
        wanted, value = self.shapes[leaf], self.values[leaf]
        longest = tuple(max(a.shape[d] for a in arrays) for d in range(arrays[0].ndim))
        target = longest if wanted is None else tuple(m if w in (None, -1) else w for w, m in zip(wanted, longest))
        if any(t < m for t, m in zip(target, longest)):
            raise InvalidArgumentError(f"padded_batch: an element of shape {longest} does not fit in {target}")
        if value is None:  # (TensorFlow pads numbers with 0, text with b"")
            value = b"" if arrays[0].dtype == object else 0
        fill = as_array(value).astype(arrays[0].dtype)
        out = np.full((len(arrays), *target), fill, dtype=arrays[0].dtype)
        for i, a in enumerate(arrays):
            out[(i, *(slice(0, n) for n in a.shape))] = a[()] if a.ndim == 0 else a  # (a 0-d text is its bytes)
        return out

    def _spec(self) -> Spec:
        spec = self.source.spec()
        first = self.size if self.drop_remainder else None
        shapes = []
        for shape, wanted in zip(spec.shapes, self.shapes):
            dims = [None] * len(shape) if wanted is None else [None if w in (None, -1) else w for w in wanted]
            shapes.append((first, *dims))
        return spec.with_shapes(shapes)


class RaggedBatch(Batch):
    """``ds.ragged_batch(n, drop_remainder=False)``: a batch of 1-D elements of different lengths as one
    ``tf.RaggedTensor`` (its rows the elements, unpadded); scalars and elements of one length stack as ``batch``
    does."""

    name = "_DenseToRaggedBatchDataset"

    def __init__(self, source: Node, size, drop_remainder: bool):
        super().__init__(source, size, drop_remainder)
        if any(len(shape) > 1 for shape in source.spec().shapes):
            raise ValueError("ragged_batch: nabla batches scalars and 1-D elements (sequences) only; got elements "
                             f"of shapes {source.spec().shapes}: pad them, then batch")  # fmt: skip

    def elements(self) -> Iterator[tuple]:
        for group in _groups(self.source.elements(), self.size, self.drop_remainder):
            yield tuple(self._leaf([element[i] for element in group], i) for i in range(len(group[0])))

    def _leaf(self, rows: list[np.ndarray], leaf: int):
        shape = self.source.spec().shapes[leaf]
        if not shape or (shape[0] is not None and len({len(row) for row in rows}) == 1):
            return _stack(rows, leaf)  # (scalars, or elements of one known length: a dense batch, as TensorFlow)
        return RaggedTensor(rows, rows[0].dtype, tensor_class=Tensor)


def _dims(shape) -> tuple | None:
    if shape is None:
        return None
    return tuple(None if d is None else int(d) for d in (shape.as_list() if hasattr(shape, "as_list") else shape))


class Unbatch(Passthrough):
    """``ds.unbatch()``: each batch split into its rows, along the first axis."""

    name = "_UnbatchDataset"

    def elements(self) -> Iterator[tuple]:
        for batch in self.source.elements():
            rows = {len(leaf) for leaf in batch}
            if len(rows) > 1:
                raise InvalidArgumentError(f"unbatch: the components have different first dimensions {sorted(rows)}")
            for i in range(rows.pop()):
                yield tuple(leaf[i, ...] for leaf in batch)

    def _spec(self) -> Spec:
        spec = self.source.spec()
        if any(len(shape) == 0 for shape in spec.shapes):
            raise ValueError("unbatch: the elements must have a batch axis (rank >= 1), and one is a scalar")
        return spec.with_shapes([shape[1:] for shape in spec.shapes])

    def cardinality(self) -> int:
        count, spec = self.source.cardinality(), self.source.spec()
        rows = {shape[0] for shape in spec.shapes}
        if count in (INFINITE, UNKNOWN) or len(rows) != 1 or None in rows:
            return count if count == INFINITE else UNKNOWN
        return count * rows.pop()
