"""The array conventions: (N,) against (N, 1) is reshaped, never broadcast; weights per sample."""

from __future__ import annotations

import numpy as np
import pytest

from nabla import metrics as M


def test_column_vs_flat_labels_are_not_broadcast():
    # (N,) against (N, 1) would broadcast to (N, N) and give 0.5 here; it must give 1.0.
    y_true = np.array([0, 1, 1, 0])
    y_pred = np.array([[0.1], [0.9], [0.8], [0.3]])
    assert M.BinaryAccuracy()(y_true, y_pred) == 1.0
    assert float(M.MeanAbsoluteError()(y_true, y_pred)) == pytest.approx((0.1 + 0.1 + 0.2 + 0.3) / 4)
    with pytest.raises(ValueError, match=r"shape \(3,\).*\(4, 1\)"):
        M.MeanSquaredError().update_state([1, 2, 3], y_pred)


def test_sample_weight_shapes():
    m = M.MeanAbsoluteError()
    m.update_state([[0.0], [0.0]], [[1.0], [3.0]], sample_weight=[[1.0], [3.0]])  # (N, 1) weights
    assert float(m.result()) == pytest.approx((1 + 9) / 4)
    m.reset_state()
    m.update_state([[0.0], [0.0]], [[1.0], [3.0]], sample_weight=2.0)  # a scalar weight
    assert float(m.result()) == pytest.approx(2.0)
    with pytest.raises(ValueError, match="sample_weight has shape"):
        m.update_state([0.0, 0.0], [1.0, 3.0], sample_weight=[1.0, 2.0, 3.0])
