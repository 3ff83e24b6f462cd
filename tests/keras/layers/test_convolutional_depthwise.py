"""DepthwiseConv2D and SeparableConv2D against Keras 3's layers (PyTorch backend): values, gradients of the
images and of every weight, configs, summaries, a few steps of fit, saving."""

from __future__ import annotations

import numpy as np
import pytest
from keras_compare import BASE_KEYS, check_save_load, check_summary, compare_with_keras
from keras_reference import data

import nabla as nb
import nabla.keras as nk
from nabla.keras import Sequential
from nabla.keras import layers as L  # noqa: N812

GEOMETRIES = [
    {"kernel_size": 3},
    {"kernel_size": 3, "depth_multiplier": 2, "strides": 2, "padding": "same", "activation": "relu"},
    {"kernel_size": (2, 3), "dilation_rate": 2, "use_bias": False},
    {"kernel_size": 4, "padding": "same"},
]


@pytest.mark.parametrize("name, args", [("DepthwiseConv2D", ()), ("SeparableConv2D", (4,))])
@pytest.mark.parametrize("kwargs", GEOMETRIES)
def test_matches_keras(keras, name, args, kwargs):
    x = data(2, 7, 6, 3)
    layer, k_layer = getattr(L, name)(*args, **kwargs), getattr(keras.layers, name)(*args, **kwargs)
    k_layer.build(x.shape)
    k_layer.set_weights([data(*w.shape, seed=i + 1) for i, w in enumerate(k_layer.get_weights())])  # a nonzero bias
    compare_with_keras(layer, k_layer, x)  # the gradients of the images and of every weight too
    assert [w.shape for w in layer.weights] == [tuple(w.shape) for w in k_layer.weights]
    assert set(k_layer.get_config()) - set(layer.get_config()) - BASE_KEYS == set()  # Keras's options
    assert set(layer.get_config()) - set(k_layer.get_config()) <= BASE_KEYS
    check_summary(lambda: getattr(L, name)(*args, **kwargs), lambda: getattr(keras.layers, name)(*args, **kwargs),
                  keras, (7, 6, 3))  # fmt: skip


def test_a_mobilenet_block_trains_as_keras_does(keras):
    """Three SGD steps from the same weights: the same weights after, as Keras's."""
    x, y = data(8, 6, 6, 3, seed=1), data(8, 1, seed=2)

    def stack(lib):
        return [lib.layers.DepthwiseConv2D(3, padding="same", depth_multiplier=2, activation="relu"),
                lib.layers.SeparableConv2D(4, 3, strides=2), lib.layers.Flatten(), lib.layers.Dense(1)]  # fmt: skip

    k_model = keras.Sequential([keras.Input((6, 6, 3)), *stack(keras)])
    model = Sequential([L.Input((6, 6, 3)), *stack(nk)])
    model.set_weights(k_model.get_weights())
    for m, optimizer in ((k_model, keras.optimizers.SGD(0.05)), (model, nk.optimizers.SGD(0.05))):
        m.compile(optimizer, "mse")
        m.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    for mine, theirs in zip(model.get_weights(), k_model.get_weights()):
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)


def test_configs_round_trip_and_a_model_saves_and_loads(tmp_path):
    layer = L.SeparableConv2D(4, 3, depth_multiplier=2, pointwise_regularizer="l2", depthwise_constraint="non_neg")
    assert L.SeparableConv2D.from_config(layer.get_config()).get_config() == layer.get_config()
    nb.manual_seed(0)
    model = Sequential([L.Input((8, 8, 2)), L.DepthwiseConv2D(3, depth_multiplier=3, padding="same"),
                        L.SeparableConv2D(5, 3, strides=2, bias_initializer="ones"), L.Flatten(),
                        L.Dense(2)])  # fmt: skip
    check_save_load(model, data(2, 8, 8, 2), tmp_path)


def test_bad_arguments_say_what_was_received():
    with pytest.raises(ValueError, match="depth_multiplier must be a positive integer, got 0"):
        L.DepthwiseConv2D(3, depth_multiplier=0)
    with pytest.raises(ValueError, match="filters must be a positive integer, got -1"):
        L.SeparableConv2D(-1, 3)
    with pytest.raises(ValueError, match=r"needs \(batch, H, W, 2\) inputs, got \(1, 5, 5, 3\)"):
        layer = L.DepthwiseConv2D(3)
        layer(data(1, 5, 5, 2))
        layer(data(1, 5, 5, 3))
    with pytest.raises(ValueError, match="does not fit in 2x2 images"):
        L.DepthwiseConv2D(3)(data(1, 2, 2, 1))
