"""``keras.datasets.fashion_mnist``: Zalando's Fashion-MNIST, as Keras's ``load_data()`` gives it."""

from __future__ import annotations

from ... import datasets
from ._images import Split, keras_layout


def load_data() -> tuple[Split, Split]:
    """Fashion-MNIST: 60,000 training and 10,000 test 28x28 grey images of clothes, 10 balanced classes.

    Read from ``$NABLA_DATA_DIR/fashion-mnist/`` (see :func:`nabla.datasets.fashion_mnist`); the class
    names are ``nabla.datasets.FASHION_MNIST_CLASSES`` (0 T-shirt/top, 1 Trouser, ..., 9 Ankle boot).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``.

    Shape:
        ``x_train`` uint8 ``(60000, 28, 28)``, ``x_test`` uint8 ``(10000, 28, 28)``;
        ``y_train`` uint8 ``(60000,)``, ``y_test`` uint8 ``(10000,)`` (Keras's dtypes).

    Raises:
        nabla.datasets.DatasetError: a file is missing or damaged and cannot be downloaded.
    """
    return keras_layout(datasets.fashion_mnist)
