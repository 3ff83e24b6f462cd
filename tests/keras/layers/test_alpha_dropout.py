"""AlphaDropout: SELU's self-normalisation kept while training (mean 0, variance 1 in and out), Keras's affine
map of the dropped values, identity at inference as Keras's layer (PyTorch backend), config, saving."""

from __future__ import annotations

import numpy as np
import pytest
from keras_compare import check_config_keys, check_save_load, check_summary, compare_with_keras
from keras_reference import data

import nabla as nb
from nabla.keras import Sequential
from nabla.keras import layers as L  # noqa: N812

ALPHA_P = -1.6732632423543772 * 1.0507009873554805  # SELU's negative saturation, -scale * alpha


@pytest.mark.parametrize("rate", [0.1, 0.3])
def test_keeps_zero_mean_and_unit_variance_while_training(rate):
    nb.manual_seed(0)
    x = data(4000, 50)
    out = np.asarray(L.AlphaDropout(rate)(x, training=True))
    assert out.dtype == np.float32
    assert abs(out.mean()) < 0.01 and abs(out.std() - 1.0) < 0.01  # 200,000 values
    a = ((1 - rate) * (1 + rate * ALPHA_P**2)) ** -0.5
    kept = np.isclose(out, a * x + (-a * ALPHA_P * rate), atol=1e-6)
    dropped = np.isclose(out, a * ALPHA_P - a * ALPHA_P * rate, atol=1e-6)
    assert np.all(kept | dropped) and abs(dropped.mean() - rate) < 0.005


def test_noise_shape_and_gradient():
    nb.manual_seed(1)
    x = nb.tensor(data(500, 6, 4), requires_grad=True)
    out = L.AlphaDropout(0.25, noise_shape=(None, 1, 4))(x, training=True)
    out.sum().backward()
    grad = x.grad.numpy()  # a (the map's slope) where kept, 0 where dropped, one mask along the steps
    assert np.all(grad == grad[:, :1, :]) and set(np.unique(grad).round(6)) == {0.0, np.float32(grad.max()).round(6)}


def test_identity_at_inference_config_and_summary_as_keras(keras):
    kwargs = {"rate": 0.2, "noise_shape": (None, 1, 3), "seed": 3}
    layer, k_layer = L.AlphaDropout(**kwargs), keras.layers.AlphaDropout(**kwargs)
    compare_with_keras(layer, k_layer, data(2, 5, 3))
    check_config_keys(layer, k_layer)
    check_summary(lambda: L.AlphaDropout(0.2), lambda: keras.layers.AlphaDropout(0.2), keras, (5, 3))


def test_a_selu_network_saves_and_loads(tmp_path):
    nb.manual_seed(0)
    model = Sequential([L.Input((8,)), L.Dense(6, activation="selu", kernel_initializer="lecun_normal"),
                        L.AlphaDropout(0.1, noise_shape=[None, 6]), L.Dense(1)])  # fmt: skip
    check_save_load(model, data(3, 8), tmp_path)


def test_bad_arguments_say_what_was_received():
    with pytest.raises(ValueError, match=r"rate must be a number in \[0, 1\), got 1"):
        L.AlphaDropout(1)
    with pytest.raises(ValueError, match=r"noise_shape must be None or a tuple of positive ints and Nones, got 3"):
        L.AlphaDropout(0.1, noise_shape=3)
    with pytest.raises(ValueError, match=r"noise_shape \[None, 1\] does not fit inputs of shape \(2, 3, 4\)"):
        L.AlphaDropout(0.1, noise_shape=(None, 1))(data(2, 3, 4), training=True)
