"""BatchNormalization and LayerNormalization against PyTorch; Keras's momentum and freezing rules.

Each layer runs in float64 on channels-last data; the torch reference permutes the data (and the kernel)
to PyTorch's layouts. Forward values and the gradients of ``sum(out * w)`` for a random ``w`` with respect
to the input and to every weight must agree (see layer_reference.py).
"""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch
from layer_reference import TOL, check_layer, inputs, nchw, nhwc
from reference import torch

import nabla as nb
from nabla.layers import (
    BatchNormalization,
    LayerNormalization,
)


def test_batch_normalization_training_matches_torch():
    th = torch()
    F = th.nn.functional
    layer = BatchNormalization(dtype="float64")
    x = inputs(8, 5) * 3 + 1
    layer.build((None, 5))
    layer.built = True
    with nb.no_grad():
        layer.gamma._data[:] = np.linspace(0.5, 1.5, 5)
        layer.beta._data[:] = np.linspace(-1, 1, 5)
    check_layer(
        layer,
        x,
        lambda t, p: F.batch_norm(t, None, None, p["gamma"], p["beta"], training=True, eps=1e-3),
        training=True,
    )


def test_batch_normalization_channels_last_images_match_torch():
    th = torch()
    F = th.nn.functional
    check_layer(
        BatchNormalization(dtype="float64"),
        inputs(3, 4, 4, 2),
        lambda t, p: nhwc(F.batch_norm(nchw(t), None, None, p["gamma"], p["beta"], training=True, eps=1e-3)),
        training=True,
    )


def test_batch_normalization_moving_statistics_keras_rule():
    """moving = momentum * moving + (1 - momentum) * batch, with the biased batch variance."""
    layer = BatchNormalization(momentum=0.9, dtype="float64")
    mean, var = np.zeros(5), np.ones(5)
    for step in range(3):
        x = inputs(8, 5, seed=step) * (step + 2) + step
        layer(x, training=True)
        mean = 0.9 * mean + 0.1 * x.mean(0)
        var = 0.9 * var + 0.1 * x.var(0)  # ddof=0
    np.testing.assert_allclose(layer.moving_mean.numpy(), mean, **TOL)
    np.testing.assert_allclose(layer.moving_variance.numpy(), var, **TOL)
    x = inputs(4, 5, seed=9)
    out = layer(x, training=False).detach().numpy()
    gamma, beta = layer.gamma.detach().numpy(), layer.beta.detach().numpy()
    np.testing.assert_allclose(out, gamma * (x - mean) / np.sqrt(var + 1e-3) + beta, **TOL)
    np.testing.assert_allclose(layer.moving_mean.numpy(), mean, **TOL)  # inference leaves them alone


def test_frozen_batch_normalization_runs_in_inference_mode():
    """Keras: ``trainable = False`` on a BatchNormalization makes it use (and keep) its moving statistics."""
    layer = BatchNormalization(dtype="float64", input_shape=(3,))
    layer(inputs(6, 3) + 5, training=True)
    layer.trainable = False
    before = layer.moving_mean.numpy().copy()
    x = inputs(6, 3, seed=1)
    np.testing.assert_allclose(
        layer(x, training=True).detach().numpy(), layer(x, training=False).detach().numpy(), **TOL
    )
    np.testing.assert_array_equal(layer.moving_mean.numpy(), before)


@pytest.mark.parametrize("shape", [(4, 6), (2, 3, 5)])
def test_layer_normalization_matches_torch(shape):
    th = torch()
    F = th.nn.functional
    layer = LayerNormalization(dtype="float64")
    layer.build((None, *shape[1:]))
    layer.built = True
    with nb.no_grad():
        layer.gamma._data[:] = np.linspace(0.5, 1.5, shape[-1])
        layer.beta._data[:] = np.linspace(-1, 1, shape[-1])
    check_layer(
        layer,
        inputs(*shape) * 2 + 1,
        lambda t, p: F.layer_norm(t, (shape[-1],), p["gamma"], p["beta"], eps=1e-3),
    )


def test_batch_normalization_variables_are_named_variables_as_in_keras():
    # Géron's chapter 11 lists [(var.name, var.trainable) for var in bn.variables]; reference: Keras 3.
    keras = keras_on_torch()
    ref = keras.layers.BatchNormalization()
    ref.build((None, 3))
    layer = BatchNormalization()
    layer.build((None, 3))
    listed = [(v.name, v.trainable, tuple(v.shape)) for v in layer.variables]
    assert listed == [(v.name, v.trainable, tuple(v.shape)) for v in ref.variables]
    assert [v.name for v in layer.non_trainable_weights] == [v.name for v in ref.non_trainable_weights]
    assert [v.name for v in layer.trainable_weights] == ["gamma", "beta"]
