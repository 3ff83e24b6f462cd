"""SensitivityAtSpecificity, SpecificityAtSensitivity, PrecisionAtRecall, RecallAtPrecision against Keras 3."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch
from metric_reference import check_streaming, random_batches

from nabla.keras import metrics as M

CLASSES = ["SensitivityAtSpecificity", "SpecificityAtSensitivity", "PrecisionAtRecall", "RecallAtPrecision"]


def _binary(rng):
    y = rng.integers(0, 2, (24, 1)).astype(np.float32)
    return y, np.clip(0.35 * y + 0.65 * rng.random((24, 1)), 0, 1).astype(np.float32)


def _classes(rng):
    return np.eye(3, dtype=np.float32)[rng.integers(0, 3, 24)], rng.random((24, 3)).astype(np.float32)


@pytest.mark.parametrize("cls", CLASSES)
@pytest.mark.parametrize("value", [0.0, 0.4, 0.8])
@pytest.mark.parametrize("kwargs", [{}, {"num_thresholds": 1}, {"num_thresholds": 9}])
@pytest.mark.parametrize("weighted", [False, True])
def test_matches_keras(cls, value, kwargs, weighted):
    keras = keras_on_torch()
    ours, theirs = getattr(M, cls)(value, **kwargs), getattr(keras.metrics, cls)(value, **kwargs)
    check_streaming(ours, theirs, random_batches(_binary, seed=31, weighted=weighted))
    assert type(ours).from_config(ours.get_config()).get_config() == ours.get_config()


@pytest.mark.parametrize("cls", CLASSES)
def test_class_id_matches_keras(cls):
    keras = keras_on_torch()
    ours, theirs = getattr(M, cls)(0.5, class_id=2), getattr(keras.metrics, cls)(0.5, class_id=2)
    check_streaming(ours, theirs, random_batches(_classes, seed=32))


def test_bad_arguments():
    with pytest.raises(ValueError, match="recall must be"):
        M.PrecisionAtRecall(1.5)
    with pytest.raises(ValueError, match="num_thresholds"):
        M.RecallAtPrecision(0.5, num_thresholds=0)
