"""``tf.nn.max_pool`` and ``tf.nn.avg_pool``: TensorFlow's N-D pooling, over any axis but the batch's.

A window of ``ksize`` moved by ``strides`` takes the largest (max) or the mean (avg) of what it covers. It
is composed of engine ops: one strided slice per offset inside the window, stacked, then ``max`` or
``mean`` over the offsets. So gradients flow as through any slice (max: to the largest element of each
window), and pooling over the channels (``ksize=(1, 1, 1, 3)``, Géron's depthwise pooling) or the spatial
axes is the same code. ``padding``: "VALID" (only whole windows) or "SAME" (output ``ceil(size / stride)``,
the odd padded row after, as TensorFlow): max pool pads with -inf, avg pool divides each window by the
number of input elements it covers (TensorFlow's: padding is not counted).
"""

from __future__ import annotations

import itertools
import math

import numpy as np

import nabla as nb

from ._convert import apply, tensor_arg
from .errors import InvalidArgumentError
from .math_ops import _floats_only

_FORMATS = {"NWC": 1, "NHWC": 2, "NDHWC": 3, "NCW": 1, "NCHW": 2, "NCDHW": 3}


def max_pool(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002 - TF's name
    """``tf.nn.max_pool(input, ksize, strides, padding)``: the largest value of each window.

    ``input``: (batch, spatial..., channels), N = 1, 2 or 3 spatial axes (``data_format`` "NWC", "NHWC",
    "NDHWC"; or "NCW", "NCHW", "NCDHW" for channels first). ``ksize`` and ``strides``: an int, N of them
    (the spatial axes) or N + 2 (every axis, the batch's 1). Integer tensors are pooled too, as TF's.
    """
    x = tensor_arg(input)
    return apply(_pool, x, "max", *_window(x, ksize, strides, padding, data_format, "max_pool"))


def avg_pool(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002 - TF's name
    """``tf.nn.avg_pool(input, ksize, strides, padding)``: the mean of each window (floating tensors only, as
    TF's); with "SAME" padding, over the window's elements inside the input. Arguments as :func:`max_pool`."""
    x = tensor_arg(input)
    _floats_only(x, "avg_pool")
    return apply(_pool, x, "avg", *_window(x, ksize, strides, padding, data_format, "avg_pool"))


def _window(x, ksize, strides, padding, data_format, op: str):
    """(window, strides, pads) over every axis of ``x``, from TensorFlow's arguments."""
    spatial = x.ndim - 2
    if spatial not in (1, 2, 3):
        raise ValueError(f"{op}: input must be 3-, 4- or 5-D (batch, spatial axes, channels), got shape {x.shape}")
    if data_format is None:
        data_format = ("NWC", "NHWC", "NDHWC")[spatial - 1]
    if _FORMATS.get(data_format) != spatial:
        raise ValueError(f"{op}: data_format must be one of {sorted(_FORMATS)} matching a {x.ndim}-D input, "
                         f"got {data_format!r}")  # fmt: skip
    first = 2 if data_format.startswith("NC") else 1
    window, step = _per_axis(ksize, "ksize", x.ndim, first, op), _per_axis(strides, "strides", x.ndim, first, op)
    if padding == "VALID":
        pads = [(0, 0)] * x.ndim
    elif padding == "SAME":
        pads = []
        for n, k, s in zip(x.shape, window, step):
            total = max((math.ceil(n / s) - 1) * s + k - n, 0)
            pads.append((total // 2, total - total // 2))
    else:
        raise ValueError(f"{op}: padding must be 'VALID' or 'SAME', got {padding!r}")
    for n, k, (before, after) in zip(x.shape, window, pads):
        if n + before + after < k:
            raise InvalidArgumentError(f"{op}: the window {tuple(window)} is larger than the input {x.shape}")
    return window, step, pads


def _per_axis(value, name: str, ndim: int, first: int, op: str) -> list[int]:
    """TensorFlow's ksize or strides: an int, [k], N values (the spatial axes) or N + 2 (every axis)."""
    values = [value] if isinstance(value, (int, np.integer)) else [int(v) for v in value]
    spatial = ndim - 2
    if len(values) == 1:
        values = values * spatial
    if len(values) == spatial:
        values = [1] * first + values + [1] * (2 - first)
    if len(values) != ndim or min(values) < 1:
        raise ValueError(f"{op}: {name} must be a positive int or a list of 1, {spatial} or {ndim} of them, "
                         f"got {value!r}")  # fmt: skip
    if values[0] != 1:
        raise ValueError(f"{op}: TensorFlow does not pool over the batch axis: {name}[0] must be 1, got {value!r}")
    return values


def _pool(x, kind: str, window, step, pads):
    """Max or mean over each window of ``x`` (engine tensors): the slices at each offset, stacked."""
    dtype, shape = x._data.dtype, x.shape
    if any(p != (0, 0) for p in pads):
        fill = -np.inf if dtype.kind == "f" else np.iinfo(dtype).min
        x = nb.pad(x, pads, value=0.0 if kind == "avg" else fill)
    out = [(n - k) // s + 1 for n, k, s in zip(x.shape, window, step)]
    stacked = nb.stack(_slices(x, window, step, out), axis=0)
    if kind == "max":
        return nb.max(stacked, axis=0)
    # NOTE: each window's count of input elements (not padding): the same windows over ones padded with zeros.
    counts = sum(_slices(np.pad(np.ones(shape, dtype), pads), window, step, out))
    return nb.sum(stacked, axis=0) / nb.from_numpy(counts)


def _slices(a, window, step, out) -> list:
    """One strided slice of ``a`` (a tensor or an array) per offset inside the window, each of shape ``out``."""
    return [
        a[tuple(slice(o, o + (m - 1) * s + 1, s) for o, m, s in zip(offset, out, step))]
        for offset in itertools.product(*(range(k) for k in window))
    ]
