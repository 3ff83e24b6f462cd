"""Datasets for learning and demos: small generated sets and a few real, classic ones, as NumPy arrays.

Synthetic sets (small pure functions of a ``seed``; nabla's generator when it is None):

- classification, ``X`` float32 ``(N, 2)`` and ``y`` int64 ``(N,)``: :func:`and_gate`, :func:`or_gate`,
  :func:`xor_gate`, :func:`nand_gate`, :func:`moons`, :func:`circles`, :func:`spiral`,
  :func:`gaussian_blobs` (``(N, n_features)``), :func:`checkerboard`;
- regression, ``X`` float32 ``(N, n_features)`` and ``y`` float32 ``(N, 1)``: :func:`sine`,
  :func:`polynomial`, :func:`linear`.

Real sets, read from the data folder (``$NABLA_DATA_DIR``, else ``~/.cache/nabla`` or the platform's
equivalent), checked against their published SHA-256 and downloaded with ``pooch`` when missing
(see :mod:`nabla.datasets.cache`):

- :func:`mnist`, :func:`fashion_mnist`: ``(x_train, y_train), (x_test, y_test)``, uint8 ``(N, 28, 28)``
  images and int64 labels, like Keras's ``load_data()``; :func:`on_disk` gives either split as a
  dataset read from disk batch by batch (converted once to nabla's chunked format);
- :func:`cifar10`, :func:`cifar100`: the same layout with uint8 ``(N, 32, 32, 3)`` colour images, read
  from the publisher's binary archives (no pickles);
- :func:`fish_market`: ``(X, y, feature_names)``, predict a fish's weight from its measurements;
- :func:`digits`: scikit-learn's bundled 8x8 digits (needs ``pip install scikit-learn``).

:data:`CATALOG` is the one list of them (names, aliases, tasks, units, files): :func:`list_datasets`
says which real ones are ready offline, :func:`load` calls one by name (``"Fashion-MNIST"``,
``"fish"``: case, separators and aliases do not matter, see :func:`name_key`),
:func:`load_split` gives any of them as a training and a test split, and :func:`download`
fetches a real one's files. :func:`read_features_csv` reads a model's inputs from a CSV file
that nobody has checked (one row per line, or one clear error; categorical columns encoded).

Example::

    >>> import nabla as nb
    >>> from nabla import datasets
    >>> X, y = datasets.moons(200, noise=0.1, seed=0)
    >>> train = nb.data.TensorDataset(X, y)
    >>> (x_train, y_train), (x_test, y_test) = datasets.mnist(normalize=True)
"""

from .cache import ChecksumError, ChecksumWarning, DatasetError, DownloadError, data_dir, default_cache_dir, fetch
from .catalog import CATALOG, DatasetEntry, DatasetInfo, download, list_datasets, load, lookup, name_key
from .cifar import CIFAR10_CLASSES, CIFAR100_COARSE_CLASSES, cifar10, cifar100, read_cifar_archive
from .digits import digits
from .feature_csv import FeatureCsv, FeatureCsvError, RawColumn, raw_columns, read_features_csv
from .fish import FISH_MEASUREMENTS, FISH_SPECIES, fish_market, fish_market_columns
from .idx import IDX_IMAGES, IDX_LABELS, IDXError, read_idx
from .images import FASHION_MNIST_CLASSES, fashion_mnist, mnist
from .ondisk import on_disk
from .regression import linear, polynomial, sine
from .splits import TrainTestSplit, load_split
from .synthetic import and_gate, checkerboard, circles, gaussian_blobs, moons, nand_gate, or_gate, spiral, xor_gate

__all__ = [
    "CATALOG",
    "CIFAR10_CLASSES",
    "CIFAR100_COARSE_CLASSES",
    "FASHION_MNIST_CLASSES",
    "FISH_MEASUREMENTS",
    "FISH_SPECIES",
    "IDX_IMAGES",
    "IDX_LABELS",
    "ChecksumError",
    "ChecksumWarning",
    "DatasetError",
    "DatasetEntry",
    "DatasetInfo",
    "DownloadError",
    "FeatureCsv",
    "FeatureCsvError",
    "TrainTestSplit",
    "IDXError",
    "RawColumn",
    "and_gate",
    "checkerboard",
    "cifar10",
    "cifar100",
    "circles",
    "data_dir",
    "default_cache_dir",
    "digits",
    "download",
    "fashion_mnist",
    "fetch",
    "fish_market",
    "fish_market_columns",
    "gaussian_blobs",
    "linear",
    "list_datasets",
    "load",
    "load_split",
    "lookup",
    "mnist",
    "moons",
    "name_key",
    "nand_gate",
    "on_disk",
    "or_gate",
    "polynomial",
    "raw_columns",
    "read_cifar_archive",
    "read_features_csv",
    "read_idx",
    "sine",
    "spiral",
    "xor_gate",
]
