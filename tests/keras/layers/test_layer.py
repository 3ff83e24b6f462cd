"""What every layer shares: the layer contract (output shape, weights, config), freezing, default names."""

from __future__ import annotations

import numpy as np
import pytest

import nabla as nb
from nabla import layers
from nabla.layers import (
    Activation,
    AveragePooling2D,
    BatchNormalization,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    LayerNormalization,
    MaxPooling2D,
)


def test_freezing_a_model_freezes_every_layer_inside():
    """Keras: ``trainable`` is recursive, so a frozen base model's BatchNormalization keeps its statistics."""
    base = nb.models.Sequential([Dense(6, input_shape=(4,)), BatchNormalization()])
    base.trainable = False
    model = nb.models.Sequential([base, Dense(3)])
    model.compile(optimizer="sgd", loss=nb.losses.SparseCategoricalCrossentropy(from_logits=True))
    frozen = [w.copy() for w in base.get_weights()]
    rng = np.random.default_rng(0)
    model.fit(rng.standard_normal((16, 4)).astype(np.float32) + 5, rng.integers(0, 3, 16), batch_size=8, verbose=0)
    assert all(not layer.trainable for layer in base.layers)
    for a, b in zip(base.get_weights(), frozen, strict=True):  # kernel, bias, gamma, beta, moving statistics
        np.testing.assert_array_equal(a, b)
    base.trainable = True  # and back, recursively
    assert all(layer.trainable for layer in base.layers)


@pytest.mark.parametrize(
    "make, input_shape, output_shape, n_weights",
    [
        (lambda: Dense(4), (None, 3), (None, 4), 2),
        (lambda: Dense(4, use_bias=False), (None, 3), (None, 4), 1),
        (lambda: Conv2D(5, 3), (None, 8, 8, 2), (None, 6, 6, 5), 2),
        (lambda: Conv2D(5, 3, strides=2, padding="same"), (None, 7, 7, 2), (None, 4, 4, 5), 2),
        (lambda: MaxPooling2D(2), (None, 7, 7, 2), (None, 3, 3, 2), 0),
        (lambda: AveragePooling2D(2, padding="same"), (None, 7, 7, 2), (None, 4, 4, 2), 0),
        (lambda: BatchNormalization(), (None, 3), (None, 3), 4),
        (lambda: LayerNormalization(), (None, 3), (None, 3), 2),
        (lambda: Dropout(0.5), (None, 3), (None, 3), 0),
        (lambda: Flatten(), (None, 2, 3), (None, 6), 0),
        (lambda: Activation("tanh"), (None, 3), (None, 3), 0),
    ],
)
def test_layer_contract(make, input_shape, output_shape, n_weights):
    """Output shape, number of weights, and a config that rebuilds an equal layer."""
    layer = make()
    out = layer(np.zeros((2, *input_shape[1:]), dtype=np.float32))
    assert layer.output_shape_seen == output_shape and out.shape == (2, *output_shape[1:])
    assert len(layer.weights) == n_weights
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    clone(np.zeros((2, *input_shape[1:]), dtype=np.float32))
    assert [w.shape for w in clone.weights] == [w.shape for w in layer.weights]


def test_default_names_follow_keras():
    layers.clear_session()
    assert [Dense(1).name, Dense(1).name, Conv2D(1, 1).name, MaxPooling2D().name] == [
        "dense",
        "dense_1",
        "conv2d",
        "max_pooling2d",
    ]
    assert layers.snake_case("BatchNormalization") == "batch_normalization"


def test_unknown_names_list_the_valid_ones():
    with pytest.raises(ValueError, match=r"unknown activation 'relux'; valid names: .*relu.*sigmoid"):
        Dense(3, activation="relux")
    with pytest.raises(ValueError, match=r"unknown initializer 'glorot'; valid names: .*glorot_uniform.*he_normal"):
        Dense(3, kernel_initializer="glorot")  # at construction, not at the first call
    with pytest.raises(ValueError, match=r"unknown initializer 'onez'"):
        Conv2D(3, 3, bias_initializer="onez")
    with pytest.raises(ValueError, match=r"unknown regularizer 'l3'"):
        Dense(3, kernel_regularizer="l3")
    with pytest.raises(ValueError, match=r"Unrecognized keyword arguments passed to Dense: {.unit.: 4}"):
        Dense(3, unit=4)


def test_reprs_are_keras_3s():
    """``print(model.layers)`` in course material shows Keras 3's reprs. (Keras 3 marks some layers without
    weights built at construction, Dropout and the pooling layers among them; nabla builds every layer at its
    first call or with its model, so their ``built=`` can differ before that.)"""
    from keras_reference import keras_on_torch

    import nabla.keras as keras

    reference = keras_on_torch()
    for library in (keras, reference):
        library.utils.clear_session()
    ours, theirs = (
        [
            k.Sequential([k.layers.Dense(2), k.layers.Flatten()]),
            k.Sequential([k.Input((3,)), k.layers.Dense(2)]),
            k.layers.Conv2D(3, 3),
            k.metrics.Mean(),
        ]
        for k in (keras, reference)
    )
    assert [repr(o) for o in ours] == [repr(t) for t in theirs]
    assert repr(ours[0].layers) == repr(theirs[0].layers) and repr(ours[1].layers) == repr(theirs[1].layers)
