"""``keras.utils.timeseries_dataset_from_array``: the same windows, targets, batches and dtypes as Keras 3's."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras as keras

DATA = np.arange(40, dtype=np.float32).reshape(20, 2)
TARGETS = np.arange(100, 118)


def _batches(dataset) -> list:
    return [tuple(np.asarray(part) for part in batch) if isinstance(batch, tuple) else (np.asarray(batch),)
            for batch in dataset]  # fmt: skip


@pytest.mark.parametrize(
    "targets, options",
    [
        (TARGETS, {"sequence_length": 4}),
        (TARGETS, {"sequence_length": 3, "sequence_stride": 2, "sampling_rate": 2, "batch_size": 2}),
        (TARGETS, {"sequence_length": 5, "start_index": 3, "end_index": 17, "batch_size": 4}),
        (None, {"sequence_length": 6, "batch_size": 5}),
        (TARGETS, {"sequence_length": 2, "batch_size": None}),
    ],
)
def test_the_batches_are_keras_s(targets, options):
    expected = _batches(keras_on_torch().utils.timeseries_dataset_from_array(DATA, targets, **options))
    result = _batches(keras.utils.timeseries_dataset_from_array(DATA, targets, **options))
    assert len(result) == len(expected)
    for ours, theirs in zip(result, expected):
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert a.dtype == b.dtype and np.array_equal(a, b)


def test_shuffled_windows_are_the_same_windows_and_seeded():
    make = lambda: keras.utils.timeseries_dataset_from_array(DATA, TARGETS, 3, shuffle=True, seed=1, batch_size=4)  # noqa: E731
    plain = _batches(keras.utils.timeseries_dataset_from_array(DATA, TARGETS, 3, batch_size=100))[0]
    first, again = _batches(make()), _batches(make())
    inputs = np.concatenate([b[0] for b in first])
    targets = np.concatenate([b[1] for b in first])
    assert all(np.array_equal(a[0], b[0]) for a, b in zip(first, again))
    assert not np.array_equal(targets, plain[1])
    order = np.argsort(targets)
    assert np.array_equal(inputs[order], plain[0]) and np.array_equal(targets[order], plain[1])


def test_it_reads_as_a_dataset_take_len_and_fit():
    dataset = keras.utils.timeseries_dataset_from_array(DATA, TARGETS.astype("float32"), 4, batch_size=8)
    assert len(dataset) == 3 and len(dataset.take(1)) == 1  # (a tf.data.Dataset: no indexing, as in Keras)
    inputs, targets = list(dataset)[-1]
    assert inputs.shape == (1, 4, 2) and targets.shape == (1,)
    model = keras.Sequential([keras.Input((4, 2)), keras.layers.Flatten(), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    assert len(model.fit(dataset, epochs=2, verbose=0).history["loss"]) == 2


def test_bad_windows_are_refused():
    with pytest.raises(ValueError, match="`sequence_length` must be a positive integer"):
        keras.utils.timeseries_dataset_from_array(DATA, None, 0)
    with pytest.raises(ValueError, match="`end_index` must be"):
        keras.utils.timeseries_dataset_from_array(DATA, None, 2, end_index=50)


@pytest.mark.parametrize("series", [[0, 1, 2, 3, 4, 5], [0.5, 1.0, 2.0, 3.0, 4.0, 5.0]])
def test_python_lists_get_tensorflow_dtypes(series):
    # Géron ch. 15: timeseries_dataset_from_array(my_series, targets=my_series[3:], ...) on a Python list gives
    # int32 windows with Keras on TensorFlow (its tf.data path converts with tf.convert_to_tensor)
    from conftest import require

    tf = require("tensorflow")
    theirs = tf.constant(series).dtype.as_numpy_dtype
    inputs, targets = next(iter(keras.utils.timeseries_dataset_from_array(series, series[3:], 3, batch_size=2)))
    assert inputs.numpy().dtype == theirs and targets.numpy().dtype == theirs
