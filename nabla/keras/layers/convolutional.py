"""Convolution layers: ``Conv2D`` on channels-last images."""

from __future__ import annotations

import numpy as np

from .. import activations
from .._engine import ops
from .arguments import check_padding, pair, same_padding
from .kernel_layer import KernelLayer
from .layer_config import config_value


class Conv2D(KernelLayer):
    """2-D convolution on channels-last images: (batch, H, W, C) -> (batch, OH, OW, filters).

    ``padding="valid"`` (none) or ``"same"`` (output size ceil(H / stride)).
    Kernel (kh, kw, in, filters), Glorot-uniform by default.
    Parameters: ``kh * kw * in * filters + filters``.
    """

    INTEGER_TENSORS = "refuse"  # TensorFlow's kernel takes floats only, as Keras on TensorFlow

    def __init__(
        self,
        filters: int,
        kernel_size,
        strides=(1, 1),
        padding: str = "valid",
        dilation_rate=(1, 1),
        activation=None,
        use_bias: bool = True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        **kwargs,
    ):
        super().__init__(
            activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer, **kwargs
        )
        if not isinstance(filters, (int, np.integer)) or filters <= 0:
            raise ValueError(f"Conv2D: filters must be a positive integer, got {filters!r}")
        self.filters = int(filters)
        self.kernel_size, self.strides = pair(kernel_size, "kernel_size"), pair(strides, "strides")
        self.dilation_rate = pair(dilation_rate, "dilation_rate")
        self.padding = check_padding(padding, "Conv2D")
        if self.input_shape_hint is not None:
            self._ensure_built(self.input_shape_hint)

    def build(self, input_shape) -> None:
        if len(input_shape) != 4:
            raise ValueError(f"Conv2D '{self.name}' needs (batch, height, width, channels) inputs, got {input_shape}")
        self._add_kernel_and_bias((*self.kernel_size, input_shape[-1], self.filters), self.filters)

    def convolution_op(self, inputs, kernel):
        """The convolution alone (no bias, no activation) of ``inputs`` by ``kernel``, as Keras 3's
        ``BaseConv.convolution_op``: a subclass overrides it to change the operation (a standardized kernel, say)
        and keeps the layer's bias and activation, or calls it from its own ``call``."""
        return ops.conv2d_nhwc(inputs, kernel, None, self.strides, self._pads(inputs), self.dilation_rate)

    def _pads(self, inputs) -> tuple:
        if self.padding == "valid":
            return ((0, 0), (0, 0))
        return tuple(
            same_padding(inputs.shape[1 + i], self.kernel_size[i], self.strides[i], self.dilation_rate[i])
            for i in (0, 1)
        )

    def call(self, inputs, training=None):
        if inputs.ndim != 4 or inputs.shape[-1] != self.kernel.shape[2]:
            raise ValueError(
                f"Conv2D '{self.name}' expects (batch, H, W, {self.kernel.shape[2]}) inputs, got shape {inputs.shape}"
            )
        bias = self.bias if self.use_bias else None
        if type(self).convolution_op is not Conv2D.convolution_op:  # a subclass's own convolution, as Keras's call
            out = self.convolution_op(inputs, self.kernel)
            return self.activation(out if bias is None else out + bias)
        # Channels-last all the way: the kernel (kh, kw, in, filters) is the GEMM's matrix as it is, and a
        # ReLU activation joins the GEMM's output pass (no separate node, no second array).
        relu = activations.name_of(self.activation) == "relu"
        pads = self._pads(inputs)
        out = ops.conv2d_nhwc(inputs, self.kernel, bias, self.strides, pads, self.dilation_rate, relu=relu)
        return out if relu else self.activation(out)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": list(self.kernel_size),
            "strides": list(self.strides),
            "padding": self.padding,
            "dilation_rate": list(self.dilation_rate),
            "activity_regularizer": config_value(self.activity_regularizer),  # (always: Keras 3's convolutions)
        }
