"""Keras's second names of layers (``MaxPool2D`` for ``MaxPooling2D``...): the same classes, as in Keras."""

from __future__ import annotations

import pytest
from keras_reference import keras_on_torch

import nabla.keras as nk

ALIASES = {
    "MaxPool2D": "MaxPooling2D",
    "AvgPool2D": "AveragePooling2D",
    "Convolution2D": "Conv2D",
    "GlobalAvgPool2D": "GlobalAveragePooling2D",
    "GlobalMaxPool2D": "GlobalMaxPooling2D",
    "Convolution2DTranspose": "Conv2DTranspose",
    "Convolution1DTranspose": "Conv1DTranspose",
    "SeparableConvolution2D": "SeparableConv2D",
}


@pytest.mark.parametrize("alias, name", sorted(ALIASES.items()))
def test_an_alias_is_the_class_itself_as_in_keras(alias, name):
    keras = keras_on_torch()
    assert getattr(keras.layers, alias) is getattr(keras.layers, name)
    assert getattr(nk.layers, alias) is getattr(nk.layers, name)
    required = {"filters": 2, "kernel_size": 3} if "Conv" in name else {}
    required = {"pool_size": 2} if name.startswith("AveragePool") else required  # (required, as in Keras 3)
    assert getattr(nk.layers, alias)(**required).name.startswith(
        nk.layers.snake_case(name)
    )  # named (and saved) by its class, as Keras names it
