"""``keras.models.clone_model`` and ``keras.Model.from_config``: the same architecture, new weights, as Keras 3's."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras as keras

X = np.random.default_rng(2).standard_normal((4, 6)).astype(np.float32)


def sequential(k):
    return k.Sequential([k.Input(shape=(6,)), k.layers.Dense(5, activation="relu"), k.layers.Dense(2)])


def functional(k):
    a, b = k.Input(shape=(6,)), k.Input(shape=(6,))
    shared = k.layers.Dense(3)
    return k.Model([a, b], k.layers.Concatenate()([shared(a), shared(b) * 2.0]))


@pytest.mark.parametrize("build, inputs", [(sequential, X), (functional, [X, X + 1.0])], ids=["seq", "functional"])
def test_a_clone_has_the_architecture_and_new_weights_as_in_keras(build, inputs):
    reference_keras = keras_on_torch()
    reference = build(reference_keras)
    theirs = reference_keras.models.clone_model(reference)
    model = build(keras)
    clone = keras.models.clone_model(model)
    assert type(clone) is type(model) and clone is not model
    assert clone.count_params() == model.count_params() == theirs.count_params()
    assert [w.shape for w in clone.get_weights()] == [tuple(w.shape) for w in theirs.get_weights()]
    assert any(not np.array_equal(c, m) for c, m in zip(clone.get_weights(), model.get_weights()))  # fresh weights
    clone.set_weights(model.get_weights())
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(clone(inputs)), keras.ops.convert_to_numpy(model(inputs)))


def test_model_from_config_rebuilds_a_functional_model_as_keras_does():
    model = functional(keras)
    again = keras.Model.from_config(model.get_config())
    assert type(again) is type(model) and len(again.layers) == len(model.layers)
    with pytest.raises(TypeError, match="clone_function not offered"):
        keras.models.clone_model(model, clone_function=lambda layer: layer)
