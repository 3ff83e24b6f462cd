"""Activations by name, for the Keras-style layers: ``Dense(4, activation="relu")``."""

from __future__ import annotations

from collections.abc import Callable

from ._engine import ops

_ACTIVATIONS: dict[str, Callable] = {
    "linear": lambda x: x,
    "relu": ops.relu,
    "sigmoid": ops.sigmoid,
    "tanh": ops.tanh,
    "softmax": lambda x: ops.softmax(x, axis=-1),
    "log_softmax": lambda x: ops.log_softmax(x, axis=-1),
    "swish": ops.silu,
    "silu": ops.silu,
    "gelu": ops.gelu,
    "elu": ops.elu,
    "leaky_relu": lambda x: ops.leaky_relu(x, 0.2),  # Keras's default slope is 0.2 (PyTorch's is 0.01)
    "softplus": ops.softplus,
    "step": ops.step,
}


def get(identifier) -> Callable:
    """The activation function for a name (or None -> linear); callables pass through.

    Names: linear, relu, sigmoid, tanh, softmax, log_softmax, swish/silu, gelu,
    elu, leaky_relu (slope 0.2, Keras's default), softplus, step.
    """
    if identifier is None:
        return _ACTIVATIONS["linear"]
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier in _ACTIVATIONS:
        return _ACTIVATIONS[identifier]
    raise ValueError(f"unknown activation {identifier!r}; valid names: {', '.join(sorted(_ACTIVATIONS))}")


def name_of(fn: Callable) -> str | None:
    """The registered name of an activation function, if it has one (for get_config)."""
    for name, f in _ACTIVATIONS.items():
        if f is fn:
            return name
    return None
