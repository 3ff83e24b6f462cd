"""Regression metrics: mean absolute, squared, percentage and log errors, cosine similarity, R^2."""

from __future__ import annotations

import math

import numpy as np

from ..utils.traceback_utils import warn
from .metric import ArrayMetric
from .metrics_utils import match_shapes, per_sample, weights_like
from .reduction_metrics import _BuiltinWrapper

EPSILON = 1e-7  # Keras's backend.epsilon()


def mean_absolute_error(y_true, y_pred) -> np.ndarray:
    """Per-sample ``mean(|y_true - y_pred|)``."""
    y_true, y_pred = match_shapes(y_true, y_pred, "mean_absolute_error")
    return per_sample(np.abs(y_true - y_pred))


def mean_squared_error(y_true, y_pred) -> np.ndarray:
    """Per-sample ``mean((y_true - y_pred)^2)``."""
    y_true, y_pred = match_shapes(y_true, y_pred, "mean_squared_error")
    return per_sample(np.square(y_true - y_pred))


def mean_absolute_percentage_error(y_true, y_pred) -> np.ndarray:
    """Per-sample ``100 mean(|y_true - y_pred| / max(|y_true|, 1e-7))``."""
    y_true, y_pred = match_shapes(y_true, y_pred, "mean_absolute_percentage_error")
    return 100.0 * per_sample(np.abs(y_true - y_pred) / np.maximum(np.abs(y_true), EPSILON))


def mean_squared_logarithmic_error(y_true, y_pred) -> np.ndarray:
    """Per-sample ``mean((log(1 + max(y_pred, 1e-7)) - log(1 + max(y_true, 1e-7)))^2)``."""
    y_true, y_pred = match_shapes(y_true, y_pred, "mean_squared_logarithmic_error")
    return per_sample(np.square(np.log1p(np.maximum(y_pred, EPSILON)) - np.log1p(np.maximum(y_true, EPSILON))))


def log_cosh(y_true, y_pred) -> np.ndarray:
    """Per-sample ``mean(log(cosh(y_pred - y_true)))``, as ``x + softplus(-2x) - log 2`` (no overflow)."""
    y_true, y_pred = match_shapes(y_true, y_pred, "log_cosh")
    x = y_pred - y_true
    return per_sample(x + np.logaddexp(0.0, -2.0 * x) - math.log(2.0))


def _l2_normalize(x: np.ndarray, axis: int) -> np.ndarray:
    # As Keras: x / sqrt(max(sum(x^2), 1e-7)), so an all-zero vector stays zero.
    return x / np.sqrt(np.maximum(np.sum(np.square(x), axis=axis, keepdims=True), EPSILON))


def cosine_similarity(y_true, y_pred, axis: int = -1) -> np.ndarray:
    """Per-sample cosine of the angle between ``y_true`` and ``y_pred`` along ``axis`` (1 = same direction)."""
    y_true, y_pred = match_shapes(y_true, y_pred, "cosine_similarity")
    return per_sample(np.sum(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis), axis=axis))


class MeanAbsoluteError(_BuiltinWrapper):
    """Mean of ``|y_true - y_pred|`` over all samples seen.

    Args:
        name: defaults to ``"mean_absolute_error"``.

    Example:
        >>> m = MeanAbsoluteError()
        >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
        >>> float(m.result())
        0.25
    """

    direction = "down"

    def __init__(self, name: str = "mean_absolute_error"):
        super().__init__(mean_absolute_error, name=name)


class MeanSquaredError(_BuiltinWrapper):
    """Mean of ``(y_true - y_pred)^2`` over all samples seen.

    Args:
        name: defaults to ``"mean_squared_error"``.

    Example:
        >>> m = MeanSquaredError()
        >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
        >>> float(m.result())
        0.25
    """

    direction = "down"

    def __init__(self, name: str = "mean_squared_error"):
        super().__init__(mean_squared_error, name=name)


class RootMeanSquaredError(_BuiltinWrapper):
    """``sqrt(mean((y_true - y_pred)^2))`` over all samples seen (the root of the accumulated mean).

    Args:
        name: defaults to ``"root_mean_squared_error"``.

    Example:
        >>> m = RootMeanSquaredError()
        >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]], sample_weight=[1, 0])
        >>> round(float(m.result()), 6)
        0.707107
    """

    direction = "down"

    def __init__(self, name: str = "root_mean_squared_error"):
        super().__init__(mean_squared_error, name=name)

    def _value(self) -> float:
        return math.sqrt(super()._value())


class MeanAbsolutePercentageError(_BuiltinWrapper):
    """Mean of ``100 |y_true - y_pred| / max(|y_true|, 1e-7)`` over all samples seen.

    Args:
        name: defaults to ``"mean_absolute_percentage_error"``.

    Example:
        >>> m = MeanAbsolutePercentageError()
        >>> m.update_state([[2, 4], [1, 5]], [[1, 4], [1, 4]])
        >>> float(m.result())
        17.5
    """

    direction = "down"

    def __init__(self, name: str = "mean_absolute_percentage_error"):
        super().__init__(mean_absolute_percentage_error, name=name)


class MeanSquaredLogarithmicError(_BuiltinWrapper):
    """Mean of ``(log(1 + y_pred) - log(1 + y_true))^2`` over all samples seen (negatives clipped to 1e-7).

    Args:
        name: defaults to ``"mean_squared_logarithmic_error"``.

    Example:
        >>> m = MeanSquaredLogarithmicError()
        >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
        >>> round(float(m.result()), 4)
        0.1201
    """

    direction = "down"

    def __init__(self, name: str = "mean_squared_logarithmic_error"):
        super().__init__(mean_squared_logarithmic_error, name=name)


class LogCoshError(_BuiltinWrapper):
    """Mean of ``log(cosh(y_pred - y_true))``: about ``x^2 / 2`` for small errors, ``|x| - log 2`` for large.

    Args:
        name: defaults to ``"logcosh"`` (Keras's name).

    Example:
        >>> m = LogCoshError()
        >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
        >>> round(float(m.result()), 4)
        0.1084
    """

    direction = "down"

    def __init__(self, name: str = "logcosh"):
        super().__init__(log_cosh, name=name)


class CosineSimilarity(_BuiltinWrapper):
    """Mean cosine similarity between ``y_true`` and ``y_pred`` along ``axis`` (higher is better).

    Args:
        axis: the axis of the vectors, default -1.
        name: defaults to ``"cosine_similarity"``.

    Example:
        >>> m = CosineSimilarity()
        >>> m.update_state([[0, 1], [1, 1]], [[1, 0], [1, 1]])
        >>> round(float(m.result()), 4)
        0.5
    """

    direction = "up"

    def __init__(self, axis: int = -1, name: str = "cosine_similarity"):
        if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
            raise TypeError(f"CosineSimilarity: axis must be an int, got {axis!r}")
        super().__init__(cosine_similarity, name=name, axis=int(axis))


class R2Score(ArrayMetric):
    """Coefficient of determination ``R^2 = 1 - SS_res / SS_tot``, accumulated over all batches.

    ``SS_res = sum(w (y_true - y_pred)^2)`` and ``SS_tot = sum(w (y_true -
    mean_w(y_true))^2)`` per output column, over every sample since the last
    reset (not an average of per-batch scores), as Keras's ``R2Score`` and
    scikit-learn's ``r2_score``. A column whose ``y_true`` is constant
    scores 1.0 if predicted exactly, else 0.0 (scikit-learn's
    ``force_finite``; Keras gives NaN or 0).

    Args:
        class_aggregation: how columns combine: ``"uniform_average"``
            (default) or ``"variance_weighted_average"`` (weights ``SS_tot``).
        num_regressors: ``p`` for the adjusted score ``1 - (1 - R^2)(n - 1) /
            (n - p - 1)`` with ``n`` samples; 0 (default) is the plain score.
        name: defaults to ``"r2_score"``.

    Shape: ``(N,)`` or ``(N, D)`` (more axes are flattened into columns).

    Example:
        >>> m = R2Score()
        >>> m.update_state([[1], [4], [3]], [[2], [4], [4]])
        >>> round(float(m.result()), 6)
        0.571429
    """

    direction = "up"
    float32_result = True
    _AGGREGATIONS = ("uniform_average", "variance_weighted_average")

    def __init__(self, class_aggregation: str = "uniform_average", num_regressors: int = 0, name: str = "r2_score"):
        if class_aggregation not in self._AGGREGATIONS:
            raise ValueError(
                f"R2Score: class_aggregation must be one of {self._AGGREGATIONS}, got {class_aggregation!r}"
            )
        if isinstance(num_regressors, bool) or not isinstance(num_regressors, int) or num_regressors < 0:
            raise ValueError(f"R2Score: num_regressors must be a non-negative int, got {num_regressors!r}")
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        super().__init__(name)

    def reset_state(self) -> None:
        self.weight = None  # per column: sum of weights
        self.mean = None  # per column: weighted mean of y_true
        self.m2 = None  # per column: sum of w (y_true - mean)^2, i.e. SS_tot
        self.ss_res = None
        self.num_samples = 0

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_true, y_pred = match_shapes(y_true, y_pred, self.name)
        n = y_true.shape[0] if y_true.ndim else 1
        y_true, y_pred = y_true.reshape(n, -1), y_pred.reshape(n, -1)
        w = weights_like(sample_weight, y_true.shape, self.name)
        b_weight = w.sum(axis=0)
        b_mean = np.divide((w * y_true).sum(axis=0), b_weight, out=np.zeros_like(b_weight), where=b_weight > 0)
        b_m2 = (w * np.square(y_true - b_mean)).sum(axis=0)
        b_res = (w * np.square(y_true - y_pred)).sum(axis=0)
        if self.weight is None:
            self.weight, self.mean, self.m2, self.ss_res = b_weight, b_mean, b_m2, b_res
        else:
            if b_weight.shape != self.weight.shape:
                raise ValueError(
                    f"{self.name}: this batch has {b_weight.size} outputs, earlier ones {self.weight.size}"
                )
            # NOTE: Chan et al.'s pairwise merge of (count, mean, M2) rather than
            # accumulating sum(y) and sum(y^2): SS_tot = sum(y^2) - n mean^2
            # cancels catastrophically when the targets have a large offset.
            total = self.weight + b_weight
            delta = b_mean - self.mean
            frac = np.divide(b_weight, total, out=np.zeros_like(total), where=total > 0)
            self.m2 = self.m2 + b_m2 + np.square(delta) * self.weight * frac
            self.mean = self.mean + delta * frac
            self.weight = total
            self.ss_res = self.ss_res + b_res
        self.num_samples += n

    def _value(self) -> float:
        if self.weight is None:
            return 0.0
        ss_tot, ss_res = self.m2, self.ss_res
        with np.errstate(divide="ignore", invalid="ignore"):
            raw = np.where(ss_tot > 0, 1.0 - ss_res / ss_tot, np.where(ss_res == 0, 1.0, 0.0))
        if self.class_aggregation == "variance_weighted_average" and ss_tot.sum() > 0:
            r2 = float(np.sum(raw * ss_tot) / ss_tot.sum())
        else:
            r2 = float(np.mean(raw))
        n, p = self.num_samples, self.num_regressors
        if p:
            if p >= n - 1:
                warn(
                    f"{self.name}: adjusted R2 needs more samples than num_regressors + 1 "
                    f"({n} samples, {p} regressors); returning the plain R2 score",
                )
            else:
                r2 = 1.0 - (1.0 - r2) * (n - 1) / (n - p - 1)
        return r2

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "class_aggregation": self.class_aggregation,
            "num_regressors": self.num_regressors,
        }
