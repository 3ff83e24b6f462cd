"""``ds.window(size, shift, stride, drop_remainder)``: elements grouped into windows, each window a dataset.

The time-series labs (DLAI's "Sequences, Time Series and Prediction") make their training pairs with it::

    ds = tf.data.Dataset.from_tensor_slices(series).window(21, shift=1, drop_remainder=True)
    ds = ds.flat_map(lambda window: window.batch(21))          # each window as one (21,) tensor
    ds = ds.map(lambda w: (w[:-1], w[-1]))                      # 20 inputs, the next value as the label

Window ``k`` holds the elements at ``k * shift + j * stride`` for ``j < size`` that exist: without
``drop_remainder`` the windows at the end are shorter (a window starts at every ``shift``-th element),
with it they are dropped, as TensorFlow's. An element that nests ((x, y), dicts) gives a window of the same
structure whose leaves are datasets ((x-window, y-window)), each of that leaf's elements. A window holds
its elements in memory; the source is read as far as the windows need, so an infinite source works.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Iterator

from ..tensor_shape import TensorShape
from ..utilities import TensorSpec
from .node import INFINITE, UNKNOWN, Node, Passthrough, positive
from .structure import Spec, pack


class DatasetSpec:
    """What a window is in ``element_spec``: a dataset of elements of ``element_spec`` (TensorFlow's repr)."""

    def __init__(self, element_spec, dataset_shape=()):
        self.element_spec, self.dataset_shape = element_spec, TensorShape(dataset_shape)

    def __eq__(self, other) -> bool:
        return isinstance(other, DatasetSpec) and repr(self) == repr(other)

    def __repr__(self) -> str:
        return f"DatasetSpec({self.element_spec!r}, {self.dataset_shape!r})"


class _WindowSpec(Spec):
    """A window's spec: the structure, shapes and dtypes of the elements it holds; each leaf is a dataset."""

    __slots__ = ()

    def element_spec(self) -> object:
        leaves = [DatasetSpec(TensorSpec(TensorShape(s), d)) for s, d in zip(self.shapes, self.dtypes)]
        return pack(self.template, leaves)


class Held(Node):
    """The elements of one leaf of one window (a list in memory), with that leaf's shape and dtype."""

    name = "_VariantDataset"

    def __init__(self, elements: list[tuple], shape: tuple, dtype):
        self.held, self.shape, self.dtype = elements, shape, dtype

    def elements(self) -> Iterator[tuple]:
        return iter(self.held)

    def _spec(self) -> Spec:
        return Spec(None, [self.shape], [self.dtype])

    def cardinality(self) -> int:
        return len(self.held)


class Window(Passthrough):
    """``ds.window(size, shift=None, stride=1, drop_remainder=False)`` (see the module's documentation);
    ``dataset`` is the Dataset class each leaf's window is wrapped in."""

    name = "_WindowDataset"

    def __init__(self, source: Node, size, shift, stride, drop_remainder: bool, dataset: Callable):
        super().__init__(source)
        self.size = positive(size, "Window size")
        self.shift = self.size if shift is None else positive(shift, "Window shift")
        self.stride = positive(stride, "Window stride")
        self.drop_remainder, self.dataset = bool(drop_remainder), dataset
        self.span = (self.size - 1) * self.stride + 1  # the elements from a window's first to its last

    def _starts(self) -> Iterator[list[tuple]]:
        """The windows' elements, each a list; the source read as far as they need."""
        source, buffer, first, start = self.source.elements(), collections.deque(), 0, 0
        ended = False
        while True:
            while not ended and first + len(buffer) < start + self.span:
                element = next(source, None)
                if element is None:
                    ended = True
                elif first + len(buffer) < start:  # (between windows when shift > span: skipped)
                    first += 1
                else:
                    buffer.append(element)
            if start >= first + len(buffer):
                return
            picked = [buffer[i] for i in range(start - first, min(start + self.span - first, len(buffer)), self.stride)]
            if len(picked) < self.size and self.drop_remainder:
                return
            yield picked
            start += self.shift
            while buffer and first < start:
                buffer.popleft()
                first += 1

    def elements(self) -> Iterator[tuple]:
        spec = self.source.spec()
        for picked in self._starts():
            yield tuple(
                self.dataset(Held([(element[leaf],) for element in picked], shape, dtype))
                for leaf, (shape, dtype) in enumerate(zip(spec.shapes, spec.dtypes))
            )

    def _spec(self) -> Spec:
        spec = self.source.spec()
        return _WindowSpec(spec.template, spec.shapes, spec.dtypes)

    def cardinality(self) -> int:
        n = self.source.cardinality()
        if n in (INFINITE, UNKNOWN):
            return n
        if self.drop_remainder:
            return max(0, (n - self.span) // self.shift + 1)
        return -(-n // self.shift)
