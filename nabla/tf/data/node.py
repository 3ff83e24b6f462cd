"""One stage of an input pipeline: what every ``tf.data`` transformation implements.

A :class:`~nabla.tf.data.Dataset` holds one :class:`Node`; a transformation (``ds.batch(32)``) makes a new
node over the old one. A node hands out its elements as flat tuples of NumPy arrays (see ``structure``),
afresh at each pass, describes them (:meth:`Node.spec`), and counts them (:meth:`Node.cardinality`) without
reading any, by TensorFlow's rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from ..errors import InvalidArgumentError
from .structure import Spec

INFINITE = -1  # tf.data.INFINITE_CARDINALITY
UNKNOWN = -2  # tf.data.UNKNOWN_CARDINALITY
AUTOTUNE = -1  # tf.data.AUTOTUNE: "let the runtime choose"; nabla's stages run serially whatever is asked


def positive(value, what: str) -> int:
    """``value`` as an int, or TensorFlow's error when it is not greater than zero (a size, a length)."""
    value = int(value)
    if value <= 0:
        raise InvalidArgumentError(f"{what} must be greater than zero, got {value}")
    return value


class Node:
    """A stage of a pipeline. ``name`` is TensorFlow's class name for it (``repr(ds)`` shows it)."""

    name = "DatasetV2"

    def elements(self) -> Iterator[tuple]:
        """One pass over the elements, each a flat tuple of arrays."""
        raise NotImplementedError

    def _spec(self) -> Spec:
        raise NotImplementedError

    def spec(self) -> Spec:
        """The elements' structure, shapes and dtypes (worked out once)."""
        cached = self.__dict__.get("_cached_spec")
        if cached is None:
            cached = self.__dict__["_cached_spec"] = self._spec()
        return cached

    def cardinality(self) -> int:
        """How many elements a pass gives: a count, :data:`INFINITE` or :data:`UNKNOWN`."""
        raise NotImplementedError

    def template(self) -> object:
        """The elements' structure (:mod:`structure`), known without running a user's function once a pass has
        made an element (so that iterating never runs it on made-up elements, as :meth:`spec` may)."""
        return self.spec().template

    def rows(self) -> tuple[np.ndarray, Callable] | None:
        """One pass as rows of arrays in memory, where the stage can give it: ``(order, take)``, the pass's
        ``k``-th element being ``take(order[k])`` and a batch ``take(order[k:k + n])`` (one gather per batch
        instead of one stack of ``n`` elements). None where the elements must be made one by one."""
        return None


class Passthrough(Node):
    """A stage that keeps its input's elements' spec and count (map-like stages override what changes)."""

    def __init__(self, source: Node):
        self.source = source

    def _spec(self) -> Spec:
        return self.source.spec()

    def template(self) -> object:
        return self.source.template()

    def cardinality(self) -> int:
        return self.source.cardinality()
