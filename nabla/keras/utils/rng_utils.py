"""``keras.utils.set_random_seed``: one call that makes a run reproducible."""

from __future__ import annotations

import random

import numpy as np

from .._engine import random as nabla_random


def set_random_seed(seed: int) -> None:
    """Seed every generator a Keras program draws from: nabla's, NumPy's global one and Python's ``random``.

    What Keras 3 does, with nabla's generator in the place of the backend's: ``nb.manual_seed(seed)``
    (weight initializers, dropout, ``fit``'s shuffling and the noise layers all draw from it), then
    ``np.random.seed(seed)`` and ``random.seed(seed)`` for data the program makes itself. Two runs of
    the same program after the same ``set_random_seed`` give the same weights, batches and numbers.

    Args:
        seed: an integer in ``[0, 2**32)`` (NumPy's global generator takes no more).

    Example:
        >>> keras.utils.set_random_seed(42)
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"set_random_seed: expected an integer seed, got {seed!r} of type {type(seed).__name__}")
    if not 0 <= seed < 2**32:
        raise ValueError(f"set_random_seed: the seed must be in [0, 2**32), got {seed}")
    nabla_random.manual_seed(int(seed))
    np.random.seed(int(seed))
    random.seed(int(seed))
