"""``keras.backend`` and ``keras.config``: clear_session (also keras.utils's and tf.keras.backend's), floatx,
epsilon, image format, and their setters (which take nabla's values only)."""

from __future__ import annotations

import pytest
from keras_reference import keras_on_torch

import nabla.keras as keras


@pytest.mark.parametrize("module", ["backend", "config"])
def test_the_constants_are_keras_s(module):
    reference = getattr(keras_on_torch(), module)
    for name in ("floatx", "epsilon", "image_data_format"):
        assert getattr(getattr(keras, module), name)() == getattr(reference, name)(), name
    assert getattr(keras, module).backend() == "nabla"


@pytest.mark.parametrize("module", ["backend", "config"])
def test_setters_take_the_values_nabla_computes_with_and_refuse_others(module):
    settings = getattr(keras, module)
    settings.set_floatx("float32")
    settings.set_epsilon(1e-7)
    settings.set_image_data_format("channels_last")
    assert (settings.floatx(), settings.epsilon(), settings.image_data_format()) == ("float32", 1e-7, "channels_last")
    with pytest.raises(ValueError, match=r"set_floatx\('float64'\): nabla.keras keeps floatx at 'float32'"):
        settings.set_floatx("float64")
    with pytest.raises(ValueError, match="keeps epsilon at 1e-07"):
        settings.set_epsilon(1e-3)
    with pytest.raises(ValueError, match=r"images are \(batch, height, width, channels\)"):
        settings.set_image_data_format("channels_first")
    assert settings.floatx() == "float32"


def test_config_accepts_unsafe_deserialization_and_names_what_it_lacks():
    keras.config.enable_unsafe_deserialization()
    with pytest.raises(AttributeError, match="nabla.keras does not offer keras.config.set_max_epochs"):
        keras.config.set_max_epochs  # noqa: B018


def test_clear_session_restarts_layer_names_from_every_place_keras_offers_it():
    import nabla.tf as tf

    for clear in (keras.backend.clear_session, keras.utils.clear_session, tf.keras.backend.clear_session):
        clear()
        assert keras.layers.Dense(1).name == "dense" and keras.layers.Dense(1).name == "dense_1"


def test_is_keras_tensor():
    assert keras.backend.is_keras_tensor(keras.Input((2,)))
    assert not keras.backend.is_keras_tensor(keras.ops.ones((2,)))



def test_standardize_dtype_names_dtypes_as_keras():
    import numpy as np

    reference = keras_on_torch().backend.standardize_dtype
    layer = keras.layers.Dense(2)
    layer.build((None, 3))
    cases = [None, "float32", np.float64, np.dtype("int32"), float, bool, str, "uint8", keras.Input((3,)).dtype]
    for dtype in cases + [layer.kernel.dtype, keras.ops.ones(2).dtype]:
        assert keras.backend.standardize_dtype(dtype) == reference(dtype if not isinstance(dtype, str) else str(dtype))
    assert keras.backend.standardize_dtype(int) == "int64"  # Keras on TensorFlow's (on torch: int32)
    for bad in ("float", "foo", object()):
        with pytest.raises(ValueError, match="Invalid dtype"):
            reference(bad)
        with pytest.raises(ValueError, match="Invalid dtype"):
            keras.backend.standardize_dtype(bad)
