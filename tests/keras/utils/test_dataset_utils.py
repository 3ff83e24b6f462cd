"""``keras.utils.split_dataset`` on arrays: Keras 3's sizes and order, and its errors.

The reference is Keras's TensorFlow path (``preferred_backend="tensorflow"``), which keeps the order without
``shuffle``; its torch path permutes the samples whatever ``shuffle`` says (``torch.utils.data.random_split``).
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require
from keras_reference import keras_on_torch

import nabla as nb
import nabla.keras as keras

X = np.arange(40, dtype=np.float32).reshape(20, 2)
Y = np.arange(20)


def _samples(dataset) -> list:
    return list(dataset.as_numpy_iterator())


@pytest.mark.parametrize(
    "sizes",
    [{"left_size": 0.8}, {"right_size": 0.25}, {"left_size": 7}, {"right_size": 3},
     {"left_size": 0.5, "right_size": 0.3}, {"left_size": 5, "right_size": 10}, {"left_size": 0.33}],
)  # fmt: skip
def test_the_parts_are_keras_s(sizes):
    require("tensorflow")
    reference = keras_on_torch().utils.split_dataset((X, Y), preferred_backend="tensorflow", **sizes)
    (x_left, y_left), (x_right, y_right) = keras.utils.split_dataset((X, Y), **sizes)
    for (x, y), expected in (((x_left, y_left), reference[0]), ((x_right, y_right), reference[1])):
        samples = _samples(expected)
        assert np.array_equal(x, np.stack([s[0] for s in samples]))
        assert np.array_equal(y, np.stack([s[1] for s in samples]))


def test_a_single_array_and_a_dict_keep_their_structure():
    left, right = keras.utils.split_dataset(X, left_size=0.5)
    assert np.array_equal(np.concatenate([left, right]), X)
    left, right = keras.utils.split_dataset({"x": X, "y": Y}, right_size=4)
    assert set(left) == {"x", "y"} and len(right["y"]) == 4


def test_shuffle_permutes_the_samples_and_is_seeded():
    (x1, y1), (x2, y2) = keras.utils.split_dataset((X, Y), left_size=0.5, shuffle=True, seed=3)
    (x3, _), _ = keras.utils.split_dataset((X, Y), left_size=0.5, shuffle=True, seed=3)
    assert np.array_equal(x1, x3) and not np.array_equal(y1, Y[:10])
    assert sorted(np.concatenate([y1, y2]).tolist()) == Y.tolist()
    assert np.array_equal(x1, X[y1])
    nb.manual_seed(0)
    (a, _), _ = keras.utils.split_dataset((X, Y), left_size=0.5, shuffle=True)
    nb.manual_seed(0)
    (b, _), _ = keras.utils.split_dataset((X, Y), left_size=0.5, shuffle=True)
    assert np.array_equal(a, b)


@pytest.mark.parametrize(
    "sizes, error, message",
    [
        ({}, ValueError, "At least one of the `left_size` or `right_size` must be specified"),
        ({"left_size": 1.5}, ValueError, "`left_size` should be either a positive integer"),
        ({"right_size": 20}, ValueError, "`right_size` should be either a positive integer"),
        ({"left_size": 0.7, "right_size": 0.6}, ValueError, "The sum of `left_size` and `right_size` is greater"),
        ({"left_size": 15, "right_size": 10}, ValueError, "The sum of `left_size` and `right_size` should be smaller"),
        ({"left_size": "half"}, TypeError, "Invalid `left_size` Type"),
        ({"left_size": 0.01}, ValueError, "Resulting left side dataset split will be empty"),
    ],
)
def test_bad_sizes_are_refused_as_keras_refuses_them(sizes, error, message):
    for split in (keras.utils.split_dataset, keras_on_torch().utils.split_dataset):
        with pytest.raises(error, match=message):
            split((X, Y), **sizes)
