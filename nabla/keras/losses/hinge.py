"""Margin losses of a maximum-margin classifier: hinge, squared hinge, categorical hinge (Keras 3's forms)."""

from __future__ import annotations

import numpy as np

from .._engine import Tensor, ops, recompute
from .loss import Loss, targets


def _signed(labels: np.ndarray) -> np.ndarray:
    """Labels in {-1, 1}: labels that are all 0 or 1 become ``2 y - 1`` (Keras's rule); others are kept."""
    if np.all((labels == 0) | (labels == 1)):
        return 2 * labels - 1
    return labels


def _margins(y_true, y_pred: Tensor, who: str) -> Tensor:
    y = targets(y_true, y_pred, who)
    return ops.maximum(1.0 - Tensor._make(recompute(_signed, y)) * y_pred, 0.0)


def hinge(y_true, y_pred) -> Tensor:
    """``mean(max(1 - y p, 0), axis=-1)`` per sample, labels in {-1, 1} (0/1 labels are converted)."""
    return ops.mean(_margins(y_true, y_pred, "hinge"), axis=-1)


def squared_hinge(y_true, y_pred) -> Tensor:
    """``mean(max(1 - y p, 0)^2, axis=-1)`` per sample, labels in {-1, 1} (0/1 labels are converted)."""
    m = _margins(y_true, y_pred, "squared_hinge")
    return ops.mean(m * m, axis=-1)


def categorical_hinge(y_true, y_pred) -> Tensor:
    """``max(max((1 - y) p) - sum(y p) + 1, 0)`` per sample for one-hot labels: the multi-class margin."""
    y = targets(y_true, y_pred, "categorical_hinge")
    positive = ops.sum(y * y_pred, axis=-1)
    negative = ops.max((1.0 - y) * y_pred, axis=-1)
    return ops.maximum(negative - positive + 1.0, 0.0)


class _Margin(Loss):
    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str | None = None):
        super().__init__(name, reduction)


class Hinge(_Margin):
    """Mean ``max(1 - y p, 0)``; labels in {-1, 1}, or 0/1 (converted by ``2 y - 1``)."""

    fn = staticmethod(hinge)


class SquaredHinge(_Margin):
    """Mean ``max(1 - y p, 0)^2``; labels in {-1, 1}, or 0/1 (converted by ``2 y - 1``)."""

    fn = staticmethod(squared_hinge)


class CategoricalHinge(_Margin):
    """``max(max_{c != y} p_c - p_y + 1, 0)`` for one-hot labels, reduced over the batch."""

    fn = staticmethod(categorical_hinge)
