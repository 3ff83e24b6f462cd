"""Dropout, GaussianNoise and GaussianDropout: their statistics, identity at inference, gradients."""

from __future__ import annotations

import math

import numpy as np
import pytest
from layer_reference import images

import nabla as nb
from nabla.layers import (
    Dropout,
    GaussianDropout,
    GaussianNoise,
)


def test_dropout_scales_in_training_and_is_identity_at_inference():
    x = np.ones((200, 50), dtype=np.float32)
    layer = Dropout(0.3)
    out = layer(x, training=True).numpy()
    assert set(np.unique(out)) == {0.0, np.float32(1 / 0.7)}
    assert abs((out == 0).mean() - 0.3) < 0.02
    np.testing.assert_array_equal(layer(x, training=False).numpy(), x)
    with pytest.raises(ValueError, match=r"rate must be in \[0, 1\), got 1.0"):
        Dropout(1.0)


def test_gaussian_noise_statistics_identity_and_gradient():
    x = np.full((400, 500), 3.0, dtype=np.float32)
    layer = GaussianNoise(0.2)
    out = layer(x, training=True).numpy()
    assert out.dtype == np.float32
    assert abs(out.mean() - 3.0) < 0.002 and abs(out.std() - 0.2) < 0.002  # 200,000 draws: ~5 standard errors
    np.testing.assert_array_equal(layer(x, training=False).numpy(), x)
    np.testing.assert_array_equal(GaussianNoise(0.0)(x, training=True).numpy(), x)
    t = nb.tensor(x[:3, :4], requires_grad=True)
    w = images(3, 4)
    (layer(t, training=True) * nb.tensor(w)).sum().backward()
    np.testing.assert_array_equal(t.grad.numpy(), w)  # d(x + noise)/dx = 1


@pytest.mark.parametrize("rate", [0.1, 0.5])
def test_gaussian_dropout_statistics_identity_and_gradient(rate):
    x = np.ones((400, 500))
    layer = GaussianDropout(rate, dtype="float64")
    out = layer(x, training=True).numpy()
    std = math.sqrt(rate / (1 - rate))
    assert out.dtype == np.float64
    assert abs(out.mean() - 1.0) < 5 * std / math.sqrt(x.size) and abs(out.std() / std - 1) < 0.01
    np.testing.assert_array_equal(layer(x, training=False).numpy(), x)
    t = nb.tensor(np.full((3, 4), 2.0), requires_grad=True)
    nb.manual_seed(7)
    out = layer(t, training=True)
    out.sum().backward()
    np.testing.assert_allclose(t.grad.numpy(), out.detach().numpy() / 2.0)  # d(x * noise)/dx = noise


def test_noise_layers_are_reproducible_under_manual_seed():
    x = images(3, 4)
    for layer in (GaussianNoise(0.5), GaussianDropout(0.3)):
        nb.manual_seed(11)
        first = layer(x, training=True).numpy()
        nb.manual_seed(11)
        np.testing.assert_array_equal(layer(x, training=True).numpy(), first)
        assert not np.allclose(first, x)
