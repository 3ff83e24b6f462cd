"""Pipeline stages that pick elements by position: ``take``, ``skip``, ``repeat``, ``shard``; and
``tf.data.experimental.assert_cardinality``, which states their count.

Their counts follow TensorFlow's rules: ``take(-1)`` is everything, ``skip(-1)`` nothing, ``repeat()``
(or ``repeat(-1)``) forever; an infinite or unknown count stays so where the result cannot be known.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import numpy as np

from ..errors import FailedPreconditionError
from .node import INFINITE, UNKNOWN, Node, Passthrough


class _Positions(Passthrough):
    """A stage that keeps the elements at the positions of one slice (:meth:`positions`) of a pass."""

    def positions(self) -> slice:
        raise NotImplementedError

    def elements(self) -> Iterator[tuple]:
        kept = self.positions()
        return itertools.islice(self.source.elements(), kept.start or 0, kept.stop, kept.step)

    def rows(self) -> tuple[np.ndarray, Callable] | None:
        rows = self.source.rows()
        return None if rows is None else (rows[0][self.positions()], rows[1])


class _Counted(_Positions):
    """``take(count)`` and ``skip(count)``: the positions before or after ``count``."""

    def __init__(self, source: Node, count):
        super().__init__(source)
        self.count = int(count)


class Take(_Counted):
    """``ds.take(n)``: the first ``n`` elements (all of them when ``n`` is -1)."""

    name = "_TakeDataset"

    def positions(self) -> slice:
        return slice(None) if self.count < 0 else slice(0, self.count)

    def cardinality(self) -> int:
        n = self.source.cardinality()
        if n == UNKNOWN or self.count < 0:
            return n
        return self.count if n == INFINITE else min(n, self.count)


class Skip(_Counted):
    """``ds.skip(n)``: all but the first ``n`` elements (none when ``n`` is -1)."""

    name = "_SkipDataset"

    def positions(self) -> slice:
        return slice(0, 0) if self.count < 0 else slice(self.count, None)

    def cardinality(self) -> int:
        n = self.source.cardinality()
        if n in (UNKNOWN, INFINITE):
            return n
        return 0 if self.count < 0 else max(0, n - self.count)


class Repeat(Passthrough):
    """``ds.repeat(n)``: ``n`` passes over the dataset, one after another (forever when ``n`` is None or -1).
    Each pass is a new pass of the stages below: a ``shuffle`` below reshuffles."""

    name = "_RepeatDataset"

    def __init__(self, source: Node, count=None):
        super().__init__(source)
        self.count = -1 if count is None else int(count)

    def elements(self) -> Iterator[tuple]:
        passes = itertools.count() if self.count < 0 else range(self.count)
        for _ in passes:
            empty = True
            for element in self.source.elements():
                empty = False
                yield element
            if empty:  # (an empty dataset repeated forever is empty, not a hang)
                return

    def cardinality(self) -> int:
        n = self.source.cardinality()
        if self.count == 0 or n == 0:
            return 0
        if self.count < 0:
            return INFINITE  # (even of a dataset of unknown length, as TensorFlow: it may be empty, it says forever)
        return n if n in (UNKNOWN, INFINITE) else n * self.count


class Shard(_Positions):
    """``ds.shard(num_shards, index)``: every ``num_shards``-th element, starting at ``index``."""

    name = "_ShardDataset"

    def __init__(self, source: Node, num_shards, index):
        super().__init__(source)
        self.shards, self.index = int(num_shards), int(index)
        if self.shards <= 0 or not 0 <= self.index < self.shards:
            raise ValueError(f"shard: need num_shards > 0 and 0 <= index < num_shards, got {num_shards}, {index}")

    def positions(self) -> slice:
        return slice(self.index, None, self.shards)

    def cardinality(self) -> int:
        n = self.source.cardinality()
        if n in (UNKNOWN, INFINITE):
            return n
        return n // self.shards + (1 if self.index < n % self.shards else 0)


class AssertCardinality(Passthrough):
    """``ds.apply(tf.data.experimental.assert_cardinality(n))``: the same elements, ``cardinality()`` ``n`` (what
    a count TensorFlow cannot know, after ``from_generator`` or ``filter``, is declared to be); a pass that gives
    fewer or more raises ``FailedPreconditionError`` when it ends or overruns, as in TensorFlow."""

    name = "_AssertCardinalityDataset"

    def __init__(self, source: Node, expected: int):
        super().__init__(source)
        self.expected = int(expected)

    def elements(self) -> Iterator[tuple]:
        seen = 0
        for element in self.source.elements():
            seen += 1
            if seen > self.expected >= 0:
                raise FailedPreconditionError(self._message(f"at least {seen}"))
            yield element
        if seen < self.expected or self.expected == INFINITE:
            raise FailedPreconditionError(self._message(f"only {seen}"))

    def _message(self, found: str) -> str:
        expected = "infinite" if self.expected == INFINITE else self.expected
        return f"Input dataset was expected to contain {expected} elements but contained {found} elements."

    def cardinality(self) -> int:
        return self.expected
