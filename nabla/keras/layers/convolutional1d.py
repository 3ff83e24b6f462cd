"""``Conv1D``: convolution along sequences, channels-last: (batch, steps, channels)."""

from __future__ import annotations

import numpy as np

from .._engine import ops
from .arguments import check_padding, same_padding
from .kernel_layer import KernelLayer
from .layer_config import config_value


def single(v, name: str) -> int:
    """A 1-D size, stride or rate: ``3`` or ``(3,)``, a positive int."""
    values = (v,) if isinstance(v, (int, np.integer)) else tuple(v)
    n = values[0] if len(values) == 1 else None
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n <= 0:
        raise ValueError(f"{name} must be a positive int (or a 1-tuple of one), got {v!r}")
    return int(n)


class Conv1D(KernelLayer):
    """1-D convolution of sequences: (batch, steps, in) -> (batch, out_steps, filters); kernel (k, in, filters).

    ``padding``: "valid" (none: ``out_steps = steps - dilation * (k - 1)`` for stride 1), "same" (output
    ``ceil(steps / stride)``, the odd padding after, as Keras), or "causal" (``dilation * (k - 1)``
    zeros before the sequence, so that output t sees only inputs up to t: WaveNet's convolution).
    Computed as a 2-D convolution of height 1 (the engine's ``conv2d``). Parameters:
    ``k * in * filters + filters``.
    """

    INTEGER_TENSORS = "refuse"  # TensorFlow's kernel takes floats only, as Keras on TensorFlow

    def __init__(self, filters: int, kernel_size, strides=1, padding: str = "valid", dilation_rate=1,
                 activation=None, use_bias: bool = True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, data_format=None, **kwargs):  # fmt: skip
        super().__init__(
            activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer, **kwargs
        )
        if isinstance(filters, bool) or not isinstance(filters, (int, np.integer)) or filters <= 0:
            raise ValueError(f"Conv1D: filters must be a positive integer, got {filters!r}")
        padding = check_padding(padding, "Conv1D", ("valid", "same", "causal"))
        if data_format not in (None, "channels_last"):
            raise ValueError(f"Conv1D: nabla's sequences are channels-last, got data_format={data_format!r}")
        self.filters, self.padding, self.data_format = int(filters), padding, "channels_last"
        self.kernel_size = single(kernel_size, "Conv1D: kernel_size")
        self.strides = single(strides, "Conv1D: strides")
        self.dilation_rate = single(dilation_rate, "Conv1D: dilation_rate")
        if self.input_shape_hint is not None:
            self._ensure_built(self.input_shape_hint)

    def build(self, input_shape) -> None:
        if len(input_shape) != 3:
            raise ValueError(f"Conv1D '{self.name}' needs (batch, steps, channels) inputs, got {input_shape}")
        self._add_kernel_and_bias((self.kernel_size, input_shape[-1], self.filters), self.filters)

    def call(self, inputs, training=None):
        if inputs.ndim != 3 or inputs.shape[-1] != self.kernel.shape[1]:
            raise ValueError(
                f"Conv1D '{self.name}' expects (batch, steps, {self.kernel.shape[1]}) inputs, got shape {inputs.shape}"
            )
        out = self._convolve(inputs, self.kernel, self.padding)
        return self.activation(out + self.bias if self.use_bias else out)

    def convolution_op(self, inputs, kernel):
        """The convolution alone (no bias, no activation) of ``inputs`` by ``kernel`` (k, in, filters), as Keras
        3's ``BaseConv.convolution_op``; as there, "causal" padding pads nothing here (only ``call`` pads), and
        Conv1D's ``call`` does not go through it, so a subclass's override changes only what calls it."""
        return self._convolve(inputs, kernel, "valid" if self.padding == "causal" else self.padding)

    def _convolve(self, inputs, kernel, padding: str):
        k, s, d = self.kernel_size, self.strides, self.dilation_rate
        x = ops.expand_dims(inputs.permute(0, 2, 1), 2)  # (N, steps, C) -> (N, C, 1, steps)
        pads = {"valid": (0, 0), "causal": (d * (k - 1), 0)}.get(padding) or same_padding(x.shape[3], k, s, d)
        if pads != (0, 0):
            x = ops.pad(x, ((0, 0), (0, 0), (0, 0), pads))
        weight = ops.expand_dims(kernel.permute(2, 1, 0), 2)  # (k, in, out) -> (out, in, 1, k)
        return ops.conv2d(x, weight, None, (1, s), 0, (1, d))[:, :, 0, :].permute(0, 2, 1)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": [self.kernel_size],
            "strides": [self.strides],
            "padding": self.padding,
            "dilation_rate": [self.dilation_rate],
            "activity_regularizer": config_value(self.activity_regularizer),  # (always: Keras 3's convolutions)
            "data_format": self.data_format,
        }
