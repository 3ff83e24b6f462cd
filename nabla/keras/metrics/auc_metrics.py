"""``AUC``: the area under a binary classifier's ROC or precision-recall curve, Keras's way or exactly."""

from __future__ import annotations

import math

import numpy as np

from .confusion_metrics import confusion_counts, divide_no_nan, parse_thresholds
from .metric import ArrayMetric
from .metrics_utils import match_shapes, weights_like

EPSILON = 1e-7  # Keras's backend.epsilon(): the outer thresholds sit just outside [0, 1]


def _pick(value, options: tuple[str, ...], what: str) -> str:
    for option in options:
        if isinstance(value, str) and value.lower() == option.lower():
            return option
    raise ValueError(f"AUC: {what} must be one of {list(options)}, got {value!r}")


def _grouped(scores: np.ndarray, pos_w: np.ndarray, neg_w: np.ndarray):
    """Sort by score and sum the weights of tied scores: (positive, negative) weight per distinct score."""
    order = np.argsort(scores, kind="stable")
    scores = scores[order]
    starts = np.concatenate([[0], np.flatnonzero(np.diff(scores)) + 1])
    return np.add.reduceat(pos_w[order], starts), np.add.reduceat(neg_w[order], starts)


def _exact_auc(labels: np.ndarray, scores: np.ndarray, weights: np.ndarray, curve: str) -> float:
    """The exact ROC area (rank statistic, ties count 1/2) or average precision over every score."""
    if np.isnan(scores).any():
        return math.nan
    pos_w, neg_w = weights * labels, weights * ~labels
    total_pos, total_neg = float(pos_w.sum()), float(neg_w.sum())
    if total_pos == 0 or total_neg == 0:
        return 0.0
    if curve == "ROC":
        g_pos, g_neg = _grouped(scores, pos_w, neg_w)
        neg_below = np.cumsum(g_neg) - g_neg
        return float(np.sum(g_pos * (neg_below + 0.5 * g_neg)) / (total_pos * total_neg))
    # PR: walk the thresholds from the highest score down.
    g_pos, g_neg = _grouped(-scores, pos_w, neg_w)
    tp, fp = np.cumsum(g_pos), np.cumsum(g_neg)
    return float(np.sum(g_pos / total_pos * divide_no_nan(tp, tp + fp)))


def _interpolated_pr_area(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> np.ndarray:
    """Davis & Goadrich's PR area between consecutive thresholds: true positives interpolated, not precision."""
    dtp = tp[:-1] - tp[1:]
    p = tp + fp
    dp = p[:-1] - p[1:]
    slope = divide_no_nan(dtp, np.maximum(dp, 0))
    intercept = tp[1:] - slope * p[1:]
    both = (p[:-1] > 0) & (p[1:] > 0)
    ratio = np.where(both, divide_no_nan(p[:-1], np.maximum(p[1:], 0)), 1.0)
    return divide_no_nan(slope * (dtp + intercept * np.log(ratio)), np.maximum(tp[1:] + fn[1:], 0))


def _curve(tp, fp, tn, fn, curve: str) -> tuple[np.ndarray, np.ndarray]:
    """The curve's (x, y) points at each threshold."""
    recall = divide_no_nan(tp, tp + fn)
    if curve == "ROC":
        return divide_no_nan(fp, fp + tn), recall
    if curve == "PR":
        return recall, divide_no_nan(tp, tp + fp)
    scale = divide_no_nan(tp + fn, tn + fp)  # PRGAIN (Flach & Kull)
    recall_gain = np.where(tp == 0, 0.0, 1.0 - scale * divide_no_nan(fn, tp))
    precision_gain = np.where(tp == 0, 1.0, 1.0 - scale * divide_no_nan(fp, tp))
    return np.maximum(recall_gain, 0.0), precision_gain


class AUC(ArrayMetric):
    """Area under the ROC curve (or the precision-recall curve) of a binary classifier.

    **As Keras (the default).** Predictions, clipped to [0, 1], are counted
    at ``num_thresholds`` thresholds spread evenly over [0, 1] (the outer ones
    at ``-1e-7`` and ``1 + 1e-7``), and the curve through those points is
    integrated by a Riemann sum: ``summation_method="interpolation"`` takes
    the trapezoid for ROC and Davis & Goadrich's interpolation for PR,
    ``"minoring"``/``"majoring"`` the lower/upper rectangle. So the value
    equals Keras's, an approximation whose resolution is the threshold
    spacing; give probabilities (or ``from_logits=True``). Memory is fixed.

    **Exact (``num_thresholds=None``).** Every prediction since the last
    reset is kept and the exact area computed: the rank statistic (the
    probability that a random positive outscores a random negative, ties
    counting one half) for ROC, the step-wise average precision for PR,
    equal to scikit-learn's ``roc_auc_score`` and ``average_precision_score``
    with sample weights, for any scores (logits included). Memory grows
    with the samples seen; ``multi_label`` and ``label_weights`` are not
    available then.

    With one class only the area is 0.0 (as Keras).

    Args:
        num_thresholds: how many thresholds (> 1), default 200; ``None`` for
            the exact area.
        curve: ``"ROC"`` (default), ``"PR"`` or ``"PRGAIN"`` (precision-recall-gain).
        summation_method: ``"interpolation"`` (default), ``"minoring"`` or ``"majoring"``.
        name: defaults to ``"auc"``.
        thresholds: explicit thresholds in [0, 1] (``num_thresholds`` is then
            their count plus the two outer ones).
        multi_label: ``True`` computes one area per column of ``(N, C)`` data
            and averages them; ``False`` (default) pools all entries.
        num_labels: the number of columns, with ``multi_label`` (else learned
            from the first batch).
        label_weights: ``(C,)`` weights of the columns: of the averaged areas
            with ``multi_label``, of the pooled entries without.
        from_logits: ``True`` applies a sigmoid to ``y_pred`` first.

    Example:
        >>> m = AUC(num_thresholds=3)
        >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
        >>> float(m.result())
        0.75
        >>> exact = AUC(num_thresholds=None)
        >>> exact.update_state([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        >>> float(exact.result())
        0.75
    """

    direction = "up"
    float32_result = True

    def __init__(
        self,
        num_thresholds: int | None = 200,
        curve: str = "ROC",
        summation_method: str = "interpolation",
        name: str = "auc",
        thresholds=None,
        multi_label: bool = False,
        num_labels: int | None = None,
        label_weights=None,
        from_logits: bool = False,
    ):
        self.curve = _pick(curve, ("ROC", "PR", "PRGAIN"), "curve")
        self.summation_method = _pick(summation_method, ("interpolation", "minoring", "majoring"), "summation_method")
        self.multi_label, self.num_labels, self.from_logits = bool(multi_label), num_labels, bool(from_logits)
        self.label_weights = None if label_weights is None else np.asarray(label_weights, dtype=np.float64)
        if num_labels is not None and not self.multi_label:
            raise ValueError("AUC: num_labels is needed only with multi_label=True")
        self.init_thresholds = None if thresholds is None else parse_thresholds(thresholds, 0.5, "AUC")
        self.exact = num_thresholds is None and thresholds is None
        if self.exact:
            if self.multi_label or label_weights is not None or self.curve == "PRGAIN":
                raise ValueError("AUC: the exact area (num_thresholds=None) pools ROC or PR only; give num_thresholds")
            self.num_thresholds = None
            inner: list[float] = []
        elif thresholds is not None:
            inner = sorted(self.init_thresholds)
            self.num_thresholds = len(inner) + 2
        else:
            if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, int) or num_thresholds <= 1:
                raise ValueError(f"AUC: num_thresholds must be an int > 1 or None, got {num_thresholds!r}")
            self.num_thresholds = num_thresholds
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        self.thresholds = [-EPSILON, *inner, 1.0 + EPSILON]
        super().__init__(name)

    def reset_state(self) -> None:
        self._counts: tuple[np.ndarray, ...] | None = None  # (tp, fp, tn, fn) at each threshold
        self._seen: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # exact: (labels, scores, weights)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        if self.exact:
            y_true, y_pred = match_shapes(y_true, y_pred, self.name)
            w = weights_like(sample_weight, y_pred.shape, self.name)
            self._seen.append(((y_true > 0.5).ravel(), y_pred.ravel(), np.array(w, dtype=np.float64).ravel()))
            return
        if self.from_logits:
            y_pred = 0.5 * (1.0 + np.tanh(0.5 * np.asarray(y_pred, dtype=np.float64)))  # sigmoid, no overflow
        counts = confusion_counts(
            y_true,
            y_pred,
            self.thresholds,
            sample_weight,
            name=self.name,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
            clip=True,
        )
        if self._counts is not None and self._counts[0].shape != counts[0].shape:
            raise ValueError(
                f"{self.name}: this batch has {counts[0].shape[-1]} labels, earlier ones a different number"
            )
        if self.num_labels is not None and self.multi_label and counts[0].shape[-1] != self.num_labels:
            raise ValueError(f"{self.name}: num_labels={self.num_labels} but y_pred has {counts[0].shape[-1]} columns")
        self._counts = counts if self._counts is None else tuple(a + b for a, b in zip(self._counts, counts))

    def _value(self) -> float:
        if self.exact:
            if len(self._seen) > 1:  # keep one chunk, so that reading after every batch does not re-join them all
                self._seen = [tuple(np.concatenate(parts) for parts in zip(*self._seen))]
            return _exact_auc(*self._seen[0], self.curve) if self._seen else 0.0
        if self._counts is None:
            return 0.0
        tp, fp, tn, fn = self._counts
        if self.curve == "PR" and self.summation_method == "interpolation":
            areas = _interpolated_pr_area(tp, fp, fn)
        else:
            x, y = _curve(tp, fp, tn, fn, self.curve)
            if self.summation_method == "interpolation":
                heights = (y[:-1] + y[1:]) / 2.0
            elif self.summation_method == "minoring":
                heights = np.minimum(y[:-1], y[1:])
            else:
                heights = np.maximum(y[:-1], y[1:])
            areas = (x[:-1] - x[1:]) * heights
        if not self.multi_label:
            return float(np.sum(areas))
        by_label = np.sum(areas, axis=0)
        if self.label_weights is None:
            return float(np.mean(by_label))
        return float(divide_no_nan(np.sum(by_label * self.label_weights), np.sum(self.label_weights)))

    def get_config(self) -> dict:
        config = {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": None if self.label_weights is None else self.label_weights.tolist(),
            "from_logits": self.from_logits,
        }
        if self.init_thresholds is not None:
            config["thresholds"] = self.init_thresholds
        return config
