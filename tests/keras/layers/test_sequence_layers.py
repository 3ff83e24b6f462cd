"""Conv1D and the 1-D poolings against Keras 3's layers (PyTorch backend): values, gradients, configs, summaries,
saving, and the text-classification idiom Embedding -> GlobalAveragePooling1D."""

from __future__ import annotations

import numpy as np
import pytest
from keras_compare import BASE_KEYS, check_config_keys, check_save_load, check_summary, compare_with_keras
from keras_reference import data

import nabla as nb
import nabla.keras as nk
from nabla.keras import Sequential
from nabla.keras import layers as L  # noqa: N812


@pytest.mark.parametrize(
    "kwargs",
    [
        {"filters": 4, "kernel_size": 3},
        {"filters": 2, "kernel_size": 2, "strides": 2, "padding": "same", "activation": "relu"},
        {"filters": 3, "kernel_size": 3, "padding": "causal", "dilation_rate": 2},
        {"filters": 3, "kernel_size": (4,), "padding": "same", "use_bias": False},
    ],
)
def test_conv1d_matches_keras(keras, kwargs):
    layer, k_layer = L.Conv1D(**kwargs), keras.layers.Conv1D(**kwargs)
    compare_with_keras(layer, k_layer, data(2, 9, 3))  # the kernel's and bias's gradients too
    assert layer.kernel.shape == tuple(k_layer.kernel.shape)
    # nabla's Conv1D has Keras's options but groups (as its Conv2D)
    missing = set(k_layer.get_config()) - set(layer.get_config()) - BASE_KEYS
    assert missing == {"groups"}
    check_summary(lambda: L.Conv1D(**kwargs), lambda: keras.layers.Conv1D(**kwargs), keras, (9, 3))


POOLINGS = [
    ("MaxPooling1D", {}),
    ("MaxPooling1D", {"pool_size": 3, "strides": 2, "padding": "same"}),
    ("AveragePooling1D", {"pool_size": 3}),
    ("AveragePooling1D", {"pool_size": 2, "strides": 1, "padding": "same"}),
    ("AveragePooling1D", {"pool_size": 3, "strides": 2, "padding": "same"}),
    ("GlobalAveragePooling1D", {}),
    ("GlobalMaxPooling1D", {"keepdims": True}),
]


@pytest.mark.parametrize("name, kwargs", POOLINGS)
def test_pooling1d_matches_keras(keras, name, kwargs):
    layer, k_layer = getattr(L, name)(**kwargs), getattr(keras.layers, name)(**kwargs)
    compare_with_keras(layer, k_layer, data(2, 7, 3))
    check_config_keys(layer, k_layer)
    check_summary(lambda: getattr(L, name)(**kwargs), lambda: getattr(keras.layers, name)(**kwargs), keras, (7, 3))


@pytest.mark.parametrize("alias, name", [("MaxPool1D", "MaxPooling1D"), ("AvgPool1D", "AveragePooling1D"),
                                         ("Convolution1D", "Conv1D"), ("GlobalAvgPool1D", "GlobalAveragePooling1D"),
                                         ("GlobalMaxPool1D", "GlobalMaxPooling1D")])  # fmt: skip
def test_1d_aliases_are_the_classes_as_in_keras(keras, alias, name):
    assert getattr(L, alias) is getattr(L, name) and getattr(keras.layers, alias) is getattr(keras.layers, name)


def test_the_text_classification_idiom_trains_saves_and_loads(tmp_path):
    """Embedding -> Dropout -> GlobalAveragePooling1D -> Dense, as TF's text-classification tutorial builds it."""
    nb.manual_seed(0)
    rng = np.random.default_rng(0)
    x = rng.integers(1, 50, (128, 12))
    y = (x < 25).mean(axis=1) > 0.5  # the share of "positive" words decides the label
    x = x.astype(np.float32)
    model = Sequential([L.Input((12,)), L.Embedding(50, 8), L.Dropout(0.2), L.GlobalAveragePooling1D(),
                        L.Dropout(0.2), L.Dense(1, activation="sigmoid")])  # fmt: skip
    model.compile(optimizer=nk.optimizers.Adam(learning_rate=0.01), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y.astype(np.float32), epochs=30, batch_size=16, verbose=0)
    assert history.history["accuracy"][-1] > 0.8
    check_save_load(model, x[:5], tmp_path)
    convnet = Sequential([L.Input((16, 2)), L.Conv1D(4, 3, padding="causal", dilation_rate=2), L.MaxPooling1D(2),
                          L.Conv1D(3, 2, strides=2, padding="same"), L.AveragePooling1D(2, padding="same"),
                          L.GlobalMaxPooling1D(keepdims=True), L.Flatten(), L.Dense(2)])  # fmt: skip
    check_save_load(convnet, data(3, 16, 2), tmp_path)
