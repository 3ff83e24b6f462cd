"""``keras.backend``: clear_session (also keras.utils's and tf.keras.backend's), floatx, epsilon, image format."""

from __future__ import annotations

import pytest
from keras_reference import keras_on_torch

import nabla.keras as keras


def test_the_constants_are_keras_s():
    reference = keras_on_torch().backend
    for name in ("floatx", "epsilon", "image_data_format"):
        assert getattr(keras.backend, name)() == getattr(reference, name)(), name
    assert keras.backend.backend() == "nabla"


def test_clear_session_restarts_layer_names_from_every_place_keras_offers_it():
    import nabla.tf as tf

    for clear in (keras.backend.clear_session, keras.utils.clear_session, tf.keras.backend.clear_session):
        clear()
        assert keras.layers.Dense(1).name == "dense" and keras.layers.Dense(1).name == "dense_1"


def test_is_keras_tensor():
    assert keras.backend.is_keras_tensor(keras.Input((2,)))
    assert not keras.backend.is_keras_tensor(keras.ops.ones((2,)))


def test_a_setter_nabla_lacks_says_so():
    with pytest.raises(AttributeError, match="nabla.keras does not offer keras.backend.set_floatx"):
        keras.backend.set_floatx  # noqa: B018
