"""``keras.datasets.cifar10``: CIFAR-10, as ``keras.datasets.cifar10.load_data()`` gives it."""

from __future__ import annotations

import numpy as np

from ._cifar import keras_cifar
from ._images import Split


def load_data() -> tuple[Split, Split]:
    """CIFAR-10: 50,000 training and 10,000 test colour images of 32x32 pixels, 10 classes.

    Read from ``$NABLA_DATA_DIR/cifar-10/cifar-10-binary.tar.gz`` (see :func:`nabla.datasets.cifar10`):
    the publisher's binary archive of the same images in the same order as the pickles Keras downloads,
    checked against its SHA-256 and downloaded when missing. The classes are
    :data:`nabla.datasets.CIFAR10_CLASSES` (0 airplane, 1 automobile, ..., 9 truck).

    Shape:
        ``x_train`` uint8 ``(50000, 32, 32, 3)``, ``x_test`` uint8 ``(10000, 32, 32, 3)``, pixels ``0..255``;
        ``y_train`` uint8 ``(50000, 1)``, ``y_test`` uint8 ``(10000, 1)`` (Keras's dtypes and shapes).

    Example::

        >>> (x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
        >>> x_train, x_test = x_train / 255.0, x_test / 255.0
    """
    return keras_cifar("cifar-10", 0, np.uint8)
