"""The regression metrics against Keras 3: streaming with weights, reset, Keras's names, and in ``fit``."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch
from metric_reference import check_fit, check_streaming, random_batches

from nabla.keras import metrics as M


def _values(rng):
    # Targets away from 0 (MAPE) with a few negatives (MSLE's clipping), outliers for log-cosh.
    return (rng.standard_normal((8, 3)) * 3).astype(np.float32), (rng.standard_normal((8, 3)) * 3).astype(np.float32)


def _values_3d(rng):
    return rng.standard_normal((8, 2, 3)).astype(np.float32), rng.standard_normal((8, 2, 3)).astype(np.float32)


CASES = [
    ("MeanAbsolutePercentageError", {}),
    ("MeanSquaredLogarithmicError", {}),
    ("LogCoshError", {}),
    ("CosineSimilarity", {}),
    ("CosineSimilarity", {"axis": 1}),
]


@pytest.mark.parametrize("cls, kwargs", CASES)
@pytest.mark.parametrize("make", [_values, _values_3d])
@pytest.mark.parametrize("weighted", [False, True])
def test_matches_keras_streaming(cls, kwargs, make, weighted):
    keras = keras_on_torch()
    ours, theirs = getattr(M, cls)(**kwargs), getattr(keras.metrics, cls)(**kwargs)
    assert ours.name == theirs.name
    check_streaming(ours, theirs, random_batches(make, seed=5, weighted=weighted), rtol=1e-4)


def test_cosine_of_zero_vectors_and_huge_log_cosh_are_finite():
    assert M.CosineSimilarity()([[0.0, 0.0]], [[1.0, 2.0]]) == 0.0
    with np.errstate(over="raise", invalid="raise"):
        assert float(M.LogCoshError()([[0.0]], [[1e6]])) == pytest.approx(1e6 - np.log(2))


def test_in_fit_as_keras():
    keras = keras_on_torch()
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((64, 4)).astype(np.float32), (rng.random((64, 2)) + 0.5).astype(np.float32)
    for ours, theirs in [
        ("mape", "mape"),
        ("msle", "msle"),
        (M.LogCoshError(), keras.metrics.LogCoshError()),
        (M.CosineSimilarity(), keras.metrics.CosineSimilarity()),
    ]:
        check_fit(ours, theirs, x, y, 2, "linear", "mse", rtol=1e-4)
