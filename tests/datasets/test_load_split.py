"""``nabla.datasets.load_split``: any catalogue dataset as a training and a test split, like a lab would make it."""

from __future__ import annotations

import numpy as np
from conftest import FISH_FILES, MNIST_FILES, real_data

from nabla import datasets
from nabla.data import train_test_split


def test_a_generated_set_is_drawn_and_split_with_the_same_seed():
    data = datasets.load_split("moons", seed=3, n_samples=200, noise=0.1)
    X, y = datasets.moons(n_samples=200, noise=0.1, seed=3)
    x_train, x_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, seed=3)
    np.testing.assert_array_equal(data.x_train, x_train)
    np.testing.assert_array_equal(data.y_test, y_test)
    assert data.name == "moons" and data.task == "classification" and data.classes == 2
    assert data.feature_names == ["x1", "x2"] and data.x_train.dtype == np.float32 and data.y_train.dtype == np.int64
    assert np.bincount(data.y_test).tolist() == [25, 25]  # stratified


def test_regression_targets_are_float32_columns():
    data = datasets.load_split("sine", seed=0, test_size=0.2, n_samples=100)
    assert data.task == "regression" and data.classes is None
    assert data.y_train.shape == (80, 1) and data.y_train.dtype == np.float32
    assert data.units == {"x1": "rad"} and data.target == "y"


def test_mnist_keeps_its_published_split_and_flattens_on_request():
    real_data(*MNIST_FILES)
    data = datasets.load_split("MNIST", flatten=True)
    assert data.x_train.shape == (60000, 784) and data.x_test.shape == (10000, 784)
    assert data.feature_names[0] == "pixel0" and data.classes == 10
    assert datasets.load_split("mnist").x_test.shape == (10000, 28, 28)


def test_the_fish_table_keeps_its_column_names():
    real_data(*FISH_FILES)
    data = datasets.load_split("fish", seed=0, test_size=0.2, drop_zero_weight=True)
    assert len(data.x_train) + len(data.x_test) == 158 and len(data.x_test) == 32
    assert data.feature_names[:5] == ["Length1", "Length2", "Length3", "Height", "Width"]
    assert data.feature_names[5] == "Species=Bream" and data.file_columns[0] == "Species"
