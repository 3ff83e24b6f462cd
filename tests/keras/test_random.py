"""``keras.random``: the distributions (KS tests against scipy), shapes, dtypes, seeds, bounds and gradients.

Keras's exact draws cannot be matched (its generator is not NumPy's); its signatures and errors can, and are
compared with Keras 3 on its PyTorch backend.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from conftest import require
from keras_reference import keras_on_torch

import nabla as nb
import nabla.keras as keras

N = 20_000
random = keras.random


def _ks(sample, cdf, *args) -> float:
    require("scipy")
    from scipy import stats

    return stats.kstest(np.ravel(sample.numpy()).astype(np.float64), cdf, args=args).pvalue


@pytest.mark.parametrize(
    "draw, cdf, args",
    [
        (lambda: random.normal((N,), mean=1.0, stddev=2.0, seed=3), "norm", (1.0, 2.0)),
        (lambda: random.uniform((N,), minval=-1.0, maxval=3.0, seed=3), "uniform", (-1.0, 4.0)),
        (lambda: random.truncated_normal((N,), stddev=1.0, seed=3), "truncnorm", (-2.0, 2.0)),
        (lambda: random.gamma((N,), alpha=2.5, seed=3), "gamma", (2.5,)),
        (lambda: random.beta((N,), alpha=2.0, beta=5.0, seed=3), "beta", (2.0, 5.0)),
    ],
    ids=["normal", "uniform", "truncated_normal", "gamma", "beta"],
)
def test_each_distribution_passes_a_kolmogorov_smirnov_test(draw, cdf, args):
    sample = draw()
    assert sample.shape == (N,) and sample.dtype == np.float32
    assert _ks(sample, cdf, *args) > 1e-3


def test_binomial_has_the_binomial_moments():
    sample = random.binomial((N,), counts=10, probabilities=0.3, seed=0).numpy()
    assert sample.dtype == np.float32 and set(np.unique(sample)) <= set(range(11))
    assert abs(sample.mean() - 3.0) < 0.05 and abs(sample.var() - 2.1) < 0.1


def test_truncated_normal_stays_within_two_standard_deviations():
    sample = random.truncated_normal((N,), mean=5.0, stddev=0.5, seed=1).numpy()
    assert sample.min() >= 4.0 and sample.max() <= 6.0


def test_randint_excludes_maxval_and_is_int32():
    sample = random.randint((N,), minval=-2, maxval=3, seed=0)
    assert sample.dtype == np.int32 and set(np.unique(sample.numpy())) == {-2, -1, 0, 1, 2}
    assert random.randint((2, 2), 0, 5, dtype="int64").dtype == np.int64


def test_an_integer_seed_gives_the_same_values_and_leaves_the_global_generator_alone():
    nb.manual_seed(0)
    unseeded = random.normal((2,)).numpy()
    nb.manual_seed(0)
    a = random.normal((2, 3), seed=1)
    assert np.array_equal(random.normal((2,)).numpy(), unseeded)
    assert np.array_equal(a.numpy(), random.normal((2, 3), seed=1).numpy())
    assert not np.array_equal(random.normal((2, 3), seed=2).numpy(), a.numpy())


def test_unseeded_draws_follow_set_random_seed():
    keras.utils.set_random_seed(7)
    first = random.uniform((3,)).numpy()
    keras.utils.set_random_seed(7)
    assert np.array_equal(random.uniform((3,)).numpy(), first)
    assert not np.array_equal(random.uniform((3,)).numpy(), first)


def test_a_seed_generator_draws_a_new_sequence_that_its_seed_repeats():
    gen, again = random.SeedGenerator(5), random.SeedGenerator(5)
    a, b = random.normal((4,), seed=gen), random.normal((4,), seed=gen)
    assert not np.array_equal(a.numpy(), b.numpy())
    assert np.array_equal(a.numpy(), random.normal((4,), seed=again).numpy())
    assert np.array_equal(b.numpy(), random.normal((4,), seed=again).numpy())
    assert np.array_equal(a.numpy(), random.normal((4,), seed=5).numpy())  # Keras: the first draw is seed=5's
    assert gen.state.numpy().tolist() == [5, 2] and gen.get_config()["seed"] == 5


def test_an_unseeded_seed_generator_is_fixed_by_set_random_seed():
    keras.utils.set_random_seed(3)
    a = random.uniform((3,), seed=random.SeedGenerator())
    keras.utils.set_random_seed(3)
    assert np.array_equal(a.numpy(), random.uniform((3,), seed=random.SeedGenerator()).numpy())


def test_dtypes_are_honoured():
    assert random.normal((2,), dtype="float64").dtype == np.float64
    assert random.uniform((2,), dtype="float16").dtype == np.float16
    assert random.categorical(nb.zeros((2, 3)), 4).dtype == np.int32


def test_uniform_stays_below_maxval_in_float16():
    assert random.uniform((N,), 0.0, 1.0, dtype="float16", seed=0).numpy().max() < 1.0


def test_shuffle_permutes_along_the_axis_and_passes_gradients_back():
    x = nb.tensor(np.arange(12.0, dtype=np.float32).reshape(4, 3), requires_grad=True)
    rows = random.shuffle(x, seed=0)
    assert sorted(map(tuple, rows.numpy().tolist())) == sorted(map(tuple, x.numpy().tolist()))
    columns = random.shuffle(x, axis=1, seed=1).numpy()
    assert np.array_equal(np.sort(columns, axis=1), x.numpy())
    (rows * nb.tensor(np.arange(3.0, dtype=np.float32))).sum().backward()
    assert np.array_equal(x.grad.numpy(), np.tile(np.arange(3.0), (4, 1)))


def test_dropout_zeroes_about_rate_and_scales_the_rest():
    x = nb.ones((N,), requires_grad=True)
    y = random.dropout(x, rate=0.25, seed=0)
    values = y.numpy()
    assert set(np.unique(values)) == {0.0, np.float32(1 / 0.75)}
    assert abs((values == 0).mean() - 0.25) < 0.02
    y.sum().backward()
    assert np.array_equal(x.grad.numpy(), values)  # the gradient is the mask, scaled


def test_dropout_shares_its_draw_along_noise_shape_axes():
    y = random.dropout(nb.ones((50, 4)), rate=0.5, noise_shape=(50, 1), seed=0).numpy()
    assert (y == y[:, :1]).all()


def test_categorical_follows_the_softmax():
    logits = nb.tensor(np.log(np.array([[0.2, 0.3, 0.5], [0.9, 0.05, 0.05]], dtype=np.float32)))
    picks = random.categorical(logits, N, seed=0).numpy()
    assert picks.shape == (2, N)
    np.testing.assert_allclose(np.bincount(picks[0], minlength=3) / N, [0.2, 0.3, 0.5], atol=0.015)
    np.testing.assert_allclose(np.bincount(picks[1], minlength=3) / N, [0.9, 0.05, 0.05], atol=0.015)


def test_the_signatures_are_keras_s():
    reference = keras_on_torch().random
    def parameters(f):
        return [(p.name, p.kind, p.default) for p in inspect.signature(f).parameters.values()]

    for name in random.__all__:
        assert parameters(getattr(random, name)) == parameters(getattr(reference, name)), name


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda r: r.uniform((2,), dtype="int32"), "requires a floating point `dtype`"),
        (lambda r: r.randint((2,), 0, 5, dtype="float32"), "requires an integer `dtype`"),
        (lambda r: r.normal((2,), seed="a"), "must be either an integer or an instance of `SeedGenerator`"),
        (lambda r: r.SeedGenerator(1.5), "Argument `seed` must be an integer"),
    ],
)
def test_bad_arguments_are_refused_as_keras_refuses_them(call, message):
    reference = keras_on_torch().random
    for module in (random, reference):
        with pytest.raises(ValueError, match=message):
            call(module)


def test_a_seed_generator_in_a_layer_draws_anew_at_every_training_step():
    """fit's step compiler must not replay one draw: the step runs eagerly, the generator moves on."""

    class Noisy(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.generator = random.SeedGenerator(1)
            self.first_values = []

        def call(self, inputs):
            noise = random.normal(inputs.shape, seed=self.generator)
            self.first_values.append(float(noise.numpy().ravel()[0]))
            return inputs + noise

    layer = Noisy()
    model = keras.Sequential([keras.Input((3,)), layer, keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((64, 3), "float32"), np.ones((64, 1), "float32"), batch_size=8, epochs=2, verbose=0)
    assert len(layer.first_values) >= 16 and len(set(layer.first_values)) == len(layer.first_values)
