"""R2Score against Keras's example and a reference computation: accumulation, stability, aggregation."""

from __future__ import annotations

import numpy as np
import pytest

from nabla import metrics as M


def test_r2_keras_example():
    m = M.R2Score()
    m.update_state(np.array([[1], [4], [3]], np.float32), np.array([[2], [4], [4]], np.float32))
    assert float(m.result()) == pytest.approx(0.5714285714)


def _r2_reference(y_true, y_pred, w=None):
    """Direct two-pass formula in float64 (scikit-learn's r2_score, uniform average)."""
    y_true, y_pred = np.asarray(y_true, float).reshape(len(y_true), -1), np.asarray(y_pred, float)
    y_pred = y_pred.reshape(y_true.shape)
    w = np.ones(len(y_true)) if w is None else np.asarray(w, float)
    mean = (w[:, None] * y_true).sum(0) / w.sum()
    ss_tot = (w[:, None] * (y_true - mean) ** 2).sum(0)
    ss_res = (w[:, None] * (y_true - y_pred) ** 2).sum(0)
    return float(np.mean(1 - ss_res / ss_tot))


def test_r2_accumulates_over_batches_not_per_batch_average():
    rng = np.random.default_rng(2)
    y_true = rng.normal(size=(40, 3))
    y_pred = y_true + 0.5 * rng.normal(size=(40, 3))
    w = rng.random(40)
    m = M.R2Score()
    for start in range(0, 40, 7):
        m.update_state(y_true[start : start + 7], y_pred[start : start + 7], sample_weight=w[start : start + 7])
    assert m._value() == pytest.approx(_r2_reference(y_true, y_pred, w), rel=1e-12)
    per_batch = np.mean([_r2_reference(y_true[s : s + 7], y_pred[s : s + 7], w[s : s + 7]) for s in range(0, 40, 7)])
    assert abs(float(m.result()) - per_batch) > 1e-3


def test_r2_is_stable_for_targets_with_a_large_offset():
    rng = np.random.default_rng(3)
    y = rng.normal(size=200)
    y_pred = y + 0.1 * rng.normal(size=200)
    expected = _r2_reference(y, y_pred)
    offset = 1e8  # sum(y^2) - n mean^2 would lose every digit here
    m = M.R2Score()
    for start in range(0, 200, 16):
        m.update_state(y[start : start + 16] + offset, y_pred[start : start + 16] + offset)
    assert float(m.result()) == pytest.approx(expected, abs=1e-6)


def test_r2_constant_target_variance_weighting_and_adjusted():
    # A constant column: 1.0 when predicted exactly, else 0.0 (scikit-learn's force_finite).
    assert M.R2Score()([2.0, 2.0, 2.0], [2.0, 2.0, 2.0]) == 1.0
    assert M.R2Score()([2.0, 2.0, 2.0], [2.0, 1.0, 2.0]) == 0.0
    y_true = np.array([[1.0, 10.0], [2.0, 30.0], [3.0, 20.0], [4.0, 40.0]])
    y_pred = np.array([[1.5, 12.0], [2.0, 25.0], [2.5, 20.0], [4.0, 41.0]])
    ss_tot = ((y_true - y_true.mean(0)) ** 2).sum(0)
    raw = 1 - ((y_true - y_pred) ** 2).sum(0) / ss_tot
    assert float(M.R2Score()(y_true, y_pred)) == pytest.approx(raw.mean())
    weighted = M.R2Score(class_aggregation="variance_weighted_average")(y_true, y_pred)
    assert float(weighted) == pytest.approx((raw * ss_tot).sum() / ss_tot.sum())
    adjusted = M.R2Score(num_regressors=1)(y_true, y_pred)
    assert float(adjusted) == pytest.approx(1 - (1 - raw.mean()) * 3 / 2)
    with pytest.warns(UserWarning, match="adjusted R2"):
        assert float(M.R2Score(num_regressors=3)(y_true, y_pred)) == pytest.approx(raw.mean())
    with pytest.raises(ValueError, match="class_aggregation"):
        M.R2Score(class_aggregation="raw_values")
