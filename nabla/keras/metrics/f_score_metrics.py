"""``FBetaScore`` and ``F1Score``: the harmonic means of precision and recall, per class or averaged."""

from __future__ import annotations

import numpy as np

from .metric import ArrayMetric
from .metrics_utils import match_shapes, weights_like

EPSILON = 1e-7  # Keras's backend.epsilon(), in the same places as Keras puts it


class FBetaScore(ArrayMetric):
    """F-beta score ``(1 + b^2) P R / (b^2 P + R)`` of a multi-class or multi-label classifier.

    Per class ``c``, over everything since the last reset, with weights ``w``:
    ``TP_c = sum w y_c p_c``, ``FP_c = sum w (1 - y_c) p_c``, ``FN_c = sum w y_c (1 - p_c)``,
    where ``p`` is the *predicted* label: ``y_pred > threshold``, or with
    ``threshold=None`` the class(es) with the highest score in each row (as
    Keras, a row of zeros predicts nothing). Then ``P = TP / (TP + FP + 1e-7)``,
    ``R = TP / (TP + FN + 1e-7)`` and ``F = (1 + b^2) P R / (b^2 P + R + 1e-7)``
    (Keras's epsilons, so an absent class scores 0, not NaN).

    Args:
        average: ``None`` (default) gives one score per class (an array);
            ``"micro"`` pools the counts of all classes first; ``"macro"``
            averages the per-class scores; ``"weighted"`` averages them
            weighted by each class's (weighted) number of true labels.
        beta: the weight of recall relative to precision, > 0 (default 1).
        threshold: a float in (0, 1], or ``None`` for the row's highest score.
        name: defaults to ``"fbeta_score"``.

    Shape: ``y_true`` and ``y_pred`` both ``(N, C)`` (one-hot or multi-hot labels).

    Example:
        >>> m = FBetaScore(beta=2.0, threshold=0.5)
        >>> m.update_state([[1, 1, 1], [1, 0, 0], [1, 1, 0]], [[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]])
        >>> [round(v, 4) for v in m.result().numpy().tolist()]
        [0.3846, 0.9091, 0.8333]
    """

    direction = "up"
    _AVERAGES = (None, "micro", "macro", "weighted")

    def __init__(self, average: str | None = None, beta: float = 1.0, threshold: float | None = None, name=None):
        kind = type(self).__name__
        if average not in self._AVERAGES:
            raise ValueError(f"{kind}: average must be one of {list(self._AVERAGES)}, got {average!r}")
        if isinstance(beta, bool) or not isinstance(beta, (int, float)) or beta <= 0:
            raise ValueError(f"{kind}: beta must be a number > 0, got {beta!r}")
        if threshold is not None and (
            isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 < threshold <= 1
        ):
            raise ValueError(f"{kind}: threshold must be a number in (0, 1] or None, got {threshold!r}")
        self.average, self.beta = average, float(beta)
        self.threshold = None if threshold is None else float(threshold)
        super().__init__(name or ("f1_score" if isinstance(self, F1Score) else "fbeta_score"))

    def reset_state(self) -> None:
        # Per class (pooled into one number at result() time for "micro"); None until the first batch.
        self.true_positives = self.false_positives = self.false_negatives = self.intermediate_weights = None

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_true, y_pred = match_shapes(y_true, y_pred, self.name)
        if y_pred.ndim != 2:
            raise ValueError(f"{self.name}: expects y_true and y_pred of shape (N, C), got {y_pred.shape}")
        if self.true_positives is not None and self.true_positives.shape[0] != y_pred.shape[1]:
            raise ValueError(f"{self.name}: this batch has {y_pred.shape[1]} classes, earlier ones a different number")
        y_pred = y_pred.astype(np.float32)  # compared in float32, as Keras
        if self.threshold is None:
            predicted = (y_pred >= y_pred.max(axis=-1, keepdims=True)) & (np.abs(y_pred) > 1e-9)
        else:
            predicted = y_pred > np.float32(self.threshold)
        predicted = predicted.astype(np.float64)
        w = weights_like(sample_weight, y_pred.shape, self.name)
        batch = [
            np.sum(w * predicted * y_true, axis=0),
            np.sum(w * predicted * (1.0 - y_true), axis=0),
            np.sum(w * (1.0 - predicted) * y_true, axis=0),
            np.sum(w * y_true, axis=0),
        ]
        if self.true_positives is not None:
            batch = [old + new for old, new in zip(self._counts(), batch)]
        self.true_positives, self.false_positives, self.false_negatives, self.intermediate_weights = batch

    def _counts(self) -> list[np.ndarray]:
        return [self.true_positives, self.false_positives, self.false_negatives, self.intermediate_weights]

    def _value(self):
        if self.true_positives is None:
            return 0.0 if self.average is not None else np.zeros(0)
        tp, fp, fn, support = self._counts()
        if self.average == "micro":
            tp, fp, fn = tp.sum(), fp.sum(), fn.sum()
        precision = tp / (tp + fp + EPSILON)
        recall = tp / (tp + fn + EPSILON)
        b2 = self.beta**2
        score = (1.0 + b2) * precision * recall / (b2 * precision + recall + EPSILON)
        if self.average is None:
            return np.array(score, dtype=np.float64)
        if self.average == "weighted":
            return float(np.sum(score * support / (support.sum() + EPSILON)))
        return float(np.mean(score))

    def get_config(self) -> dict:
        return {**super().get_config(), "average": self.average, "beta": self.beta, "threshold": self.threshold}


class F1Score(FBetaScore):
    """F1 score ``2 P R / (P + R)``: :class:`FBetaScore` with ``beta=1``.

    Args:
        average: ``None`` (per class), ``"micro"``, ``"macro"`` or ``"weighted"``.
        threshold: a float in (0, 1], or ``None`` for each row's highest score.
        name: defaults to ``"f1_score"``.

    Example:
        >>> m = F1Score(threshold=0.5)
        >>> m.update_state([[1, 1, 1], [1, 0, 0], [1, 1, 0]], [[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]])
        >>> [round(v, 4) for v in m.result().numpy().tolist()]
        [0.5, 0.8, 0.6667]
    """

    def __init__(self, average: str | None = None, threshold: float | None = None, name=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["beta"]
        return config
