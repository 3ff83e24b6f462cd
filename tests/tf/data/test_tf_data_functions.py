"""The user's functions in a pipeline (``map``, ``filter``, ``flat_map``, ``reduce``) receive tensors as
TensorFlow passes them, their results are converted by TensorFlow's rules, no GradientTape sees them, and
the names tf.data does not offer say what to use instead."""

from __future__ import annotations

import numpy as np
import pytest

import nabla.tf as tf

Dataset = tf.data.Dataset


def test_a_tuple_is_unpacked_into_arguments_and_a_dict_is_one():
    got = []
    list(Dataset.from_tensor_slices((np.zeros(2), np.ones(2))).map(lambda a, b: got.append((a, b)) or a))
    list(Dataset.from_tensor_slices({"a": np.zeros(2)}).map(lambda d: got.append(d) or d["a"]))
    list(Dataset.range(2).map(lambda n: got.append(n) or n))
    pairs, dicts, scalars = got[:2], got[2:4], got[4:]
    assert all(isinstance(a, tf.Tensor) and isinstance(b, tf.Tensor) for a, b in pairs)
    assert all(isinstance(d, dict) and isinstance(d["a"], tf.Tensor) for d in dicts)
    assert [int(n) for n in scalars] == [0, 1]


def test_iterating_runs_the_function_on_each_element_once_and_on_nothing_else():
    seen = []
    ds = Dataset.range(4).map(lambda n: seen.append(int(n)) or n * 2).batch(2)
    assert [b.tolist() for b in ds.as_numpy_iterator()] == [[0, 2], [4, 6]]
    assert seen == [0, 1, 2, 3]


def test_no_tape_records_the_pipeline():
    v = tf.Variable(2.0)
    ds = Dataset.range(3).map(lambda n: tf.cast(n, tf.float32) * v)
    with tf.GradientTape() as tape:
        total = tf.add_n(list(ds))
        loss = total * v
    assert float(tape.gradient(loss, v)) == pytest.approx(6.0)  # d(total * v)/dv with total a constant: 6


def test_a_tf_function_that_iterates_a_dataset_runs_it_at_every_call():
    ds = Dataset.from_tensor_slices(np.arange(8.0)).shuffle(8).batch(2)

    @tf.function
    def first_batch(dataset):
        for x in dataset:
            return x

    seen = {tuple(first_batch(ds).numpy()) for _ in range(12)}
    assert len(seen) > 1  # a new shuffle at each call, not the first call's batch replayed


def test_map_with_numpy_functions_and_tf_ops():
    ds = Dataset.from_tensor_slices(np.arange(6, dtype=np.uint8).reshape(3, 2))
    out = list(ds.map(lambda x: (tf.cast(x, tf.float32) / 255.0, tf.one_hot(tf.cast(x[0], tf.int32), 6))))
    assert out[1][0].dtype == tf.float32 and out[1][1].shape == (6,) and float(out[1][1][2]) == 1.0
    assert ds.map(lambda x: x.numpy().sum()).element_spec.dtype == tf.uint64


def test_element_spec_finds_the_unknown_dimensions():
    batched = Dataset.from_tensor_slices(np.zeros((5, 3, 4), np.float32)).batch(2)
    assert repr(batched.map(lambda x: tf.reduce_sum(x, axis=1)).element_spec) == (
        "TensorSpec(shape=(None, 4), dtype=tf.float32, name=None)"
    )
    assert batched.map(lambda x: tf.reshape(x, [-1, 12])).element_spec.shape.as_list() == [None, 12]
    assert Dataset.range(3).map(lambda n: tf.range(n)).element_spec.shape.as_list() == [None]


def test_filter_flat_map_and_reduce_take_structures():
    ds = Dataset.from_tensor_slices((np.arange(6), np.arange(6) * 10))
    assert [int(a) for a, _ in ds.filter(lambda a, b: b > 20)] == [3, 4, 5]
    flat = Dataset.range(3).flat_map(lambda n: Dataset.from_tensor_slices(tf.fill([2], n)))
    assert [int(v) for v in flat] == [0, 0, 1, 1, 2, 2]
    state = ds.reduce((np.int64(0), np.int64(0)), lambda s, e: (s[0] + e[0], s[1] + e[1]))
    assert [int(v) for v in state] == [15, 150]


@pytest.mark.parametrize(
    "name, advice",
    [
        ("Dataset.snapshot", "np.save"),
        ("Dataset.group_by_window", "padded_batch"),
        ("FixedLengthRecordDataset", "TextLineDataset"),
        ("Options", "drop them"),
        ("experimental.make_batched_features_dataset", "docs/tf.md"),
        ("no_such_thing", "does not offer tf.data.no_such_thing"),
    ],
)
def test_what_is_not_offered_says_what_to_use(name, advice):
    owner, _, attribute = ("data." + name).rpartition(".")
    target = tf
    for part in owner.split("."):
        target = getattr(target, part)
    with pytest.raises(AttributeError, match="nabla.tf does not offer") as error:
        getattr(target, attribute)
    assert advice in str(error.value)


def test_a_refused_method_on_a_dataset_says_so():
    with pytest.raises(AttributeError, match="group_by_window.*padded_batch"):
        Dataset.range(3).group_by_window(lambda n: n, lambda key, window: window, window_size=2)
    assert tf.newaxis is None and np.zeros((2, 3))[..., tf.newaxis].shape == (2, 3, 1)
