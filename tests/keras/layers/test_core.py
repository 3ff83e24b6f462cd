"""Dense, Flatten and Activation against PyTorch.

Each layer runs in float64 on channels-last data; the torch reference permutes the data (and the kernel)
to PyTorch's layouts. Forward values and the gradients of ``sum(out * w)`` for a random ``w`` with respect
to the input and to every weight must agree (see layer_reference.py).
"""

from __future__ import annotations

import numpy as np
import pytest
from layer_reference import check_layer, inputs
from reference import torch

from nabla.layers import (
    Activation,
    Dense,
    Flatten,
)


@pytest.mark.parametrize("shape", [(5, 3), (2, 4, 3)])
@pytest.mark.parametrize("activation", [None, "relu", "tanh", "sigmoid"])
def test_dense_matches_torch(shape, activation):
    th = torch()
    fn = {None: lambda t: t, "relu": th.relu, "tanh": th.tanh, "sigmoid": th.sigmoid}[activation]
    layer = Dense(4, activation=activation, dtype="float64")
    out = check_layer(layer, inputs(*shape), lambda x, p: fn(x @ p["kernel"] + p["bias"]))
    assert out.dtype == np.float64
    assert layer.kernel.shape == (3, 4) and layer.bias.shape == (4,)  # Keras's (in, units) layout


def test_dense_without_bias_and_lazy_build():
    layer = Dense(2, use_bias=False, dtype="float64")
    assert not layer.built and not list(layer.parameters())
    check_layer(layer, inputs(3, 5), lambda x, p: x @ p["kernel"])
    assert layer.built and [n for n, _ in layer.named_parameters()] == ["kernel"]


def test_dense_default_dtype_is_float32_and_rejects_wrong_feature_count():
    layer = Dense(3, input_shape=(4,))
    assert layer.kernel.dtype == np.float32
    assert layer(np.ones((2, 4))).dtype == np.float32
    with pytest.raises(ValueError, match="expects inputs with 4 features"):
        layer(np.ones((2, 5), dtype=np.float32))
    with pytest.raises(ValueError, match="units must be a positive integer, got 0"):
        Dense(0)


def test_flatten_and_activation_layers():
    x = inputs(2, 3, 4, 5)
    assert Flatten()(x).shape == (2, 60)
    np.testing.assert_allclose(Flatten()(x).numpy(), x.reshape(2, -1).astype(np.float32))
    np.testing.assert_allclose(Activation("relu", dtype="float64")(x).numpy(), np.maximum(x, 0))
