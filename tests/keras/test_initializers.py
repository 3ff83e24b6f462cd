"""Keras's initialisers by name: their distributions, fans in Keras's layouts, the seed."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nabla as nb
from nabla import initializers
from nabla.layers import (
    Dense,
)

FAN_IN, FAN_OUT = 300, 500


@pytest.mark.parametrize(
    "name, limit",
    [
        ("glorot_uniform", math.sqrt(6 / (FAN_IN + FAN_OUT))),
        ("he_uniform", math.sqrt(6 / FAN_IN)),
        ("lecun_uniform", math.sqrt(3 / FAN_IN)),
        ("random_uniform", 0.05),
    ],
)
def test_uniform_initializers(name, limit):
    nb.manual_seed(0)
    w = initializers.get(name)((FAN_IN, FAN_OUT))
    assert w.shape == (FAN_IN, FAN_OUT)
    assert np.abs(w).max() <= limit
    assert np.abs(w).max() > 0.99 * limit  # the whole interval is used
    assert abs(w.mean()) < 0.01 * limit
    assert w.std() == pytest.approx(limit / math.sqrt(3), rel=0.01)


@pytest.mark.parametrize(
    "name, std",
    [
        ("glorot_normal", math.sqrt(2 / (FAN_IN + FAN_OUT))),
        ("he_normal", math.sqrt(2 / FAN_IN)),
        ("lecun_normal", math.sqrt(1 / FAN_IN)),
    ],
)
def test_truncated_normal_initializers(name, std):
    """Keras draws a normal truncated at 2 standard deviations and rescales it so the final std is the target."""
    nb.manual_seed(0)
    w = initializers.get(name)((FAN_IN, FAN_OUT))
    assert w.std() == pytest.approx(std, rel=0.01)
    assert abs(w.mean()) < 0.01 * std
    assert np.abs(w).max() <= 2 * std / 0.87962566103423978 + 1e-12  # the truncation, before the rescale


def test_other_initializers():
    nb.manual_seed(0)
    shape = (200, 300)
    np.testing.assert_array_equal(initializers.get("zeros")(shape), np.zeros(shape))
    np.testing.assert_array_equal(initializers.get("ones")(shape), np.ones(shape))
    assert initializers.get("random_normal")(shape).std() == pytest.approx(0.05, rel=0.02)
    truncated = initializers.get("truncated_normal")(shape)
    assert np.abs(truncated).max() <= 0.1 and truncated.std() == pytest.approx(0.05 * 0.8796, rel=0.02)


def test_conv_kernel_fans_follow_keras_layout():
    """A (3, 3, 16, 32) kernel has fan_in 3*3*16 = 144 and fan_out 3*3*32 = 288."""
    nb.manual_seed(0)
    w = initializers.get("he_uniform")((3, 3, 16, 32))
    assert np.abs(w).max() <= math.sqrt(6 / 144) and np.abs(w).max() > 0.98 * math.sqrt(6 / 144)
    w = initializers.get("glorot_uniform")((3, 3, 16, 32))
    assert np.abs(w).max() <= math.sqrt(6 / (144 + 288)) and np.abs(w).max() > 0.98 * math.sqrt(6 / (144 + 288))


def test_layers_use_their_initializers_and_the_seed():
    nb.manual_seed(3)
    a = Dense(400, kernel_initializer="he_normal", bias_initializer="ones", input_shape=(300,))
    nb.manual_seed(3)
    b = Dense(400, kernel_initializer="he_normal", bias_initializer="ones", input_shape=(300,))
    np.testing.assert_array_equal(a.kernel.detach().numpy(), b.kernel.detach().numpy())
    assert a.kernel.detach().numpy().std() == pytest.approx(math.sqrt(2 / 300), rel=0.01)
    np.testing.assert_array_equal(a.bias.detach().numpy(), np.ones(400, dtype=np.float32))
    custom = Dense(2, kernel_initializer=lambda shape: np.full(shape, 0.5), input_shape=(3,))
    np.testing.assert_array_equal(custom.kernel.detach().numpy(), np.full((3, 2), 0.5, dtype=np.float32))
