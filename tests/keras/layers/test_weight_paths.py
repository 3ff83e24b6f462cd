"""A weight's ``path`` names the layers whose calls built it, as Keras 3's name scopes do: a Sequential model
built from its ``Input`` gives ``sequential/dense/kernel``, a subclassed model's layers ``my_model/dense/kernel``,
a layer of a functional model (built when called on ``keras.Input``) ``dense/kernel``. Printed by
``print(model.weights)``. A layer's own ``path`` is the same without the weight's name (None until built).
Reference: Keras 3 on its PyTorch backend, the same calls in a fresh name space."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras


def _paths(keras) -> list[list[str]]:
    keras.backend.clear_session()
    built = []
    built.append(keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]))
    lazy = keras.Sequential([keras.layers.Dense(2)])
    lazy(np.ones((1, 3), np.float32))
    built.append(lazy)
    fitted = keras.Sequential([keras.layers.Dense(2)])
    fitted.compile("sgd", "mse")
    fitted.fit(np.ones((2, 3), np.float32), np.ones((2, 2), np.float32), verbose=0)
    built.append(fitted)
    inputs = keras.Input((3,))
    built.append(keras.Model(inputs, keras.layers.Dense(2)(inputs)))

    class Blocks(keras.Model):
        def __init__(self):
            super().__init__()
            self.first = keras.layers.Dense(2)
            self.block = keras.Sequential([keras.layers.Dense(1)])

        def call(self, x):
            return self.block(self.first(x))

    subclassed = Blocks()
    subclassed(np.ones((1, 3), np.float32))
    built.append(subclassed)

    class Scale(keras.layers.Layer):
        def build(self, shape):
            self.w = self.add_weight(shape=(shape[-1], 2), name="w")
            self.inner = keras.layers.Dense(1)

        def call(self, x):
            return self.inner(x @ self.w)

    built.append(keras.Sequential([keras.Input((3,)), Scale()]))
    standalone = keras.layers.Dense(2)
    standalone.build((None, 3))
    weights = [[w.path for w in model.weights] for model in built] + [[w.path for w in standalone.weights]]
    # the layers' own paths (None for a layer without weights, built at creation: Dropout, an InputLayer)
    layers = [[model.path] + [layer.path for layer in model.layers] for model in built] + [[standalone.path]]
    dropped = keras.Sequential([keras.Input((3,)), keras.layers.Dropout(0.5), keras.layers.Dense(1)])
    return weights, layers + [[dropped.path] + [layer.path for layer in dropped.layers], [keras.layers.Dense(1).path]]


@pytest.fixture(scope="module")
def keras_paths():
    return _paths(keras_on_torch())


def test_weight_paths_follow_the_layers_that_built_them(keras_paths):
    assert _paths(nabla.keras)[0] == keras_paths[0]


def test_layer_paths_follow_the_layers_that_built_them(keras_paths):
    assert _paths(nabla.keras)[1] == keras_paths[1]
