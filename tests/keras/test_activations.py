"""Activations by name against PyTorch's functions."""

from __future__ import annotations

import pytest
from reference import compare, torch

from nabla import activations
from nabla.layers import (
    Dense,
)


@pytest.mark.parametrize(
    "name, torch_name",
    [
        ("relu", "relu"),
        ("sigmoid", "sigmoid"),
        ("tanh", "tanh"),
        ("softmax", "softmax"),
        ("log_softmax", "log_softmax"),
        ("swish", "silu"),
        ("silu", "silu"),
        ("gelu", "gelu"),
        ("elu", "elu"),
        ("leaky_relu", "leaky_relu"),
        ("softplus", "softplus"),
        ("linear", None),
    ],
)
def test_activations_by_name_match_torch(name, torch_name):
    th = torch()
    F = th.nn.functional
    reference = {
        None: lambda t: t * 1.0,
        "softmax": lambda t: F.softmax(t, dim=-1),
        "log_softmax": lambda t: F.log_softmax(t, dim=-1),
        "leaky_relu": lambda t: F.leaky_relu(t, 0.2),  # Keras's slope 0.2
    }.get(torch_name, getattr(F, torch_name or "relu", None))
    fn = activations.get(name)
    compare(lambda t: fn(t) * 1.0, shapes=[(4, 5)], torch_fn=reference, low=-3, high=3)
    layer = Dense(5, activation=name)
    assert activations.get(activations.name_of(layer.activation)) is fn  # a name in get_config rebuilds it
