"""The best of one rate subject to a floor on another: sensitivity at specificity, precision at recall, ..."""

from __future__ import annotations

import numpy as np

from .confusion_metrics import confusion_counts, divide_no_nan
from .metric import ArrayMetric

_RATES = {
    "sensitivity": lambda tp, fp, tn, fn: divide_no_nan(tp, tp + fn),
    "recall": lambda tp, fp, tn, fn: divide_no_nan(tp, tp + fn),
    "specificity": lambda tp, fp, tn, fn: divide_no_nan(tn, tn + fp),
    "precision": lambda tp, fp, tn, fn: divide_no_nan(tp, tp + fp),
}


class _RateAtRate(ArrayMetric):
    """``max over thresholds of <maximized> subject to <constrained> >= value`` (0 if no threshold qualifies).

    The confusion counts are taken at ``num_thresholds`` thresholds evenly
    spread over [0, 1] (``[0.5]`` when ``num_thresholds == 1``), as Keras.
    """

    direction = "up"
    float32_result = True
    _constrained = ""
    _maximized = ""

    def __init__(self, value: float, num_thresholds: int = 200, class_id: int | None = None, name=None):
        kind = type(self).__name__
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
            raise ValueError(f"{kind}: {self._constrained} must be a number in [0, 1], got {value!r}")
        if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, int) or num_thresholds < 1:
            raise ValueError(f"{kind}: num_thresholds must be a positive int, got {num_thresholds!r}")
        if class_id is not None and (isinstance(class_id, bool) or not isinstance(class_id, int) or class_id < 0):
            raise ValueError(f"{kind}: class_id must be a non-negative int or None, got {class_id!r}")
        self.value, self.num_thresholds, self.class_id = float(value), num_thresholds, class_id
        if num_thresholds == 1:
            self.thresholds = [0.5]
        else:
            self.thresholds = [i / (num_thresholds - 1) for i in range(num_thresholds)]
        super().__init__(name)

    def reset_state(self) -> None:
        self.counts = tuple(np.zeros(len(self.thresholds)) for _ in range(4))  # tp, fp, tn, fn

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        batch = confusion_counts(
            y_true, y_pred, self.thresholds, sample_weight, name=self.name, class_id=self.class_id, clip=True
        )
        self.counts = tuple(a + b for a, b in zip(self.counts, batch))

    def _value(self) -> float:
        constrained = _RATES[self._constrained](*self.counts)
        maximized = _RATES[self._maximized](*self.counts)
        return float(np.max(np.where(constrained >= self.value, maximized, 0.0), initial=0.0))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            self._constrained: self.value,
            "num_thresholds": self.num_thresholds,
            "class_id": self.class_id,
        }


class SensitivityAtSpecificity(_RateAtRate):
    """The best sensitivity (recall) ``TP / (TP + FN)`` at a specificity ``TN / (TN + FP)`` >= ``specificity``.

    Args:
        specificity: the floor on specificity, in [0, 1].
        num_thresholds: how many thresholds to try, spread over [0, 1]; default 200.
        class_id: the column of ``(N, C)`` inputs to score (one-vs-rest).
        name: defaults to ``"sensitivity_at_specificity"``.

    Example:
        >>> m = SensitivityAtSpecificity(0.5)
        >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
        >>> float(m.result())
        0.5
    """

    _constrained, _maximized = "specificity", "sensitivity"

    def __init__(self, specificity: float, num_thresholds: int = 200, class_id: int | None = None, name=None):
        super().__init__(specificity, num_thresholds, class_id, name)


class SpecificityAtSensitivity(_RateAtRate):
    """The best specificity ``TN / (TN + FP)`` at a sensitivity (recall) of at least ``sensitivity``.

    Args:
        sensitivity: the floor on sensitivity, in [0, 1].
        num_thresholds: how many thresholds to try, spread over [0, 1]; default 200.
        class_id: the column of ``(N, C)`` inputs to score (one-vs-rest).
        name: defaults to ``"specificity_at_sensitivity"``.

    Example:
        >>> m = SpecificityAtSensitivity(0.5)
        >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
        >>> round(float(m.result()), 4)
        0.6667
    """

    _constrained, _maximized = "sensitivity", "specificity"

    def __init__(self, sensitivity: float, num_thresholds: int = 200, class_id: int | None = None, name=None):
        super().__init__(sensitivity, num_thresholds, class_id, name)


class PrecisionAtRecall(_RateAtRate):
    """The best precision ``TP / (TP + FP)`` at a recall ``TP / (TP + FN)`` of at least ``recall``.

    Args:
        recall: the floor on recall, in [0, 1].
        num_thresholds: how many thresholds to try, spread over [0, 1]; default 200.
        class_id: the column of ``(N, C)`` inputs to score (one-vs-rest).
        name: defaults to ``"precision_at_recall"``.

    Example:
        >>> m = PrecisionAtRecall(0.5)
        >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
        >>> float(m.result())
        0.5
    """

    _constrained, _maximized = "recall", "precision"

    def __init__(self, recall: float, num_thresholds: int = 200, class_id: int | None = None, name=None):
        super().__init__(recall, num_thresholds, class_id, name)


class RecallAtPrecision(_RateAtRate):
    """The best recall ``TP / (TP + FN)`` at a precision ``TP / (TP + FP)`` of at least ``precision``.

    Args:
        precision: the floor on precision, in [0, 1].
        num_thresholds: how many thresholds to try, spread over [0, 1]; default 200.
        class_id: the column of ``(N, C)`` inputs to score (one-vs-rest).
        name: defaults to ``"recall_at_precision"``.

    Example:
        >>> m = RecallAtPrecision(0.8)
        >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
        >>> float(m.result())
        0.5
    """

    _constrained, _maximized = "precision", "recall"

    def __init__(self, precision: float, num_thresholds: int = 200, class_id: int | None = None, name=None):
        super().__init__(precision, num_thresholds, class_id, name)
