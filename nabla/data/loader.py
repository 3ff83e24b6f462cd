"""The DataLoader: a dataset served in mini-batches, shuffled afresh each epoch if asked.

For a :class:`~nabla.data.TensorDataset` (or a :class:`~nabla.data.Subset` of
one, as :func:`~nabla.data.random_split` makes) each batch is taken from the
underlying arrays with one fancy index, with no Python loop over samples; a
dataset on disk reads each batch in one call (``read_batch``), in a background
thread ahead of the training step; any other dataset is read sample by sample
and the samples are stacked.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Iterator

import numpy as np

from ..engine import random as _random
from ..engine.tensor import Tensor
from .dataset import Dataset, Subset, TensorDataset
from .prefetch import Prefetcher


def default_collate(samples: list, as_numpy: bool = False):
    """Stack a list of samples into one batch, field by field.

    A sample that is a tuple or list gives a tuple or list of batches, a dict
    gives a dict, strings stay a list; Tensors, arrays and numbers are stacked
    along a new first axis. Python floats become float64 and ints int64, as in
    ``torch.utils.data.default_collate``.

    Shape:
        - samples: B samples whose fields have shapes :math:`S_k`
        - output: fields of shapes :math:`(B, *S_k)`

    Example::

        >>> default_collate([(nb.tensor([1.0, 2.0]), 0), (nb.tensor([3.0, 4.0]), 1)])
        (tensor([[1., 2.],
                [3., 4.]]), tensor([0, 1]))
    """
    first = samples[0]
    if isinstance(first, (tuple, list)):
        if any(len(s) != len(first) for s in samples):
            raise ValueError("default_collate: the samples of a batch have different numbers of fields")
        fields = (default_collate([s[k] for s in samples], as_numpy) for k in range(len(first)))
        return tuple(fields) if isinstance(first, tuple) else list(fields)
    if isinstance(first, dict):
        return {key: default_collate([s[key] for s in samples], as_numpy) for key in first}
    if isinstance(first, str):
        return list(samples)
    arrays = [np.asarray(s._data if isinstance(s, Tensor) else s) for s in samples]
    try:
        batch = np.stack(arrays)
    except ValueError:
        shapes = sorted({a.shape for a in arrays})
        raise ValueError(
            f"default_collate: cannot stack samples of different shapes {shapes}; "
            "pad them to one shape or pass a collate_fn to the DataLoader"
        ) from None
    return batch if as_numpy else Tensor._make(batch)


def _fast_source(dataset) -> Callable[[np.ndarray], tuple[np.ndarray, ...]] | None:
    """A function reading a whole batch of rows at once, or None when samples must be read one by one.

    A TensorDataset's arrays are indexed with the batch's indices in one go; a dataset that reads
    batches itself (``read_batch``, as the datasets on disk do) is asked for them. Subsets in between
    map the indices. Subclasses that override ``__getitem__`` are read sample by sample (their
    samples may not be plain rows).
    """
    rows = None
    while isinstance(dataset, Subset) and type(dataset).__getitem__ is Subset.__getitem__:
        rows = dataset.indices if rows is None else dataset.indices[rows]
        dataset = dataset.dataset
    if isinstance(dataset, TensorDataset) and type(dataset).__getitem__ is TensorDataset.__getitem__:
        arrays = tuple(t._data for t in dataset.tensors)
        read = lambda index: tuple(a[index] for a in arrays)  # noqa: E731
    elif callable(getattr(dataset, "read_batch", None)):
        read = dataset.read_batch
    else:
        return None
    return read if rows is None else (lambda index: read(rows[index]))


def row_reader(dataset) -> Callable[[np.ndarray], tuple[np.ndarray, ...]]:
    """A function that reads the samples at an array of indices as one array per field, stacked.

    The DataLoader's way of reading a batch, for code that batches itself (``fit`` on a dataset):
    one fancy index into a TensorDataset's arrays, one ``read_batch`` call for a dataset on disk,
    else the samples one by one, stacked by :func:`default_collate`.

    Shape: indices ``(B,)`` give fields of shape ``(B, *S_k)``.
    """
    fast = _fast_source(dataset)
    if fast is not None:
        return fast

    def read(index: np.ndarray) -> tuple[np.ndarray, ...]:
        batch = default_collate([dataset[int(i)] for i in index], as_numpy=True) if len(index) else None
        if batch is None:
            raise ValueError("row_reader: this dataset reads samples one by one and cannot make an empty batch")
        return tuple(batch) if isinstance(batch, (tuple, list)) else (batch,)

    return read


class DataLoader:
    """Iterate over a dataset in mini-batches.

    Args:
        dataset: a :class:`~nabla.data.Dataset` or anything with ``__len__`` and
            ``__getitem__``.
        batch_size: samples per batch (default 1), a positive integer.
        shuffle: if True, a fresh random order at each epoch (each ``iter()``),
            drawn from nabla's generator when the iteration starts, so
            ``nb.manual_seed(s)`` makes the epochs reproducible.
        drop_last: drop the last batch when it has fewer than ``batch_size``
            samples (default False: keep it).
        collate_fn: a function from a list of samples to a batch; by default
            :func:`default_collate` (samples stacked field by field).
        as_numpy: yield NumPy arrays instead of Tensors (default collation only;
            the output of a ``collate_fn`` is yielded as it is).
        sampler: the indices to visit, in order (an iterable with a length), instead of
            ``range(len(dataset))`` or a shuffle; for instance a
            :class:`nabla.distributed.DistributedSampler` (each rank its shard). Exclusive
            with ``shuffle=True``, as in PyTorch.
        prefetch: batches read ahead in a background thread while the current one trains;
            default: 2 for a dataset read from disk (one with ``read_batch``, such as
            :class:`ChunkedDataset`), 0 (no thread) otherwise.

    A dataset that defines ``epoch_order(rng)`` (the datasets on disk) is shuffled in that order:
    chunks in a random order, rows shuffled within a window of chunks, so that a shuffled epoch
    reads each chunk once instead of rows from all over the file.

    Batches keep the dataset's dtypes: a float64 array gives float64 batches,
    so convert features with ``X.astype(np.float32)`` before making the
    dataset to train in float32. Integer labels stay int64.

    Shape:
        - dataset of fields :math:`(N, *S_k)`
        - each batch: a tuple of :math:`(B, *S_k)` with :math:`B` = ``batch_size``,
          except the last when N is not a multiple of it and ``drop_last`` is False
        - ``len(loader)``: ``ceil(N / B)``, or ``floor(N / B)`` with ``drop_last``

    Example::

        >>> X = np.random.default_rng(0).normal(size=(100, 3)).astype(np.float32)
        >>> y = np.arange(100) % 2
        >>> loader = nb.data.DataLoader(nb.data.TensorDataset(X, y), batch_size=32, shuffle=True)
        >>> len(loader), [xb.shape for xb, yb in loader]
        (4, [(32, 3), (32, 3), (32, 3), (4, 3)])
    """

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        collate_fn: Callable[[list], object] | None = None,
        as_numpy: bool = False,
        sampler: Iterable[int] | None = None,
        prefetch: int | None = None,
    ):
        if not (hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")):
            raise TypeError(
                f"DataLoader: the dataset must define __len__ and __getitem__, got {type(dataset).__name__}; "
                "wrap arrays in nb.data.TensorDataset(X, y)"
            )
        if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral):
            raise TypeError(f"DataLoader: batch_size must be a positive integer, got {batch_size!r}")
        if batch_size <= 0:
            raise ValueError(f"DataLoader: batch_size must be a positive integer, got {batch_size!r}")
        if collate_fn is not None and not callable(collate_fn):
            raise TypeError(f"DataLoader: collate_fn must be callable or None, got {collate_fn!r}")
        if sampler is not None:
            if shuffle:
                raise ValueError("DataLoader: sampler and shuffle=True are exclusive; the sampler decides the order")
            if not (hasattr(sampler, "__iter__") and hasattr(sampler, "__len__")):
                raise TypeError(f"DataLoader: sampler must be an iterable of indices with a length, got {sampler!r}")
        if prefetch is None:
            prefetch = 2 if callable(getattr(dataset, "read_batch", None)) else 0
        if isinstance(prefetch, bool) or not isinstance(prefetch, numbers.Integral) or prefetch < 0:
            raise ValueError(f"DataLoader: prefetch must be a number of batches >= 0, got {prefetch!r}")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.collate_fn = collate_fn
        self.as_numpy = bool(as_numpy)
        self.sampler = sampler
        self.prefetch = int(prefetch)

    def __len__(self) -> int:
        n = len(self.dataset) if self.sampler is None else len(self.sampler)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self) -> Iterator:
        # The order is drawn here, when iteration starts, rather than inside the
        # generator below, which would wait for the first next().
        n = len(self.dataset)
        if self.sampler is not None:
            order = np.fromiter(iter(self.sampler), dtype=np.int64, count=len(self.sampler))
        elif self.shuffle:
            rng = _random.generator()
            order = self.dataset.epoch_order(rng) if hasattr(self.dataset, "epoch_order") else rng.permutation(n)
        else:
            order = np.arange(n)
        batches = self._batches(order)
        return Prefetcher(batches, self.prefetch) if self.prefetch else batches

    def _batches(self, order: np.ndarray) -> Iterator:
        n, size = len(order), self.batch_size
        stop = n - n % size if self.drop_last else n
        source = _fast_source(self.dataset) if self.collate_fn is None else None
        for start in range(0, stop, size):
            index = order[start : start + size]
            if source is not None:
                batch = source(index)
                yield batch if self.as_numpy else tuple(Tensor._make(b) for b in batch)
            else:
                samples = [self.dataset[int(i)] for i in index]
                if self.collate_fn is None:
                    yield default_collate(samples, self.as_numpy)
                else:
                    yield self.collate_fn(samples)

    def __repr__(self) -> str:
        return (
            f"DataLoader({type(self.dataset).__name__} of {len(self.dataset)} samples, batch_size={self.batch_size}, "
            f"shuffle={self.shuffle}, drop_last={self.drop_last})"
        )
