"""``tf.nn.conv2d``: TensorFlow's 2-D convolution of NHWC images by HWIO filters.

TensorFlow's layout is nabla's channels-last convolution as it is (the filters are the GEMM's matrix), so
the op is the engine's ``conv2d_nhwc`` with TensorFlow's arguments: ``strides`` and ``dilations`` as an
int, one or two numbers, or four (batch and channels 1); ``padding`` "VALID", "SAME" (output
``ceil(size / stride)``, the odd row or column after, as TensorFlow) or explicit
``[[0, 0], [top, bottom], [left, right], [0, 0]]``.
"""

from __future__ import annotations

import math

from nabla.engine.ops.conv import conv2d_nhwc

from ._convert import apply, match
from .errors import InvalidArgumentError
from .math_ops import _floats_only


def conv2d(input, filters, strides, padding, data_format="NHWC", dilations=None, name=None):  # noqa: A002 - TF's name
    """``tf.nn.conv2d(input, filters, strides, padding)``: (batch, H, W, in) images by (kh, kw, in, out) filters
    -> (batch, OH, OW, out). Only "NHWC" data (nabla.conv2d takes NCHW), and filters of the input's depth (no
    grouped convolution)."""
    if data_format != "NHWC":
        raise ValueError(f"nabla.tf's conv2d takes NHWC data, got data_format={data_format!r}: use nabla.conv2d "
                         "for NCHW inputs and OIHW filters")  # fmt: skip
    x, w = match([input, filters], "Conv2D")  # (a NumPy filter takes the images' dtype, as TF's op does)
    _floats_only(x, "conv2d")
    if x.ndim != 4 or w.ndim != 4:
        raise ValueError(f"conv2d: input must be 4-D (NHWC) and filters 4-D (HWIO), got {x.shape} and {w.shape}")
    if x.shape[3] != w.shape[2]:
        raise InvalidArgumentError(f"conv2d: the filters' depth {w.shape[2]} must be the input's depth {x.shape[3]} "
                                   "(grouped convolutions are not offered)")  # fmt: skip
    s, d = _pair(strides, "strides"), _pair(1 if dilations is None else dilations, "dilations")
    return apply(conv2d_nhwc, x, w, None, s, _pads(padding, x.shape[1:3], w.shape[:2], s, d), d)


def _pair(value, name: str) -> tuple[int, int]:
    """TensorFlow's strides or dilations: an int, [n], [h, w] or [1, h, w, 1]."""
    values = [value] if isinstance(value, int) else [int(v) for v in value]
    if len(values) == 4:
        if values[0] != 1 or values[3] != 1:
            raise ValueError(f"conv2d: {name} of the batch and depth dimensions must be 1, got {values}")
        values = values[1:3]
    if len(values) not in (1, 2) or min(values) < 1:
        raise ValueError(f"conv2d: {name} must be a positive int or a list of 1, 2 or 4 of them, got {value!r}")
    return (values[0], values[-1])


def _pads(padding, size, kernel, strides, dilations) -> tuple:
    """((top, bottom), (left, right)) for TensorFlow's padding argument."""
    if padding == "VALID":
        return ((0, 0), (0, 0))
    if padding == "SAME":
        pads = []
        for n, k, s, d in zip(size, kernel, strides, dilations):
            total = max((math.ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0)
            pads.append((total // 2, total - total // 2))
        return tuple(pads)
    if isinstance(padding, (list, tuple)) and len(padding) == 4:
        pads = tuple(tuple(int(p) for p in pair) for pair in padding)
        if pads[0] == (0, 0) and pads[3] == (0, 0):
            return pads[1:3]
    raise ValueError(f"conv2d: padding must be 'VALID', 'SAME' or [[0, 0], [top, bottom], [left, right], [0, 0]], "
                     f"got {padding!r}")  # fmt: skip


def depthwise_conv2d(input, filter, strides, padding, data_format=None, dilations=None, name=None):  # noqa: A002
    """``tf.nn.depthwise_conv2d(input, filter, strides, padding)``: (batch, H, W, C) images by (kh, kw, C, M)
    filters -> (batch, OH, OW, C * M), output channel ``c * M + m`` being channel c filtered by
    ``filter[:, :, c, m]`` (MobileNet's building block; ``keras.layers.DepthwiseConv2D`` computes the same).
    ``strides`` is TensorFlow's four numbers ``[1, sh, sw, 1]``; ``dilations`` two (the rate). NHWC only."""
    from ..keras._engine import ops  # (late: the Keras side is imported on first use, not with nabla.tf)
    from ..keras.layers.convolutional_depthwise import depthwise_conv

    if data_format not in (None, "NHWC"):
        raise ValueError(f"nabla.tf's depthwise_conv2d takes NHWC data, got data_format={data_format!r}")
    x, w = match([input, filter], "DepthwiseConv2dNative")
    _floats_only(x, "depthwise_conv2d")
    if x.ndim != 4 or w.ndim != 4:
        raise ValueError(f"depthwise_conv2d: input must be 4-D (NHWC) and filter 4-D, got {x.shape} and {w.shape}")
    if x.shape[3] != w.shape[2]:
        raise InvalidArgumentError(f"depthwise_conv2d: the filter's depth {w.shape[2]} must be the input's depth "
                                   f"{x.shape[3]}")  # fmt: skip
    if isinstance(strides, int) or len(strides) != 4:
        raise ValueError(f"depthwise_conv2d: strides must be four numbers [1, stride_h, stride_w, 1], got {strides!r}")
    s, d = _pair(strides, "strides"), _pair(1 if dilations is None else dilations, "dilations")
    if s[0] != s[1]:
        raise InvalidArgumentError(f"depthwise_conv2d: the row and column strides must be equal, as TensorFlow's "
                                   f"kernel takes them, got {list(strides)}")  # fmt: skip
    pads = _pads(padding, x.shape[1:3], w.shape[:2], s, d)

    def padded_depthwise(x, w):
        return depthwise_conv(ops.pad(x, ((0, 0), *pads, (0, 0))), w, s, "valid", d)

    return apply(padded_depthwise, x, w)
