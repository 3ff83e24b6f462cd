"""Keras's weight initialisers by name: ``Dense(4, kernel_initializer="he_normal")``.

Fans follow Keras's layout: a Dense kernel is (in, units) and a Conv2D kernel
(kh, kw, in, out), so ``fan_in = prod(shape[:-1])`` and
``fan_out = prod(shape[:-2]) * shape[-1]``. Draws come from nabla's seeded generator.
"""

from __future__ import annotations

import math

import numpy as np

from ._engine import random as _random

# Keras truncates normals at 2 std; this is the std of a unit normal so truncated.
_TRUNCATED_STD = 0.87962566103423978


def _fans(shape: tuple) -> tuple[int, int]:
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[:-2])
    return receptive * shape[-2], receptive * shape[-1]


def _truncated_normal(shape, std: float) -> np.ndarray:
    rng = _random.generator()
    out = rng.standard_normal(shape)
    bad = np.abs(out) > 2
    while bad.any():
        out[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(out) > 2
    return out * std


def variance_scaling(shape, scale: float, mode: str, distribution: str) -> np.ndarray:
    """Keras's VarianceScaling: variance ``scale / n``, n = fan_in, fan_out or their mean."""
    fan_in, fan_out = _fans(tuple(shape))
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    if distribution == "uniform":
        limit = math.sqrt(3.0 * scale / n)
        return _random.generator().uniform(-limit, limit, size=shape)
    return _truncated_normal(shape, math.sqrt(scale / n) / _TRUNCATED_STD)


_INITIALIZERS = {
    "glorot_uniform": lambda s: variance_scaling(s, 1.0, "fan_avg", "uniform"),
    "glorot_normal": lambda s: variance_scaling(s, 1.0, "fan_avg", "truncated_normal"),
    "he_uniform": lambda s: variance_scaling(s, 2.0, "fan_in", "uniform"),
    "he_normal": lambda s: variance_scaling(s, 2.0, "fan_in", "truncated_normal"),
    "lecun_uniform": lambda s: variance_scaling(s, 1.0, "fan_in", "uniform"),
    "lecun_normal": lambda s: variance_scaling(s, 1.0, "fan_in", "truncated_normal"),
    "zeros": lambda s: np.zeros(s),
    "ones": lambda s: np.ones(s),
    "random_normal": lambda s: 0.05 * _random.generator().standard_normal(s),
    "random_uniform": lambda s: _random.generator().uniform(-0.05, 0.05, size=s),
    "truncated_normal": lambda s: _truncated_normal(s, 0.05),
}


def get(identifier):
    """An initialiser ``f(shape) -> float64 array`` for a name; callables pass through."""
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier in _INITIALIZERS:
        return _INITIALIZERS[identifier]
    raise ValueError(f"unknown initializer {identifier!r}; valid names: {', '.join(sorted(_INITIALIZERS))}")
