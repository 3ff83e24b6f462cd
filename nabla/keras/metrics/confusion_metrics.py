"""Metrics of a binary classifier's confusion matrix: ``Precision``, ``Recall``, ``AUC`` (exact)."""

from __future__ import annotations

import math

import numpy as np

from .metric import Metric
from .metrics_utils import match_shapes, weights_like


def _check_threshold(thresholds, name: str) -> float:
    if isinstance(thresholds, (list, tuple, np.ndarray)):
        raise TypeError(f"{name}: nabla's metric takes one threshold (a float), got {thresholds!r}")
    if isinstance(thresholds, bool) or not isinstance(thresholds, (int, float, np.number)):
        raise TypeError(f"{name}: thresholds must be a number, got {type(thresholds).__name__}")
    return float(thresholds)


class _Confusion(Metric):
    """Weighted true positives, false positives and false negatives at one threshold."""

    direction = "up"

    def __init__(self, thresholds: float = 0.5, name: str | None = None):
        self.thresholds = _check_threshold(thresholds, type(self).__name__)
        super().__init__(name)

    def reset_state(self) -> None:
        self.true_positives = 0.0
        self.false_positives = 0.0
        self.false_negatives = 0.0

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_true, y_pred = match_shapes(y_true, y_pred, self.name)
        w = weights_like(sample_weight, y_pred.shape, self.name)
        actual, predicted = y_true > 0.5, y_pred > self.thresholds
        self.true_positives += float(np.sum(w * (actual & predicted)))
        self.false_positives += float(np.sum(w * (~actual & predicted)))
        self.false_negatives += float(np.sum(w * (actual & ~predicted)))

    def get_config(self) -> dict:
        return {"name": self.name, "thresholds": self.thresholds}


class Precision(_Confusion):
    """Precision ``TP / (TP + FP)``: of the predicted positives, how many are positive.

    A prediction is positive when ``y_pred > thresholds``; labels are
    ``y_true > 0.5``. With several outputs per sample each output counts.

    Args:
        thresholds: the decision threshold, default 0.5 (0 for logits). One
            float only (Keras also accepts a list).
        name: defaults to ``"precision"``.

    Example:
        >>> m = Precision()
        >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
        >>> round(m.result(), 4)
        0.6667
    """

    def __init__(self, thresholds: float = 0.5, name: str = "precision"):
        super().__init__(thresholds, name)

    def result(self) -> float:
        denominator = self.true_positives + self.false_positives
        return self.true_positives / denominator if denominator else 0.0


class Recall(_Confusion):
    """Recall ``TP / (TP + FN)``: of the positives, how many were predicted positive.

    Args:
        thresholds: the decision threshold, default 0.5 (0 for logits).
        name: defaults to ``"recall"``.

    Example:
        >>> m = Recall()
        >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
        >>> round(m.result(), 4)
        0.6667
    """

    def __init__(self, thresholds: float = 0.5, name: str = "recall"):
        super().__init__(thresholds, name)

    def result(self) -> float:
        denominator = self.true_positives + self.false_negatives
        return self.true_positives / denominator if denominator else 0.0


def _grouped(scores: np.ndarray, pos_w: np.ndarray, neg_w: np.ndarray):
    """Sort by score and sum the weights of tied scores: (positive, negative) weight per distinct score."""
    order = np.argsort(scores, kind="stable")
    scores = scores[order]
    starts = np.concatenate([[0], np.flatnonzero(np.diff(scores)) + 1])
    return np.add.reduceat(pos_w[order], starts), np.add.reduceat(neg_w[order], starts)


class AUC(Metric):
    """Area under the ROC curve (or the precision-recall curve) of a binary classifier, computed exactly.

    **A deliberate difference from Keras.** Keras's ``AUC`` buckets the
    predictions into 200 thresholds and integrates the curve by
    interpolation: an approximation that depends on ``num_thresholds`` and
    assumes scores in [0, 1]. nabla keeps every prediction since the last
    reset and computes the exact area, equal to scikit-learn's
    ``roc_auc_score`` (``curve="ROC"``) and ``average_precision_score``
    (``curve="PR"``), with sample weights:

    * ROC: the rank statistic (Mann-Whitney U): the probability that a random
      positive scores higher than a random negative, ties counting one half
      (which is the average-ranks rule)::

          AUC = sum_{i pos, j neg} w_i w_j ([s_i > s_j] + 0.5 [s_i = s_j]) / (W_pos W_neg)

      computed in ``O(n log n)`` by sorting, not over pairs.
    * PR: average precision ``sum_k (R_k - R_{k-1}) P_k`` over the distinct
      thresholds, the step-wise area (no interpolation).

    Only the order of the scores matters, so logits and probabilities give
    the same value. With several outputs per sample, all outputs are pooled
    (Keras's ``multi_label=False``). Memory grows with the samples seen and
    :meth:`result` sorts them all; when only one class has been seen the
    area is undefined and 0.0 is returned (as Keras); a NaN score gives NaN.

    Args:
        curve: ``"ROC"`` (default) or ``"PR"``.
        name: defaults to ``"auc"``.

    Example:
        >>> m = AUC()
        >>> m.update_state([0, 0, 1, 1], [0.0, 0.5, 0.3, 0.9])
        >>> m.result()
        0.75
    """

    direction = "up"
    _CURVES = ("ROC", "PR")

    def __init__(self, curve: str = "ROC", name: str = "auc"):
        if not isinstance(curve, str) or curve.upper() not in self._CURVES:
            raise ValueError(f"AUC: curve must be 'ROC' or 'PR', got {curve!r}")
        self.curve = curve.upper()
        super().__init__(name)

    def reset_state(self) -> None:
        self._labels: list[np.ndarray] = []
        self._scores: list[np.ndarray] = []
        self._weights: list[np.ndarray] = []

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_true, y_pred = match_shapes(y_true, y_pred, self.name)
        w = weights_like(sample_weight, y_pred.shape, self.name)
        self._labels.append((y_true > 0.5).ravel())
        self._scores.append(y_pred.ravel())
        self._weights.append(np.array(w, dtype=np.float64).ravel())

    def _consolidate(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # Keep one chunk so that calling result() after every batch does not re-join every batch.
        if len(self._scores) != 1:
            self._labels = [np.concatenate(self._labels)] if self._labels else [np.zeros(0, bool)]
            self._scores = [np.concatenate(self._scores)] if self._scores else [np.zeros(0)]
            self._weights = [np.concatenate(self._weights)] if self._weights else [np.zeros(0)]
        return self._labels[0], self._scores[0], self._weights[0]

    def result(self) -> float:
        labels, scores, weights = self._consolidate()
        if np.isnan(scores).any():
            return math.nan
        pos_w, neg_w = weights * labels, weights * ~labels
        total_pos, total_neg = float(pos_w.sum()), float(neg_w.sum())
        if total_pos == 0 or total_neg == 0:
            return 0.0
        if self.curve == "ROC":
            g_pos, g_neg = _grouped(scores, pos_w, neg_w)
            neg_below = np.cumsum(g_neg) - g_neg
            return float(np.sum(g_pos * (neg_below + 0.5 * g_neg)) / (total_pos * total_neg))
        # PR: walk the thresholds from the highest score down.
        g_pos, g_neg = _grouped(-scores, pos_w, neg_w)
        tp, fp = np.cumsum(g_pos), np.cumsum(g_neg)
        precision = np.divide(tp, tp + fp, out=np.zeros_like(tp), where=(tp + fp) > 0)
        recall_step = g_pos / total_pos
        return float(np.sum(recall_step * precision))

    def get_config(self) -> dict:
        return {"name": self.name, "curve": self.curve}
