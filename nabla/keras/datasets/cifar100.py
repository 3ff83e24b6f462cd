"""``keras.datasets.cifar100``: CIFAR-100, as ``keras.datasets.cifar100.load_data()`` gives it."""

from __future__ import annotations

import numpy as np

from ._cifar import keras_cifar
from ._images import Split


def load_data(label_mode: str = "fine") -> tuple[Split, Split]:
    """CIFAR-100: 50,000 training and 10,000 test colour images of 32x32 pixels, 100 classes in 20 superclasses.

    Read from ``$NABLA_DATA_DIR/cifar-100/cifar-100-binary.tar.gz`` (see :func:`nabla.datasets.cifar100`).

    Args:
        label_mode: ``"fine"`` (100 classes) or ``"coarse"`` (the 20 superclasses).

    Shape:
        ``x_train`` uint8 ``(50000, 32, 32, 3)``, ``x_test`` uint8 ``(10000, 32, 32, 3)``; ``y_train``
        ``(50000, 1)`` and ``y_test`` ``(10000, 1)`` int64 (what Keras 3 returns, though its docstring says
        uint8).
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError(f'`label_mode` must be one of `"fine"`, `"coarse"`. Received: label_mode={label_mode}.')
    return keras_cifar("cifar-100", 1 if label_mode == "fine" else 0, np.int64)
