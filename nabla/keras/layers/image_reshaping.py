"""Layers that resize channels-last images without weights: ``UpSampling2D``, ``ZeroPadding2D``, ``Cropping2D``.

Each is differentiable (built from the engine's operations), so gradients flow through to its input.
"""

from __future__ import annotations

import numpy as np

from .._engine import Tensor, ops
from .arguments import pair
from .layer import Layer
from .resizing import resize


def _channels_last(data_format, who: str) -> str:
    if data_format not in (None, "channels_last"):
        raise ValueError(f"{who}: nabla's images are channels-last, got data_format={data_format!r}")
    return "channels_last"


def _check_images(layer: Layer, inputs: Tensor) -> None:
    if inputs.ndim != 4:
        raise ValueError(f"{type(layer).__name__} '{layer.name}' needs (batch, H, W, C) inputs, got {inputs.shape}")


def _borders(value, name: str, who: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """Keras's ``n`` (all four sides), ``(rows, cols)`` (both sides of each), or ``((top, bottom), (left, right))``."""
    try:
        if isinstance(value, (int, np.integer)):
            value = ((value, value), (value, value))
        elif all(isinstance(v, (int, np.integer)) for v in value):
            (rows, cols) = value
            value = ((rows, rows), (cols, cols))
        (top, bottom), (left, right) = value
        sides = tuple(int(v) for v in (top, bottom, left, right))
    except (TypeError, ValueError):
        sides = (-1,)
    if any(v < 0 for v in sides) or len(sides) != 4:
        raise ValueError(f"{who}: {name} must be an int >= 0, a pair (rows, cols) or ((top, bottom), (left, right)), "
                         f"got {value!r}")  # fmt: skip
    return (sides[0], sides[1]), (sides[2], sides[3])


class UpSampling2D(Layer):
    """Enlarges images ``size = (sh, sw)`` times: (N, H, W, C) -> (N, H * sh, W * sw, C).

    ``interpolation="nearest"`` repeats each pixel (Keras's default); "bilinear" blends the neighbours with
    half-pixel centres, as Keras's (TensorFlow's) image resizing. Parameters: 0.
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation: str = "nearest", **kwargs):
        super().__init__(**kwargs)
        self.size = pair(size, "UpSampling2D: size")
        self.data_format = _channels_last(data_format, "UpSampling2D")
        if interpolation not in ("nearest", "bilinear"):
            raise ValueError(f"UpSampling2D: interpolation must be 'nearest' or 'bilinear', got {interpolation!r}")
        self.interpolation = interpolation

    def call(self, inputs, training=None):
        _check_images(self, inputs)
        (sh, sw), (height, width) = self.size, inputs.shape[1:3]
        if self.interpolation == "nearest":
            return ops.repeat(ops.repeat(inputs, sh, axis=1), sw, axis=2)
        return resize(inputs, height * sh, width * sw, "bilinear")

    def get_config(self) -> dict:
        return {**super().get_config(), "size": list(self.size), "data_format": self.data_format,
                "interpolation": self.interpolation}  # fmt: skip


class ZeroPadding2D(Layer):
    """Adds rows and columns of zeros around images: (N, H, W, C) -> (N, top + H + bottom, left + W + right, C).

    ``padding``: ``p`` (p on every side), ``(rows, cols)`` or ``((top, bottom), (left, right))``. Parameters: 0.
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding = _borders(padding, "padding", "ZeroPadding2D")
        self.data_format = _channels_last(data_format, "ZeroPadding2D")

    def call(self, inputs, training=None):
        _check_images(self, inputs)
        return ops.pad(inputs, ((0, 0), self.padding[0], self.padding[1], (0, 0)))

    def get_config(self) -> dict:
        return {**super().get_config(), "padding": [list(p) for p in self.padding], "data_format": self.data_format}


class Cropping2D(Layer):
    """Cuts rows and columns off the borders of images: (N, H, W, C) -> (N, H - top - bottom, W - left - right, C).

    ``cropping``: ``c`` (c from every side), ``(rows, cols)`` or ``((top, bottom), (left, right))``. Parameters: 0.
    """

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.cropping = _borders(cropping, "cropping", "Cropping2D")
        self.data_format = _channels_last(data_format, "Cropping2D")

    def call(self, inputs, training=None):
        _check_images(self, inputs)
        (top, bottom), (left, right) = self.cropping
        height, width = inputs.shape[1:3]
        if top + bottom >= height or left + right >= width:
            raise ValueError(f"Cropping2D '{self.name}': cropping {self.cropping} leaves nothing of {height}x{width} "
                             "images")  # fmt: skip
        return inputs[:, top : height - bottom, left : width - right, :]

    def get_config(self) -> dict:
        return {**super().get_config(), "cropping": [list(c) for c in self.cropping], "data_format": self.data_format}
