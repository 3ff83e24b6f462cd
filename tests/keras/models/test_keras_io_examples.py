"""Listings of keras.io's code examples (examples/keras_recipes, examples/vision) that did not run before, with
the import changed to nabla.keras, against Keras 3 (PyTorch backend) on small synthetic data."""

from __future__ import annotations

import numpy as np
from keras_reference import keras_on_torch

import nabla.keras as keras


def mnist_model_class(k):
    """packaging_keras_models_for_wide_distribution.py's "Functional Subclassing" model, shrunk: a subclass whose
    __init__ builds a graph and calls ``super().__init__(inputs=inputs, outputs=outputs)``."""

    class MnistModel(k.Model):
        def __init__(self, **kwargs):
            inputs = k.layers.Input(shape=(None, None, 1), dtype="uint8")
            y = k.layers.Rescaling(1 / 255.0)(inputs)
            y = k.layers.Conv2D(filters=4, kernel_size=3, padding="same", activation="relu", strides=2)(y)
            y = k.layers.GlobalAveragePooling2D()(y)
            outputs = k.layers.Dense(10, activation="softmax", name="classification_head")(y)
            super().__init__(inputs=inputs, outputs=outputs, **kwargs)

    return MnistModel


def test_a_subclass_calling_super_init_with_inputs_and_outputs_is_a_functional_model_as_in_keras():
    theirs_class, mine_class = mnist_model_class(keras_on_torch()), mnist_model_class(keras)
    theirs, mine = theirs_class(name="mnist"), mine_class(name="mnist")
    assert isinstance(mine, mine_class) and mine.name == "mnist"
    assert [type(layer).__name__ for layer in mine.layers] == [type(layer).__name__ for layer in theirs.layers]
    mine.set_weights([np.asarray(w) for w in theirs.get_weights()])
    x = np.random.default_rng(0).integers(0, 256, (4, 12, 12, 1)).astype(np.uint8)
    np.testing.assert_allclose(mine.predict(x, verbose=0), theirs.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    # the example's model surgery: a new head on the layer graph
    head = keras.layers.Dense(1, activation="sigmoid", name="binary_classification_head")
    binary = keras.Model(mine.input, head(mine.get_layer("classification_head").input))
    assert binary.output_shape == (None, 1) and binary.count_params() == mine.count_params() - 10 * 4 - 10 + 4 + 1
