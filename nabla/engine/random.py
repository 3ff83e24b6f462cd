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
