"""Depthwise and depthwise-separable convolutions on channels-last images: ``DepthwiseConv2D``,
``SeparableConv2D`` (MobileNet's and Xception's building blocks).

A depthwise convolution filters each input channel on its own: ``depth_multiplier`` M kernels per
channel, C * M output channels, ``kh * kw * C * M`` weights instead of a full convolution's
``kh * kw * C * O``. Computed from the engine's patch matrix (:func:`nabla.engine.ops.conv.patches`,
whose gradient is col2im) and one ``einsum`` per channel group, so autograd differentiates it.
"""

from __future__ import annotations

import numpy as np

from .. import activations, constraints, initializers, regularizers
from .._engine import ops
from .arguments import check_padding, pair, same_padding
from .layer import Layer
from .layer_config import config_value


def depthwise_conv(x, kernel, strides, padding: str, dilation):
    """x (N, H, W, C), kernel (kh, kw, C, M) -> (N, OH, OW, C * M), output channel ``c * M + m`` being input
    channel c filtered by ``kernel[:, :, c, m]``; Keras's "valid"/"same" padding."""
    kh, kw, c, m = kernel.shape
    if padding == "same":
        pads = [same_padding(x.shape[1 + i], (kh, kw)[i], strides[i], dilation[i]) for i in (0, 1)]
        x = ops.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    n, h, w, _ = x.shape
    oh, ow = ((size - d * (k - 1) - 1) // s + 1 for size, k, s, d in zip((h, w), (kh, kw), strides, dilation))
    if oh <= 0 or ow <= 0:
        raise ValueError(f"a {kh}x{kw} depthwise kernel (dilation {dilation}) does not fit in {h}x{w} images")
    windows = ops.reshape(ops.patches(x, (kh, kw), strides, dilation), (n * oh * ow, kh * kw, c))
    out = ops.einsum("pkc,kcm->pcm", windows, ops.reshape(kernel, (kh * kw, c, m)))
    return ops.reshape(out, (n, oh, ow, c * m))


class _Depthwise(Layer):
    """The shared arguments: geometry, activation, and an initializer, regularizer and constraint per weight
    (``roles``: "depthwise", "pointwise", "bias"), named as Keras names them in the config."""

    INTEGER_TENSORS = "refuse"  # TensorFlow's kernel takes floats only, as Keras on TensorFlow

    roles: tuple[str, ...] = ("depthwise", "bias")

    def __init__(self, kernel_size, strides, padding, depth_multiplier, data_format, dilation_rate, activation,
                 use_bias, weight_args: dict, **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        who = type(self).__name__
        self.kernel_size, self.strides = pair(kernel_size, f"{who}: kernel_size"), pair(strides, f"{who}: strides")
        self.dilation_rate = pair(dilation_rate, f"{who}: dilation_rate")
        self.padding = check_padding(padding, who)
        if isinstance(depth_multiplier, bool) or not isinstance(depth_multiplier, (int, np.integer)) or \
                depth_multiplier <= 0:  # fmt: skip
            raise ValueError(f"{who}: depth_multiplier must be a positive integer, got {depth_multiplier!r}")
        if data_format not in (None, "channels_last"):
            raise ValueError(f"{who}: nabla's images are channels-last, got data_format={data_format!r}")
        self.depth_multiplier, self.data_format = int(depth_multiplier), "channels_last"
        self.activation, self.use_bias = activations.get(activation), use_bias
        for role in self.roles:
            setattr(self, f"{role}_initializer", initializers.standardize(weight_args[f"{role}_initializer"]))
            setattr(self, f"{role}_regularizer", regularizers.get(weight_args[f"{role}_regularizer"]))
            setattr(self, f"{role}_constraint", constraints.get(weight_args[f"{role}_constraint"]))

    def _add(self, role: str, shape: tuple, name: str) -> None:
        self.add_weight(shape=shape, initializer=getattr(self, f"{role}_initializer"), name=name,
                        regularizer=getattr(self, f"{role}_regularizer"),
                        constraint=getattr(self, f"{role}_constraint"))  # fmt: skip

    def _check(self, shape, channels: int | None = None) -> None:
        if len(shape) != 4 or (channels is not None and shape[-1] != channels):
            wanted = "channels" if channels is None else channels
            raise ValueError(f"{type(self).__name__} '{self.name}' needs (batch, H, W, {wanted}) inputs, got "
                             f"{tuple(shape)}")  # fmt: skip

    def _depthwise(self, inputs, kernel):
        return depthwise_conv(inputs, kernel, self.strides, self.padding, self.dilation_rate)

    def get_config(self) -> dict:
        config = {**super().get_config(), "kernel_size": list(self.kernel_size), "strides": list(self.strides),
                  "padding": self.padding, "depth_multiplier": self.depth_multiplier, "data_format": self.data_format,
                  "dilation_rate": list(self.dilation_rate), "activation": config_value(self.activation),
                  "use_bias": self.use_bias,
                  "activity_regularizer": config_value(self.activity_regularizer)}  # fmt: skip
        for role in self.roles:
            for what in ("initializer", "regularizer", "constraint"):
                config[f"{role}_{what}"] = config_value(getattr(self, f"{role}_{what}"))
        return config


class DepthwiseConv2D(_Depthwise):
    """Depthwise 2-D convolution: (N, H, W, C) -> (N, OH, OW, C * depth_multiplier), each channel filtered on
    its own; output channel ``c * M + m`` is channel c through kernel ``[:, :, c, m]``.

    Weights (Keras's names and order): kernel (kh, kw, C, M), bias (C * M,). Output sizes as Conv2D's
    ("valid" or "same"). Parameters: ``kh * kw * C * M + C * M``.
    """

    roles = ("depthwise", "bias")

    def __init__(self, kernel_size, strides=(1, 1), padding: str = "valid", depth_multiplier: int = 1,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias: bool = True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros", depthwise_regularizer=None,
                 bias_regularizer=None, depthwise_constraint=None, bias_constraint=None, **kwargs):  # fmt: skip
        weight_args = {k: v for k, v in locals().items() if k.startswith(("depthwise_", "bias_"))}
        super().__init__(kernel_size, strides, padding, depth_multiplier, data_format, dilation_rate, activation,
                         use_bias, weight_args, **kwargs)  # fmt: skip
        if self.input_shape_hint is not None:
            self._ensure_built(self.input_shape_hint)

    def build(self, input_shape) -> None:
        self._check(input_shape)
        self._add("depthwise", (*self.kernel_size, input_shape[-1], self.depth_multiplier), "kernel")
        if self.use_bias:
            self._add("bias", (input_shape[-1] * self.depth_multiplier,), "bias")

    def call(self, inputs, training=None):
        self._check(inputs.shape, self.kernel.shape[2])
        out = self._depthwise(inputs, self.kernel)
        return self.activation(out + self.bias if self.use_bias else out)


class SeparableConv2D(_Depthwise):
    """Depthwise-separable 2-D convolution: a :class:`DepthwiseConv2D` (no bias) then a 1x1 convolution to
    ``filters`` channels, plus a bias: (N, H, W, C) -> (N, OH, OW, filters).

    Weights (Keras's names and order): depthwise_kernel (kh, kw, C, M), pointwise_kernel (1, 1, C * M,
    filters), bias (filters,). Parameters: ``kh * kw * C * M + C * M * filters + filters``: far fewer than
    Conv2D's ``kh * kw * C * filters`` for a 3x3 kernel and many filters (Chollet, Xception, 2017).
    """

    roles = ("depthwise", "pointwise", "bias")

    def __init__(self, filters: int, kernel_size, strides=(1, 1), padding: str = "valid", data_format=None,
                 dilation_rate=(1, 1), depth_multiplier: int = 1, activation=None, use_bias: bool = True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                 **kwargs):  # fmt: skip
        weight_args = {k: v for k, v in locals().items() if k.startswith(("depthwise_", "pointwise_", "bias_"))}
        super().__init__(kernel_size, strides, padding, depth_multiplier, data_format, dilation_rate, activation,
                         use_bias, weight_args, **kwargs)  # fmt: skip
        if isinstance(filters, bool) or not isinstance(filters, (int, np.integer)) or filters <= 0:
            raise ValueError(f"SeparableConv2D: filters must be a positive integer, got {filters!r}")
        self.filters = int(filters)
        if self.input_shape_hint is not None:
            self._ensure_built(self.input_shape_hint)

    def build(self, input_shape) -> None:
        self._check(input_shape)
        channels = input_shape[-1]
        self._add("depthwise", (*self.kernel_size, channels, self.depth_multiplier), "depthwise_kernel")
        self._add("pointwise", (1, 1, channels * self.depth_multiplier, self.filters), "pointwise_kernel")
        if self.use_bias:
            self._add("bias", (self.filters,), "bias")

    def call(self, inputs, training=None):
        self._check(inputs.shape, self.depthwise_kernel.shape[2])
        bias = self.bias if self.use_bias else None
        out = ops.conv2d_nhwc(self._depthwise(inputs, self.depthwise_kernel), self.pointwise_kernel, bias)
        return self.activation(out)

    def get_config(self) -> dict:
        return {**super().get_config(), "filters": self.filters}
