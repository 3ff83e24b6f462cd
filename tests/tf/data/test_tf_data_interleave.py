"""``Dataset.interleave`` against TensorFlow 2.21: the elements in TensorFlow's order for each ``cycle_length``
and ``block_length`` (the default cycle too), the spec, count and name, TensorFlow's errors, file names
interleaved into readers, and the continuous-bag-of-words pipeline of Deep Learning with Python (3rd edition,
chapter 14), which cuts each review's tokens into windows with ``tf.gather`` and interleaves the windows of 8
reviews. ``flat_map``'s elements keep the structure of the datasets its function returns."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require
from data_parity import same_pipeline

import nabla.tf as ntf


@pytest.fixture(scope="module")
def tensorflow():
    return require("tensorflow")


def repeats(tf, **options):
    """1, 2 2, 3 3 3...: inner datasets of different lengths, so that slots end at different turns."""
    return tf.data.Dataset.range(1, 7).interleave(lambda n: tf.data.Dataset.from_tensors(n).repeat(n), **options)


OPTIONS = [
    {"cycle_length": 1},
    {"cycle_length": 2},
    {"cycle_length": 3},
    {"cycle_length": 2, "block_length": 2},
    {"cycle_length": 4, "block_length": 3},
    {"cycle_length": 10},  # (more slots than elements)
    {},  # the default cycle: the number of CPU cores, as TensorFlow chooses
    {"cycle_length": 3, "num_parallel_calls": 3},
    {"cycle_length": -1, "block_length": 2, "num_parallel_calls": -1},  # tf.data.AUTOTUNE
    {"num_parallel_calls": 2},
    {"num_parallel_calls": 1},
]


@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_interleave_as_tensorflow(tensorflow, options):
    ours, theirs = repeats(ntf, **options), repeats(tensorflow, **options)
    same_pipeline(ours, theirs)
    assert repr(ours) == repr(theirs)  # <_InterleaveDataset ...> or <_ParallelInterleaveDataset ...>


def cbow(tf, reviews, context_size=4):
    """DLWP3 chapter 14's ``window_data`` and ``split_label``, on integer token sequences."""
    window_size = 2 * context_size + 1

    def window_data(token_ids):
        num_windows = tf.maximum(tf.size(token_ids) - context_size * 2, 0)
        windows = tf.range(window_size)[None, :]
        windows = windows + tf.range(num_windows)[:, None]
        return tf.data.Dataset.from_tensor_slices(tf.gather(token_ids, windows))

    def split_label(window):
        bag = tf.concat((window[:context_size], window[context_size + 1 :]), axis=0)
        return bag, window[4]

    ds = tf.data.Dataset.from_generator(
        lambda: iter(reviews), output_signature=tf.TensorSpec(shape=(None,), dtype=tf.int64)
    )
    ds = ds.interleave(window_data, cycle_length=8, num_parallel_calls=8)
    return ds.map(split_label, num_parallel_calls=8).batch(16)


def test_the_cbow_pipeline_as_tensorflow(tensorflow):
    rng = np.random.default_rng(0)
    reviews = [rng.integers(1, 50, size=n) for n in (12, 3, 9, 20, 15, 8, 30, 11, 10, 25, 13)]  # 3 and 8: no window
    same_pipeline(cbow(ntf, reviews), cbow(tensorflow, reviews))


def test_file_names_interleaved_into_readers_as_tensorflow(tensorflow, tmp_path):
    # Géron's chapter 13: each function call gets one file name, a string scalar tensor, and opens a reader;
    # the readers' elements are (x, y) tuples where the names were single strings.
    for i in range(4):
        (tmp_path / f"part{i}.csv").write_text("a,b\n" + "".join(f"{i},{j}\n" for j in range(i + 2)))
    names = sorted(str(p) for p in tmp_path.glob("*.csv"))

    def lines(tf):
        files = tf.data.Dataset.from_tensor_slices(names)
        return files.interleave(lambda f: tf.data.TextLineDataset(f).skip(1), cycle_length=3, num_parallel_calls=-1)

    def rows(tf):
        files = tf.data.Dataset.from_tensor_slices(names)
        return files.interleave(lambda f: tf.data.experimental.CsvDataset(f, [0, 0.0], header=True), cycle_length=2)

    same_pipeline(lines(ntf), lines(tensorflow))
    same_pipeline(rows(ntf), rows(tensorflow))


def test_flat_map_keeps_the_structure_of_the_returned_datasets(tensorflow):
    def pairs(tf):
        return tf.data.Dataset.range(3).flat_map(
            lambda n: tf.data.Dataset.from_tensor_slices((tf.fill([2], n), {"ten": tf.fill([2], n * 10)}))
        )

    same_pipeline(pairs(ntf), pairs(tensorflow))


@pytest.mark.parametrize(
    "options, message",
    [
        ({"cycle_length": 0}, "cycle_length must be greater than zero"),
        ({"cycle_length": 2, "block_length": 0}, "block_length must be greater than zero"),
        ({"cycle_length": 3, "num_parallel_calls": 8}, "`num_parallel_calls` is 8 and `cycle_length` is 3"),
    ],
)
def test_bad_arguments_raise_tensorflow_s_error(tensorflow, options, message):
    for tf in (ntf, tensorflow):
        with pytest.raises(tf.errors.InvalidArgumentError, match=message):
            repeats(tf, **options)


def test_the_function_must_return_a_dataset():
    ds = ntf.data.Dataset.range(3).interleave(lambda n: n * 2, cycle_length=2)
    with pytest.raises(TypeError, match="must return a tf.data.Dataset"):
        list(ds)
