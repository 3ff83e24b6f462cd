"""``keras.datasets``: the image sets of introductory courses, as Keras's ``load_data()`` returns them.

``keras.datasets.mnist.load_data()`` and ``keras.datasets.fashion_mnist.load_data()`` give
``(x_train, y_train), (x_test, y_test)`` with Keras's dtypes and shapes: uint8 images ``(60000, 28, 28)``
and ``(10000, 28, 28)``, uint8 labels ``(60000,)`` and ``(10000,)``. They are read from nabla's data folder
(``$NABLA_DATA_DIR``, else the user cache folder), each file checked against its published SHA-256,
through :mod:`nabla.datasets` (one copy of the data and of its checks for both APIs). With
``NABLA_OFFLINE=1`` or a read-only folder a missing file is an error that says where to put it; it is
downloaded otherwise (``pip install 'nabla[data]'`` for the downloader).

``keras.datasets.boston_housing.load_data()`` and ``california_housing.load_data()`` read Keras's own
``.npz`` tables the same way (into ``$NABLA_DATA_DIR/keras/``, checked against Keras's published SHA-256,
opened without pickle) and shuffle and split them as Keras does.

``keras.datasets.cifar10.load_data()`` and ``cifar100.load_data(label_mode)`` give Keras's layout (uint8
``(N, 32, 32, 3)`` images, ``(N, 1)`` labels) from the publisher's binary archives, which hold the same
images as the pickles Keras reads (see :mod:`nabla.datasets.cifar`).

Keras's text sets (IMDB, Reuters) are not offered: Keras publishes them as arrays of Python objects, which
nabla does not load; asking for one raises an ``AttributeError`` (an ``ImportError`` for
``from keras.datasets import imdb``) that names what nabla has instead.
"""

from .._missing import missing
from . import boston_housing, california_housing, cifar10, cifar100, fashion_mnist, mnist


def __getattr__(name: str):
    # (through missing(): `from nabla.keras.datasets import imdb` keeps the message, not Python's bare ImportError)
    raise missing("keras.datasets", name)
