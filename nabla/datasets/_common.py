"""Helpers shared by the generators: the random generator and argument checks."""

from __future__ import annotations

import numbers

import numpy as np

from ..engine import random as _random

Seed = int | np.random.Generator | None


def rng_from(seed: Seed) -> np.random.Generator:
    """A private generator for ``seed``; nabla's own generator when ``seed`` is None.

    So ``nb.manual_seed(s)`` fixes every dataset drawn without a seed, and a
    dataset drawn with a seed does not move nabla's generator.
    """
    if seed is None:
        return _random.generator()
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, a numpy Generator or None, got {seed!r}")
    return np.random.default_rng(int(seed))


def check_count(name: str, value, minimum: int = 1) -> int:
    """``value`` as an int, or a ValueError naming the argument when it is not an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def check_nonnegative(name: str, value) -> float:
    """``value`` as a float, or a ValueError naming the argument when it is negative or not a number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= 0:
        raise ValueError(f"{name} must be a number >= 0, got {value!r}")
    return float(value)


def split_evenly(n: int, k: int) -> np.ndarray:
    """Class sizes for ``n`` samples in ``k`` classes: ``n // k`` each, the remainder to the first classes."""
    sizes = np.full(k, n // k, dtype=np.int64)
    sizes[: n % k] += 1
    return sizes


def finish(
    X: np.ndarray, y: np.ndarray, rng: np.random.Generator | None, shuffle: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Cast to float32 features and int64 labels, optionally shuffling the rows together."""
    X = np.asarray(X, dtype=np.float32)
    y = np.asarray(y, dtype=np.int64)
    if shuffle:
        order = rng.permutation(len(y))
        X, y = X[order], y[order]
    return np.ascontiguousarray(X), np.ascontiguousarray(y)
