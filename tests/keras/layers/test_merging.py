"""Merging, reshaping and Lambda layers against Keras 3's, in a functional model and alone."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras as keras

RNG = np.random.default_rng(5)
A, B, C = (RNG.standard_normal((4, 6)).astype(np.float32) for _ in range(3))


@pytest.mark.parametrize(
    "make",
    [
        lambda k: k.layers.Add(),
        lambda k: k.layers.Multiply(),
        lambda k: k.layers.Average(),
        lambda k: k.layers.Maximum(),
        lambda k: k.layers.Minimum(),
        lambda k: k.layers.Concatenate(),
        lambda k: k.layers.Concatenate(axis=0),
    ],
)
def test_merging_layers_match_keras(make):
    reference_keras = keras_on_torch()
    want = reference_keras.ops.convert_to_numpy(make(reference_keras)([A, B, C]))
    got = keras.ops.convert_to_numpy(make(keras)([A, B, C]))
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_subtract_reshape_permute_lambda_in_a_functional_model_match_keras():
    def build(k):
        a, b = k.Input(shape=(6,)), k.Input(shape=(6,))
        d = k.layers.subtract([a, b])
        x = k.layers.Reshape((2, 3))(k.layers.add([d, a]))
        x = k.layers.Permute((2, 1))(x)
        x = k.layers.Lambda(lambda t: t * 2.0)(x)
        out = k.layers.Dense(2)(k.layers.Flatten()(k.layers.concatenate([x, x * 0.5], axis=1)))
        return k.Model([a, b], out)

    reference_keras = keras_on_torch()
    reference, model = build(reference_keras), build(keras)
    model.set_weights(reference.get_weights())
    want = reference_keras.ops.convert_to_numpy(reference([A, B]))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(model([A, B])), want, rtol=1e-5, atol=1e-6)


def test_a_merge_needs_a_list_and_merging_layers_save_their_config():
    with pytest.raises(ValueError, match="list of at least 2 inputs"):
        keras.layers.Add()(A)
    model = keras.Sequential([keras.Input(shape=(6,)), keras.layers.Reshape((3, 2)), keras.layers.Flatten()])
    np.testing.assert_array_equal(model.predict(A), A)


@pytest.mark.parametrize("name", ["GlobalAveragePooling2D", "GlobalMaxPooling2D"])
@pytest.mark.parametrize("keepdims", [False, True])
def test_global_pooling_matches_keras(name, keepdims):
    reference_keras = keras_on_torch()
    images = RNG.standard_normal((2, 5, 4, 3)).astype(np.float32)
    want = reference_keras.ops.convert_to_numpy(getattr(reference_keras.layers, name)(keepdims=keepdims)(images))
    got = keras.ops.convert_to_numpy(getattr(keras.layers, name)(keepdims=keepdims)(images))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


def test_a_layer_nabla_lacks_says_what_to_use():
    with pytest.raises(AttributeError, match="does not offer keras.layers.Conv3D; did you mean Conv2D"):
        keras.layers.Conv3D  # noqa: B018


def test_a_list_of_pandas_columns_is_a_list_of_inputs_as_in_keras():
    """Keras 3 converts each array of a layer's input structure: pandas columns and frames, arrays and tensors."""
    import pandas as pd

    reference_keras = keras_on_torch()
    parts = [pd.DataFrame(A), pd.Series(B[:, 0]).to_frame(), keras.ops.convert_to_tensor(C)]
    want = reference_keras.ops.convert_to_numpy(reference_keras.layers.Concatenate()([A, B[:, :1], C]))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(keras.layers.Concatenate()(parts)), want)


def test_a_dict_of_columns_reaches_call_as_a_dict():
    class Weighted(keras.layers.Layer):
        def build(self, input_shape):
            self.seen = input_shape

        def call(self, inputs):
            return inputs["a"] * 2.0 + inputs["b"]

    import pandas as pd

    layer = Weighted()
    got = layer({"a": pd.Series([1.0, 2.0]), "b": np.array([0.5, 0.25])})
    np.testing.assert_allclose(keras.ops.convert_to_numpy(got), [2.5, 4.25])
    assert layer.seen == {"a": (2,), "b": (2,)}  # build gets the structure of shapes, as in Keras 3
