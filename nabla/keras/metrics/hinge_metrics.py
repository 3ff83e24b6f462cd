"""Hinge metrics: the margin losses of a maximum-margin classifier, as running means."""

from __future__ import annotations

import numpy as np

from .metrics_utils import match_shapes, per_sample
from .reduction_metrics import _BuiltinWrapper


def _signed_labels(y_true: np.ndarray) -> np.ndarray:
    """Labels in {-1, 1}: labels that are all 0 or 1 are mapped by ``2 y - 1`` (as Keras); others are kept."""
    if np.all((y_true == 0) | (y_true == 1)):
        return 2.0 * y_true - 1.0
    return y_true


def _margins(y_true, y_pred, name: str) -> np.ndarray:
    y_true, y_pred = match_shapes(y_true, y_pred, name)
    return np.maximum(1.0 - _signed_labels(y_true) * y_pred, 0.0)


def hinge(y_true, y_pred) -> np.ndarray:
    """Per-sample ``mean(max(1 - y * p, 0), axis=-1)`` with labels in {-1, 1} (0/1 labels are converted)."""
    return per_sample(np.mean(_margins(y_true, y_pred, "hinge"), axis=-1))


def squared_hinge(y_true, y_pred) -> np.ndarray:
    """Per-sample ``mean(max(1 - y * p, 0)^2, axis=-1)`` with labels in {-1, 1} (0/1 labels are converted)."""
    return per_sample(np.mean(np.square(_margins(y_true, y_pred, "squared_hinge")), axis=-1))


def categorical_hinge(y_true, y_pred) -> np.ndarray:
    """Per-sample ``max(max((1 - y) p) - sum(y p) + 1, 0)`` for one-hot labels: the multi-class margin."""
    y_true, y_pred = match_shapes(y_true, y_pred, "categorical_hinge")
    positive = np.sum(y_true * y_pred, axis=-1)
    negative = np.max((1.0 - y_true) * y_pred, axis=-1)
    return per_sample(np.maximum(negative - positive + 1.0, 0.0))


class Hinge(_BuiltinWrapper):
    """Mean hinge loss ``max(1 - y * p, 0)``; labels in {-1, 1}, or 0/1 (converted by ``2 y - 1``).

    Args:
        name: defaults to ``"hinge"``.

    Example:
        >>> m = Hinge()
        >>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
        >>> round(float(m.result()), 4)
        1.3
    """

    direction = "down"

    def __init__(self, name: str = "hinge"):
        super().__init__(hinge, name=name)


class SquaredHinge(_BuiltinWrapper):
    """Mean squared hinge loss ``max(1 - y * p, 0)^2``; labels in {-1, 1}, or 0/1 (converted).

    Args:
        name: defaults to ``"squared_hinge"``.

    Example:
        >>> m = SquaredHinge()
        >>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
        >>> round(float(m.result()), 4)
        1.86
    """

    direction = "down"

    def __init__(self, name: str = "squared_hinge"):
        super().__init__(squared_hinge, name=name)


class CategoricalHinge(_BuiltinWrapper):
    """Mean categorical hinge ``max(max_{c != y} p_c - p_y + 1, 0)`` for one-hot labels.

    Args:
        name: defaults to ``"categorical_hinge"``.

    Example:
        >>> m = CategoricalHinge()
        >>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
        >>> round(float(m.result()), 4)
        1.4
    """

    direction = "down"

    def __init__(self, name: str = "categorical_hinge"):
        super().__init__(categorical_hinge, name=name)
