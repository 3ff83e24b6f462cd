"""``keras.utils.to_categorical`` and ``normalize`` against Keras 3's, and their errors."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla as nb
import nabla.keras as keras

LABELS = [
    ([0, 1, 2, 3], None),
    ([3, 1, 0], 5),
    (np.array([[1], [0], [2]]), None),  # (N, 1): the trailing 1 is dropped
    (np.array([[1, 2], [0, 1]]), 4),  # (N, 2) -> (N, 2, 4)
    (np.array([[[1]], [[2]]]), 3),  # (N, 1, 1) -> (N, 1, 3)
    (np.array([2.0, 0.0, 1.0]), None),  # whole numbers as floats
    (np.array([1, 0], dtype=np.uint8), 10),  # load_data's labels
    (np.array(2), 4),  # a scalar label -> (4,)
    ([1, 2], 0),  # num_classes=0 means "infer", as in Keras
]


@pytest.mark.parametrize("labels, num_classes", LABELS)
def test_to_categorical_matches_keras(labels, num_classes):
    reference = keras_on_torch().utils.to_categorical(labels, num_classes)
    ours = keras.utils.to_categorical(labels, num_classes)
    assert ours.shape == reference.shape
    np.testing.assert_array_equal(ours, reference)
    assert ours.dtype == np.float32  # nabla's float (Keras 3 gives float64 here; Keras 2 gave float32)


def test_to_categorical_dtype_and_tensor():
    assert keras.utils.to_categorical([0, 1], dtype="float64").dtype == np.float64
    out = keras.utils.to_categorical(nb.tensor([[2], [0]]), 3)
    assert isinstance(out, nb.Tensor) and out.shape == (2, 3)
    np.testing.assert_array_equal(out.numpy(), [[0, 0, 1], [1, 0, 0]])


@pytest.mark.parametrize(
    "labels, num_classes, message",
    [
        ([0, -1], None, ">= 0"),
        ([0, 5], 3, "label 5 does not fit num_classes=3"),
        ([0.5, 1.0], None, "whole numbers"),
        (["a", "b"], None, "must be integers"),
        ([], None, "give num_classes"),
        ([0, 1], 2.5, "num_classes must be"),
    ],
)
def test_to_categorical_errors(labels, num_classes, message):
    with pytest.raises((ValueError, TypeError), match=message):
        keras.utils.to_categorical(labels, num_classes)


@pytest.mark.parametrize("axis, order", [(-1, 2), (1, 2), (-1, 1)])
def test_normalize_matches_keras(axis, order):
    x = nb.random.generator().normal(size=(4, 3)).astype(np.float32)
    x[1] = 0.0  # a zero row stays zero
    reference = keras_on_torch().utils.normalize(x, axis=axis, order=order)
    ours = keras.utils.normalize(x, axis=axis, order=order)
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours, np.asarray(reference), rtol=1e-6)


def test_normalize_along_the_first_axis():
    # Keras 3's own normalize cannot take axis=0 (its `axis or -1` turns 0 into -1): checked by hand.
    x = np.array([[3.0, 0.0], [4.0, 0.0]], dtype=np.float32)
    np.testing.assert_allclose(keras.utils.normalize(x, axis=0), [[0.6, 0.0], [0.8, 0.0]])
