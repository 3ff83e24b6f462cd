"""MNIST and Fashion-MNIST, read from the data folder (see :mod:`nabla.datasets.cache`) like Keras's ``load_data``."""

from __future__ import annotations

import os

import numpy as np

from .cache import fetch
from .idx import IDX_IMAGES, IDX_LABELS, read_idx

__all__ = ["FASHION_MNIST_CLASSES", "fashion_mnist", "mnist"]

FASHION_MNIST_CLASSES: tuple[str, ...] = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
"""Fashion-MNIST's class names, indexed by label."""

Split = tuple[np.ndarray, np.ndarray]


def _load(folder: str, normalize: bool, root: str | os.PathLike | None) -> tuple[Split, Split]:
    splits = []
    for prefix, n in (("train", 60000), ("t10k", 10000)):
        images = read_idx(fetch(f"{folder}/{prefix}-images-idx3-ubyte.gz", root), magic=IDX_IMAGES)
        labels = read_idx(fetch(f"{folder}/{prefix}-labels-idx1-ubyte.gz", root), magic=IDX_LABELS)
        # NOTE: the checksums already vouch for the contents; this guards the pairing of the files.
        if images.shape != (n, 28, 28) or labels.shape != (n,):
            raise ValueError(
                f"{folder}/{prefix}: expected {n} images of 28x28 and {n} labels, got {images.shape}, {labels.shape}"
            )
        if normalize:
            images = images.astype(np.float32) / 255.0  # NOTE: float32 array / Python float stays float32
        splits.append((images, labels.astype(np.int64)))
    return splits[0], splits[1]


def mnist(normalize: bool = False, data_dir: str | os.PathLike | None = None) -> tuple[Split, Split]:
    """The MNIST handwritten digits: 60,000 training and 10,000 test images of 28x28 grey pixels, labels 0-9.

    Read from ``<data folder>/mnist/*.gz`` (the original IDX files), each checked
    against its published SHA-256 and downloaded when missing or damaged (see
    :mod:`nabla.datasets.cache`).

    Args:
        normalize: return float32 pixels scaled to ``[0, 1]`` (``x / 255``) instead of uint8 ``0..255``.
            Default False (Keras's layout).
        data_dir: the data folder; ``$NABLA_DATA_DIR`` or the user cache folder when None.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``, like ``keras.datasets.mnist.load_data()``.

    Shape:
        ``x_train`` uint8 ``(60000, 28, 28)`` (0 background, 255 full ink), ``x_test`` uint8 ``(10000, 28, 28)``;
        ``y_train`` ``(60000,)`` and ``y_test`` ``(10000,)`` int64 in ``{0, ..., 9}`` (int64 rather than
        Keras's uint8: class indices as nabla's losses take them, and no uint8 wrap-around in arithmetic).

    Example::

        >>> (x_train, y_train), (x_test, y_test) = mnist(normalize=True)
        >>> x_train.shape, x_train.dtype, y_train[:5].tolist()
        ((60000, 28, 28), dtype('float32'), [5, 0, 4, 1, 9])
        >>> X = x_train.reshape(len(x_train), -1)   # (60000, 784) for a dense network
    """
    return _load("mnist", normalize, data_dir)


def fashion_mnist(normalize: bool = False, data_dir: str | os.PathLike | None = None) -> tuple[Split, Split]:
    """Fashion-MNIST (Zalando): 60,000 training and 10,000 test 28x28 grey images of clothes, 10 balanced classes.

    Same files, layout and arguments as :func:`mnist`, read from ``<data folder>/fashion-mnist/``.
    Labels index :data:`FASHION_MNIST_CLASSES` (0 T-shirt/top, 1 Trouser, ..., 9 Ankle boot);
    each class has exactly 6,000 training and 1,000 test images.

    Shape:
        ``x_train`` uint8 ``(60000, 28, 28)``, ``x_test`` uint8 ``(10000, 28, 28)`` (float32 in ``[0, 1]``
        with ``normalize=True``); ``y_train`` ``(60000,)``, ``y_test`` ``(10000,)`` int64 in ``{0, ..., 9}``.

    Example::

        >>> (x_train, y_train), _ = fashion_mnist()
        >>> FASHION_MNIST_CLASSES[y_train[0]]
        'Ankle boot'
    """
    return _load("fashion-mnist", normalize, data_dir)
