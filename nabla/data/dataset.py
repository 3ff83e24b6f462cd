"""Datasets: collections of samples that can be indexed, with PyTorch's names and semantics.

A dataset answers two questions: ``len(dataset)`` (how many samples) and
``dataset[i]`` (the i-th sample, usually a tuple ``(features, label)``).
:class:`TensorDataset` wraps arrays that share their first dimension,
:class:`Subset` views some of another dataset's samples, and
:func:`random_split` cuts a dataset into random, disjoint subsets.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np

from ..engine import random as _random
from ..engine.tensor import Tensor


class Dataset:
    """The base class of datasets: ``dataset[i]`` is the i-th sample, ``len(dataset)`` their number.

    Subclass it and define both methods; a :class:`~nabla.data.DataLoader`
    then batches the samples.

    Example::

        >>> class Squares(nb.data.Dataset):
        ...     def __len__(self):
        ...         return 10
        ...     def __getitem__(self, i):
        ...         return nb.tensor([float(i)]), nb.tensor([float(i * i)])
        >>> len(Squares()), Squares()[3]
        (10, (tensor([3.]), tensor([9.])))
    """

    def __getitem__(self, index: int):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__(index) to return one sample")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define __len__() to return the number of samples")


class TensorDataset(Dataset):
    """Samples made of the rows of several arrays: ``dataset[i] == (tensors[0][i], tensors[1][i], ...)``.

    Args:
        *tensors: Tensors or NumPy arrays with the same first dimension N
            (the number of samples), typically the features and the labels.
            They are kept without a copy and with their dtype: float64 arrays
            give float64 batches, so convert them with ``X.astype(np.float32)``
            to train in float32; int64 labels stay int64. A Tensor is kept
            detached from its graph.

    Shape:
        - ``tensors[k]``: :math:`(N, *S_k)`
        - ``dataset[i]``: a tuple of Tensors of shapes :math:`S_k`

    Attributes:
        tensors: the fields, as Tensors sharing memory with the arguments.

    Example::

        >>> X = np.zeros((100, 3), dtype=np.float32)
        >>> y = np.arange(100)
        >>> ds = nb.data.TensorDataset(X, y)
        >>> len(ds), ds[5][1]
        (100, tensor(5))
    """

    def __init__(self, *tensors: Tensor | np.ndarray):
        if not tensors:
            raise ValueError("TensorDataset needs at least one Tensor or NumPy array, got none")
        fields = []
        for k, t in enumerate(tensors):
            if isinstance(t, Tensor):
                t = t.detach()
            elif isinstance(t, np.ndarray):
                t = Tensor._make(t)
            else:
                raise TypeError(
                    f"TensorDataset: argument {k} must be a Tensor or a NumPy array, got {type(t).__name__}; "
                    "convert it with np.asarray(...) or nb.tensor(...)"
                )
            if t.ndim == 0:
                raise ValueError(
                    f"TensorDataset: argument {k} is 0-d; each field needs a first dimension (the samples)"
                )
            fields.append(t)
        if len({t.shape[0] for t in fields}) > 1:
            shapes = ", ".join(str(t.shape) for t in fields)
            raise ValueError(
                f"TensorDataset: all tensors must have the same first dimension (the number of samples), "
                f"got shapes {shapes}"
            )
        self.tensors: tuple[Tensor, ...] = tuple(fields)

    def __getitem__(self, index) -> tuple[Tensor, ...]:
        # NOTE: np.asarray because indexing a 1-D array with an int gives a NumPy scalar, not an array.
        return tuple(Tensor._make(np.asarray(t._data[index])) for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]

    def __repr__(self) -> str:
        shapes = ", ".join(f"{t.shape} {t.dtype}" for t in self.tensors)
        return f"TensorDataset({shapes})"


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``: ``subset[k] == dataset[indices[k]]``.

    Args:
        dataset: the dataset to draw from (not copied).
        indices: integer positions in ``dataset``, each in ``[0, len(dataset))``;
            stored as an int64 NumPy array.

    Example::

        >>> ds = nb.data.TensorDataset(np.arange(10))
        >>> sub = nb.data.Subset(ds, [7, 2])
        >>> len(sub), sub[0]
        (2, (tensor(7),))
    """

    def __init__(self, dataset: Dataset, indices: Sequence[int] | np.ndarray):
        idx = indices._data if isinstance(indices, Tensor) else np.asarray(indices)
        if idx.size == 0:
            idx = idx.astype(np.int64).reshape(0)
        if idx.ndim != 1 or idx.dtype.kind not in "iu":
            raise TypeError(f"Subset: indices must be a 1-D sequence of integers, got {idx.dtype} of shape {idx.shape}")
        n = len(dataset)
        if idx.size and (idx.min() < 0 or idx.max() >= n):
            raise IndexError(
                f"Subset: indices must lie in [0, {n}) for a dataset of {n} samples, "
                f"got values from {idx.min()} to {idx.max()}"
            )
        self.dataset = dataset
        self.indices: np.ndarray = idx.astype(np.int64, copy=False)

    def __getitem__(self, index):
        i = self.indices[index]
        return self.dataset[int(i) if np.ndim(i) == 0 else i]

    def __len__(self) -> int:
        return len(self.indices)

    def __repr__(self) -> str:
        return f"Subset({len(self)} of {len(self.dataset)} samples of {type(self.dataset).__name__})"


def _split_lengths(lengths: Sequence[int | float], n: int) -> list[int]:
    """Integer lengths, or fractions turned into lengths the way PyTorch does."""
    lengths = list(lengths)
    if not lengths:
        raise ValueError("random_split: lengths is empty; pass at least one length or fraction")
    if all(isinstance(x, numbers.Integral) and not isinstance(x, bool) for x in lengths):
        counts = [int(x) for x in lengths]
        if min(counts) < 0:
            raise ValueError(f"random_split: lengths must be non-negative, got {lengths}")
    elif all(isinstance(x, numbers.Real) and not isinstance(x, bool) for x in lengths):
        if min(lengths) < 0 or max(lengths) > 1 or not math.isclose(sum(lengths), 1.0, abs_tol=1e-6):
            raise ValueError(
                f"random_split: fractions must lie in [0, 1] and sum to 1, got {lengths} (sum {sum(lengths)}); "
                "or pass integer lengths"
            )
        # PyTorch's rule: floor(n * fraction) each, then the remaining samples
        # go one at a time to the subsets in order.
        counts = [math.floor(n * x) for x in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
    else:
        raise TypeError(f"random_split: lengths must be all integers or all fractions, got {lengths}")
    if sum(counts) != n:
        raise ValueError(
            f"random_split: the lengths {lengths} sum to {sum(counts)}, but the dataset has {n} samples; "
            f"pass integers that sum to {n} or fractions that sum to 1"
        )
    return counts


def random_split(dataset: Dataset, lengths: Sequence[int | float], seed: int | None = None) -> list[Subset]:
    """Cut ``dataset`` into disjoint random subsets of the given lengths.

    Args:
        dataset: the dataset to split.
        lengths: integers that sum to ``len(dataset)``, or fractions that sum
            to 1; fractions become ``floor(n * fraction)`` samples, and the
            ones left over go one each to the first subsets (as in PyTorch).
        seed: seed of a private generator for this split alone; by default the
            draw comes from nabla's generator, so ``nb.manual_seed`` fixes it.

    Returns:
        A list of :class:`Subset`, one per length, that together hold every
        sample exactly once.

    Example::

        >>> ds = nb.data.TensorDataset(np.arange(10))
        >>> train, val = nb.data.random_split(ds, [0.8, 0.2], seed=0)
        >>> len(train), len(val)
        (8, 2)
    """
    n = len(dataset)
    counts = _split_lengths(lengths, n)
    rng = _random.generator() if seed is None else np.random.default_rng(seed)
    order = rng.permutation(n)
    ends = np.cumsum(counts)
    return [Subset(dataset, order[end - count : end]) for end, count in zip(ends, counts)]
