"""Toy regression sets for the universal-approximation demos: a sine, a polynomial, a linear map.

Every generator returns NumPy arrays ``(X, y)``, both float32: ``X`` of shape
``(n_samples, n_features)`` and ``y`` of shape ``(n_samples, 1)``, so that it
matches the output of a ``Dense(1)`` / ``Linear(..., 1)`` model as nabla's
regression losses require (they refuse ``(N, 1)`` against ``(N,)`` rather
than broadcast to ``(N, N)``). Randomness comes from
``np.random.default_rng(seed)``, or nabla's generator when ``seed`` is None.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ._common import Seed, check_count, check_nonnegative, rng_from

__all__ = ["linear", "polynomial", "sine"]


def _targets(values: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    if noise > 0:
        values = values + noise * rng.standard_normal(values.shape)
    return np.asarray(values, dtype=np.float32).reshape(-1, 1)


def _check_range(name: str, low: float, high: float) -> None:
    if not low < high:
        raise ValueError(f"{name}: need low < high, got low={low!r}, high={high!r}")


def sine(
    n_samples: int = 200,
    noise: float = 0.1,
    low: float = -math.pi,
    high: float = math.pi,
    frequency: float = 1.0,
    seed: Seed = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Noisy samples of a sine: ``y = sin(frequency * x) + noise * eps``, ``x ~ U[low, high)``, ``eps ~ N(0, 1)``.

    Args:
        n_samples: number of points. Default 200.
        noise: standard deviation of the noise on ``y``. Default 0.1.
        low, high: range of ``x``. Default ``[-pi, pi)``.
        frequency: angular frequency. Default 1.
        seed: seed of the draws; nabla's generator when None.

    Shape:
        ``X`` float32 ``(n_samples, 1)`` in random order; ``y`` float32 ``(n_samples, 1)``.

    Example::

        >>> X, y = sine(100, noise=0.0, seed=0)
        >>> bool(np.allclose(y, np.sin(X), atol=1e-6))
        True
    """
    n = check_count("sine: n_samples", n_samples)
    noise = check_nonnegative("sine: noise", noise)
    _check_range("sine", low, high)
    rng = rng_from(seed)
    x = rng.uniform(low, high, size=(n, 1))
    return x.astype(np.float32), _targets(np.sin(frequency * x), noise, rng)


def polynomial(
    n_samples: int = 200,
    degree: int | None = None,
    coefficients: Sequence[float] | np.ndarray | None = None,
    noise: float = 0.1,
    low: float = -1.0,
    high: float = 1.0,
    seed: Seed = None,
    return_coefficients: bool = False,
) -> tuple[np.ndarray, np.ndarray] | tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Noisy samples of a polynomial: ``y = c_0 + c_1 x + ... + c_d x^d + noise * eps``, ``x ~ U[low, high)``.

    Args:
        n_samples: number of points. Default 200.
        degree: the degree ``d`` when the coefficients are drawn at random, each
            ``c_k ~ N(0, 1)``. Default 3 (when ``coefficients`` is not given either).
        coefficients: the coefficients ``c_0, ..., c_d``, lowest power first (the
            ``numpy.polynomial`` order, the reverse of ``np.polyval``'s).
        noise: standard deviation of the noise on ``y``. Default 0.1.
        low, high: range of ``x``. Default ``[-1, 1)``.
        seed: seed of the draws; nabla's generator when None.
        return_coefficients: also return the coefficients, float64 ``(d + 1,)``.

    Shape:
        ``X`` float32 ``(n_samples, 1)``; ``y`` float32 ``(n_samples, 1)``.

    Example::

        >>> X, y = polynomial(50, coefficients=[1.0, 0.0, -2.0], noise=0.0, seed=0)  # y = 1 - 2 x^2
        >>> bool(np.allclose(y, 1 - 2 * X**2, atol=1e-6))
        True
    """
    n = check_count("polynomial: n_samples", n_samples)
    noise = check_nonnegative("polynomial: noise", noise)
    _check_range("polynomial", low, high)
    rng = rng_from(seed)
    if coefficients is None:
        d = check_count("polynomial: degree", 3 if degree is None else degree, minimum=0)
        coef = rng.standard_normal(d + 1)
    else:
        coef = np.asarray(coefficients, dtype=np.float64)
        if coef.ndim != 1 or len(coef) == 0:
            raise ValueError(f"polynomial: coefficients must be a non-empty 1-D sequence, got shape {coef.shape}")
        if degree is not None and degree != len(coef) - 1:
            raise ValueError(f"polynomial: degree={degree!r} but {len(coef)} coefficients give degree {len(coef) - 1}")
    x = rng.uniform(low, high, size=(n, 1))
    X, y = x.astype(np.float32), _targets(np.polynomial.polynomial.polyval(x, coef), noise, rng)
    return (X, y, coef) if return_coefficients else (X, y)


def linear(
    n_samples: int = 100,
    n_features: int = 1,
    noise: float = 0.1,
    weights: Sequence[float] | np.ndarray | None = None,
    bias: float | None = None,
    seed: Seed = None,
    return_coefficients: bool = False,
) -> tuple[np.ndarray, np.ndarray] | tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Noisy samples of a linear map: ``y = X w + b + noise * eps``, ``X ~ N(0, I)``, ``eps ~ N(0, 1)``.

    Args:
        n_samples: number of points. Default 100.
        n_features: number of input features. Default 1.
        noise: standard deviation of the noise on ``y``. Default 0.1.
        weights: ``w``, shape ``(n_features,)``; drawn from ``N(0, 1)`` when None.
        bias: ``b``; drawn from ``N(0, 1)`` when None.
        seed: seed of the draws; nabla's generator when None.
        return_coefficients: also return ``w`` (float64 ``(n_features,)``) and ``b`` (a float).

    Shape:
        ``X`` float32 ``(n_samples, n_features)``; ``y`` float32 ``(n_samples, 1)``.

    Example::

        >>> X, y, w, b = linear(100, n_features=3, noise=0.0, seed=0, return_coefficients=True)
        >>> bool(np.allclose(y[:, 0], X @ w + b, atol=1e-5))
        True
    """
    n = check_count("linear: n_samples", n_samples)
    d = check_count("linear: n_features", n_features)
    noise = check_nonnegative("linear: noise", noise)
    rng = rng_from(seed)
    w = rng.standard_normal(d) if weights is None else np.asarray(weights, dtype=np.float64)
    if w.shape != (d,):
        raise ValueError(f"linear: weights must have shape ({d},) for n_features={d}, got {w.shape}")
    b = float(rng.standard_normal()) if bias is None else float(bias)
    X = rng.standard_normal((n, d)).astype(np.float32)
    y = _targets(X.astype(np.float64) @ w + b, noise, rng)
    return (X, y, w, b) if return_coefficients else (X, y)
