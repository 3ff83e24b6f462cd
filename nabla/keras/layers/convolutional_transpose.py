"""Transposed convolutions, the decoders' upsampling: ``Conv2DTranspose`` and ``Conv1DTranspose``, channels-last.

A transposed convolution is the gradient of a convolution with respect to its input: each input pixel
scatters a kernel-weighted window onto the output (stride s: s times larger). Computed by the engine's
:func:`nabla.engine.ops.conv_transpose.conv_transpose2d_nhwc` (a GEMM and a col2im), so autograd
differentiates it. Output sizes and borders are Keras 3's (its JAX and PyTorch backends agree):

* ``padding="valid"``: ``(size - 1) * stride + max(k, stride)`` (``k`` the dilated kernel span);
* ``padding="same"``: ``size * stride``;
* with ``output_padding=p``: ``(size - 1) * stride + k - 2 * pad + p``, ``pad = 0`` ("valid") or ``k // 2``.
"""

from __future__ import annotations

import numpy as np

from .._engine import ops
from .arguments import check_padding, pair
from .convolutional1d import single
from .kernel_layer import KernelLayer
from .layer_config import config_value


def keras_crops(k: int, stride: int, dilation: int, padding: str, output_padding: int | None) -> tuple[int, int]:
    """(before, after) cut off the natural output ``(size - 1) * stride + span`` along one axis, as Keras 3
    (``_convert_conv_transpose_padding_args_from_keras_to_jax``); ``after`` < 0 adds zeros instead."""
    span = (k - 1) * dilation + 1
    if padding == "valid":
        extra = max(span, stride) - span if output_padding is None else output_padding
        left, right = span - 1, span - 1 + extra
    else:
        total = stride + span - 2 if output_padding is None else span + span % 2 - 2 + output_padding
        left = min(total // 2 + total % 2, span - 1)
        right = total - left
    return span - 1 - left, span - 1 - right


class _ConvTranspose(KernelLayer):
    """The shared arguments, checks and config of the transposed convolutions over ``rank`` spatial axes."""

    INTEGER_TENSORS = "refuse"  # TensorFlow's kernel takes floats only, as Keras on TensorFlow

    rank = 2

    def __init__(self, filters: int, kernel_size, strides, padding, output_padding, data_format, dilation_rate,
                 activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
                 kernel_constraint, bias_constraint, **kwargs):  # fmt: skip
        super().__init__(activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                         bias_regularizer, kernel_constraint, bias_constraint, **kwargs)  # fmt: skip
        who = type(self).__name__
        if isinstance(filters, bool) or not isinstance(filters, (int, np.integer)) or filters <= 0:
            raise ValueError(f"{who}: filters must be a positive integer, got {filters!r}")
        if data_format not in (None, "channels_last"):
            raise ValueError(f"{who}: nabla's images and sequences are channels-last, got data_format={data_format!r}")
        self.filters, self.data_format = int(filters), "channels_last"
        self.kernel_size, self.strides = self._sizes(kernel_size, "kernel_size"), self._sizes(strides, "strides")
        self.dilation_rate = self._sizes(dilation_rate, "dilation_rate")
        self.padding = check_padding(padding, who)
        self.output_padding = None
        if output_padding is not None:
            values = (output_padding,) * self.rank if isinstance(output_padding, (int, np.integer)) else output_padding
            values = tuple(values)
            if len(values) != self.rank or not all(isinstance(v, (int, np.integer)) and 0 <= v < s
                                                   for v, s in zip(values, self.strides)):  # fmt: skip
                raise ValueError(f"{who}: output_padding must be non-negative ints smaller than the strides "
                                 f"{self.strides}, got {output_padding!r}")  # fmt: skip
            self.output_padding = tuple(int(v) for v in values)
        if self.input_shape_hint is not None:
            self._ensure_built(self.input_shape_hint)

    def _sizes(self, value, name: str) -> tuple[int, ...]:
        """One positive int per spatial axis (an int means the same for all)."""
        who = f"{type(self).__name__}: {name}"
        return (single(value, who),) if self.rank == 1 else pair(value, who)

    def build(self, input_shape) -> None:
        if len(input_shape) != self.rank + 2:
            layout = "(batch, height, width, channels)" if self.rank == 2 else "(batch, steps, channels)"
            raise ValueError(f"{type(self).__name__} '{self.name}' needs {layout} inputs, got {input_shape}")
        self._add_kernel_and_bias((*self.kernel_size, self.filters, input_shape[-1]), self.filters)

    def _transpose(self, images):
        """The transposed convolution of (N, H, W, C) images with the kernel seen as (kh, kw, filters, C)."""
        kernel = self.kernel if self.rank == 2 else ops.expand_dims(self.kernel, 0)
        extra = self.output_padding or (None,) * self.rank
        crops = [keras_crops(*args) for args in zip(self.kernel_size, self.strides, self.dilation_rate,
                                                    (self.padding,) * self.rank, extra)]  # fmt: skip
        if self.rank == 1:
            crops, strides, dilation = [(0, 0), *crops], (1, *self.strides), (1, *self.dilation_rate)
        else:
            strides, dilation = self.strides, self.dilation_rate
        out = ops.conv_transpose2d_nhwc(images, kernel, self.bias if self.use_bias else None, strides,
                                        [(before, max(after, 0)) for before, after in crops], dilation,
                                        [max(-after, 0) for _, after in crops])  # fmt: skip
        return self.activation(out)

    def call(self, inputs, training=None):
        channels = self.kernel.shape[-1]
        if inputs.ndim != self.rank + 2 or inputs.shape[-1] != channels:
            layout = "(batch, H, W, " if self.rank == 2 else "(batch, steps, "
            raise ValueError(f"{type(self).__name__} '{self.name}' expects {layout}{channels}) inputs, got shape "
                             f"{inputs.shape}")  # fmt: skip
        if self.rank == 2:
            return self._transpose(inputs)
        return self._transpose(ops.expand_dims(inputs, 1))[:, 0]

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": list(self.kernel_size),
            "strides": list(self.strides),
            "padding": self.padding,
            "output_padding": None if self.output_padding is None else list(self.output_padding),
            "activity_regularizer": config_value(self.activity_regularizer),  # (always: Keras 3's convolutions)
            "data_format": self.data_format,
            "dilation_rate": list(self.dilation_rate),
        }


class Conv2DTranspose(_ConvTranspose):
    """Transposed 2-D convolution: (batch, H, W, C) -> (batch, OH, OW, filters); kernel (kh, kw, filters, C).

    Sizes as the module says: with ``strides=2, padding="same"`` the images double in size (a decoder's
    upsampling step). Glorot-uniform kernel by default. Parameters: ``kh * kw * filters * C + filters``.
    Example: ``Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu")`` on (N, 7, 7, 64)
    gives (N, 14, 14, 32).
    """

    rank = 2

    def __init__(self, filters: int, kernel_size, strides=(1, 1), padding: str = "valid", output_padding=None,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias: bool = True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):  # fmt: skip
        super().__init__(filters, kernel_size, strides, padding, output_padding, data_format, dilation_rate,
                         activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                         bias_regularizer, kernel_constraint, bias_constraint, **kwargs)  # fmt: skip


class Conv1DTranspose(_ConvTranspose):
    """Transposed 1-D convolution: (batch, steps, C) -> (batch, out_steps, filters); kernel (k, filters, C).

    Computed as a :class:`Conv2DTranspose` of height 1. Parameters: ``k * filters * C + filters``.
    """

    rank = 1

    def __init__(self, filters: int, kernel_size, strides=1, padding: str = "valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias: bool = True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):  # fmt: skip
        super().__init__(filters, kernel_size, strides, padding, output_padding, data_format, dilation_rate,
                         activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                         bias_regularizer, kernel_constraint, bias_constraint, **kwargs)  # fmt: skip
