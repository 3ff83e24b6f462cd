"""The conversion shared by ``mnist`` and ``fashion_mnist``: nabla's arrays in Keras's dtypes."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Split = tuple[np.ndarray, np.ndarray]


def keras_layout(load: Callable[[], tuple[Split, Split]]) -> tuple[Split, Split]:
    """``(x_train, y_train), (x_test, y_test)`` from a :mod:`nabla.datasets` loader, labels as uint8 as in Keras.

    nabla's loaders give int64 labels (class indices as nabla's losses take them); Keras's ``load_data``
    gives uint8, which nabla's losses and ``to_categorical`` take as well.
    """
    (x_train, y_train), (x_test, y_test) = load()
    return (x_train, y_train.astype(np.uint8)), (x_test, y_test.astype(np.uint8))
