"""Pipeline stages over several datasets: ``Dataset.zip``, ``concatenate``, ``enumerate``."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np

from .node import INFINITE, UNKNOWN, Node
from .structure import Spec, flatten, merged_spec, pack


class Zip(Node):
    """``Dataset.zip((a, b))``: elements ``(a_i, b_i)``, in the structure the datasets were given in (a tuple
    or a dict), until the shortest ends."""

    name = "_ZipDataset"

    def __init__(self, structure, nodes: list[Node]):
        self.structure, self.nodes = structure, nodes

    def elements(self) -> Iterator[tuple]:
        for parts in zip(*(node.elements() for node in self.nodes)):
            yield tuple(leaf for part in parts for leaf in part)

    def _spec(self) -> Spec:
        specs = [node.spec() for node in self.nodes]
        template = pack(self.structure, [spec.template for spec in specs])
        return Spec(
            template,
            [shape for spec in specs for shape in spec.shapes],
            [dtype for spec in specs for dtype in spec.dtypes],
        )

    def template(self) -> object:
        return pack(self.structure, [node.template() for node in self.nodes])

    def cardinality(self) -> int:
        counts = [node.cardinality() for node in self.nodes]
        if UNKNOWN in counts:
            return UNKNOWN
        finite = [n for n in counts if n != INFINITE]
        return min(finite) if finite else INFINITE


def zipped_nodes(datasets) -> tuple[object, list[Node]]:
    """``Dataset.zip``'s argument (a tuple or dict of datasets, nested) as ``(structure, nodes)``."""
    leaves = flatten(datasets)
    nodes = [getattr(d, "_node", None) for d in leaves]
    if not leaves or not all(isinstance(node, Node) for node in nodes):
        raise TypeError("Dataset.zip takes datasets, in a tuple or a dict (Dataset.zip((a, b)) or Dataset.zip(a, b))")
    return datasets, nodes


class Concatenate(Node):
    """``a.concatenate(b)``: the elements of ``a``, then those of ``b`` (which must have the same structure and
    dtypes)."""

    name = "_ConcatenateDataset"

    def __init__(self, first: Node, second: Node):
        self.first, self.second = first, second
        self.spec()  # (refuses elements of another structure or dtype now, as TensorFlow does)

    def elements(self) -> Iterator[tuple]:
        return itertools.chain(self.first.elements(), self.second.elements())

    def template(self) -> object:
        return self.first.template()

    def _spec(self) -> Spec:
        return merged_spec([self.first.spec(), self.second.spec()], "concatenate")

    def cardinality(self) -> int:
        counts = [self.first.cardinality(), self.second.cardinality()]
        for special in (UNKNOWN, INFINITE):
            if special in counts:
                return special
        return sum(counts)


class Enumerate(Node):
    """``ds.enumerate(start=0)``: elements ``(i, element)``, ``i`` an int64 counter from ``start``."""

    name = "_ZipDataset"  # (TensorFlow enumerates by zipping a counter with the dataset)

    def __init__(self, source: Node, start=0):
        self.source, self.start = source, int(start)

    def elements(self) -> Iterator[tuple]:
        for i, element in enumerate(self.source.elements(), self.start):
            yield (np.array(i, dtype=np.int64), *element)

    def _spec(self) -> Spec:
        spec = self.source.spec()
        return Spec((None, spec.template), [(), *spec.shapes], [np.dtype(np.int64), *spec.dtypes])

    def template(self) -> object:
        return (None, self.source.template())

    def cardinality(self) -> int:
        return self.source.cardinality()
