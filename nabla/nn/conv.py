"""Convolution and pooling layers over (N, C, H, W) images."""

from __future__ import annotations

import math

from ..engine import creation, dtypes
from ..engine.ops.conv import _pair, avg_pool2d, conv2d, max_pool2d
from . import init
from .module import Module
from .parameter import Parameter


class Conv2d(Module):
    """2-D convolution (cross-correlation), NCHW, PyTorch's layout and default initialisation.

    Weight (out_channels, in_channels, kh, kw) and bias (out_channels,) start
    from U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with ``fan_in = in_channels * kh * kw``.

    Shape: (N, C_in, H, W) -> (N, C_out, OH, OW), ``OH = (H + 2p - d(k - 1) - 1) // s + 1``.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size,
        stride=1,
        padding=0,
        dilation=1,
        groups: int = 1,
        bias: bool = True,
        dtype=None,
    ):
        super().__init__()
        if groups != 1:
            raise NotImplementedError("Conv2d: only groups=1 is supported")
        for name, value in (("in_channels", in_channels), ("out_channels", out_channels)):
            if not isinstance(value, int) or value <= 0:
                raise ValueError(f"Conv2d: {name} must be a positive integer, got {value!r}")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = _pair(kernel_size, "kernel_size")
        self.stride, self.padding, self.dilation = (
            _pair(stride, "stride"),
            _pair(padding, "padding"),
            _pair(dilation, "dilation"),
        )
        dtype = dtypes.resolve(dtype) or dtypes.default_float
        self.weight = Parameter(creation.empty(out_channels, in_channels, *self.kernel_size, dtype=dtype))
        self.bias = Parameter(creation.empty(out_channels, dtype=dtype)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init.calculate_fan_in_and_fan_out(self.weight)
            init.uniform_(self.bias, -1 / math.sqrt(fan_in), 1 / math.sqrt(fan_in))

    def forward(self, x):
        if x.ndim != 4 or x.shape[1] != self.in_channels:
            raise ValueError(f"{self!r} expected an (N, {self.in_channels}, H, W) input, got shape {x.shape}")
        return conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation)

    def extra_repr(self) -> str:
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        return text + (", bias=False" if self.bias is None else "")


class _Pool2d(Module):
    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size = _pair(kernel_size, "kernel_size")
        self.stride = self.kernel_size if stride is None else _pair(stride, "stride")
        self.padding = _pair(padding, "padding")

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool2d(_Pool2d):
    """Largest value of each window; the stride defaults to the window size."""

    def forward(self, x):
        return max_pool2d(x, self.kernel_size, self.stride, self.padding)


class AvgPool2d(_Pool2d):
    """Mean of each window; the stride defaults to the window size."""

    def forward(self, x):
        return avg_pool2d(x, self.kernel_size, self.stride, self.padding)
