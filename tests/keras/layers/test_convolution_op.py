"""Conv1D/Conv2D's ``convolution_op(inputs, kernel)``, Keras 3's hook for a custom convolution: a subclass
overrides it (and keeps the layer's bias and activation) or calls it from its own ``call``. Checked against
Keras 3 (PyTorch backend) with the same weights; as there, Conv1D's own ``call`` does not go through it (an
override changes nothing) and its "causal" padding pads nothing in it."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras as keras


def standardized(k, base: str, override: bool):
    """A convolution layer whose kernel is standardized (zero mean, unit variance per filter) before use."""
    ops = k.ops

    def standardize(kernel):
        axes = tuple(range(len(kernel.shape) - 1))
        mean = ops.mean(kernel, axis=axes, keepdims=True)
        return (kernel - mean) / ops.sqrt(ops.var(kernel, axis=axes, keepdims=True) + 1e-10)

    class Overridden(getattr(k.layers, base)):
        def convolution_op(self, inputs, kernel):
            return super().convolution_op(inputs, standardize(kernel))

    class Called(getattr(k.layers, base)):
        def call(self, inputs):
            result = self.convolution_op(inputs, standardize(self.kernel))
            return result + self.bias if self.use_bias else result

    return Overridden if override else Called


@pytest.mark.parametrize("override", [True, False])
@pytest.mark.parametrize(
    "base, shape, options",
    [
        ("Conv2D", (2, 7, 6, 3), dict(strides=2, padding="same", activation="relu")),
        ("Conv2D", (2, 6, 6, 2), dict(padding="valid", dilation_rate=2, use_bias=False)),
        ("Conv1D", (2, 9, 3), dict(padding="causal", activation="tanh")),
        ("Conv1D", (2, 9, 3), dict(strides=2, padding="same")),
    ],
)
def test_a_subclass_convolution_op_runs_as_in_keras(base, shape, options, override):
    theirs_k = keras_on_torch()
    x = np.random.default_rng(0).normal(size=shape).astype(np.float32)
    theirs = standardized(theirs_k, base, override)(4, 3, **options)
    mine = standardized(keras, base, override)(4, 3, **options)
    expected = np.asarray(theirs(x).detach().cpu())
    mine.build(shape)
    mine.set_weights([np.asarray(w) for w in theirs.get_weights()])
    np.testing.assert_allclose(mine(x).numpy(), expected, rtol=1e-5, atol=1e-5)


def test_the_convolution_op_alone_has_no_bias_nor_activation():
    theirs = keras_on_torch().layers.Conv2D(2, 3, activation="relu", bias_initializer="ones")
    mine = keras.layers.Conv2D(2, 3, activation="relu", bias_initializer="ones")
    x = np.random.default_rng(1).normal(size=(1, 5, 5, 2)).astype(np.float32)
    theirs(x)
    mine.build(x.shape)
    mine.set_weights([np.asarray(w) for w in theirs.get_weights()])
    expected = np.asarray(theirs.convolution_op(x, theirs.kernel).detach().cpu())
    np.testing.assert_allclose(mine.convolution_op(x, mine.kernel).numpy(), expected, rtol=1e-5, atol=1e-5)
