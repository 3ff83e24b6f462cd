"""The library's one random number generator.

Every random draw in nabla (random tensors, weight initialisation, dropout
masks, data shuffling) comes from this generator, so ``nb.manual_seed(s)``
makes a whole run reproducible.
"""

from __future__ import annotations

import numpy as np

from .tracing import refuse_in_capture

_generator = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed the library's generator; returns it (a NumPy ``Generator``)."""
    global _generator
    # A replay would not reseed, and would draw on from where the last call left the generator.
    refuse_in_capture("reseeds nabla's generator (nb.manual_seed)", "seed once, before calling the step")
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"manual_seed: the seed must be a non-negative integer, got {seed!r}")
    _generator = np.random.default_rng(int(seed))
    return _generator


def generator() -> np.random.Generator:
    """The current generator (use it to draw NumPy arrays from the same stream)."""
    # An operation that draws (dropout) reads _generator inside its primitive, which a replay runs again.
    refuse_in_capture("draws random numbers outside an operation (random.generator(), an initializer)")
    return _generator


def get_state() -> dict:
    """The generator's state, to save with a checkpoint."""
    return _generator.bit_generator.state


def set_state(state: dict) -> None:
    """Restore a state saved with :func:`get_state`."""
    refuse_in_capture("sets the state of nabla's generator (random.set_state)", "set it before calling the step")
    restore(state)


def restore(state: dict) -> None:
    """:func:`set_state` for nabla itself: a captured step rewinds the generator with it."""
    _generator.bit_generator.state = state


class Stream:
    """A stream of nabla's generator of its own: inside ``with stream:`` every draw (initial weights,
    dropout masks, shuffles) comes from it, and the caller's stream is left as it was. Each block goes
    on where the previous one stopped, so work done in turns with other streams (several models
    trained in one process) draws exactly what it would have drawn alone.

    Args:
        seed: the stream starts as ``nb.manual_seed(seed)`` would start the generator.
        state: or a state from :func:`get_state` (or a stream's ``state``) to go on from.

    Example::

        stream = nb.random.Stream(seed=7)
        with stream:
            model = build()          # the same weights as after nb.manual_seed(7)
        with stream:
            model.fit(x, y)          # dropout and shuffles go on from the same stream

    Not re-entrant: do not enter a stream inside itself.
    """

    def __init__(self, seed: int | None = None, state: dict | None = None):
        if (seed is None) == (state is None):
            raise ValueError("Stream: give either a seed or a state")
        if seed is not None and (not isinstance(seed, (int, np.integer)) or seed < 0):
            raise ValueError(f"Stream: the seed must be a non-negative integer, got {seed!r}")
        self.state = np.random.default_rng(int(seed)).bit_generator.state if state is None else state
        self._outer = None

    def __enter__(self) -> Stream:
        self._outer = get_state()
        set_state(self.state)
        return self

    def __exit__(self, *exc) -> bool:
        self.state = get_state()
        restore(self._outer)
        return False
