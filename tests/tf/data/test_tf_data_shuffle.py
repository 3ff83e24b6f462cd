"""``Dataset.shuffle``: TensorFlow's buffer semantics and seeds. The orders are nabla's own (TensorFlow's
generator is not NumPy's), so what is tested is what TensorFlow guarantees: every pass is a permutation;
the k-th output is drawn uniformly from a buffer holding the next ``buffer_size`` inputs; a new order each
pass unless ``reshuffle_each_iteration=False``; reproducible under ``tf.random.set_seed`` and ``seed=``."""

from __future__ import annotations

import numpy as np
import pytest

import nabla.tf as tf

Dataset = tf.data.Dataset


def order(ds) -> list[int]:
    return [int(v) for v in ds.as_numpy_iterator()]


@pytest.mark.parametrize("buffer_size", [1, 3, 10, 25, 1000])
@pytest.mark.parametrize("source", ["range", "slices"])
def test_each_pass_is_a_permutation_within_the_buffers_reach(buffer_size, source):
    n = 25
    base = Dataset.range(n) if source == "range" else Dataset.from_tensor_slices(np.arange(n))
    ds = base.shuffle(buffer_size)
    for _ in range(3):
        out = order(ds)
        assert sorted(out) == list(range(n))
        # the k-th output is one of the first k + buffer_size inputs
        assert all(value < k + buffer_size for k, value in enumerate(out))
    if buffer_size == 1:
        assert order(ds) == list(range(n))


def test_the_first_output_is_uniform_over_the_buffer():
    tf.random.set_seed(0)
    ds = Dataset.range(10).shuffle(4)
    firsts = np.bincount([order(ds)[0] for _ in range(4000)], minlength=10)
    assert firsts[4:].sum() == 0
    chi2 = ((firsts[:4] - 1000) ** 2 / 1000).sum()
    assert chi2 < 16.3  # chi-square, 3 degrees of freedom, p = 0.001


def test_a_buffer_as_large_as_the_data_gives_uniform_permutations():
    tf.random.set_seed(1)
    ds = Dataset.from_tensor_slices(np.arange(3)).shuffle(3)
    counts: dict[tuple, int] = {}
    for _ in range(3000):
        key = tuple(order(ds))
        counts[key] = counts.get(key, 0) + 1
    assert len(counts) == 6
    chi2 = sum((c - 500) ** 2 / 500 for c in counts.values())
    assert chi2 < 20.5  # 5 degrees of freedom, p = 0.001


def test_a_new_order_each_pass_unless_asked_otherwise():
    again = Dataset.range(50).shuffle(50)
    assert order(again) != order(again)
    fixed = Dataset.range(50).shuffle(50, reshuffle_each_iteration=False)
    assert order(fixed) == order(fixed) != list(range(50))
    epochs = order(Dataset.range(50).shuffle(50).repeat(2))
    assert sorted(epochs[:50]) == sorted(epochs[50:]) == list(range(50)) and epochs[:50] != epochs[50:]


def test_the_orders_are_reproducible_from_the_seeds():
    def run(seed=None):
        ds = Dataset.range(30).shuffle(10, seed=seed)
        return order(ds), order(ds)

    tf.random.set_seed(7)
    first = run()
    tf.random.set_seed(7)
    assert run() == first  # seeded from nabla's generator when the dataset is made
    assert run() != first  # (the generator moved on)
    tf.random.set_seed(3)
    a = run(seed=5)
    tf.random.uniform([3])  # other draws do not move an operation seed's orders
    assert run(seed=5) == a and run(seed=6) != a
    tf.random.set_seed(4)
    assert run(seed=5) != a  # the global seed is part of it


def test_batches_of_a_shuffle_hold_the_shuffled_elements_in_order():
    tf.random.set_seed(2)
    x = np.arange(100)
    elements = order(Dataset.from_tensor_slices(x).shuffle(30, seed=9))
    batches = list(Dataset.from_tensor_slices((x, -x)).shuffle(30, seed=9).batch(32).as_numpy_iterator())
    assert [len(b[0]) for b in batches] == [32, 32, 32, 4]
    assert np.concatenate([b[0] for b in batches]).tolist() == elements
    assert all((b[1] == -b[0]).all() for b in batches)  # the pairs stay together
