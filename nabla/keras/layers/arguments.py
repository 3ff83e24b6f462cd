"""Argument checks and conversions shared by several layers (pairs, padding, seeds)."""

from __future__ import annotations

import math
import numbers

import numpy as np


def is_number(v) -> bool:
    """A real number (int, float, NumPy scalar), not a bool."""
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


# NOTE on ``seed``: Keras gives each of its random layers (noise, augmentation) its own seed generator.
# nabla has one generator (nabla.random), so that ``nb.manual_seed(s)`` alone makes a whole run
# reproducible; the layers accept ``seed`` and keep it in their config for compatibility, and draw from
# nabla's generator.


def check_seed(seed, who: str) -> int | None:
    """Keras's ``seed`` argument: None or an int (kept in the config; see the NOTE above)."""
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
        raise ValueError(f"{who}: seed must be an integer or None, got {seed!r}")
    return None if seed is None else int(seed)


def pair(v, name: str) -> tuple[int, int]:
    """A size, stride or rate per image axis: ``3`` means ``(3, 3)``; both must be positive ints."""
    values = (v, v) if isinstance(v, (int, np.integer)) else tuple(v)
    if len(values) != 2 or not all(isinstance(n, (int, np.integer)) and n > 0 for n in values):
        raise ValueError(f"{name} must be a positive int or a pair of them, got {v!r}")
    return tuple(int(n) for n in values)


def same_padding(size: int, k: int, s: int, d: int = 1) -> tuple[int, int]:
    """Keras/TensorFlow "same": output ceil(size / s); extra padding goes after (bottom/right)."""
    out = math.ceil(size / s)
    total = max((out - 1) * s + (k - 1) * d + 1 - size, 0)
    return total // 2, total - total // 2


def check_padding(padding: str, who: str, allowed: tuple = ("valid", "same")) -> str:
    """Keras's paddings, "valid" (none) and "same" (see :func:`same_padding`), and "causal" where ``allowed``;
    in any case, as Keras lower-cases them (``padding='Same'`` in Kaggle's MNIST notebooks)."""
    padding = padding.lower() if isinstance(padding, str) else padding
    if padding not in allowed:
        raise ValueError(f"{who}: padding must be {' or '.join(map(repr, allowed))}, got {padding!r}")
    return padding
