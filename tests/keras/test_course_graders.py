"""What the Deep Learning Specialization's graders read from a model (its ``test_utils.summary``): each
layer's class, output shape and parameter count, a Conv2D's padding, activation name and initializer class,
and the model names its summaries print. Keras 3 on torch is the reference, with the same code."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras


def descriptors(keras) -> list:
    """The grader's descriptors of the lab's happy model and of a Conv2D given its initializer by name."""
    layers = keras.layers
    model = keras.Sequential([
        layers.ZeroPadding2D(padding=3), layers.Conv2D(32, 7, strides=1), layers.BatchNormalization(axis=3),
        layers.ReLU(), layers.MaxPool2D(), layers.Flatten(), layers.Dense(1, activation="sigmoid"),
    ])  # fmt: skip
    model.build((None, 64, 64, 3))
    described = []
    for layer in model.layers:
        row = [type(layer).__name__, layer.output.shape, layer.count_params()]
        if isinstance(layer, layers.Conv2D):
            row += [layer.padding, layer.activation.__name__, type(layer.kernel_initializer).__name__]
        described.append(row)
    named = layers.Conv2D(2, 3, kernel_initializer="he_normal", bias_initializer="uniform")
    described.append([type(named.kernel_initializer).__name__, type(named.bias_initializer).__name__])
    described.append(
        [
            type(layers.Dense(2).kernel_initializer).__name__,
            type(layers.Embedding(3, 2).embeddings_initializer).__name__,
        ]
    )
    return described


def test_the_graders_descriptors_are_keras_s():
    assert descriptors(nabla.keras) == descriptors(keras_on_torch())


def test_an_initializer_given_by_name_is_an_instance_that_saves_as_its_name():
    conv = nabla.keras.layers.Conv2D(2, 3, kernel_initializer="GlorotNormal", bias_initializer="uniform")
    assert isinstance(conv.kernel_initializer, nabla.keras.initializers.GlorotNormal)
    config = conv.get_config()
    assert (config["kernel_initializer"], config["bias_initializer"]) == ("glorot_normal", "random_uniform")
    with pytest.raises(ValueError, match="unknown initializer 'glorot'"):
        nabla.keras.layers.Conv2D(2, 3, kernel_initializer="glorot")


def model_names(keras) -> list[str]:
    """Default names: a Sequential with a known input shape builds a functional model inside at each
    (re)build, which takes the next "functional" name, as Keras 3's summaries show."""
    keras.utils.clear_session()
    inputs = keras.Input((3,))
    names = [keras.Sequential([keras.layers.Dense(2)]).name, keras.Model(inputs, keras.layers.Dense(2)(inputs)).name]
    built = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    names += [built.name, keras.Model(inputs, keras.layers.Dense(2)(inputs)).name]
    built.add(keras.layers.Dense(4))
    built.pop()
    names.append(keras.Model(inputs, keras.layers.Dense(2)(inputs)).name)
    keras.utils.clear_session()
    return names


def test_models_take_keras_s_default_names():
    assert model_names(nabla.keras) == model_names(keras_on_torch())


def resnet_block_statistics(keras) -> list:
    """The ResNets lab's ``BatchNormalization(axis=3)(X, training=training)`` in a functional model: its moving
    statistics after building the graph, after a call, and after a step of fit (the model's shape checks and
    builds run on probe batches, which must leave them alone), and the evaluation that reads them."""
    inputs = keras.Input((4, 4, 3))
    norm = keras.layers.BatchNormalization(axis=3)
    model = keras.Model(inputs, keras.layers.Flatten()(norm(inputs, training=True)))
    x = np.arange(96, dtype="float32").reshape(2, 4, 4, 3) / 10
    seen = [norm.moving_mean.numpy().copy()]
    model(x)
    seen.append(norm.moving_mean.numpy().copy())
    model.compile("sgd", "mse")
    model.fit(x, np.zeros((2, 48)), epochs=1, batch_size=2, verbose=0)
    seen += [norm.moving_mean.numpy().copy(), norm.moving_variance.numpy().copy()]
    return seen + [np.array(model.evaluate(x, np.zeros((2, 48)), verbose=0))]


def test_batch_normalization_keeps_no_statistics_of_probe_batches():
    for mine, reference in zip(resnet_block_statistics(nabla.keras), resnet_block_statistics(keras_on_torch())):
        np.testing.assert_allclose(mine, reference, rtol=1e-5, atol=1e-6)
