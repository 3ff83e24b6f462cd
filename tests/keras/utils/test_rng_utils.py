"""``keras.utils.set_random_seed``: the same seed gives the same run (weights, shuffling, dropout, data)."""

from __future__ import annotations

import random

import numpy as np
import pytest

import nabla.keras as keras


def _run(seed: int):
    keras.utils.set_random_seed(seed)
    x = np.random.rand(64, 4).astype("float32")  # data drawn from NumPy's global generator, as course code does
    y = (x.sum(axis=1) > 2).astype("float32")
    noise = random.random()
    model = keras.models.Sequential(
        [keras.layers.Dense(8, activation="relu", input_shape=(4,)), keras.layers.Dropout(0.3), keras.layers.Dense(1)]
    )
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    return x, noise, model.get_weights(), history.history["loss"]


def test_the_same_seed_repeats_the_run():
    first, second, other = _run(7), _run(7), _run(8)
    np.testing.assert_array_equal(first[0], second[0])
    assert first[1] == second[1]
    for a, b in zip(first[2], second[2]):
        np.testing.assert_array_equal(a, b)
    assert first[3] == second[3]
    assert not np.array_equal(first[0], other[0]) and first[3] != other[3]


def test_it_seeds_what_keras_seeds():
    keras.utils.set_random_seed(3)
    drawn = (np.random.rand(), random.random())
    np.random.seed(3), random.seed(3)
    assert drawn == (np.random.rand(), random.random())


@pytest.mark.parametrize("seed", [1.5, "1", None, True, -1, 2**32])
def test_bad_seeds(seed):
    with pytest.raises(ValueError, match="set_random_seed"):
        keras.utils.set_random_seed(seed)
