"""The playground's built-in datasets: each one a call to a generator of :mod:`nabla.datasets`.

A :class:`Recipe` names the generator, the keyword arguments it gets from the page's settings
(number of points, noise, classes, seed) and an affine map that puts the points in the
playground's frame, centred on the origin, so that a feature such as ``x1*x2`` means what it
means in TensorFlow Playground (the gates are drawn with corners at -1 and +1, the moons are
shifted to their centre). The same three things produce the arrays (:meth:`Recipe.generate`)
and the Python source of the exported code (:meth:`Recipe.source`), so that the exported script
regenerates exactly the points the page showed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .. import datasets


@dataclass(frozen=True)
class Recipe:
    """A built-in dataset.

    Attributes:
        name: its key in the page's settings and the shareable URL ("moons").
        label: what the page calls it.
        function: the generator's name in :mod:`nabla.datasets`.
        task: "classification" or "regression".
        dims: coordinates per point (1 for the sine, else 2).
        noise: the default noise (the generator's own unit: a standard deviation); None when it has none.
        uses_classes: whether the number of classes is a setting (spiral, blobs).
        arguments: ``(points, noise, classes, seed) -> keyword arguments`` of the generator.
        scale, shift: the affine map ``X * scale + shift`` into the playground's frame.
    """

    name: str
    label: str
    function: str
    task: str
    dims: int
    noise: float | None
    uses_classes: bool
    arguments: Callable[[int, float, int, int], dict]
    scale: float = 1.0
    shift: tuple[float, ...] = ()

    def generate(self, points: int, noise: float, classes: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
        """``(X, y)``: X float32 ``(N, dims)``; y int64 ``(N,)`` (classes) or float32 ``(N,)`` (values)."""
        X, y = getattr(datasets, self.function)(**self.arguments(points, noise, classes, seed))
        if self.scale != 1.0:
            X = X * np.float32(self.scale)
        if self.shift:
            X = X + np.asarray(self.shift, dtype=np.float32)
        y = y.reshape(-1)
        return X.astype(np.float32), (y.astype(np.int64) if self.task == "classification" else y.astype(np.float32))

    def source(self, points: int, noise: float, classes: int, seed: int) -> str:
        """Python source that computes the same ``X`` and ``y`` (needs ``np`` and ``nabla.datasets``)."""
        args = ", ".join(f"{k}={v!r}" for k, v in self.arguments(points, noise, classes, seed).items())
        lines = [f"X, y = datasets.{self.function}({args})"]
        if self.scale != 1.0:
            lines.append(f"X = X * np.float32({self.scale!r})")
        if self.shift:
            lines.append(f"X = X + np.asarray({list(self.shift)!r}, dtype=np.float32)  # centred on the origin")
        kind = "np.int64" if self.task == "classification" else "np.float32"
        lines.append(f"X, y = X.astype(np.float32), y.reshape(-1).astype({kind})")
        return "\n".join(lines)


def _gate(points: int, noise: float, classes: int, seed: int) -> dict:
    return {"noise": noise, "repeat": max(1, math.ceil(points / 4)), "seed": seed}


def _blob_centres(classes: int) -> list[list[float]]:
    """``classes`` centres evenly spaced on the unit circle (rounded, so that the exported code is short)."""
    angles = [math.pi / 4 + 2 * math.pi * k / classes for k in range(classes)]
    return [[round(math.cos(a), 4), round(math.sin(a), 4)] for a in angles]


RECIPES: dict[str, Recipe] = {
    r.name: r
    for r in (
        # The gates: corners (0,0) ... (1,1) drawn at -1 and +1, the bipolar coding of the perceptron.
        Recipe("xor", "XOR", "xor_gate", "classification", 2, 0.15, False, _gate, 2.0, (-1.0, -1.0)),
        Recipe("and", "AND", "and_gate", "classification", 2, 0.15, False, _gate, 2.0, (-1.0, -1.0)),
        Recipe("or", "OR", "or_gate", "classification", 2, 0.15, False, _gate, 2.0, (-1.0, -1.0)),
        Recipe(
            "moons",
            "moons",
            "moons",
            "classification",
            2,
            0.1,
            False,
            lambda n, noise, k, seed: {"n_samples": n, "noise": noise, "seed": seed},
            1.0,
            (-0.5, -0.25),
        ),
        Recipe(
            "circles",
            "circles",
            "circles",
            "classification",
            2,
            0.05,
            False,
            lambda n, noise, k, seed: {"n_samples": n, "noise": noise, "factor": 0.5, "seed": seed},
        ),
        Recipe(
            "spiral",
            "spiral",
            "spiral",
            "classification",
            2,
            0.2,
            True,
            lambda n, noise, k, seed: {"n_samples": n, "classes": k, "noise": noise, "seed": seed},
        ),
        Recipe(
            "blobs",
            "Gaussian blobs",
            "gaussian_blobs",
            "classification",
            2,
            0.3,
            True,
            lambda n, noise, k, seed: {"n_samples": n, "centers": _blob_centres(k), "std": noise, "seed": seed},
        ),
        Recipe(
            "checkerboard",
            "checkerboard",
            "checkerboard",
            "classification",
            2,
            None,
            False,
            lambda n, noise, k, seed: {"n_samples": n, "tiles": 4, "seed": seed},
        ),
        Recipe(
            "sine",
            "noisy sine (1-D regression)",
            "sine",
            "regression",
            1,
            0.1,
            False,
            lambda n, noise, k, seed: {"n_samples": n, "noise": noise, "seed": seed},
        ),
        Recipe(
            "plane",
            "plane (2-D regression)",
            "linear",
            "regression",
            2,
            0.1,
            False,
            lambda n, noise, k, seed: {
                "n_samples": n,
                "n_features": 2,
                "noise": noise,
                "weights": [1.0, -0.5],
                "bias": 0.0,
                "seed": seed,
            },
        ),
    )
}
