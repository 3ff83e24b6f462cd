"""tf.random: the dtypes, shapes and ranges TensorFlow gives, and TensorFlow's seed semantics over nabla's
generator (the values differ from TensorFlow's: its generator is not NumPy's)."""

from __future__ import annotations

import numpy as np
import pytest
from tf_parity import same

import nabla as nb
import nabla.tf as tf

DRAWS = [
    lambda tf: tf.random.uniform((1000,), minval=-2, maxval=3),
    lambda tf: tf.random.uniform((10, 20), maxval=5, dtype=tf.int32),
    lambda tf: tf.random.uniform((1000,), dtype=tf.float64),
    lambda tf: tf.random.normal((2000,), mean=1.0, stddev=2.0),
    lambda tf: tf.random.truncated_normal((2000,), stddev=0.5),
    lambda tf: tf.random.shuffle(tf.range(10)),
    lambda tf: tf.random.categorical(tf.math.log([[0.5, 0.5, 0.0]]), 1000),
]


@pytest.mark.parametrize("draw", DRAWS)
def test_dtype_shape_and_range_as_tensorflow(draw):
    same(lambda tf: (draw(tf).dtype, draw(tf).shape))


def test_statistics():
    tf.random.set_seed(0)
    u = tf.random.uniform((20000,), minval=-2, maxval=3).numpy()
    n = tf.random.normal((20000,), mean=1.0, stddev=2.0).numpy()
    t = tf.random.truncated_normal((20000,), stddev=0.5).numpy()
    i = tf.random.uniform((20000,), maxval=5, dtype=tf.int64).numpy()
    assert -2 <= u.min() and u.max() < 3 and abs(u.mean() - 0.5) < 0.05
    assert abs(n.mean() - 1.0) < 0.05 and abs(n.std() - 2.0) < 0.05
    assert np.abs(t).max() <= 1.0 and abs(t.std() - 0.5 * 0.8796) < 0.02
    assert set(np.unique(i)) == {0, 1, 2, 3, 4}
    c = tf.random.categorical(tf.math.log([[0.2, 0.8]]), 10000).numpy()
    assert abs(c.mean() - 0.8) < 0.02


def test_set_seed_makes_a_run_reproducible_and_seeds_nabla_too():
    def run():
        tf.random.set_seed(42)
        return [tf.random.normal((3,)).numpy(), tf.random.uniform((2,), seed=7).numpy(), nb.randn(2).numpy()]

    for a, b in zip(run(), run()):
        np.testing.assert_array_equal(a, b)


def test_operation_seeds_as_tensorflow_defines_them():
    tf.random.set_seed(1)
    first = tf.random.uniform((3,), seed=5).numpy()
    second = tf.random.uniform((3,), seed=5).numpy()
    assert not np.array_equal(first, second)  # one seed, two calls: different values
    tf.random.set_seed(1)
    np.testing.assert_array_equal(tf.random.uniform((3,), seed=5).numpy(), first)  # set_seed restarts them
    before = nb.random.get_state()
    tf.random.normal((4,), seed=3)
    assert nb.random.get_state() == before  # draws with an operation seed leave nabla's generator alone


def test_refusals():
    with pytest.raises(ValueError, match="maxval"):
        tf.random.uniform((2,), dtype=tf.int32)
    with pytest.raises(TypeError, match="integer"):
        tf.random.set_seed(1.5)


@pytest.mark.parametrize("draw", [tf.random.uniform, tf.random.normal, tf.random.truncated_normal])
def test_a_seeded_scalar_draw_is_a_0d_tensor(draw):
    # tf.image.random_brightness draws its delta as tf.random.uniform([], ..., seed=seed)
    value = draw([], seed=3)
    assert value.shape == () and value.dtype == tf.float32
