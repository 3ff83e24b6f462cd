"""A binary classifier's confusion matrix at given thresholds: the four counts, ``Precision`` and ``Recall``.

:func:`confusion_counts` is the one place where predictions are compared with thresholds; the
counts metrics here, ``AUC`` (:mod:`.auc_metrics`) and the metrics at a fixed sensitivity,
specificity, precision or recall (:mod:`.sensitivity_specificity_metrics`) all accumulate it.
"""

from __future__ import annotations

import numpy as np

from .metric import ArrayMetric
from .metrics_utils import match_shapes, weights_like

NEG_INF = -1e10  # Keras's score for the classes outside the top k


def parse_thresholds(thresholds, default: float, name: str) -> list[float]:
    """``thresholds`` (a number, a list of them, or None for ``default``) as a list of floats in [0, 1], as Keras."""
    if thresholds is None:
        return [default]
    values = list(thresholds) if isinstance(thresholds, (list, tuple, np.ndarray)) else [thresholds]
    if not values:
        raise ValueError(f"{name}: thresholds is empty; give a number in [0, 1] or a list of them")
    checked = []
    for t in values:
        if isinstance(t, bool) or not isinstance(t, (int, float, np.number)) or not 0.0 <= float(t) <= 1.0:
            raise ValueError(f"{name}: thresholds must be numbers in [0, 1] (as Keras), got {t!r}")
        checked.append(float(t))
    return checked


def _top_k_only(y_pred: np.ndarray, k: int) -> np.ndarray:
    """Scores outside each row's ``k`` highest replaced by NEG_INF (never positive at a threshold in [0, 1])."""
    order = np.argsort(-y_pred, axis=-1, kind="stable")
    keep = np.zeros(y_pred.shape, dtype=bool)
    np.put_along_axis(keep, order[..., :k], True, axis=-1)
    return np.where(keep, y_pred, NEG_INF)


def confusion_counts(
    y_true,
    y_pred,
    thresholds,
    sample_weight=None,
    *,
    name: str,
    class_id: int | None = None,
    top_k: int | None = None,
    multi_label: bool = False,
    label_weights=None,
    clip: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Weighted true/false positives and negatives of one batch at each threshold.

    A label is positive when ``y_true > 0.5``; a prediction is positive at
    threshold ``t`` when ``y_pred > t`` (strictly, as Keras), compared in
    float32 as Keras does. Every entry of ``y_pred`` is one prediction
    (several outputs per sample are pooled) unless ``multi_label``, which
    keeps one column per label.

    Args:
        y_true, y_pred: arrays of one shape (``(N,)`` vs ``(N, 1)`` is reshaped).
        thresholds: a 1-D sequence of ``T`` thresholds, in any order.
        sample_weight: one weight per sample (or per entry), default 1.
        name: the metric's name, for error messages.
        class_id: count only this column of ``(N, C)`` inputs.
        top_k: only each row's ``k`` highest scores can be positive.
        multi_label: keep the last axis: counts of shape ``(T, C)``.
        label_weights: ``(C,)`` weights of the columns (pooled counts only).
        clip: clip ``y_pred`` to [0, 1] first (AUC's buckets do).

    Returns:
        ``(tp, fp, tn, fn)``, each of shape ``(T,)`` (``(T, C)`` with ``multi_label``).
    """
    y_true, y_pred = match_shapes(y_true, y_pred, name)
    weights = weights_like(sample_weight, y_pred.shape, name)
    if label_weights is not None:
        weights = weights * np.asarray(label_weights, dtype=np.float64)
    if top_k is not None:
        y_pred = _top_k_only(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim < 2 or not 0 <= class_id < y_pred.shape[-1]:
            raise ValueError(f"{name}: class_id={class_id} needs y_pred of shape (N, C) with C > {class_id}")
        y_true, y_pred, weights = y_true[..., class_id], y_pred[..., class_id], weights[..., class_id]
    if clip:
        y_pred = np.clip(y_pred, 0.0, 1.0)
    thresholds = np.asarray(thresholds, dtype=np.float32)
    order = np.argsort(thresholds, kind="stable")
    columns = y_pred.shape[-1] if multi_label else 1
    if multi_label and y_pred.ndim != 2:
        raise ValueError(f"{name}: multi_label needs y_pred of shape (N, C), got {y_pred.shape}")
    # How many thresholds lie strictly below each prediction: it is positive at exactly those.
    below = np.searchsorted(thresholds[order], y_pred.astype(np.float32), side="left").reshape(-1, columns)
    positive = (y_true > 0.5).reshape(-1, columns)
    weights = weights.reshape(-1, columns)
    num = len(thresholds)
    index = below + (num + 1) * np.arange(columns)
    size = (num + 1) * columns

    def at_each_threshold(w: np.ndarray) -> np.ndarray:
        hist = np.bincount(index.ravel(), weights=w.ravel(), minlength=size).reshape(columns, num + 1)
        # count at sorted threshold i = sum of the predictions above it: those with `below` > i.
        above = np.cumsum(hist[:, ::-1], axis=1)[:, ::-1][:, 1:]
        counts = np.empty_like(above)
        counts[:, order] = above
        return counts.T if multi_label else counts[0]

    pos_w, neg_w = weights * positive, weights * ~positive
    tp, fp = at_each_threshold(pos_w), at_each_threshold(neg_w)
    total_pos, total_neg = pos_w.sum(axis=0), neg_w.sum(axis=0)
    if not multi_label:
        total_pos, total_neg = total_pos[0], total_neg[0]
    return tp, fp, total_neg - fp, total_pos - tp


def divide_no_nan(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a / b`` with 0 where ``b`` is 0 (Keras's ``divide_no_nan``)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return np.divide(a, b, out=np.zeros(np.broadcast(a, b).shape), where=b != 0)


def _one_or_all(values: np.ndarray, thresholds: list):
    """One threshold: a float; several: an array with one value per threshold (as Keras)."""
    return float(values[0]) if len(thresholds) == 1 else np.array(values, dtype=np.float64)


class _ConfusionCount(ArrayMetric):
    """Accumulates the confusion counts at ``thresholds``; subclasses read what they need in :meth:`result`."""

    direction = "up"
    float32_result = True

    def __init__(self, thresholds=None, top_k: int | None = None, class_id: int | None = None, name=None):
        kind = type(self).__name__
        if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1):
            raise ValueError(f"{kind}: top_k must be a positive int or None, got {top_k!r}")
        if class_id is not None and (isinstance(class_id, bool) or not isinstance(class_id, int) or class_id < 0):
            raise ValueError(f"{kind}: class_id must be a non-negative int or None, got {class_id!r}")
        self.init_thresholds = thresholds
        if top_k is not None and thresholds is None:
            self.thresholds = [NEG_INF]  # as Keras: with top_k alone, every kept score is a positive
        else:
            self.thresholds = parse_thresholds(thresholds, 0.5, kind)
        self.top_k, self.class_id = top_k, class_id
        super().__init__(name)

    def reset_state(self) -> None:
        zeros = np.zeros(len(self.thresholds))
        self.true_positives, self.false_positives = zeros.copy(), zeros.copy()
        self.true_negatives, self.false_negatives = zeros.copy(), zeros.copy()

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        tp, fp, tn, fn = confusion_counts(
            y_true, y_pred, self.thresholds, sample_weight, name=self.name, class_id=self.class_id, top_k=self.top_k
        )
        self.true_positives += tp
        self.false_positives += fp
        self.true_negatives += tn
        self.false_negatives += fn

    def get_config(self) -> dict:
        thresholds = self.init_thresholds
        if isinstance(thresholds, (tuple, np.ndarray)):
            thresholds = [float(t) for t in thresholds]
        return {**super().get_config(), "thresholds": thresholds}


class _CountMetric(_ConfusionCount):
    """One cell of the confusion matrix; Keras's ``TruePositives`` etc. (no ``top_k``/``class_id``)."""

    _cell = ""

    def __init__(self, thresholds=None, name: str | None = None):
        super().__init__(thresholds, name=name)

    def _value(self):
        return _one_or_all(getattr(self, self._cell), self.thresholds)


class TruePositives(_CountMetric):
    """Weighted count of positives predicted positive (``y_true > 0.5`` and ``y_pred > threshold``).

    Args:
        thresholds: a number in [0, 1] or a list of them, default 0.5; with a
            list, :meth:`result` is an array with one count per threshold.
        name: defaults to ``"true_positives"``.

    Example:
        >>> m = TruePositives()
        >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
        >>> float(m.result())
        2.0
    """

    _cell = "true_positives"


class FalsePositives(_CountMetric):
    """Weighted count of negatives predicted positive (``y_true <= 0.5`` and ``y_pred > threshold``).

    Args:
        thresholds: a number in [0, 1] or a list of them, default 0.5.
        name: defaults to ``"false_positives"``.

    Example:
        >>> m = FalsePositives()
        >>> m.update_state([0, 1, 0, 0], [0, 0, 1, 1])
        >>> float(m.result())
        2.0
    """

    direction = "down"
    _cell = "false_positives"


class TrueNegatives(_CountMetric):
    """Weighted count of negatives predicted negative (``y_true <= 0.5`` and ``y_pred <= threshold``).

    Args:
        thresholds: a number in [0, 1] or a list of them, default 0.5.
        name: defaults to ``"true_negatives"``.

    Example:
        >>> m = TrueNegatives()
        >>> m.update_state([0, 1, 0, 0], [1, 1, 0, 0])
        >>> float(m.result())
        2.0
    """

    _cell = "true_negatives"


class FalseNegatives(_CountMetric):
    """Weighted count of positives predicted negative (``y_true > 0.5`` and ``y_pred <= threshold``).

    Args:
        thresholds: a number in [0, 1] or a list of them, default 0.5.
        name: defaults to ``"false_negatives"``.

    Example:
        >>> m = FalseNegatives()
        >>> m.update_state([0, 1, 1, 1], [0, 1, 0, 0])
        >>> float(m.result())
        2.0
    """

    direction = "down"
    _cell = "false_negatives"


class _PrecisionOrRecall(_ConfusionCount):
    def __init__(self, thresholds=None, top_k: int | None = None, class_id: int | None = None, name=None):
        super().__init__(thresholds, top_k, class_id, name)

    def get_config(self) -> dict:
        return {**super().get_config(), "top_k": self.top_k, "class_id": self.class_id}


class Precision(_PrecisionOrRecall):
    """Precision ``TP / (TP + FP)``: of the predicted positives, how many are positive.

    A prediction is positive when ``y_pred > thresholds``; labels are
    ``y_true > 0.5``. With several outputs per sample each output counts.

    Args:
        thresholds: a number in [0, 1] or a list of them, default 0.5 (use
            ``from_logits``-free probabilities; 0 for logits). With a list,
            :meth:`result` is an array, one precision per threshold.
        top_k: only each sample's ``k`` highest scores may be positive (with
            no ``thresholds``, all of them are).
        class_id: the column of ``(N, C)`` inputs to score (one-vs-rest).
        name: defaults to ``"precision"``.

    Example:
        >>> m = Precision()
        >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
        >>> round(float(m.result()), 4)
        0.6667
    """

    def _value(self):
        return _one_or_all(
            divide_no_nan(self.true_positives, self.true_positives + self.false_positives), self.thresholds
        )


class Recall(_PrecisionOrRecall):
    """Recall ``TP / (TP + FN)``: of the positives, how many were predicted positive.

    Args:
        thresholds: a number in [0, 1] or a list of them, default 0.5.
        top_k: only each sample's ``k`` highest scores may be positive.
        class_id: the column of ``(N, C)`` inputs to score (one-vs-rest).
        name: defaults to ``"recall"``.

    Example:
        >>> m = Recall()
        >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
        >>> round(float(m.result()), 4)
        0.6667
    """

    def _value(self):
        return _one_or_all(
            divide_no_nan(self.true_positives, self.true_positives + self.false_negatives), self.thresholds
        )
