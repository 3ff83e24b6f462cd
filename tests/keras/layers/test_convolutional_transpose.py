"""Conv2DTranspose and Conv1DTranspose against Keras 3's layers (PyTorch backend): values, gradients, configs,
summaries, a few steps of fit, saving. (The engine's transposed convolution against torch:
tests/engine/ops/test_conv_transpose.py.)"""

from __future__ import annotations

import numpy as np
import pytest
from keras_compare import BASE_KEYS, check_save_load, check_summary, compare_with_keras
from keras_reference import data

import nabla as nb
from nabla.keras import Sequential, optimizers
from nabla.keras import layers as L  # noqa: N812

GEOMETRIES = [
    {"filters": 3, "kernel_size": 3},
    {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same", "activation": "relu"},
    {"filters": 2, "kernel_size": (2, 3), "strides": (3, 2)},  # a stride beyond the kernel (valid: zeros after)
    {"filters": 2, "kernel_size": 4, "strides": 2, "padding": "same", "use_bias": False},
    {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same", "output_padding": 1},
    {"filters": 2, "kernel_size": 3, "strides": 2, "output_padding": 1},
    {"filters": 2, "kernel_size": 3, "dilation_rate": 2, "padding": "same"},
]


def _one_d(kwargs: dict) -> dict:
    return {k: v[0] if isinstance(v, tuple) else v for k, v in kwargs.items()}


@pytest.mark.parametrize("kwargs", GEOMETRIES)
def test_conv2d_transpose_matches_keras(keras, kwargs):
    layer, k_layer = L.Conv2DTranspose(**kwargs), keras.layers.Conv2DTranspose(**kwargs)
    compare_with_keras(layer, k_layer, data(2, 5, 4, 3))  # the kernel's and the bias's gradients too
    assert layer.kernel.shape == tuple(k_layer.kernel.shape)
    assert set(k_layer.get_config()) - set(layer.get_config()) - BASE_KEYS == set()  # Keras's options
    check_summary(lambda: L.Conv2DTranspose(**kwargs), lambda: keras.layers.Conv2DTranspose(**kwargs), keras, (5, 4, 3))


@pytest.mark.parametrize("kwargs", [_one_d(k) for k in GEOMETRIES])
def test_conv1d_transpose_matches_keras(keras, kwargs):
    layer, k_layer = L.Conv1DTranspose(**kwargs), keras.layers.Conv1DTranspose(**kwargs)
    compare_with_keras(layer, k_layer, data(2, 6, 3))
    assert layer.kernel.shape == tuple(k_layer.kernel.shape)
    check_summary(lambda: L.Conv1DTranspose(**kwargs), lambda: keras.layers.Conv1DTranspose(**kwargs), keras, (6, 3))


def test_a_decoder_trains_as_keras_does(keras):
    """Three SGD steps of a small decoder from the same weights: the same weights after, as Keras's."""
    x, y = data(8, 4, 4, 2, seed=1), data(8, 8, 8, 1, seed=2)

    def stack(lib):
        return [lib.layers.Conv2DTranspose(4, 3, strides=2, padding="same", activation="relu"),
                lib.layers.Conv2DTranspose(1, 3, padding="same")]  # fmt: skip

    k_model = keras.Sequential([keras.Input((4, 4, 2)), *stack(keras)])
    model = Sequential([L.Input((4, 4, 2)), *stack(nb.keras)])
    model.set_weights(k_model.get_weights())
    k_model.compile(keras.optimizers.SGD(0.05), "mse")
    model.compile(optimizers.SGD(0.05), "mse")
    k_model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    history = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    for mine, theirs in zip(model.get_weights(), k_model.get_weights()):
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)


def test_configs_round_trip_and_a_model_saves_and_loads(tmp_path):
    layer = L.Conv2DTranspose(4, (3, 2), strides=2, padding="same", output_padding=(1, 0), activation="relu")
    assert L.Conv2DTranspose.from_config(layer.get_config()).get_config() == layer.get_config()
    nb.manual_seed(0)
    model = Sequential([L.Input((3, 3, 2)), L.Conv2DTranspose(4, 3, strides=2, output_padding=1),
                        L.Reshape((8 * 8, 4)), L.Conv1DTranspose(2, 2, strides=2, padding="same")])  # fmt: skip
    assert model.predict(data(2, 3, 3, 2), verbose=0).shape == (2, 128, 2)
    check_save_load(model, data(2, 3, 3, 2), tmp_path)


def test_bad_arguments_say_what_was_received():
    with pytest.raises(ValueError, match=r"output_padding must be non-negative ints smaller than the strides \(2, 2\)"):
        L.Conv2DTranspose(2, 3, strides=2, output_padding=2)
    with pytest.raises(ValueError, match="filters must be a positive integer, got 0"):
        L.Conv1DTranspose(0, 3)
    with pytest.raises(ValueError, match="channels-last"):
        L.Conv2DTranspose(2, 3, data_format="channels_first")
    with pytest.raises(ValueError, match=r"expects \(batch, H, W, 3\) inputs"):
        layer = L.Conv2DTranspose(2, 3)
        layer(data(1, 4, 4, 3))
        layer(data(1, 4, 4, 2))
