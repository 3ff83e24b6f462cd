"""``DistributedSampler``: each rank its own shard of a dataset, with PyTorch's semantics.

Every rank draws the same order (from ``seed + epoch``, not from nabla's global generator, so the
ranks agree whatever else they drew), then rank r takes every N-th index starting at r. The shards
are disjoint and of equal size, so every rank runs the same number of batches; equal sizes come
from padding (the order is extended by repeating its beginning, so a few samples are seen twice per
epoch) or, with ``drop_last=True``, from dropping the last ``len(dataset) % N`` samples of the order.

Striding (rather than cutting the order into N blocks) has a useful property: the k-th batches of
the N ranks together are one contiguous block of the order, so N ranks with batch size b see the
batches one process with batch size ``N b`` would see.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from .world import rank as _rank
from .world import size as _size

__all__ = ["DistributedSampler"]


class DistributedSampler:
    """The indices of this rank's shard of ``dataset``, for ``nb.data.DataLoader(..., sampler=...)``.

    Args:
        dataset: anything with ``len()``. A dataset read from disk in chunks
            (:class:`nabla.data.ChunkedDataset`) is shuffled its own way (chunks, then rows within a
            buffer; see its ``epoch_order``), so that shards still read whole chunks.
        num_replicas: the number of shards; default :func:`nabla.distributed.size`.
        rank: which shard; default :func:`nabla.distributed.rank`.
        shuffle: a new order each epoch (default True); else the dataset's order.
        seed: the seed of the order, the same on every rank (default 0).
        drop_last: drop the tail of the order to make the shards equal, rather than pad them.

    Call :meth:`set_epoch` at the start of each epoch, as in PyTorch: otherwise every epoch has
    the same order.

    Shape:
        ``len(sampler)``: ``ceil(n / N)``, or ``floor(n / N)`` with ``drop_last``, for n samples.

    Example::

        >>> sampler = dist.DistributedSampler(train, shuffle=True, seed=0)
        >>> loader = nb.data.DataLoader(train, batch_size=64, sampler=sampler)
        >>> for epoch in range(epochs):
        ...     sampler.set_epoch(epoch)
        ...     for xb, yb in loader:
        ...         ...

    The orders come from NumPy's ``default_rng(seed + epoch)``, so they differ from PyTorch's
    ``randperm`` for the same seed; the semantics (padding, striding, ``set_epoch``) are PyTorch's.
    """

    def __init__(
        self,
        dataset,
        num_replicas: int | None = None,
        rank: int | None = None,
        shuffle: bool = True,
        seed: int = 0,
        drop_last: bool = False,
    ):
        if not hasattr(dataset, "__len__"):
            raise TypeError(f"DistributedSampler: the dataset must have a length, got {type(dataset).__name__}")
        num_replicas = _size() if num_replicas is None else num_replicas
        rank = _rank() if rank is None else rank
        for value, what in ((num_replicas, "num_replicas"), (rank, "rank"), (seed, "seed")):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                raise TypeError(f"DistributedSampler: {what} must be an integer, got {value!r}")
        if num_replicas < 1:
            raise ValueError(f"DistributedSampler: num_replicas must be >= 1, got {num_replicas}")
        if not 0 <= rank < num_replicas:
            raise ValueError(f"DistributedSampler: rank must be in [0, {num_replicas}), got {rank}")
        self.dataset = dataset
        self.num_replicas, self.rank, self.seed = int(num_replicas), int(rank), int(seed)
        self.shuffle, self.drop_last = bool(shuffle), bool(drop_last)
        self.epoch = 0

    @property
    def num_samples(self) -> int:
        n = len(self.dataset)
        return n // self.num_replicas if self.drop_last else math.ceil(n / self.num_replicas)

    def set_epoch(self, epoch: int) -> None:
        """Use the order of ``epoch`` (the seed is ``seed + epoch``), the same on every rank."""
        self.epoch = int(epoch)

    def indices(self) -> np.ndarray:
        """This rank's indices for the current epoch, as an int64 array of length ``len(self)``."""
        n = len(self.dataset)
        if not self.shuffle:
            order = np.arange(n)
        else:
            rng = np.random.default_rng(self.seed + self.epoch)
            order = self.dataset.epoch_order(rng) if hasattr(self.dataset, "epoch_order") else rng.permutation(n)
        total = self.num_samples * self.num_replicas
        if total > n:  # pad by repeating the order's beginning (more than once if n < num_replicas)
            order = np.resize(order, total) if n else order
        return np.asarray(order[self.rank : total : self.num_replicas], dtype=np.int64)

    def __iter__(self) -> Iterator[int]:
        return iter(self.indices().tolist())

    def __len__(self) -> int:
        return self.num_samples

    def __repr__(self) -> str:
        return (
            f"DistributedSampler(rank {self.rank} of {self.num_replicas}, {len(self)} of {len(self.dataset)} "
            f"samples, shuffle={self.shuffle}, seed={self.seed}, epoch={self.epoch}, drop_last={self.drop_last})"
        )
