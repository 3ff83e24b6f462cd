"""``x._keras_mask``, Keras 3's attribute for a tensor's mask, as its masking guide reads it: on eager
outputs (Embedding(mask_zero=True), Masking, a layer's own ``compute_mask``) and on the KerasTensors of
a functional model (a mask passed through a ``supports_masking`` layer reaches ``call(inputs, mask)``),
against Keras 3 (PyTorch backend)."""

from __future__ import annotations

import numpy as np
from keras_reference import keras_on_torch

import nabla.keras as keras

RAW = [[711, 632, 71], [73, 8, 3215, 55, 927], [83, 91, 1, 645, 1253, 927]]
PADDED = keras.utils.pad_sequences(RAW, padding="post")


def numpy(value) -> np.ndarray:
    return value.detach().cpu().numpy() if hasattr(value, "detach") else np.asarray(value)


def eager_masks(k) -> list:
    """The guide's eager masks: Embedding's, Masking's, and a layer's that splits the mask as its output."""

    class TemporalSplit(k.layers.Layer):
        def call(self, inputs):
            return k.ops.split(inputs, 2, axis=1)

        def compute_mask(self, inputs, mask=None):
            return None if mask is None else k.ops.split(mask, 2, axis=1)

    embedded = k.layers.Embedding(input_dim=5000, output_dim=4, mask_zero=True)(PADDED)
    features = k.ops.cast(k.ops.tile(k.ops.expand_dims(PADDED, axis=-1), [1, 1, 3]), "float32")
    masked = k.layers.Masking()(features)
    first, second = TemporalSplit()(masked)
    return [numpy(t._keras_mask) for t in (embedded, masked, first, second)]


def test_eager_outputs_carry_keras_mask_as_keras():
    for mine, theirs in zip(eager_masks(keras), eager_masks(keras_on_torch()), strict=True):
        np.testing.assert_array_equal(mine, theirs)
    assert keras.layers.Dense(2)(np.ones((2, 3), np.float32))._keras_mask is None


def test_setting_keras_mask_records_and_clears_it():
    x = keras.ops.ones((2, 3, 4))
    x._keras_mask = np.array([[True, False, True]] * 2)
    np.testing.assert_array_equal(numpy(keras.layers.Masking(mask_value=-1.0).compute_mask(x)), np.ones((2, 3), bool))
    assert numpy(x._keras_mask).tolist() == [[True, False, True]] * 2
    x._keras_mask = None
    assert x._keras_mask is None


def masked_softmax_model(k):
    """The guide's ``TemporalSoftmax``: a mask from Embedding, through a ``supports_masking`` layer, to ``call``."""

    class MyActivation(k.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.supports_masking = True

        def call(self, inputs):
            return k.ops.relu(inputs)

    class TemporalSoftmax(k.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.supports_masking = True

        def call(self, inputs, mask=None):
            assert mask is not None
            weight = k.ops.expand_dims(k.ops.cast(mask, "float32"), -1)
            exp = k.ops.exp(inputs) * weight
            return exp / k.ops.sum(exp, axis=1, keepdims=True)

    inputs = k.Input(shape=(None,), dtype="int32")
    x = k.layers.Embedding(input_dim=5000, output_dim=3, mask_zero=True)(inputs)
    x = MyActivation()(x)
    found = x._keras_mask is not None
    dense = k.layers.Dense(1)(x)
    outputs = TemporalSoftmax()(dense)
    return k.Model(inputs, outputs), found, tuple(x._keras_mask.shape), getattr(inputs, "_keras_mask", None)


def test_keras_tensors_carry_the_mask_to_call_as_keras():
    reference, k_found, k_shape, k_input_mask = masked_softmax_model(keras_on_torch())
    model, found, shape, input_mask = masked_softmax_model(keras)
    assert (found, shape, input_mask) == (k_found, k_shape, k_input_mask) == (True, (None, None), None)
    model.set_weights([numpy(w) for w in reference.get_weights()])
    np.testing.assert_allclose(numpy(model(PADDED)), numpy(reference(PADDED)), rtol=1e-5, atol=1e-6)
