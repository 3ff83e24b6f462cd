"""Regression metrics: mean absolute and squared errors, their root, and the R^2 score."""

from __future__ import annotations

import math

import numpy as np

from ..utils.traceback_utils import warn
from .metric import Metric
from .metrics_utils import match_shapes, per_sample, weights_like
from .reduction_metrics import _BuiltinWrapper


def mean_absolute_error(y_true, y_pred) -> np.ndarray:
    """Per-sample ``mean(|y_true - y_pred|)``."""
    y_true, y_pred = match_shapes(y_true, y_pred, "mean_absolute_error")
    return per_sample(np.abs(y_true - y_pred))


def mean_squared_error(y_true, y_pred) -> np.ndarray:
    """Per-sample ``mean((y_true - y_pred)^2)``."""
    y_true, y_pred = match_shapes(y_true, y_pred, "mean_squared_error")
    return per_sample(np.square(y_true - y_pred))


class MeanAbsoluteError(_BuiltinWrapper):
    """Mean of ``|y_true - y_pred|`` over all samples seen.

    Args:
        name: defaults to ``"mean_absolute_error"``.

    Example:
        >>> m = MeanAbsoluteError()
        >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
        >>> m.result()
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
        >>> m.result()
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
        >>> round(m.result(), 6)
        0.707107
    """

    direction = "down"

    def __init__(self, name: str = "root_mean_squared_error"):
        super().__init__(mean_squared_error, name=name)

    def result(self) -> float:
        return math.sqrt(super().result())


class R2Score(Metric):
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
        >>> round(m.result(), 6)
        0.571429
    """

    direction = "up"
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

    def result(self) -> float:
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
        return {"name": self.name, "class_aggregation": self.class_aggregation, "num_regressors": self.num_regressors}
