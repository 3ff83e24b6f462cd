"""Pipeline stages that change when work is done, not what comes out: ``cache``, ``prefetch``."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from .node import Node, Passthrough


class Cache(Passthrough):
    """``ds.cache()``: the elements of the first complete pass, kept in memory and handed out again at every
    later pass (so a ``shuffle`` below the cache shuffles once; put it above the cache to shuffle every
    epoch). A pass left before its end keeps nothing, as in TensorFlow. ``cache(filename)`` is refused:
    nabla keeps caches in memory only."""

    name = "CacheDataset"

    def __init__(self, source: Node, filename: str = ""):
        if filename:
            raise ValueError(
                "nabla.tf.data caches in memory only: call cache() without a file name (the data then has to fit "
                "in memory), or read data larger than memory with nabla.data.ChunkedDataset"
            )
        super().__init__(source)
        self.kept: list[tuple] | None = None

    def elements(self) -> Iterator[tuple]:
        if self.kept is not None:
            yield from self.kept
            return
        kept = []
        for element in self.source.elements():
            kept.append(element)
            yield element
        self.kept = kept


class Prefetch(Passthrough):
    """``ds.prefetch(n)``: accepted, and the elements are made when asked for (nabla's pipelines run in the
    training loop's thread; ``tf.data.AUTOTUNE`` is accepted too)."""

    name = "_PrefetchDataset"

    def elements(self) -> Iterator[tuple]:
        return self.source.elements()

    def rows(self) -> tuple[np.ndarray, Callable] | None:
        return self.source.rows()
