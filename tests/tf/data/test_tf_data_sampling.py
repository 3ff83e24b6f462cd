"""``Dataset.sample_from_datasets`` and ``choose_from_datasets`` (TensorFlow's "imbalanced data" tutorial), against
TensorFlow: ``choose_from_datasets`` element for element; ``sample_from_datasets``, whose picks are nabla's draws,
by what TensorFlow guarantees (every element once, each dataset in its own order, the proportions of
``weights``, the end at the first empty pick with ``stop_on_empty_dataset``), with TensorFlow's specs,
cardinalities and errors."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require

import nabla.tf as tf


def tensorflow():
    return require("tensorflow")


def values(ds) -> list[int]:
    return [int(v) for v in ds.as_numpy_iterator()]


def both(make):
    """``make(module)`` on nabla.tf and on TensorFlow."""
    return make(tf), make(tensorflow())


@pytest.mark.parametrize("choices", [[0, 1, 1, 0, 1], [0, 0, 0, 0, 1], [1, 1, 1, 1, 1, 1, 0], []])
@pytest.mark.parametrize("stop", [True, False])
def test_choose_from_datasets_is_tensorflows(choices, stop):
    def make(m):
        choice = m.data.Dataset.from_tensor_slices(m.constant(choices, dtype=m.int64))
        data = [m.data.Dataset.range(3), m.data.Dataset.range(100, 105)]
        return m.data.Dataset.choose_from_datasets(data, choice, stop_on_empty_dataset=stop)

    ours, theirs = both(make)
    assert values(ours) == values(theirs)
    assert int(ours.cardinality()) == int(theirs.cardinality())
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("weights", [None, [0.5, 0.5], [0.9, 0.1], [0.0, 1.0]])
def test_sample_from_datasets_gives_every_element_once_each_dataset_in_order(weights):
    tf.random.set_seed(3)
    ds = tf.data.Dataset.sample_from_datasets([tf.data.Dataset.range(6), tf.data.Dataset.range(100, 110)], weights)
    out = values(ds)
    assert sorted(out) == sorted(values(tensorflow().data.Dataset.sample_from_datasets(
        [tensorflow().data.Dataset.range(6), tensorflow().data.Dataset.range(100, 110)], weights)))  # fmt: skip
    firsts, seconds = [v for v in out if v < 100], [v for v in out if v >= 100]
    assert firsts == list(range(len(firsts))) and seconds == list(range(100, 100 + len(seconds)))


def test_stop_on_empty_dataset_ends_at_the_first_empty_pick():
    tf.random.set_seed(0)
    for seed in range(20):
        ds = tf.data.Dataset.sample_from_datasets(
            [tf.data.Dataset.range(3), tf.data.Dataset.range(100, 200)], seed=seed, stop_on_empty_dataset=True
        )
        out = values(ds)
        assert [v for v in out if v < 100] == [0, 1, 2]  # (the first dataset ran out: the next pick of it ends)
        assert len(out) < 103


def test_the_proportions_are_the_weights_and_the_picks_are_seeded():
    def sample(seed):
        pos = tf.data.Dataset.from_tensor_slices(np.ones(1, np.int64)).repeat()
        neg = tf.data.Dataset.from_tensor_slices(np.zeros(1, np.int64)).repeat()
        return tf.data.Dataset.sample_from_datasets([pos, neg], weights=[0.25, 0.75], seed=seed).take(8000)

    labels = values(sample(1))
    assert abs(np.mean(labels) - 0.25) < 0.02  # (8000 draws: the standard error is 0.005)
    assert labels == values(sample(1)) and labels != values(sample(2))
    tf.random.set_seed(5)
    first = values(sample(None))
    tf.random.set_seed(5)
    assert values(sample(None)) == first


def test_every_pass_repeats_the_picks_unless_rerandomized():
    def passes(rerandomize):
        ds = tf.data.Dataset.sample_from_datasets(
            [tf.data.Dataset.range(10), tf.data.Dataset.range(100, 110)], seed=1,
            rerandomize_each_iteration=rerandomize,
        )  # fmt: skip
        return values(ds), values(ds)

    same = passes(None)
    assert same[0] == same[1]
    fresh = passes(True)
    assert fresh[0] != fresh[1] and sorted(fresh[0]) == sorted(fresh[1])


def test_the_tutorials_balanced_batches_train_a_model():
    """The "imbalanced data" tutorial: two repeated, shuffled datasets, sampled half and half, batched, fit."""
    tf.random.set_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(500, 4)).astype(np.float32)
    y = (x[:, 0] > 1.5).astype(np.int64)

    def make_ds(features, labels):
        return tf.data.Dataset.from_tensor_slices((features, labels)).shuffle(100000).repeat()

    resampled = tf.data.Dataset.sample_from_datasets([make_ds(x[y == 1], y[y == 1]), make_ds(x[y == 0], y[y == 0])],
                                                     weights=[0.5, 0.5]).batch(64).prefetch(2)  # fmt: skip
    assert repr(resampled.element_spec) == repr(tensorflow().data.Dataset.sample_from_datasets(
        [tensorflow().data.Dataset.from_tensor_slices((x, y)).repeat()] * 2).batch(64).element_spec)  # fmt: skip
    for _, labels in resampled.take(1):
        assert 0.3 < labels.numpy().mean() < 0.7
    model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=tf.keras.optimizers.Adam(0.05), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(resampled, epochs=4, steps_per_epoch=20, verbose=0)
    assert history.history["loss"][-1] < 0.6 * history.history["loss"][0]


def test_the_experimental_names_are_the_same_functions():
    assert tf.data.experimental.sample_from_datasets is tf.data.Dataset.sample_from_datasets
    assert tf.data.experimental.choose_from_datasets is tf.data.Dataset.choose_from_datasets


@pytest.mark.parametrize(
    "make, error",
    [
        (lambda m: m.data.Dataset.sample_from_datasets([m.data.Dataset.range(3)] * 2, weights=[0.5]), ValueError),
        (lambda m: m.data.Dataset.sample_from_datasets(
            [m.data.Dataset.range(3), m.data.Dataset.from_tensor_slices(m.constant([1.0, 2.0]))]), TypeError),
        (lambda m: m.data.Dataset.choose_from_datasets(
            [m.data.Dataset.range(3)], m.data.Dataset.from_tensor_slices(m.constant([0.0]))), TypeError),
    ],
)  # fmt: skip
def test_bad_arguments_raise_tensorflows_errors(make, error):
    with pytest.raises(error):
        make(tensorflow())
    with pytest.raises(error, match="weights|element|choice_dataset"):
        make(tf)


def test_a_choice_out_of_range_fails_when_it_is_reached():
    choice = tf.data.Dataset.from_tensor_slices(tf.constant([0, 5], dtype=tf.int64))
    ds = tf.data.Dataset.choose_from_datasets([tf.data.Dataset.range(3), tf.data.Dataset.range(3)], choice)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Selector index out of range: 5 >= 2"):
        values(ds)
