"""Hinge, SquaredHinge and CategoricalHinge against Keras 3: 0/1 and -1/1 labels, weights, reset, by name, fit."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch
from metric_reference import check_fit, check_streaming, random_batches

from nabla.keras import metrics as M


def _zero_one(rng):
    return rng.integers(0, 2, (8, 3)).astype(np.float32), rng.standard_normal((8, 3)).astype(np.float32)


def _signed(rng):
    y, p = _zero_one(rng)
    return 2 * y - 1, p


def _onehot(rng):
    return np.eye(4, dtype=np.float32)[rng.integers(0, 4, 8)], rng.standard_normal((8, 4)).astype(np.float32)


@pytest.mark.parametrize(
    "cls, make", [("Hinge", _zero_one), ("Hinge", _signed), ("SquaredHinge", _zero_one), ("CategoricalHinge", _onehot)]
)
@pytest.mark.parametrize("weighted", [False, True])
def test_matches_keras_streaming(cls, make, weighted):
    keras = keras_on_torch()
    ours, theirs = getattr(M, cls)(), getattr(keras.metrics, cls)()
    assert ours.name == theirs.name
    check_streaming(ours, theirs, random_batches(make, seed=3, weighted=weighted))


def test_in_fit_as_keras():
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((48, 4)).astype(np.float32), rng.integers(0, 2, (48, 1)).astype(np.float32)
    check_fit("hinge", "hinge", x, y, 1, "tanh", "mse")
