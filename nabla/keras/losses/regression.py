"""Regression losses: squared, absolute, percentage and logarithmic errors, Huber, log-cosh, cosine similarity.

Each function gives one value per sample (a mean over the last axis; cosine similarity a sum over
``axis``) and follows Keras 3's ``keras/src/losses/losses.py`` formula, epsilon included.
"""

from __future__ import annotations

import math

from .._engine import Tensor, ops
from .loss import EPSILON, Loss, targets


def mean_squared_error(y_true, y_pred) -> Tensor:
    """``mean((y_pred - y_true)^2, axis=-1)`` per sample."""
    d = y_pred - targets(y_true, y_pred, "mean_squared_error")
    return ops.mean(d * d, axis=-1)


def mean_absolute_error(y_true, y_pred) -> Tensor:
    """``mean(|y_pred - y_true|, axis=-1)`` per sample."""
    return ops.mean(ops.abs(y_pred - targets(y_true, y_pred, "mean_absolute_error")), axis=-1)


def huber(y_true, y_pred, delta: float = 1.0) -> Tensor:
    """Huber loss per sample: quadratic below ``delta``, linear above; mean over the last axis."""
    y = targets(y_true, y_pred, "huber")
    return ops.mean(ops.huber_loss(y_pred, y, reduction="none", delta=delta), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred) -> Tensor:
    """``100 mean(|y_true - y_pred| / max(|y_true|, 1e-7), axis=-1)`` per sample."""
    y = targets(y_true, y_pred, "mean_absolute_percentage_error")
    return 100.0 * ops.mean(ops.abs((y - y_pred) / ops.maximum(ops.abs(y), EPSILON)), axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred) -> Tensor:
    """``mean((log(1 + max(y_pred, 1e-7)) - log(1 + max(y_true, 1e-7)))^2, axis=-1)`` per sample."""
    y = targets(y_true, y_pred, "mean_squared_logarithmic_error")
    d = ops.log1p(ops.maximum(y_pred, EPSILON)) - ops.log1p(ops.maximum(y, EPSILON))
    return ops.mean(d * d, axis=-1)


def log_cosh(y_true, y_pred) -> Tensor:
    """``mean(log(cosh(y_pred - y_true)), axis=-1)`` per sample.

    NOTE: computed as ``x + softplus(-2x) - log 2`` (Keras's form): cosh overflows float32 past |x| = 89,
    this never does, and its gradient is ``tanh(x)`` to rounding.
    """
    x = y_pred - targets(y_true, y_pred, "log_cosh")
    return ops.mean(x + ops.softplus(-2.0 * x) - math.log(2.0), axis=-1)


def _l2_normalize(x: Tensor, axis: int) -> Tensor:
    # NOTE: Keras's x / max(||x||, 1e-7), written as x / sqrt(max(sum x^2, 1e-14)): the same value, and a
    # finite gradient for an all-zero vector (sqrt's gradient at 0 is infinite).
    return x / ops.sqrt(ops.maximum(ops.sum(x * x, axis=axis, keepdims=True), EPSILON * EPSILON))


def cosine_similarity(y_true, y_pred, axis: int = -1) -> Tensor:
    """``-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)`` per sample: -1 for the same direction.

    The loss is the negated cosine, so that minimising it aligns the vectors (Keras's sign; the metric
    ``keras.metrics.CosineSimilarity`` is the cosine itself).
    """
    y = targets(y_true, y_pred, "cosine_similarity")
    return -ops.sum(_l2_normalize(y, axis) * _l2_normalize(y_pred, axis), axis=axis)


class _Plain(Loss):
    """A loss without options: ``Cls(reduction="sum_over_batch_size", name=<Keras's name>)``."""

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str | None = None):
        super().__init__(name, reduction)


class MeanSquaredError(_Plain):
    """``mean((y_pred - y_true)^2)`` over the last axis, reduced over the batch."""

    fn = staticmethod(mean_squared_error)


class MeanAbsoluteError(_Plain):
    """``mean(|y_pred - y_true|)`` over the last axis, reduced over the batch."""

    fn = staticmethod(mean_absolute_error)


class MeanAbsolutePercentageError(_Plain):
    """``100 mean(|y_true - y_pred| / max(|y_true|, 1e-7))``: the error in percent of the target."""

    fn = staticmethod(mean_absolute_percentage_error)


class MeanSquaredLogarithmicError(_Plain):
    """``mean((log(1 + y_pred) - log(1 + y_true))^2)``, both clipped below at 1e-7: relative errors."""

    fn = staticmethod(mean_squared_logarithmic_error)


class LogCosh(_Plain):
    """``mean(log(cosh(y_pred - y_true)))``: like MSE / 2 for small errors, like MAE for large ones."""

    fn = staticmethod(log_cosh)

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str | None = "log_cosh"):
        super().__init__(reduction, name)


class Huber(Loss):
    """The Huber loss with threshold ``delta``; named "huber_loss" by default, as in Keras."""

    fn = staticmethod(huber)

    def __init__(
        self, delta: float = 1.0, reduction: str | None = "sum_over_batch_size", name: str | None = "huber_loss"
    ):
        super().__init__(name, reduction, delta=delta)


class CosineSimilarity(Loss):
    """``-cos(y_true, y_pred)`` along ``axis`` (default -1): -1 when the vectors point the same way."""

    fn = staticmethod(cosine_similarity)

    def __init__(self, axis: int = -1, reduction: str | None = "sum_over_batch_size", name: str | None = None):
        super().__init__(name, reduction, axis=axis)
