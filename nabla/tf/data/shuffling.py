"""``ds.shuffle(buffer_size)``: TensorFlow's buffered shuffle.

A buffer holds the next ``buffer_size`` elements; each output is drawn uniformly from the buffer and its
place is taken by the next input element; once the input ends, the buffer empties in random order. So the
``k``-th output is one of the first ``k + buffer_size`` inputs: a buffer as large as the dataset gives a
uniformly random permutation, a buffer of 1 none at all.

Seeds (the orders differ from TensorFlow's, whose generator is not NumPy's; the guarantees are its):

- without ``seed``, the shuffle's seed is drawn from nabla's generator when ``shuffle`` is called, so
  ``tf.random.set_seed(s)`` (or ``nb.manual_seed(s)``) before building the pipeline makes every order
  reproducible;
- with ``seed``, the order depends on that seed and the global seed (``tf.random.set_seed``) only;
- ``reshuffle_each_iteration=True`` (the default) gives every pass (every epoch, every ``repeat``) a new
  order, the same sequence of orders at each run; ``False`` repeats the first pass's order.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import numpy as np

import nabla as nb

from ..errors import InvalidArgumentError
from ..random_ops import _DEFAULT_GLOBAL_SEED, _Seeds
from .node import UNKNOWN, Node, Passthrough

_DRAWS = 1024  # uniform numbers drawn at once (one NumPy call per element would cost more than the shuffle)


def seed_key(seed) -> list[int]:
    """The key of a stage's generators: drawn from nabla's generator now without ``seed``; with one, that seed
    and the global seed (``tf.random.set_seed``) only (see the module's documentation)."""
    if seed is None:
        return [int(nb.random.generator().integers(2**63))]
    return [_DEFAULT_GLOBAL_SEED if _Seeds.global_seed is None else _Seeds.global_seed, int(seed) % 2**63]


class Shuffle(Passthrough):
    """A buffer of ``buffer_size`` elements sampled uniformly (see the module's documentation)."""

    name = "_ShuffleDataset"

    def __init__(self, source: Node, buffer_size, seed=None, reshuffle_each_iteration: bool = True):
        super().__init__(source)
        size = int(buffer_size)
        if size == UNKNOWN:  # (TensorFlow's way to ask for a buffer as large as the dataset)
            size = np.iinfo(np.int64).max
        if size <= 0:
            raise InvalidArgumentError(f"buffer_size must be greater than zero or UNKNOWN_CARDINALITY, got {size}")
        self.size, self.reshuffle = size, bool(reshuffle_each_iteration)
        self.key, self.passes = seed_key(seed), 0

    def _generator(self) -> np.random.Generator:
        """The generator of the next pass."""
        rng = np.random.default_rng([*self.key, self.passes if self.reshuffle else 0])
        self.passes += 1
        return rng

    def rows(self) -> tuple[np.ndarray, Callable] | None:
        rows = self.source.rows()
        if rows is None:
            return None
        order, take = rows
        return order[_shuffled(len(order), self.size, self._generator())], take

    def elements(self) -> Iterator[tuple]:
        rows = self.rows()
        if rows is not None:
            order, take = rows
            for k in order:
                yield take(k)
            return
        rng = self._generator()
        source = self.source.elements()
        buffer = list(itertools.islice(source, self.size))
        draws, used = rng.random(_DRAWS), 0
        while buffer:
            if used == _DRAWS:
                draws, used = rng.random(_DRAWS), 0
            i = int(draws[used] * len(buffer))
            used += 1
            picked, following = buffer[i], next(source, None)
            if following is None:  # the input has ended: the buffer empties
                buffer[i] = buffer[-1]
                buffer.pop()
            else:
                buffer[i] = following
            yield picked


def _shuffled(n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """The positions ``0..n-1`` in the order a buffer of ``size`` gives them: the buffer of elements of
    :meth:`Shuffle.elements`, step for step, on integers (one draw per output, the same stream of draws, so
    the same order)."""
    buffer = list(range(min(size, n)))
    following = len(buffer)
    out = np.empty(n, dtype=np.int64)
    draws = rng.random(n)
    for k in range(n):
        i = int(draws[k] * len(buffer))
        out[k] = buffer[i]
        if following < n:
            buffer[i] = following
            following += 1
        else:
            buffer[i] = buffer[-1]
            buffer.pop()
    return out
