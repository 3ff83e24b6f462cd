"""A function and a layer class of yours registered with ``register_keras_serializable``, as Keras 3's
"Serialization and saving" guide uses them: the activation's config is Keras's object form, and
``model.save`` / ``load_model`` and ``Model.from_config`` find both by their registered names."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras as keras


def register(k):
    @k.saving.register_keras_serializable(package="sweep_test", name="squared")
    def squared(x):
        return x**2

    @k.saving.register_keras_serializable(package="sweep_test")
    class Scale(k.layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, inputs):
            return inputs * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    return squared, Scale


def build(k):
    squared, Scale = register(k)
    inputs = k.Input(shape=(3,))
    x = k.layers.Dense(4, activation=squared)(inputs)
    x = Scale(3.0)(k.layers.Activation(squared)(x))
    return k.Model(inputs, k.layers.Dense(1)(x))


def test_a_registered_activation_is_written_as_keras_writes_it():
    squared, _ = register(keras)
    k_squared, _ = register(keras_on_torch())
    assert keras.layers.Activation(squared).get_config()["activation"] == (
        keras_on_torch().layers.Activation(k_squared).get_config()["activation"]
    )


def test_save_load_and_from_config_find_the_registered_objects(tmp_path):
    model = build(keras)
    x = np.random.default_rng(0).random((5, 3)).astype(np.float32)
    expected = np.asarray(model.predict(x, verbose=0))
    model.save(tmp_path / "model.keras")
    loaded = keras.models.load_model(tmp_path / "model.keras")
    np.testing.assert_allclose(np.asarray(loaded.predict(x, verbose=0)), expected, rtol=1e-6)
    rebuilt = keras.Model.from_config(model.get_config())
    rebuilt.set_weights(model.get_weights())
    np.testing.assert_allclose(np.asarray(rebuilt.predict(x, verbose=0)), expected, rtol=1e-6)


def test_an_unregistered_function_is_refused_with_the_fix():
    with pytest.raises(ValueError, match="register_keras_serializable"):
        keras.layers.Activation(lambda x: x * 2).get_config()
