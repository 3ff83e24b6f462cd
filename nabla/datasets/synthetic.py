"""Toy classification sets: logic gates and 2-D point clouds, each a small pure function.

Every generator returns NumPy arrays ``(X, y)``: ``X`` float32 of shape
``(n_samples, n_features)``, ``y`` int64 class labels of shape
``(n_samples,)``. Randomness comes from ``np.random.default_rng(seed)``, or
from nabla's generator when ``seed`` is None (so ``nb.manual_seed`` fixes it).
For a binary loss on one logit use ``y[:, None].astype(np.float32)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ._common import Seed, check_count, check_nonnegative, finish, rng_from, split_evenly

__all__ = [
    "and_gate",
    "checkerboard",
    "circles",
    "gaussian_blobs",
    "moons",
    "nand_gate",
    "or_gate",
    "spiral",
    "xor_gate",
]

_CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def _gate(name: str, truth: Sequence[int], noise: float, repeat: int, seed: Seed) -> tuple[np.ndarray, np.ndarray]:
    noise = check_nonnegative(f"{name}: noise", noise)
    repeat = check_count(f"{name}: repeat", repeat)
    X = np.tile(_CORNERS, (repeat, 1))
    y = np.tile(np.asarray(truth), repeat)
    if noise > 0:  # NOTE: without noise the points are exact and nabla's generator is not touched
        X = X + noise * rng_from(seed).standard_normal(X.shape)
    return finish(X, y, rng=None, shuffle=False)


def and_gate(noise: float = 0.0, repeat: int = 1, seed: Seed = None) -> tuple[np.ndarray, np.ndarray]:
    """The AND truth table: ``y = x1 AND x2``.

    Args:
        noise: standard deviation of Gaussian noise added to the inputs (the labels stay exact). Default 0.
        repeat: how many copies of the four points to stack. Default 1.
        seed: seed of the noise (unused when ``noise`` is 0).

    Shape:
        ``X`` float32 ``(4 * repeat, 2)``, rows ``(0,0), (0,1), (1,0), (1,1)`` repeated;
        ``y`` int64 ``(4 * repeat,)`` in ``{0, 1}``: ``0, 0, 0, 1`` repeated.

    Example::

        >>> X, y = and_gate()
        >>> y.tolist()
        [0, 0, 0, 1]
    """
    return _gate("and_gate", (0, 0, 0, 1), noise, repeat, seed)


def or_gate(noise: float = 0.0, repeat: int = 1, seed: Seed = None) -> tuple[np.ndarray, np.ndarray]:
    """The OR truth table: ``y = x1 OR x2``; labels ``0, 1, 1, 1``. Arguments and shapes as :func:`and_gate`.

    Example::

        >>> or_gate()[1].tolist()
        [0, 1, 1, 1]
    """
    return _gate("or_gate", (0, 1, 1, 1), noise, repeat, seed)


def xor_gate(noise: float = 0.0, repeat: int = 1, seed: Seed = None) -> tuple[np.ndarray, np.ndarray]:
    """The XOR truth table: ``y = x1 XOR x2``; labels ``0, 1, 1, 0``. Arguments and shapes as :func:`and_gate`.

    Not linearly separable: a network needs a hidden layer (two units suffice) to fit it.

    Example::

        >>> X, y = xor_gate(noise=0.1, repeat=50, seed=0)
        >>> X.shape, y.shape
        ((200, 2), (200,))
    """
    return _gate("xor_gate", (0, 1, 1, 0), noise, repeat, seed)


def nand_gate(noise: float = 0.0, repeat: int = 1, seed: Seed = None) -> tuple[np.ndarray, np.ndarray]:
    """The NAND truth table: ``y = NOT (x1 AND x2)``; labels ``1, 1, 1, 0``. Arguments and shapes as :func:`and_gate`.

    Example::

        >>> nand_gate()[1].tolist()
        [1, 1, 1, 0]
    """
    return _gate("nand_gate", (1, 1, 1, 0), noise, repeat, seed)


def moons(
    n_samples: int = 200, noise: float = 0.1, shuffle: bool = True, seed: Seed = None
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (scikit-learn's ``make_moons``).

    With ``n0 = n_samples // 2`` points on the upper moon and ``n1 = n_samples - n0``
    on the lower one, evenly spaced in angle ``t`` over ``[0, pi]``:

        class 0: ``(cos t, sin t)``
        class 1: ``(1 - cos t, 0.5 - sin t)``

    then Gaussian noise of standard deviation ``noise`` is added to every coordinate.

    Args:
        n_samples: total number of points. Default 200.
        noise: standard deviation of the noise. Default 0.1.
        shuffle: shuffle the rows (otherwise class 0 comes first). Default True.
        seed: seed of the draws; nabla's generator when None.

    Shape:
        ``X`` float32 ``(n_samples, 2)``, roughly within ``[-1, 2] x [-0.5, 1]``;
        ``y`` int64 ``(n_samples,)`` in ``{0, 1}``.

    Example::

        >>> X, y = moons(200, noise=0.1, seed=0)
        >>> X.shape, X.dtype, sorted(set(y.tolist()))
        ((200, 2), dtype('float32'), [0, 1])
    """
    n = check_count("moons: n_samples", n_samples, minimum=2)
    noise = check_nonnegative("moons: noise", noise)
    rng = rng_from(seed)
    n0 = n // 2
    n1 = n - n0
    t0 = np.linspace(0.0, math.pi, n0)
    t1 = np.linspace(0.0, math.pi, n1)
    X = np.concatenate([np.stack([np.cos(t0), np.sin(t0)], 1), np.stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)], 1)])
    y = np.repeat([0, 1], [n0, n1])
    if noise > 0:
        X = X + noise * rng.standard_normal(X.shape)
    return finish(X, y, rng, shuffle)


def circles(
    n_samples: int = 200, noise: float = 0.05, factor: float = 0.5, shuffle: bool = True, seed: Seed = None
) -> tuple[np.ndarray, np.ndarray]:
    """A small circle inside a large one (scikit-learn's ``make_circles``).

    With ``n0 = n_samples // 2`` points on the outer circle and ``n1 = n_samples - n0``
    on the inner one, at angles ``t = 2 pi k / n`` (k = 0 .. n-1):

        class 0: ``(cos t, sin t)``                 (radius 1)
        class 1: ``factor * (cos t, sin t)``        (radius ``factor``)

    then Gaussian noise of standard deviation ``noise`` is added to every coordinate.

    Args:
        n_samples: total number of points. Default 200.
        noise: standard deviation of the noise. Default 0.05.
        factor: radius of the inner circle, in ``[0, 1)``. Default 0.5.
        shuffle: shuffle the rows (otherwise class 0 comes first). Default True.
        seed: seed of the draws; nabla's generator when None.

    Shape:
        ``X`` float32 ``(n_samples, 2)``; ``y`` int64 ``(n_samples,)`` in ``{0, 1}`` (0 outer, 1 inner).

    Example::

        >>> X, y = circles(200, noise=0.0, seed=0)
        >>> float(abs(np.hypot(*X[y == 1].T) - 0.5).max()) < 1e-6
        True
    """
    n = check_count("circles: n_samples", n_samples, minimum=2)
    noise = check_nonnegative("circles: noise", noise)
    if not 0.0 <= factor < 1.0:
        raise ValueError(f"circles: factor (the inner radius) must be in [0, 1), got {factor!r}")
    rng = rng_from(seed)
    n0 = n // 2
    n1 = n - n0
    t0 = np.linspace(0.0, 2 * math.pi, n0, endpoint=False)
    t1 = np.linspace(0.0, 2 * math.pi, n1, endpoint=False)
    X = np.concatenate([np.stack([np.cos(t0), np.sin(t0)], 1), factor * np.stack([np.cos(t1), np.sin(t1)], 1)])
    y = np.repeat([0, 1], [n0, n1])
    if noise > 0:
        X = X + noise * rng.standard_normal(X.shape)
    return finish(X, y, rng, shuffle)


def spiral(
    n_samples: int = 300, classes: int = 3, noise: float = 0.2, shuffle: bool = True, seed: Seed = None
) -> tuple[np.ndarray, np.ndarray]:
    """``classes`` interleaved spiral arms (the CS231n spiral), one class per arm.

    Arm ``j`` gets ``n_samples // classes`` points (the first arms one more when it
    does not divide); along it the radius ``r`` runs evenly over ``[0, 1]`` and

        ``theta = 2 pi j / classes + 4 r + noise * eps``,   ``eps ~ N(0, 1)``
        ``x = (r cos theta, r sin theta)``

    so each arm winds 4 radians and the noise jitters the angle (in radians).

    Args:
        n_samples: total number of points. Default 300.
        classes: number of arms (classes), at least 2. Default 3.
        noise: standard deviation of the angle noise, in radians. Default 0.2.
        shuffle: shuffle the rows (otherwise arm 0 comes first). Default True.
        seed: seed of the draws; nabla's generator when None.

    Shape:
        ``X`` float32 ``(n_samples, 2)`` inside the unit disc;
        ``y`` int64 ``(n_samples,)`` in ``{0, ..., classes - 1}``.

    Example::

        >>> X, y = spiral(300, classes=3, seed=0)
        >>> np.bincount(y).tolist()
        [100, 100, 100]
    """
    n = check_count("spiral: n_samples", n_samples)
    k = check_count("spiral: classes", classes, minimum=2)
    noise = check_nonnegative("spiral: noise", noise)
    rng = rng_from(seed)
    sizes = split_evenly(n, k)
    r = np.concatenate([np.linspace(0.0, 1.0, m) for m in sizes])
    y = np.repeat(np.arange(k), sizes)
    theta = 2 * math.pi * y / k + 4.0 * r + noise * rng.standard_normal(n)
    X = np.stack([r * np.cos(theta), r * np.sin(theta)], 1)
    return finish(X, y, rng, shuffle)


def gaussian_blobs(
    n_samples: int = 300,
    centers: int | Sequence[Sequence[float]] | np.ndarray = 3,
    std: float | Sequence[float] = 1.0,
    n_features: int | None = None,
    center_box: tuple[float, float] = (-10.0, 10.0),
    shuffle: bool = True,
    seed: Seed = None,
    return_centers: bool = False,
) -> tuple[np.ndarray, np.ndarray] | tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Isotropic Gaussian clusters, one class per cluster (like scikit-learn's ``make_blobs``).

    Class ``j`` gets ``n_samples // k`` points (the first classes one more when it
    does not divide), each ``c_j + std_j * eps`` with ``eps ~ N(0, I)``.

    Args:
        n_samples: total number of points. Default 300.
        centers: the number ``k`` of clusters, whose centers are then drawn uniformly
            in ``center_box`` along every axis; or the centers themselves, an array
            of shape ``(k, n_features)``. Default 3.
        std: standard deviation of every cluster, or one per cluster. Default 1.0.
        n_features: dimension of the points when ``centers`` is a number (default 2);
            taken from the array when ``centers`` is one.
        center_box: range of the random centers. Default ``(-10, 10)``.
        shuffle: shuffle the rows (otherwise class 0 comes first). Default True.
        seed: seed of the draws; nabla's generator when None.
        return_centers: also return the centers, float32 ``(k, n_features)``.

    Shape:
        ``X`` float32 ``(n_samples, n_features)``; ``y`` int64 ``(n_samples,)`` in ``{0, ..., k - 1}``.

    Example::

        >>> X, y = gaussian_blobs(90, centers=[[0, 0], [5, 5], [0, 5]], std=0.5, seed=0)
        >>> X.shape, np.bincount(y).tolist()
        ((90, 2), [30, 30, 30])
    """
    n = check_count("gaussian_blobs: n_samples", n_samples)
    rng = rng_from(seed)
    if isinstance(centers, (int, np.integer)) and not isinstance(centers, bool):
        k = check_count("gaussian_blobs: centers", centers)
        d = check_count("gaussian_blobs: n_features", 2 if n_features is None else n_features)
        low, high = center_box
        if not low < high:
            raise ValueError(f"gaussian_blobs: center_box must be (low, high) with low < high, got {center_box!r}")
        mu = rng.uniform(low, high, size=(k, d))
    else:
        mu = np.asarray(centers, dtype=np.float64)
        if mu.ndim != 2 or len(mu) == 0:
            raise ValueError(
                f"gaussian_blobs: centers must be an int or an array (k, n_features), got shape {mu.shape}"
            )
        if n_features is not None and n_features != mu.shape[1]:
            raise ValueError(f"gaussian_blobs: n_features={n_features} but the centers have {mu.shape[1]} features")
        k = len(mu)
    sigma = np.asarray(std, dtype=np.float64)
    if sigma.ndim > 1 or (sigma.ndim == 1 and len(sigma) != k) or not np.all(sigma >= 0):
        raise ValueError(f"gaussian_blobs: std must be a number >= 0 or {k} of them (one per center), got {std!r}")
    sizes = split_evenly(n, k)
    y = np.repeat(np.arange(k), sizes)
    X = mu[y] + np.broadcast_to(sigma, (k,))[y, None] * rng.standard_normal((n, mu.shape[1]))
    X, y = finish(X, y, rng, shuffle)
    return (X, y, mu.astype(np.float32)) if return_centers else (X, y)


def checkerboard(n_samples: int = 400, tiles: int = 4, seed: Seed = None) -> tuple[np.ndarray, np.ndarray]:
    """Points uniform in the square ``[-1, 1)^2`` coloured like a ``tiles x tiles`` checkerboard.

    With the tile indices ``i = floor((x1 + 1) / 2 * tiles)`` and ``j = floor((x2 + 1) / 2 * tiles)``,
    the label is ``(i + j) mod 2`` (the corner tile at ``(-1, -1)`` is class 0).

    Args:
        n_samples: number of points. Default 400.
        tiles: number of tiles along each side, at least 1. Default 4.
        seed: seed of the draws; nabla's generator when None.

    Shape:
        ``X`` float32 ``(n_samples, 2)`` in ``[-1, 1)``; ``y`` int64 ``(n_samples,)`` in ``{0, 1}``.

    Example::

        >>> X, y = checkerboard(1000, tiles=2, seed=0)
        >>> bool(np.all(y[(X[:, 0] > 0) & (X[:, 1] > 0)] == 0))
        True
    """
    n = check_count("checkerboard: n_samples", n_samples)
    tiles = check_count("checkerboard: tiles", tiles)
    rng = rng_from(seed)
    X = rng.uniform(-1.0, 1.0, size=(n, 2)).astype(np.float32)
    # NOTE: tile indices from the float32 values actually returned, clipped so that a
    # coordinate rounded up to 1.0 by the cast stays in the last tile.
    ij = np.clip(np.floor((X.astype(np.float64) + 1.0) / 2.0 * tiles), 0, tiles - 1).astype(np.int64)
    y = (ij[:, 0] + ij[:, 1]) % 2
    return finish(X, y, rng, shuffle=False)
