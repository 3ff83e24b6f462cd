"""Softmax, ReLU, LeakyReLU, PReLU, ELU and Identity against Keras 3's layers (PyTorch backend)."""

from __future__ import annotations

import numpy as np
import pytest
from keras_compare import check_config_keys, check_save_load, check_summary, compare_with_keras

from nabla.keras import Sequential
from nabla.keras import layers as L  # noqa: N812


def data(*shape, seed: int = 0) -> np.ndarray:
    return (3 * np.random.default_rng(seed).standard_normal(shape)).astype(np.float32)


CASES = [
    ("Softmax", {}),
    ("Softmax", {"axis": 1}),
    ("Softmax", {"axis": [1, 2]}),
    ("ReLU", {}),
    ("ReLU", {"max_value": 2.5}),
    ("ReLU", {"max_value": 6.0}),
    ("ReLU", {"negative_slope": 0.2}),
    ("ReLU", {"threshold": 0.5}),
    ("ReLU", {"max_value": 3.0, "negative_slope": 0.1, "threshold": 1.0}),
    ("LeakyReLU", {}),
    ("LeakyReLU", {"negative_slope": 0.05}),
    ("ELU", {}),
    ("ELU", {"alpha": 0.5}),
    ("Identity", {}),
]


@pytest.mark.parametrize("name, kwargs", CASES)
def test_matches_keras(keras, name, kwargs):
    x = data(4, 3, 5)
    layer, k_layer = getattr(L, name)(**kwargs), getattr(keras.layers, name)(**kwargs)
    compare_with_keras(layer, k_layer, x)
    # Keras 3's ELU leaves alpha out of its config; nabla keeps it (a reloaded ELU keeps its alpha)
    check_config_keys(layer, k_layer, extra={"alpha"} if name == "ELU" else set())


@pytest.mark.parametrize("shared_axes", [None, [1], [1, 2], 2])
def test_prelu_matches_keras_with_its_alpha(keras, shared_axes):
    x = data(4, 3, 5, 2)
    layer = L.PReLU(shared_axes=shared_axes)
    k_layer = keras.layers.PReLU(alpha_initializer="random_normal", shared_axes=shared_axes)
    compare_with_keras(layer, k_layer, x)  # the gradient of alpha too
    assert layer.alpha.shape == tuple(k_layer.alpha.shape)
    check_config_keys(layer, k_layer)


def test_prelu_starts_as_a_relu_and_learns_its_slope():
    layer = L.PReLU(alpha_initializer="Zeros")  # Keras's class name for the initializer
    x = data(8, 3)
    np.testing.assert_array_equal(np.asarray(layer(x)), np.maximum(x, 0))
    assert layer.trainable_weights == [layer.alpha] and layer.alpha.shape == (3,)


@pytest.mark.parametrize(
    "make",
    [
        lambda k: k.layers.Softmax(),
        lambda k: k.layers.ReLU(max_value=6.0),
        lambda k: k.layers.LeakyReLU(),
        lambda k: k.layers.PReLU(shared_axes=[1]),
        lambda k: k.layers.ELU(),
        lambda k: k.layers.Identity(),
    ],
)
def test_summary_matches_keras(keras, make):
    import nabla.keras as nk

    check_summary(lambda: make(nk), lambda: make(keras), keras, (6, 4))


def test_leaky_relu_takes_keras_2s_alpha_and_rejects_bad_arguments():
    assert L.LeakyReLU(alpha=0.1).negative_slope == 0.1
    with pytest.raises(ValueError, match="negative_slope must be a number >= 0"):
        L.LeakyReLU(-1)
    with pytest.raises(ValueError, match="max_value must be a number >= 0 or None"):
        L.ReLU(max_value=-1)
    with pytest.raises(ValueError, match="axis must be an int or a list of ints"):
        L.Softmax(axis="last")
    with pytest.raises(ValueError, match="shared_axes must be axes >= 1"):
        L.PReLU(shared_axes=[0])


def test_a_model_of_activation_layers_saves_and_loads(tmp_path):
    model = Sequential([
        L.Dense(6, input_shape=(4,)), L.PReLU(alpha_initializer="random_uniform"), L.ReLU(max_value=1.5, threshold=0.1),
        L.Dense(5), L.LeakyReLU(0.1), L.ELU(alpha=0.7), L.Identity(), L.Softmax(axis=-1),
    ])  # fmt: skip
    check_save_load(model, data(7, 4), tmp_path)
