"""The cross-entropies, KLDivergence and Poisson against Keras 3: streaming with weights, reset, by name, in fit."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch
from metric_reference import check_fit, check_streaming, random_batches

from nabla.keras import metrics as M


def _binary(rng):
    return rng.integers(0, 2, (8, 1)).astype(np.float32), rng.random((8, 1)).astype(np.float32)


def _binary_logits(rng):
    return rng.integers(0, 2, (8, 3)).astype(np.float32), (4 * rng.standard_normal((8, 3))).astype(np.float32)


def _onehot(rng):
    probs = rng.random((8, 4)).astype(np.float32)
    return np.eye(4, dtype=np.float32)[rng.integers(0, 4, 8)], probs / probs.sum(-1, keepdims=True)


def _onehot_logits(rng):
    return np.eye(4, dtype=np.float32)[rng.integers(0, 4, 8)], (3 * rng.standard_normal((8, 4))).astype(np.float32)


def _sparse(rng):
    y, p = _onehot(rng)
    return y.argmax(-1), p


def _sparse_logits(rng):
    y, p = _onehot_logits(rng)
    return y.argmax(-1)[:, None], p


def _counts(rng):
    return rng.poisson(2.0, (8, 3)).astype(np.float32), (rng.random((8, 3)) * 4).astype(np.float32)


CASES = [
    ("BinaryCrossentropy", {}, _binary),
    ("BinaryCrossentropy", {"label_smoothing": 0.1}, _binary),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, _binary_logits),
    ("CategoricalCrossentropy", {}, _onehot),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, _onehot_logits),
    ("SparseCategoricalCrossentropy", {}, _sparse),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, _sparse_logits),
    ("KLDivergence", {}, _onehot),
    ("Poisson", {}, _counts),
]


@pytest.mark.parametrize("cls, kwargs, make", CASES)
@pytest.mark.parametrize("weighted", [False, True])
def test_matches_keras_streaming(cls, kwargs, make, weighted):
    keras = keras_on_torch()
    ours, theirs = getattr(M, cls)(**kwargs), getattr(keras.metrics, cls)(**kwargs)
    assert ours.name == theirs.name
    check_streaming(ours, theirs, random_batches(make, seed=len(cls), weighted=weighted), rtol=1e-4)
    assert type(ours).from_config(ours.get_config()).get_config() == ours.get_config()


def test_in_fit_as_keras():
    keras = keras_on_torch()
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((64, 5)).astype(np.float32), rng.integers(0, 2, (64, 1)).astype(np.float32)
    check_fit(
        M.BinaryCrossentropy(name="cross entropy"),
        keras.metrics.BinaryCrossentropy(name="cross entropy"),
        x,
        y,
        1,
        "sigmoid",
        "binary_crossentropy",
    )
    labels = rng.integers(0, 3, 64)
    check_fit(
        "sparse_categorical_crossentropy",
        "sparse_categorical_crossentropy",
        x,
        labels,
        3,
        "softmax",
        "sparse_categorical_crossentropy",
    )


def test_bad_label_smoothing():
    with pytest.raises(ValueError, match="label_smoothing"):
        M.BinaryCrossentropy(label_smoothing=1.5)
