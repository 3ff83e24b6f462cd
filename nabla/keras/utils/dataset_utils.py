"""``keras.utils.split_dataset``: arrays split in two (train / validation), by fraction or by count."""

from __future__ import annotations

import builtins

import numpy as np

from .._engine import random as nabla_random


def split_dataset(dataset, left_size=None, right_size=None, shuffle: bool = False, seed: int | None = None,
                  preferred_backend=None):  # fmt: skip
    """Split a NumPy array, or a tuple / list / dict of arrays of one length, into a left and a right part.

    Keras's size rules: ``left_size`` and ``right_size`` are each a fraction in (0, 1) (rounded to a count
    of samples), a count of samples, or None for the rest of the data (at least one is given, neither part
    may be empty, and together they may be fewer than all samples: the ones between are left out). Without
    ``shuffle`` the left part is the first samples, the right part the last ones; with ``shuffle``
    the samples are permuted first, by ``np.random.default_rng(seed)``, or nabla's generator when ``seed``
    is None (so ``keras.utils.set_random_seed`` fixes it).

    Deliberate difference: Keras returns two ``tf.data.Dataset`` (or torch datasets); nabla returns the two
    parts in the structure given, as NumPy arrays, ready for ``fit``::

        (x_train, y_train), (x_val, y_val) = keras.utils.split_dataset((x, y), left_size=0.8)

    ``preferred_backend`` is accepted for Keras's signature and unused.
    """
    if isinstance(dataset, dict):
        columns = {key: np.asarray(value) for key, value in dataset.items()}
    elif isinstance(dataset, (tuple, list)):
        columns = dict(enumerate(np.asarray(value) for value in dataset))
    else:
        columns = {None: np.asarray(dataset)}
    lengths = {len(a) for a in columns.values() if a.ndim > 0}
    if len(lengths) != 1 or any(a.ndim == 0 for a in columns.values()):
        raise ValueError(f"split_dataset: expected arrays of one length (samples first), got lengths {sorted(lengths)}")
    total = lengths.pop()
    left, right = _sizes(left_size, right_size, total)
    order = np.arange(total)
    if shuffle:
        order = (nabla_random.generator() if seed is None else np.random.default_rng(seed)).permutation(total)
    parts = [{key: a[order[:left]] for key, a in columns.items()},
             {key: a[order[total - right :]] for key, a in columns.items()}]  # fmt: skip
    if isinstance(dataset, dict):
        return tuple(parts)
    if isinstance(dataset, (tuple, list)):
        return tuple(type(dataset)(part.values()) for part in parts)
    return tuple(part[None] for part in parts)


def _size(size, total: int, side: str) -> int | None:
    """A count of samples from a fraction or a count (Keras's checks and messages)."""
    if size is None:
        return None
    if isinstance(size, builtins.bool) or type(size) not in (int, float):
        raise TypeError(f"Invalid `{side}_size` Type. Expected: int or float or None, Received: "
                        f"type({side}_size)={type(size)}.")  # fmt: skip
    if (isinstance(size, int) and not 0 < size < total) or (isinstance(size, float) and not 0 < size < 1):
        raise ValueError(f"`{side}_size` should be either a positive integer smaller than {total}, or a float "
                         f"within the range `[0, 1]`. Received: {side}_size={size}")  # fmt: skip
    return round(size * total) if isinstance(size, float) else size


def _sizes(left_size, right_size, total: int) -> tuple[int, int]:
    if left_size is None and right_size is None:
        raise ValueError("At least one of the `left_size` or `right_size` must be specified. "
                         "Received: left_size=None and right_size=None")  # fmt: skip
    if isinstance(left_size, float) and isinstance(right_size, float) and left_size + right_size > 1:
        raise ValueError("The sum of `left_size` and `right_size` is greater than 1. It must be less than or equal "
                         "to 1.")  # fmt: skip
    left, right = _size(left_size, total, "left"), _size(right_size, total, "right")
    left = total - right if left is None else left
    right = total - left if right is None else right
    if left + right > total:
        raise ValueError(f"The sum of `left_size` and `right_size` should be smaller than the {total}. "
                         f"Received: left_size + right_size = {left + right}and total_length = {total}")  # fmt: skip
    for split, side in ((left, "left"), (right, "right")):
        if split == 0:
            raise ValueError(f"With `dataset` of length={total}, `left_size`={left} and `right_size`={right}."
                             f"Resulting {side} side dataset split will be empty. Adjust any of the aforementioned "
                             "parameters")  # fmt: skip
    return left, right
