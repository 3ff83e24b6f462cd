"""Padding names in any case, as Keras lower-cases them: Kaggle's MNIST notebooks write ``padding='Same'``.

Each layer or op is run on Keras 3 (PyTorch backend) and on nabla with the same weights; outputs agree, and
the layer's ``padding`` is the lower-case name."""

from __future__ import annotations

import numpy as np
import pytest

import nabla.keras as nk

X = np.random.default_rng(0).standard_normal((2, 7, 7, 3)).astype(np.float32)

LAYERS = [
    ("Conv2D", {"filters": 4, "kernel_size": 3, "padding": "Same", "strides": 2}, X),
    ("Conv2DTranspose", {"filters": 2, "kernel_size": 3, "padding": "SAME", "strides": 2}, X),
    ("DepthwiseConv2D", {"kernel_size": 3, "padding": "Same"}, X),
    ("Conv1D", {"filters": 2, "kernel_size": 3, "padding": "Causal"}, X[:, 0]),
    ("Conv1D", {"filters": 2, "kernel_size": 3, "padding": "Same"}, X[:, 0]),
    ("MaxPooling2D", {"pool_size": 2, "padding": "SAME"}, X),
    ("AveragePooling2D", {"pool_size": 2, "padding": "Same"}, X),
]


@pytest.mark.parametrize("name, options, x", LAYERS, ids=[f"{n}-{o['padding']}" for n, o, _ in LAYERS])
def test_layers_take_padding_in_any_case(keras, name, options, x):
    theirs = getattr(keras.layers, name)(**options)
    ours = getattr(nk.layers, name)(**options)
    expected = keras.ops.convert_to_numpy(theirs(x))
    ours.build(x.shape)
    ours.set_weights([keras.ops.convert_to_numpy(w) for w in theirs.weights])
    np.testing.assert_allclose(np.asarray(ours(x)), expected, rtol=1e-5, atol=1e-5)
    assert ours.padding == options["padding"].lower()


def test_ops_take_padding_in_any_case(keras):
    kernel = np.random.default_rng(1).standard_normal((3, 3, 3, 2)).astype(np.float32)
    np.testing.assert_allclose(
        np.asarray(nk.ops.conv(X, kernel, padding="SAME")),
        keras.ops.convert_to_numpy(keras.ops.conv(X, kernel, padding="SAME")),
        rtol=1e-5,
        atol=1e-5,
    )
    np.testing.assert_array_equal(
        np.asarray(nk.ops.max_pool(X, 2, padding="Same")),
        keras.ops.convert_to_numpy(keras.ops.max_pool(X, 2, padding="Same")),
    )


def test_an_unknown_padding_still_names_the_choices():
    with pytest.raises(ValueError, match="padding must be 'valid' or 'same', got 'full'"):
        nk.layers.Conv2D(2, 3, padding="full")
    with pytest.raises(ValueError, match="'valid' or 'same' or 'causal'"):
        nk.layers.Conv1D(2, 3, padding="Full")
