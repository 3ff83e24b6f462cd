"""``Dataset.window`` against TensorFlow 2.21: the windows' elements, counts and specs, the way the time-series
labs (DLAI's "Sequences, Time Series and Prediction") use it: windows flattened with ``flat_map``, split
into (inputs, label) with ``map``, shuffled and batched."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require
from data_parity import same_pipeline

import nabla.tf as ntf

SERIES = np.sin(np.arange(50, dtype=np.float32) / 4) * 10


@pytest.fixture(scope="module")
def tensorflow():
    return require("tensorflow")


def windows(tf, **options):
    """Each window's elements as lists of ints, and the windowed dataset's count."""
    ds = tf.data.Dataset.range(10).window(**options)
    return int(ds.cardinality()), [[int(v) for v in window] for window in ds]


OPTIONS = [
    {"size": 5, "shift": 1},
    {"size": 5, "shift": 1, "drop_remainder": True},
    {"size": 3},
    {"size": 3, "shift": 4, "stride": 2},
    {"size": 2, "shift": 5},  # (elements between the windows are skipped)
    {"size": 2, "shift": 3, "stride": 3, "drop_remainder": True},
    {"size": 4, "shift": 2, "stride": 2},
    {"size": 12, "drop_remainder": True},  # (no window is whole: none)
]


@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_windows_as_tensorflow(tensorflow, options):
    assert windows(ntf, **options) == windows(tensorflow, **options)


PIPELINES = {
    # the time-series labs' windowed_dataset (less the shuffle, whose order is TensorFlow's generator's)
    "windowed_dataset": lambda tf: (
        tf.data.Dataset.from_tensor_slices(SERIES)
        .window(11, shift=1, drop_remainder=True)
        .flat_map(lambda window: window.batch(11))
        .map(lambda window: (window[:-1], window[-1]))
        .batch(8)
    ),
    "forecast": lambda tf: (  # model_forecast: windows of a (T, 1) series
        tf.data.Dataset.from_tensor_slices(SERIES[:, None])
        .window(10, shift=1, drop_remainder=True)
        .flat_map(lambda w: w.batch(10))
        .batch(16)
    ),
    "pairs": lambda tf: (  # a window of (x, y) elements is (x-window, y-window)
        tf.data.Dataset.from_tensor_slices((np.arange(9), np.arange(9) * 10))
        .window(3, 2)
        .flat_map(lambda x, y: tf.data.Dataset.zip((x.batch(3), y.batch(3))))
    ),
    "windows of windows": lambda tf: (  # Géron's chapter 15: seq2seq targets from windows of windows
        tf.data.Dataset.from_tensor_slices(SERIES.reshape(25, 2))
        .window(4, shift=1, drop_remainder=True)
        .flat_map(lambda w: w.batch(4))
        .window(5, shift=1, drop_remainder=True)
        .flat_map(lambda w: w.batch(5))
        .map(lambda s: (s[:, 0], s[:, 1:, 1]))
        .batch(3)
    ),
    "dict": lambda tf: (
        tf.data.Dataset.from_tensor_slices({"a": np.arange(6.0), "b": np.arange(6)})
        .window(4, 1, drop_remainder=True)
        .flat_map(lambda d: tf.data.Dataset.zip({"a": d["a"].batch(4), "b": d["b"].batch(4)}))
    ),
}


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_window_pipelines_as_tensorflow(tensorflow, name):
    same_pipeline(PIPELINES[name](ntf), PIPELINES[name](tensorflow))


def test_a_window_is_a_dataset_with_tensorflow_s_spec(tensorflow):
    for tf in (ntf, tensorflow):
        ds = tf.data.Dataset.from_tensor_slices((np.arange(6, dtype=np.int32), SERIES[:6])).window(4, 2)
        x, y = next(iter(ds))
        assert isinstance(x, tf.data.Dataset) and isinstance(y, tf.data.Dataset)
    ours = ntf.data.Dataset.from_tensor_slices((np.arange(6, dtype=np.int32), SERIES[:6])).window(4, 2)
    theirs = tensorflow.data.Dataset.from_tensor_slices((np.arange(6, dtype=np.int32), SERIES[:6])).window(4, 2)
    assert repr(ours) == repr(theirs)  # <_WindowDataset element_spec=(DatasetSpec(TensorSpec(...
    for make in (
        lambda tf: tf.data.Dataset.range(5).repeat(),
        lambda tf: tf.data.Dataset.range(5).filter(lambda n: n >= 0),
    ):
        assert int(make(ntf).window(2).cardinality()) == int(make(tensorflow).window(2).cardinality())


def test_a_window_of_an_infinite_dataset_reads_what_it_needs():
    ds = ntf.data.Dataset.range(3).repeat().window(4, shift=3).flat_map(lambda w: w.batch(4)).take(2)
    assert [list(b) for b in ds.as_numpy_iterator()] == [[0, 1, 2, 0], [0, 1, 2, 0]]


@pytest.mark.parametrize("option, value", [("size", 0), ("shift", 0), ("stride", -1)])
def test_sizes_must_be_positive(option, value):
    options = {"size": 2, option: value}
    with pytest.raises(ntf.errors.InvalidArgumentError, match=f"Window {option} must be greater than zero"):
        ntf.data.Dataset.range(4).window(**options)
