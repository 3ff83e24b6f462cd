"""``Sequential.pop``: the Sequential-model guide's way to drop the last layer, checked against Keras 3."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras as keras

X = np.random.default_rng(3).standard_normal((5, 4)).astype(np.float32)


def stack(k):
    return k.Sequential([k.Input((4,)), k.layers.Dense(3, activation="relu"), k.layers.Dense(2), k.layers.Dense(1)])


def test_pop_removes_and_returns_the_last_layer_as_keras_does():
    reference, model = stack(keras_on_torch()), stack(keras)
    model.set_weights(reference.get_weights())
    popped, reference_popped = model.pop(), reference.pop()
    assert popped.units == reference_popped.units == 1
    assert len(model.layers) == len(reference.layers) == 2
    np.testing.assert_allclose(model.predict(X, verbose=0), reference.predict(X, verbose=0), rtol=1e-6)
    model.add(keras.layers.Dense(4))
    assert model.predict(X, verbose=0).shape == (5, 4)


def test_pop_on_an_empty_model_says_so():
    with pytest.raises(TypeError, match="no layers"):
        keras.Sequential().pop()


def test_pop_after_a_captured_fit_changes_what_the_step_trains():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4), keras.layers.Dense(4)])
    model.compile("sgd", "mse", jit_compile=True)
    model.fit(X, X, epochs=1, batch_size=5, verbose=0)
    popped = model.pop()
    kept = [w.copy() for w in popped.get_weights()]
    model.fit(X, X, epochs=1, batch_size=5, verbose=0)  # the one layer left, not the program captured before
    for before, after in zip(kept, popped.get_weights()):
        np.testing.assert_array_equal(before, after)
