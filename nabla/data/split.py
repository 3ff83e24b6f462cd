"""Train/test splits of arrays, with scikit-learn's ``train_test_split`` interface."""

from __future__ import annotations

import math
import numbers

import numpy as np

from ..engine import random as _random
from ..engine.tensor import Tensor


def _test_count(n: int, test_size: float | int) -> int:
    """How many of ``n`` samples go to the test set (scikit-learn's rule: a fraction is rounded up)."""
    if isinstance(test_size, bool) or not isinstance(test_size, numbers.Real):
        raise TypeError(f"train_test_split: test_size must be a fraction or an integer, got {test_size!r}")
    if isinstance(test_size, numbers.Integral):
        n_test = int(test_size)
        if not 1 <= n_test < n:
            raise ValueError(
                f"train_test_split: an integer test_size must lie in [1, {n - 1}] for {n} samples, got {test_size}"
            )
        return n_test
    if not 0 < test_size < 1:
        raise ValueError(f"train_test_split: a fractional test_size must lie strictly between 0 and 1, got {test_size}")
    # NOTE: 0.14 * 100 is 14.000000000000002 in floating point; rounding first
    # keeps ceil from turning it into 15 (scikit-learn's plain ceil would).
    n_test = math.ceil(round(test_size * n, 9))
    if n_test >= n:
        raise ValueError(
            f"train_test_split: with {n} samples and test_size={test_size} the training set would be empty; "
            "lower test_size or use more samples"
        )
    return n_test


def _stratified(labels: np.ndarray, n_test: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Train and test indices with each class split in (almost exactly) the overall proportion."""
    classes, y = np.unique(labels, axis=0 if labels.ndim > 1 else None, return_inverse=True)
    y = y.reshape(-1)
    counts = np.bincount(y)
    n = len(y)
    if counts.min() < 2:
        raise ValueError(
            f"train_test_split: class {classes[counts.argmin()]!r} of stratify has only 1 sample; "
            "every class needs at least 2 to appear in both sets"
        )
    if not len(classes) <= n_test <= n - len(classes):
        raise ValueError(
            f"train_test_split: with stratify, the test set ({n_test}) and the training set ({n - n_test}) "
            f"must each hold at least one sample per class ({len(classes)} classes)"
        )
    # Each class gives floor(count * n_test / n) samples to the test set; the
    # samples still missing go to the classes with the largest remainders.
    exact = counts * n_test / n
    n_class_test = np.floor(exact).astype(np.int64)
    missing = n_test - int(n_class_test.sum())
    n_class_test[np.argsort(n_class_test - exact, kind="stable")[:missing]] += 1
    train, test = [], []
    for c, k in enumerate(n_class_test):
        members = rng.permutation(np.flatnonzero(y == c))
        test.append(members[:k])
        train.append(members[k:])
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))


def _values(a, who: str) -> np.ndarray:
    values = a._data if isinstance(a, Tensor) else np.asarray(a)
    if values.ndim == 0:
        raise ValueError(f"train_test_split: {who} is a scalar; every array needs a first dimension (the samples)")
    return values


def _take(a, index: np.ndarray):
    """Rows ``index`` of ``a``, of the same kind: Tensor, NumPy array or list."""
    if isinstance(a, (Tensor, np.ndarray)):
        return a[index]
    if isinstance(a, (list, tuple)):
        return [a[i] for i in index]
    return np.asarray(a)[index]


def train_test_split(
    *arrays,
    test_size: float | int = 0.25,
    stratify=None,
    seed: int | None = None,
    shuffle: bool = True,
) -> list:
    """Split arrays into random train and test subsets, the same rows for each array.

    Args:
        *arrays: Tensors, NumPy arrays or lists with the same first dimension N.
        test_size: a fraction in (0, 1), rounded up to a number of samples
            (``ceil(test_size * N)``), or an integer number of test samples.
        stratify: class labels of shape (N,) (or (N, K) rows, such as one-hot
            labels); each class is then split in the same proportion, within
            one sample. Needs ``shuffle=True``.
        seed: seed of a private generator for this split; by default the draw
            comes from nabla's generator, so ``nb.manual_seed`` fixes it.
        shuffle: shuffle before splitting (default True); if False the first
            ``N - n_test`` rows are the training set and the rest the test set.

    Returns:
        A list ``[a_train, a_test, b_train, b_test, ...]``, each of the same
        kind as its input (a list input gives lists).

    Shape:
        - arrays[k]: :math:`(N, *S_k)`
        - outputs: :math:`(N - n_{test}, *S_k)` and :math:`(n_{test}, *S_k)`

    Example::

        >>> X, y = np.arange(20).reshape(10, 2), np.array([0, 1] * 5)
        >>> X_train, X_test, y_train, y_test = nb.data.train_test_split(X, y, test_size=0.2, stratify=y, seed=0)
        >>> X_train.shape, X_test.shape, np.sort(y_test)
        ((8, 2), (2, 2), array([0, 1]))
    """
    if not arrays:
        raise ValueError("train_test_split: pass at least one array")
    lengths = [len(_values(a, f"array {k}")) for k, a in enumerate(arrays)]
    if len(set(lengths)) > 1:
        raise ValueError(f"train_test_split: all arrays must have the same first dimension, got lengths {lengths}")
    n = lengths[0]
    n_test = _test_count(n, test_size)
    rng = _random.generator() if seed is None else np.random.default_rng(seed)
    if not shuffle:
        if stratify is not None:
            raise ValueError("train_test_split: stratify needs shuffle=True")
        train, test = np.arange(n - n_test), np.arange(n - n_test, n)
    elif stratify is not None:
        labels = _values(stratify, "stratify")
        if len(labels) != n:
            raise ValueError(f"train_test_split: stratify has {len(labels)} labels but the arrays have {n} samples")
        train, test = _stratified(labels, n_test, rng)
    else:
        order = rng.permutation(n)
        test, train = order[:n_test], order[n_test:]
    return [part for a in arrays for part in (_take(a, train), _take(a, test))]
