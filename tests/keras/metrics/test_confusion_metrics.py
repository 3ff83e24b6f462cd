"""Precision, Recall and the exact AUC (num_thresholds=None): hand-computed values, brute force over pairs."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from nabla import metrics as M


def test_precision_recall_hand_computed_with_weights():
    y_true = [1, 1, 0, 0, 1]
    y_pred = [0.9, 0.2, 0.7, 0.1, 0.6]
    w = [1.0, 2.0, 3.0, 1.0, 0.5]
    # TP: samples 0 (w 1) and 4 (w 0.5); FP: sample 2 (w 3); FN: sample 1 (w 2).
    assert float(M.Precision()(y_true, y_pred, w)) == pytest.approx(1.5 / 4.5)
    assert float(M.Recall()(y_true, y_pred, w)) == pytest.approx(1.5 / 3.5)
    assert M.Precision(thresholds=0.8)(y_true, y_pred) == 1.0
    np.testing.assert_allclose(M.Precision(thresholds=[0.5, 0.8])(y_true, y_pred, w), [1.5 / 4.5, 1.0])
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        M.Precision(thresholds=[0.3, 1.5])


def _auc_pairs(y, s, w):
    """ROC AUC by brute force over every (positive, negative) pair, ties counting 1/2."""
    num = den = 0.0
    for i, j in itertools.product(range(len(y)), repeat=2):
        if y[i] == 1 and y[j] == 0:
            num += w[i] * w[j] * (1.0 if s[i] > s[j] else 0.5 if s[i] == s[j] else 0.0)
            den += w[i] * w[j]
    return num / den


def _average_precision_loop(y, s, w):
    """Average precision by a loop over the distinct thresholds, highest first."""
    ap, prev_recall = 0.0, 0.0
    total_pos = sum(wi for yi, wi in zip(y, w) if yi == 1)
    for t in sorted(set(s), reverse=True):
        tp = sum(wi for yi, si, wi in zip(y, s, w) if si >= t and yi == 1)
        fp = sum(wi for yi, si, wi in zip(y, s, w) if si >= t and yi == 0)
        recall = tp / total_pos
        ap += (recall - prev_recall) * (tp / (tp + fp) if tp + fp else 0.0)
        prev_recall = recall
    return ap


def test_auc_hand_computed_values():
    # The example of scikit-learn's roc_auc_score / average_precision_score docs.
    y, s = [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]
    assert float(M.AUC(None)(y, s)) == pytest.approx(0.75)
    assert float(M.AUC(None, curve="PR")(y, s)) == pytest.approx(0.5 * 1.0 + 0.5 * 2 / 3)  # 0.8333
    # Ties between a positive and a negative count one half (average ranks).
    assert M.AUC(None)([0, 1], [0.5, 0.5]) == 0.5
    assert float(M.AUC(None)([0, 0, 1, 1], [0.2, 0.6, 0.6, 0.9])) == pytest.approx((2 * 1 + 1 * 1 + 1 * 0.5) / 4)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_auc_equals_brute_force_with_ties_and_weights(seed):
    rng = np.random.default_rng(seed)
    n = 60
    y = rng.integers(0, 2, n)
    s = np.round(rng.random(n), 1)  # many ties
    w = rng.random(n)
    m, pr = M.AUC(None), M.AUC(None, curve="pr")
    for start in range(0, n, 13):
        m.update_state(y[start : start + 13], s[start : start + 13], sample_weight=w[start : start + 13])
        pr.update_state(y[start : start + 13], s[start : start + 13], sample_weight=w[start : start + 13])
        m.result()  # reading mid-way must not disturb the accumulation
    assert m._value() == pytest.approx(_auc_pairs(y, s, w), rel=1e-12)
    assert pr._value() == pytest.approx(_average_precision_loop(y, s, w), rel=1e-12)


def test_auc_only_depends_on_the_order_of_scores():
    rng = np.random.default_rng(4)
    y, logits = rng.integers(0, 2, 50), rng.normal(size=50)
    for curve in ("ROC", "PR"):
        probabilities = M.AUC(None, curve)(y, 1 / (1 + np.exp(-logits)))
        assert float(M.AUC(None, curve)(y, logits)) == pytest.approx(float(probabilities))


def test_auc_degenerate_inputs():
    assert M.AUC(None)([1, 1, 1], [0.2, 0.5, 0.9]) == 0.0  # one class only: undefined, 0 as Keras
    assert math.isnan(M.AUC(None)([0, 1], [0.2, np.nan]))
    assert M.AUC(None)([0, 1, 0, 1], [0.1, 0.9, 0.2, 0.8]) == 1.0
    assert M.AUC(None)([0, 1, 0, 1], [0.9, 0.1, 0.8, 0.2]) == 0.0
    with pytest.raises(ValueError, match="curve"):
        M.AUC(curve="precision-recall")
