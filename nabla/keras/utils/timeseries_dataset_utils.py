"""``keras.utils.timeseries_dataset_from_array``: sliding windows over a series, in batches of (inputs, targets)."""

from __future__ import annotations

import math

import numpy as np

from .._engine import Tensor
from .._engine import random as nabla_random
from .py_dataset import IndexedBatches


class TimeseriesDataset(IndexedBatches):
    """The batches of :func:`timeseries_dataset_from_array`: iterate over it, index it, or pass it to ``fit``.

    Each batch is ``(inputs, targets)`` as nabla tensors (``inputs`` alone when there are no targets);
    ``len()`` is the number of batches; ``take(n)`` the first ``n`` batches, as ``tf.data.Dataset.take``.
    """

    def __init__(self, data: np.ndarray, targets: np.ndarray | None, windows: np.ndarray, starts: np.ndarray,
                 batch_size: int | None):  # fmt: skip
        super().__init__()
        self._data, self._targets, self._windows, self._starts = data, targets, windows, starts
        self._batch_size = batch_size

    def __len__(self) -> int:
        if self._batch_size is None:
            return len(self._windows)
        return math.ceil(len(self._windows) / self._batch_size)

    def __getitem__(self, index: int):
        if not -len(self) <= index < len(self):
            raise IndexError(f"batch {index} of a dataset of {len(self)} batches")
        index %= len(self)
        if self._batch_size is None:  # unbatched: one window at a time
            part = slice(index, index + 1)
        else:
            part = slice(index * self._batch_size, (index + 1) * self._batch_size)
        inputs = self._data[self._windows[part]]
        targets = None if self._targets is None else self._targets[self._starts[part]]
        if self._batch_size is None:
            inputs, targets = inputs[0], None if targets is None else targets[0]
        if targets is None:
            return Tensor._make(inputs)
        return Tensor._make(inputs), Tensor._make(np.asarray(targets))


def timeseries_dataset_from_array(data, targets, sequence_length: int, sequence_stride: int = 1,
                                  sampling_rate: int = 1, batch_size: int | None = 128, shuffle: bool = False,
                                  seed: int | None = None, start_index: int | None = None,
                                  end_index: int | None = None) -> TimeseriesDataset:  # fmt: skip
    """Windows of ``sequence_length`` steps of ``data`` (each ``sampling_rate`` apart), one every
    ``sequence_stride`` steps, from ``data[start_index:end_index]``; window ``i`` starting at step ``s`` has
    target ``targets[s]`` (Keras 3's rules). ``targets=None`` gives windows alone.

    With ``shuffle`` the windows come in a random order (``np.random.default_rng(seed)``, or nabla's
    generator when ``seed`` is None). ``batch_size=None`` gives one window at a time.

    Deliberate difference: Keras returns a ``tf.data.Dataset``; nabla returns a :class:`TimeseriesDataset`
    (a ``keras.utils.PyDataset``) with the same batches, which ``for inputs, targets in dataset:``,
    ``dataset.take(1)`` and ``model.fit(dataset)`` read. Shuffled, the order is nabla's, not Keras's.

    Example:
        >>> ds = keras.utils.timeseries_dataset_from_array(np.arange(10), None, sequence_length=3, batch_size=2)
        >>> ds[0].numpy().tolist()
        [[0, 1, 2], [1, 2, 3]]
    """
    data = np.asarray(data)
    for name, value, least in (("sequence_length", sequence_length, 1), ("sequence_stride", sequence_stride, 1),
                               ("sampling_rate", sampling_rate, 1)):  # fmt: skip
        if not isinstance(value, (int, np.integer)) or value < least:
            raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value}")
    if batch_size is not None and (not isinstance(batch_size, (int, np.integer)) or batch_size < 1):
        raise ValueError(f"`batch_size` must be a positive integer or None. Received: batch_size={batch_size}")
    start = 0 if start_index is None else start_index
    end = len(data) if end_index is None else end_index
    if not 0 <= start < len(data):
        raise ValueError(f"`start_index` must be 0 <= start_index < len(data). Received: start_index={start_index}")
    if not start < end <= len(data):
        raise ValueError(f"`end_index` must be start_index < end_index <= len(data). Received: end_index={end_index}")
    count = end - start - (sequence_length - 1) * sampling_rate
    if targets is not None:
        targets = np.asarray(targets)
        count = min(count, len(targets))
    starts = np.arange(0, max(count, 0), sequence_stride)
    if shuffle:
        (nabla_random.generator() if seed is None else np.random.default_rng(seed)).shuffle(starts)
    windows = start + starts[:, None] + np.arange(sequence_length) * sampling_rate
    return TimeseriesDataset(data, targets, windows.reshape(len(starts), sequence_length), start + starts, batch_size)
