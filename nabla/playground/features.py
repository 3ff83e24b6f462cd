"""The input features a playground network can see: x1, x2 and TensorFlow Playground's derived ones.

Each feature is a column computed from the points ``X`` (float32, shape ``(N, 1)`` or ``(N, 2)``);
the network's input is the chosen columns side by side, in the order of :data:`FEATURES`. Each is
written once, as a NumPy expression in ``X``: the server evaluates it and the exported Python code
prints the same text, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Feature:
    """One input feature: its name on the page, its NumPy expression in ``X``, whether it reads x2."""

    name: str
    expression: str
    needs_x2: bool

    def __call__(self, X: np.ndarray) -> np.ndarray:
        return eval(self._code, {"np": np}, {"X": X})  # noqa: S307 - one of the constant expressions below

    @property
    def _code(self):
        return _COMPILED[self.name]


FEATURES: dict[str, Feature] = {
    f.name: f
    for f in (
        Feature("x1", "X[:, 0]", False),
        Feature("x2", "X[:, 1]", True),
        Feature("x1^2", "X[:, 0] ** 2", False),
        Feature("x2^2", "X[:, 1] ** 2", True),
        Feature("x1*x2", "X[:, 0] * X[:, 1]", True),
        Feature("sin(x1)", "np.sin(X[:, 0])", False),
        Feature("sin(x2)", "np.sin(X[:, 1])", True),
    )
}
_COMPILED = {name: compile(f.expression, f"<feature {name}>", "eval") for name, f in FEATURES.items()}


def available(dims: int) -> list[str]:
    """The features of points with ``dims`` coordinates (1: x1 only; 2: all)."""
    return [name for name, f in FEATURES.items() if dims == 2 or not f.needs_x2]


def feature_matrix(X: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    """The network's input: the columns ``names`` of ``X``, float32 ``(N, len(names))``."""
    return np.stack([FEATURES[n](X) for n in names], axis=1).astype(np.float32)


def features_source(names: tuple[str, ...]) -> str:
    """Python source of ``features(X)``, the same computation as :func:`feature_matrix`, for the exported code."""
    columns = "\n        ".join(f"{FEATURES[n].expression},  # {n}" for n in names)
    return (
        "def features(X):\n"
        '    """The network\'s inputs: the chosen features of the points X, float32 (N, features)."""\n'
        f"    return np.stack([\n        {columns}\n    ], axis=1).astype(np.float32)\n"
    )
