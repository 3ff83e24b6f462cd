"""``keras.datasets.mnist``: the MNIST handwritten digits, as ``keras.datasets.mnist.load_data()`` gives them."""

from __future__ import annotations

from ... import datasets
from ._images import Split, keras_layout


def load_data(path: str = "mnist.npz") -> tuple[Split, Split]:
    """MNIST: 60,000 training and 10,000 test images of handwritten digits, 28x28 grey pixels, labels 0-9.

    Args:
        path: accepted for Keras's signature (Keras's name for its cached ``.npz``) and not used: nabla
            reads the original IDX files from its data folder, ``$NABLA_DATA_DIR/mnist/`` (see
            :func:`nabla.datasets.mnist`), checked against their SHA-256.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``.

    Shape:
        ``x_train`` uint8 ``(60000, 28, 28)``, ``x_test`` uint8 ``(10000, 28, 28)``, pixels ``0..255``;
        ``y_train`` uint8 ``(60000,)``, ``y_test`` uint8 ``(10000,)``, digits ``0..9`` (Keras's dtypes).

    Raises:
        nabla.datasets.DatasetError: a file is missing or damaged and cannot be downloaded (offline, or a
            read-only data folder); the message names the file and where to put it.

    Example::

        >>> (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
        >>> x_train = x_train.reshape(60000, 784).astype("float32") / 255
    """
    return keras_layout(datasets.mnist)
