"""tf.data pipelines give TensorFlow's elements, in TensorFlow's order, with its specs and counts: each
pipeline below is built with the same code on nabla.tf and on TensorFlow 2.21, and compared element by
element (values, dtypes, nesting), with ``element_spec``, ``cardinality()`` and the class name ``repr``
shows."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require
from data_parity import same_pipeline

import nabla.tf as ntf

RNG = np.random.default_rng(0)
X = RNG.integers(0, 256, (10, 3, 2)).astype(np.uint8)  # ten tiny "images"
Y = RNG.integers(0, 5, 10).astype(np.int64)
F = RNG.standard_normal((10, 4))  # float64, which from_tensor_slices keeps

PIPELINES = {
    "slices of a tuple": lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)),
    "batch": lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).batch(4),
    "batch, drop_remainder": lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).batch(4, drop_remainder=True),
    "slices of a dict": lambda tf: tf.data.Dataset.from_tensor_slices({"label": Y, "image": X}).batch(3),
    "slices of Python lists": lambda tf: tf.data.Dataset.from_tensor_slices(([[1.5, 2.0], [3.0, 4.0]], [1, 2])),
    "a list is one tensor": lambda tf: tf.data.Dataset.from_tensor_slices([[1, 2], [3, 4], [5, 6]]),
    "from_tensors": lambda tf: tf.data.Dataset.from_tensors((F, Y)),
    "range": lambda tf: tf.data.Dataset.range(10),
    "range with step": lambda tf: tf.data.Dataset.range(2, 10, 3),
    "range int32": lambda tf: tf.data.Dataset.range(5, output_type=tf.int32),
    "map: normalise": lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).map(
        lambda x, y: (tf.cast(x, tf.float32) / 255.0, y)
    ),
    "map returning a list": lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).map(lambda x, y: [x, y * 2]),
    "map on a dict": lambda tf: tf.data.Dataset.from_tensor_slices({"a": F, "b": Y}).map(lambda d: d["a"] * 2.0),
    "map to a dict": lambda tf: tf.data.Dataset.from_tensor_slices((F, Y)).map(lambda f, y: {"f": f, "y": y}),
    "map to Python numbers": lambda tf: tf.data.Dataset.range(3).map(lambda x: (1, 2.5, True)),
    "map, AUTOTUNE, prefetch": lambda tf: (
        tf.data.Dataset.from_tensor_slices(F)
        .map(tf.math.square, num_parallel_calls=tf.data.AUTOTUNE)
        .batch(3)
        .prefetch(tf.data.AUTOTUNE)
    ),
    "map after batch": lambda tf: (
        tf.data.Dataset.from_tensor_slices((X, Y))
        .batch(4)
        .map(lambda x, y: (tf.reduce_sum(tf.cast(x, tf.int32), axis=1), y))
    ),
    "map of a value-dependent shape": lambda tf: tf.data.Dataset.range(4).map(lambda n: tf.range(n)),
    "filter": lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).filter(lambda x, y: y % 2 == 0),
    "take": lambda tf: tf.data.Dataset.from_tensor_slices(F).take(3),
    "take all": lambda tf: tf.data.Dataset.from_tensor_slices(F).take(-1),
    "skip": lambda tf: tf.data.Dataset.from_tensor_slices(F).skip(7),
    "skip past the end": lambda tf: tf.data.Dataset.from_tensor_slices(F).skip(20),
    "repeat": lambda tf: tf.data.Dataset.range(3).repeat(2),
    "repeat, batch across passes": lambda tf: tf.data.Dataset.range(5).repeat(3).batch(4),
    "repeat forever, take": lambda tf: tf.data.Dataset.range(3).repeat().take(7),
    "unbatch": lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).batch(4).unbatch(),
    "unbatch of full batches": lambda tf: tf.data.Dataset.range(10).batch(3, drop_remainder=True).unbatch(),
    "zip a tuple": lambda tf: tf.data.Dataset.zip((tf.data.Dataset.range(3), tf.data.Dataset.range(5))),
    "zip arguments": lambda tf: tf.data.Dataset.zip(tf.data.Dataset.range(3), tf.data.Dataset.from_tensor_slices(F)),
    "zip a dict": lambda tf: tf.data.Dataset.zip({"b": tf.data.Dataset.range(3), "a": tf.data.Dataset.range(2)}),
    "concatenate": lambda tf: tf.data.Dataset.range(3).concatenate(tf.data.Dataset.range(10, 12)),
    "enumerate": lambda tf: tf.data.Dataset.from_tensor_slices(F).enumerate(start=5),
    "shard": lambda tf: tf.data.Dataset.range(10).shard(3, 1),
    "cache": lambda tf: tf.data.Dataset.from_tensor_slices(F).map(lambda f: f + 1.0).cache().batch(4),
    "flat_map": lambda tf: tf.data.Dataset.range(4).flat_map(lambda n: tf.data.Dataset.range(n)),
    "padded_batch": lambda tf: tf.data.Dataset.range(6).map(lambda n: tf.range(n)).padded_batch(2),
    "padded_batch to a shape": lambda tf: (
        tf.data.Dataset.range(5)
        .map(lambda n: (tf.range(n), n))
        .padded_batch(2, padded_shapes=([6], []), padding_values=(np.int64(-1), np.int64(0)), drop_remainder=True)
    ),
}


@pytest.fixture(scope="module")
def tensorflow():
    return require("tensorflow")


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_the_pipeline_is_tensorflows(tensorflow, name):
    ours, theirs = PIPELINES[name](ntf), PIPELINES[name](tensorflow)
    same_pipeline(ours, theirs)
    assert repr(ours).split(" ")[0] == repr(theirs).split(" ")[0]  # <_BatchDataset ...


def test_iteration_gives_tf_tensors_nested_as_given(tensorflow):
    ds = ntf.data.Dataset.from_tensor_slices({"image": X, "label": Y}).batch(4)
    batches = list(ds)
    assert [b["image"].shape for b in batches] == [(4, 3, 2), (4, 3, 2), (2, 3, 2)]
    assert all(isinstance(b["label"], ntf.Tensor) and b["label"].dtype == ntf.int64 for b in batches)
    (x, y), *_ = ntf.data.Dataset.from_tensor_slices((X, Y)).batch(32)
    assert isinstance(x, ntf.Tensor) and x.shape == (10, 3, 2) and x.dtype == ntf.uint8
    it = iter(ntf.data.Dataset.range(2))
    assert int(next(it)) == 0 and int(it.get_next()) == 1
    with pytest.raises(ntf.errors.OutOfRangeError):
        it.get_next()
    with pytest.raises(StopIteration):
        next(it)


@pytest.mark.parametrize(
    "build, count, message",
    [
        (lambda tf: tf.data.Dataset.range(3).repeat(), -1, "The dataset is infinite."),
        (lambda tf: tf.data.Dataset.range(3).filter(lambda x: x > 0), -2, "The dataset length is unknown."),
        (lambda tf: tf.data.Dataset.range(3).filter(lambda x: x > 0).repeat(), -1, "The dataset is infinite."),
        (lambda tf: tf.data.Dataset.range(3).filter(lambda x: x > 0).batch(2), -2, "The dataset length is unknown."),
        (lambda tf: tf.data.Dataset.range(3).repeat().skip(2), -1, "The dataset is infinite."),
        (lambda tf: tf.data.Dataset.range(3).repeat().concatenate(tf.data.Dataset.range(2)), -1, "infinite"),
    ],
)
def test_counts_that_are_not_numbers_are_tensorflows(tensorflow, build, count, message):
    ours, theirs = build(ntf), build(tensorflow)
    assert int(ours.cardinality()) == int(theirs.cardinality()) == count
    assert int(ntf.data.experimental.cardinality(ours)) == count
    for ds in (ours, theirs):
        with pytest.raises(TypeError, match=message):
            len(ds)


def test_len_counts_without_reading(tensorflow):
    for tf in (ntf, tensorflow):
        ds = tf.data.Dataset.from_tensor_slices((X, Y)).shuffle(10).batch(3)
        assert len(ds) == 4 and len(ds.batch(3, drop_remainder=True)) == 1
        assert len(tf.data.Dataset.range(3).repeat(4)) == 12 and len(ds.take(2)) == 2
        assert tf.data.INFINITE_CARDINALITY == -1 and tf.data.UNKNOWN_CARDINALITY == -2
        assert tf.data.AUTOTUNE == tf.data.experimental.AUTOTUNE == -1


def test_reduce_and_get_single_element_are_tensorflows(tensorflow):
    for tf in (ntf, tensorflow):
        total = tf.data.Dataset.range(5).reduce(np.int64(0), lambda state, x: state + x)
        assert int(total) == 10
        pair = tf.data.Dataset.from_tensors((F, Y)).get_single_element()
        np.testing.assert_array_equal(pair[1], Y)


def test_the_data_is_copied_when_the_dataset_is_made():
    x = np.arange(4.0)
    ds = ntf.data.Dataset.from_tensor_slices(x)
    x[:] = -1
    assert list(ds.as_numpy_iterator()) == [0.0, 1.0, 2.0, 3.0]


def test_cache_replays_the_first_complete_pass():
    calls = []
    shuffled = ntf.data.Dataset.range(20).map(lambda n: calls.append(int(n)) or n).shuffle(20)
    cached = shuffled.cache()
    assert len(list(cached.take(3))) == 3  # a pass left early keeps nothing...
    first, second = list(cached.as_numpy_iterator()), list(cached.as_numpy_iterator())
    assert first == second and sorted(first) == list(range(20))
    assert len(calls) == 20 + 20  # ...so the next pass ran the pipeline again, and the one after did not
    assert list(shuffled.as_numpy_iterator()) != list(shuffled.as_numpy_iterator())  # (without the cache)


@pytest.mark.parametrize(
    "build, error, message",
    [
        (lambda D: D.from_tensor_slices((np.zeros(3), np.zeros(4))), ValueError, "same first dimension"),
        (lambda D: D.from_tensor_slices(np.float32(1)), ValueError, "from_tensors"),
        (lambda D: D.range(3).batch(0), ntf.errors.InvalidArgumentError, "Batch size"),
        (lambda D: D.range(3).shuffle(0), ntf.errors.InvalidArgumentError, "buffer_size"),
        (lambda D: list(D.range(3).map(lambda n: ntf.range(n)).batch(2)), ntf.errors.InvalidArgumentError, "padded"),
        (lambda D: list(D.range(3).filter(lambda n: n)), ValueError, "predicate"),
        (lambda D: D.range(3).cache("file"), ValueError, "in memory"),
        (lambda D: D.range(3).concatenate(D.range(3).map(lambda n: 1.0)), TypeError, "Incompatible"),
    ],
)
def test_bad_input_is_refused_in_one_line(build, error, message):
    with pytest.raises(error, match=message) as caught:
        build(ntf.data.Dataset)
    assert "\n" not in str(caught.value)
