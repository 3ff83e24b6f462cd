"""What ``keras.datasets.cifar10`` and ``cifar100`` share: the archive's records in Keras's layout."""

from __future__ import annotations

import numpy as np

from ...datasets.cache import fetch
from ...datasets.cifar import read_cifar_archive
from ._images import Split


def keras_cifar(kind: str, label_byte: int, label_dtype) -> tuple[Split, Split]:
    """``(x_train, y_train), (x_test, y_test)`` as Keras's ``load_data`` builds them from its pickles.

    Images: the stored (N, 3, 32, 32) arrays transposed to channels-last, as a view (Keras transposes
    the same way, ``x.transpose(0, 2, 3, 1)``); labels ``(N, 1)`` of ``label_dtype`` (Keras: uint8 for
    CIFAR-10, whose arrays it preallocates; int64 for CIFAR-100, whose label lists it reshapes).
    """
    split = read_cifar_archive(fetch(f"{kind}/{kind}-binary.tar.gz"), kind)
    return tuple(
        (x.transpose(0, 2, 3, 1), np.ascontiguousarray(y[:, label_byte : label_byte + 1], dtype=label_dtype))
        for x, y in split.values()
    )
