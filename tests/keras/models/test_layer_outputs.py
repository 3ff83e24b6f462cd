"""``layer.output``, ``model.input``/``inputs``/``outputs``: a model of every layer's activations, checked
against Keras 3.

The classic "visualizing intermediate activations" code (Deep Learning with Python, ch. 5) builds
``Model(inputs=model.input, outputs=[layer.output for layer in model.layers[:n]])`` from a Sequential model
that was given ``input_shape=`` on its first layer.
"""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras as keras

X = np.random.default_rng(5).random((3, 12, 12, 1)).astype(np.float32)


def convnet(k, first_input):
    shape = (12, 12, 1)
    head = [k.Input(shape)] if first_input else []
    conv_kwargs = {} if first_input else {"input_shape": shape}
    return k.Sequential([
        *head,
        k.layers.Conv2D(4, 3, activation="relu", **conv_kwargs),
        k.layers.MaxPooling2D(2),
        k.layers.Conv2D(6, 3, activation="relu"),
        k.layers.Flatten(),
        k.layers.Dense(3),
    ])  # fmt: skip


@pytest.mark.parametrize("first_input", [True, False], ids=["keras.Input", "input_shape="])
def test_an_activation_model_of_a_sequential_gives_keras_activations(first_input):
    reference_keras = keras_on_torch()
    reference, model = convnet(reference_keras, True), convnet(keras, first_input)
    model.set_weights(reference.get_weights())
    outputs = [layer.output for layer in model.layers[:4]]  # before model.input: the layers ask their model
    activations = keras.Model(inputs=model.input, outputs=outputs)(X)
    reference_activations = reference_keras.Model(
        inputs=reference.inputs, outputs=[layer.output for layer in reference.layers[:4]]
    )(X)
    assert len(activations) == 4
    for ours, theirs in zip(activations, reference_activations):
        np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-5, atol=1e-6)
    assert [t.shape for t in model.outputs] == [(None, 3)]
    assert len(model.trainable_weights) == 6  # built from the input shape, as Keras builds it


def test_functional_models_give_their_inputs_and_outputs_as_defined():
    inputs = keras.Input((4,))
    hidden = keras.layers.Dense(3, name="hidden")
    outputs = keras.layers.Dense(2)(hidden(inputs))
    model = keras.Model(inputs, outputs)
    assert model.input is inputs and model.output is outputs
    assert hidden.input is inputs and hidden.output.shape == (None, 3)
    features = keras.Model(model.input, model.get_layer("hidden").output)
    x = np.ones((2, 4), np.float32)
    np.testing.assert_allclose(features(x).numpy(), hidden(x).numpy())


def test_a_layer_never_called_on_keras_inputs_says_so():
    with pytest.raises(ValueError, match="never been called on keras.Input"):
        keras.layers.Dense(2).output
    with pytest.raises(ValueError, match="no input shape"):
        keras.Sequential([keras.layers.Dense(2)]).inputs
