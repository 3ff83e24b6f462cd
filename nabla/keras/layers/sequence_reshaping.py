"""Layers that lengthen or shorten (batch, steps, features) sequences: ``UpSampling1D``, ``ZeroPadding1D``,
``Cropping1D``; the 1-D forms of :mod:`.image_reshaping`, built from the engine's operations (gradients flow)."""

from __future__ import annotations

import numpy as np

from .._engine import Tensor, ops
from .convolutional1d import single
from .layer import Layer


def _check_sequences(layer: Layer, inputs: Tensor) -> None:
    if inputs.ndim != 3:
        raise ValueError(f"{type(layer).__name__} '{layer.name}' needs (batch, steps, features) inputs, got "
                         f"{inputs.shape}")  # fmt: skip


def _ends(value, name: str, who: str) -> tuple[int, int]:
    """Keras's ``n`` (both ends) or ``(before, after)``, non-negative ints."""
    if isinstance(value, (int, np.integer)):
        ends = (value, value)
    else:
        ends = tuple(value) if isinstance(value, (tuple, list)) else ()
    if len(ends) != 2 or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 0 for v in ends):
        raise ValueError(f"{who}: {name} must be an int >= 0 or a pair (before, after) of them, got {value!r}")
    return int(ends[0]), int(ends[1])


class UpSampling1D(Layer):
    """Repeats each step ``size`` times: (N, steps, F) -> (N, steps * size, F). Parameters: 0."""

    def __init__(self, size: int = 2, **kwargs):
        super().__init__(**kwargs)
        self.size = single(size, "UpSampling1D: size")

    def call(self, inputs, training=None):
        _check_sequences(self, inputs)
        return ops.repeat(inputs, self.size, axis=1)

    def get_config(self) -> dict:
        return {**super().get_config(), "size": self.size}


class ZeroPadding1D(Layer):
    """Adds zero steps at both ends: (N, steps, F) -> (N, before + steps + after, F).

    ``padding``: ``p`` (p at each end, default 1) or ``(before, after)``. Parameters: 0.
    """

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding = _ends(padding, "padding", "ZeroPadding1D")
        if data_format not in (None, "channels_last"):
            raise ValueError(f"ZeroPadding1D: nabla's sequences are channels-last, got data_format={data_format!r}")
        self.data_format = "channels_last"

    def call(self, inputs, training=None):
        _check_sequences(self, inputs)
        return ops.pad(inputs, ((0, 0), self.padding, (0, 0)))

    def get_config(self) -> dict:
        return {**super().get_config(), "padding": list(self.padding), "data_format": self.data_format}


class Cropping1D(Layer):
    """Cuts steps off both ends: (N, steps, F) -> (N, steps - before - after, F).

    ``cropping``: ``c`` (c from each end) or ``(before, after)``, default (1, 1). Parameters: 0.
    """

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.cropping = _ends(cropping, "cropping", "Cropping1D")

    def call(self, inputs, training=None):
        _check_sequences(self, inputs)
        before, after = self.cropping
        if before + after >= inputs.shape[1]:
            raise ValueError(f"Cropping1D '{self.name}': cropping {self.cropping} leaves nothing of {inputs.shape[1]} "
                             "steps")  # fmt: skip
        return inputs[:, before : inputs.shape[1] - after, :]

    def get_config(self) -> dict:
        return {**super().get_config(), "cropping": list(self.cropping)}
