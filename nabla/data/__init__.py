"""Feeding data to a model: datasets, mini-batches, train/test splits and feature scaling.

PyTorch's names and semantics for datasets and batching (:class:`Dataset`,
:class:`TensorDataset`, :class:`Subset`, :func:`random_split`,
:class:`DataLoader`), scikit-learn's for splitting and scaling
(:func:`train_test_split`, :class:`StandardScaler`, :class:`MinMaxScaler`); :func:`fold_scaling`
folds a scaling into a trained network, so that it takes raw inputs.
Every random draw (shuffling, splits without a ``seed``) comes from nabla's
generator, so ``nb.manual_seed(s)`` makes it reproducible. Datasets larger
than memory stay on disk (:class:`ChunkedDataset`, :func:`write_chunked`,
:func:`open_npy`; see :mod:`nabla.data.ondisk`) and load batch by batch.

Example::

    >>> X_train, X_test, y_train, y_test = nb.data.train_test_split(X, y, test_size=0.2, stratify=y)
    >>> scaler = nb.data.StandardScaler().fit(X_train)
    >>> train = nb.data.TensorDataset(scaler.transform(X_train).astype(np.float32), y_train)
    >>> for xb, yb in nb.data.DataLoader(train, batch_size=64, shuffle=True):
    ...     ...
"""

from .dataset import Dataset, Subset, TensorDataset, random_split
from .folding import fold_scaling
from .loader import DataLoader, default_collate, row_reader
from .ondisk import ChunkedDataset, ChunkedWriter, DatasetFileError, NpyDataset, open_npy, write_chunked
from .prefetch import Prefetcher
from .preprocessing import MinMaxScaler, NotFittedError, StandardScaler, one_hot
from .split import train_test_split

__all__ = [
    "ChunkedDataset",
    "ChunkedWriter",
    "DataLoader",
    "Dataset",
    "DatasetFileError",
    "MinMaxScaler",
    "NotFittedError",
    "NpyDataset",
    "Prefetcher",
    "StandardScaler",
    "Subset",
    "TensorDataset",
    "default_collate",
    "fold_scaling",
    "one_hot",
    "open_npy",
    "random_split",
    "row_reader",
    "train_test_split",
    "write_chunked",
]
