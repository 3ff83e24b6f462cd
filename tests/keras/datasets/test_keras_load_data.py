"""``keras.datasets.mnist/fashion_mnist.load_data()``: Keras's dtypes and shapes, from nabla's verified files."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import FASHION_FILES, MNIST_FILES, real_data

import nabla.datasets
import nabla.keras as keras
from nabla.keras.datasets import fashion_mnist, mnist


@pytest.mark.parametrize(
    "module, files, loader", [(mnist, MNIST_FILES, nabla.datasets.mnist), (fashion_mnist, FASHION_FILES, None)]
)
def test_load_data_has_keras_layout(module, files, loader):
    real_data(*files)
    (x_train, y_train), (x_test, y_test) = module.load_data()
    # Keras 3's documented layout (its load_data reads a .npz it downloads, which the tests cannot fetch).
    assert (x_train.shape, y_train.shape, x_test.shape, y_test.shape) == (
        (60000, 28, 28),
        (60000,),
        (10000, 28, 28),
        (10000,),
    )
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    assert y_train.min() == 0 and y_train.max() == 9 and x_train.max() == 255
    if loader is not None:  # the same images as nabla's own loader
        (x_ref, y_ref), _ = loader()
        np.testing.assert_array_equal(x_train, x_ref)
        np.testing.assert_array_equal(y_train, y_ref)
        assert y_train[:5].tolist() == [5, 0, 4, 1, 9]  # MNIST's first training labels


def test_a_missing_file_offline_says_where_to_put_it(tmp_path, monkeypatch):
    monkeypatch.setenv("NABLA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NABLA_OFFLINE", "1")
    with pytest.raises(nabla.datasets.DatasetError, match="mnist/train-images-idx3-ubyte.gz is missing"):
        keras.datasets.mnist.load_data()


def test_datasets_nabla_does_not_ship_are_named():
    with pytest.raises(AttributeError, match="imdb.*pickles.*mnist, fashion_mnist, cifar10, cifar100, boston"):
        keras.datasets.imdb  # noqa: B018
    with pytest.raises(AttributeError):
        keras.datasets.not_a_dataset  # noqa: B018
