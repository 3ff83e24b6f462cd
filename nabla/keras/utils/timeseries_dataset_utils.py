"""``keras.utils.timeseries_dataset_from_array``: sliding windows over a series, in batches of (inputs, targets), as
a ``tf.data.Dataset`` (Keras 3's)."""

from __future__ import annotations

import numpy as np

from .._engine import random as nabla_random
from .tf_data import data as tf_data


def timeseries_dataset_from_array(data, targets, sequence_length: int, sequence_stride: int = 1,
                                  sampling_rate: int = 1, batch_size: int | None = 128, shuffle: bool = False,
                                  seed: int | None = None, start_index: int | None = None,
                                  end_index: int | None = None):  # fmt: skip
    """Windows of ``sequence_length`` steps of ``data`` (each ``sampling_rate`` apart), one every
    ``sequence_stride`` steps, from ``data[start_index:end_index]``; window ``i`` starting at step ``s`` has
    target ``targets[s]`` (Keras 3's rules). ``targets=None`` gives windows alone.

    Returns a ``tf.data.Dataset`` (``nabla.tf.data``'s, see :mod:`~nabla.keras.utils.tf_data`) whose elements are
    ``(inputs, targets)`` batches of ``tf.Tensor`` (``inputs`` alone when there are no targets), its
    ``element_spec`` TensorFlow's: ``(None, sequence_length, ...)`` for the inputs, the batch axis unknown.
    ``batch_size=None`` gives one window at a time. ``fit``, ``evaluate`` and ``predict`` take it, and every
    ``tf.data`` step chains onto it (``unbatch``, ``map``, ``filter``...); as any ``tf.data.Dataset`` it has no
    ``len()`` or indexing (``cardinality()`` counts the batches).

    With ``shuffle``, as in Keras: the start positions are permuted by ``np.random.default_rng(seed)`` (nabla's
    generator when ``seed`` is None), then the windows pass through a shuffle buffer of ``8 * batch_size`` with
    ``seed``, which reshuffles at each pass. The buffer draws from nabla's generator, not TensorFlow's: the
    batches hold Keras's windows, in another order.

    Example:
        >>> ds = keras.utils.timeseries_dataset_from_array(np.arange(10), None, sequence_length=3, batch_size=2)
        >>> next(iter(ds)).numpy().tolist()
        [[0, 1, 2], [1, 2, 3]]
    """
    data = _as_array(data)
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
        targets = _as_array(targets)
        count = min(count, len(targets))
    starts = np.arange(0, max(count, 0), sequence_stride)
    if shuffle:
        (nabla_random.generator() if seed is None else np.random.default_rng(seed)).shuffle(starts)
    tf_data_module = tf_data()
    positions = tf_data_module.Dataset.from_tensor_slices(start + starts)
    if shuffle:
        positions = positions.shuffle(buffer_size=(batch_size or 1) * 8, seed=seed)
    if batch_size is not None:
        positions = positions.batch(batch_size)
    windows = _Windows(data, targets, np.arange(sequence_length) * sampling_rate)
    # Keras's element_spec: the window axis unknown too (TensorFlow cannot tell a tf.range's length), which the
    # time-series tutorial's set_shape(...) then states.
    batch = () if batch_size is None else (None,)
    types, shapes = data.dtype, batch + (None,) + data.shape[1:]
    if targets is not None:
        types, shapes = (types, targets.dtype), (shapes, batch + targets.shape[1:])
    batches = lambda: map(windows, positions.as_numpy_iterator())  # noqa: E731  (a new pass at each call)
    dataset = tf_data_module.Dataset.from_generator(batches, output_types=types, output_shapes=shapes)
    return dataset.apply(tf_data_module.experimental.assert_cardinality(len(positions)))


def _as_array(values) -> np.ndarray:
    """``values`` as an array; Python lists with TensorFlow's dtypes (int32, float32), which Keras's tf.data path
    gives them (``tf.convert_to_tensor``); arrays, Series and DataFrames keep theirs."""
    array = np.asarray(values)
    if isinstance(values, (list, tuple)):
        if array.dtype == np.float64:
            return array.astype(np.float32)
        if (
            array.dtype == np.int64
            and array.size
            and np.iinfo(np.int32).min <= array.min() <= array.max() <= np.iinfo(np.int32).max
        ):
            return array.astype(np.int32)
    return array


class _Windows:
    """The map from start positions (a batch of them, or one) to ``(windows, targets)``: one gather per batch."""

    def __init__(self, data: np.ndarray, targets: np.ndarray | None, offsets: np.ndarray):
        self.data, self.targets, self.offsets = data, targets, offsets

    def __call__(self, starts: np.ndarray):
        inputs = self.data[starts[..., None] + self.offsets]
        return inputs if self.targets is None else (inputs, self.targets[starts])
