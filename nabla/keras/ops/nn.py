"""``keras.ops.nn``: activations, normalizations, pooling, convolution and Keras's loss functions as ops.

Images are channels-last by default, as in Keras (``data_format="channels_first"`` for (N, C, ...)):
1-D inputs (N, steps, C) and 2-D inputs (N, H, W, C); 3-D ones are not offered. Convolution kernels are
Keras's (kh, kw, C, O) (1-D: (k, C, O)). ``padding="same"`` pads as TensorFlow and Keras do (one more
after than before when the total is odd); average pooling does not count the padding (TensorFlow's and Keras's
JAX backend's rule; Keras 3's torch backend counts some of it).
"""

from __future__ import annotations

import math

import numpy as np

from .. import activations as _activations
from .. import losses as _losses
from .._convert import convert_to_tensor
from .._engine import Tensor, dtypes, made_by, ops
from .._missing import missing as _missing
from .core import record_symbolic_calls

# (sigmoid and softmax are keras.activations's: their outputs remember their logits, as Keras's on TensorFlow)
relu, sigmoid, softmax, log_softmax = ops.relu, _activations.sigmoid, _activations.softmax, _activations.log_softmax
silu, swish, elu = ops.silu, ops.silu, ops.elu
# Keras 3 computes these keras.ops.nn functions as keras.activations does: one definition, there.
_SHARED = """celu glu hard_shrink hard_sigmoid hard_silu hard_swish hard_tanh log_sigmoid relu6 selu soft_shrink
softplus softsign sparse_plus sparse_sigmoid sparsemax squareplus tanh_shrink threshold"""
globals().update({_name: getattr(_activations, _name) for _name in _SHARED.split()})


def gelu(x, approximate=True) -> Tensor:
    """GELU; the tanh approximation by default, as in Keras (``approximate=False``: the exact erf form)."""
    return ops.gelu(x, approximate="tanh" if approximate else "none")


def leaky_relu(x, negative_slope=0.2) -> Tensor:
    """``x`` for x > 0, else ``negative_slope * x`` (Keras's default slope 0.2)."""
    return ops.leaky_relu(x, negative_slope)


def _indices(x) -> Tensor:
    """Class indices as an int64 tensor (floats rounded towards zero, as Keras casts them), kept a tensor so
    that a captured step recomputes what is made of them."""
    x = convert_to_tensor(x)
    return x if x.dtype == np.int64 else ops.astype(x, np.int64)


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False) -> Tensor:
    """Integer class indices to one-hot vectors (float32 by default, as in Keras) along ``axis``."""
    if sparse:
        raise ValueError("one_hot: nabla has no sparse tensors (sparse=False)")
    out = ops.astype(ops.one_hot(_indices(x), num_classes), dtypes.resolve(dtype) or dtypes.default_float)
    return out if axis == -1 else ops.moveaxis(out, -1, axis)


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs) -> Tensor:
    """For each row of integer class indices, a vector with 1 at each of them (float32 by default); a 1-D
    input is one row."""
    if sparse:
        raise ValueError("multi_hot: nabla has no sparse tensors (sparse=False)")
    num_classes = kwargs.pop("num_tokens", num_classes)  # (Keras's older name)
    indices = _indices(inputs)
    hot = ops.max(one_hot(indices, num_classes, dtype=dtype), axis=-2 if indices.ndim > 1 else 0)
    return hot if axis == -1 else ops.moveaxis(hot, -1, axis)


# --- normalization -----------------------------------------------------------------------------------


def moments(x, axes, keepdims=False) -> tuple[Tensor, Tensor]:
    """The mean and the (biased) variance over ``axes``."""
    return ops.mean(x, axis=axes, keepdims=keepdims), ops.var(x, axis=axes, keepdims=keepdims)


def normalize(x, axis=-1, order=2, epsilon=None) -> Tensor:
    """``x / max(norm(x), epsilon)`` along ``axis`` (epsilon 1e-7 by default)."""
    x = convert_to_tensor(x)
    return x / ops.maximum(ops.norm(x, order, axis=axis, keepdims=True), 1e-7 if epsilon is None else epsilon)


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3) -> Tensor:
    """``(x - mean) / sqrt(variance + epsilon) * scale + offset``, where ``mean``, ``variance``, ``offset`` and
    ``scale`` are vectors along ``axis`` (the channel axis: -1 for channels-last)."""
    x = convert_to_tensor(x)
    view = [1] * x.ndim
    view[axis % x.ndim] = -1

    def along(v):
        return ops.reshape(convert_to_tensor(v), tuple(view))

    out = (x - along(mean)) / ops.sqrt(along(variance) + epsilon)
    out = out if scale is None else out * along(scale)
    return out if offset is None else out + along(offset)


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs) -> Tensor:
    """``(x - mean) / sqrt(var + epsilon) * gamma + beta`` over ``axis`` (epsilon 1e-7 by default, Keras's
    ``backend.epsilon()``)."""
    x = convert_to_tensor(x)
    mean, variance = moments(x, axis, keepdims=True)
    out = (x - mean) / ops.sqrt(variance + (1e-7 if epsilon is None else epsilon))
    out = out if gamma is None else out * gamma
    return out if beta is None else out + beta


def rms_normalization(x, scale=None, axis=-1, epsilon=None) -> Tensor:
    """``x / sqrt(mean(x^2) + epsilon) * scale`` over ``axis`` (epsilon 1e-7 by default, as Keras)."""
    x = convert_to_tensor(x)
    out = x / ops.sqrt(ops.mean(x * x, axis=axis, keepdims=True) + (1e-7 if epsilon is None else epsilon))
    return out if scale is None else out * scale


# --- pooling and convolution -------------------------------------------------------------------------


def _channels_first(x: Tensor, data_format, who: str) -> tuple[Tensor, int]:
    """``x`` as (N, C, H, W), and its number of spatial axes (1 or 2)."""
    spatial = x.ndim - 2
    if spatial not in (1, 2):
        raise ValueError(f"{who}: expected 1-D (N, steps, C) or 2-D (N, H, W, C) inputs, got shape {x.shape}")
    if data_format in (None, "channels_last"):
        x = ops.moveaxis(x, -1, 1)
    elif data_format != "channels_first":
        raise ValueError(f"{who}: data_format must be 'channels_last' or 'channels_first', got {data_format!r}")
    return (ops.expand_dims(x, -1) if spatial == 1 else x), spatial


def _back(out: Tensor, spatial: int, data_format) -> Tensor:
    out = ops.squeeze(out, -1) if spatial == 1 else out
    return ops.moveaxis(out, 1, -1) if data_format in (None, "channels_last") else out


def _tuple(v, spatial: int) -> tuple:
    v = (v,) * spatial if isinstance(v, int) else tuple(v)
    return v + (1,) * (2 - spatial)


def _same_pads(sizes, kernel, strides, dilation=(1, 1)) -> list[tuple[int, int]]:
    """TensorFlow's "same" padding: ``ceil(n / s)`` outputs, the odd pixel after."""
    pads = []
    for n, k, s, d in zip(sizes, kernel, strides, dilation):
        total = max((math.ceil(n / s) - 1) * s + d * (k - 1) + 1 - n, 0)
        pads.append((total // 2, total - total // 2))
    return pads


def _pool(inputs, pool_size, strides, padding, data_format, who, reduce):
    x, spatial = _channels_first(convert_to_tensor(inputs), data_format, who)
    kernel = _tuple(pool_size, spatial)
    strides = kernel if strides is None else _tuple(strides, spatial)
    padding = padding.lower() if isinstance(padding, str) else padding  # ("SAME" too, as Keras)
    if padding not in ("valid", "same"):
        raise ValueError(f"{who}: padding must be 'valid' or 'same', got {padding!r}")
    pads = _same_pads(x.shape[2:], kernel, strides) if padding == "same" else [(0, 0), (0, 0)]
    return _back(reduce(x, kernel, strides, [(0, 0), (0, 0), *pads]), spatial, data_format)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None) -> Tensor:
    """The mean of each window (``strides`` default to ``pool_size``); with "same", over the real pixels only."""

    def mean(x, kernel, strides, pads):
        def sums(t):
            return ops.sum(ops.windows(ops.pad(t, pads), kernel, strides), axis=(2, 3))

        # (the real pixels of each window: the window sums of ones, a constant of a captured step)
        return sums(x) / sums(made_by(np.ones, (1, 1) + x.shape[2:], dtype=x.dtype))

    return _pool(inputs, pool_size, strides, padding, data_format, "average_pool", mean)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None) -> Tensor:
    """The maximum of each window (``strides`` default to ``pool_size``); "same" pads with -inf."""

    def largest(x, kernel, strides, pads):
        return ops.max(ops.windows(ops.pad(x, pads, -math.inf), kernel, strides), axis=(2, 3))

    return _pool(inputs, pool_size, strides, padding, data_format, "max_pool", largest)


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1) -> Tensor:
    """Cross-correlation of 1-D or 2-D inputs with a Keras kernel ((kh, kw, C, O); 1-D: (k, C, O)), no bias.

    Shape: (N, H, W, C) -> (N, OH, OW, O) channels-last, with ``OH = ceil(H / s)`` for "same" and
    ``(H - d(kh - 1) - 1) // s + 1`` for "valid". Grouped kernels (fewer input channels) are not offered.
    """
    x, spatial = _channels_first(convert_to_tensor(inputs), data_format, "conv")
    kernel = convert_to_tensor(kernel)
    kernel = ops.expand_dims(kernel, 1) if spatial == 1 else kernel
    strides, dilation = _tuple(strides, spatial), _tuple(dilation_rate, spatial)
    padding = padding.lower() if isinstance(padding, str) else padding  # ("SAME" too, as Keras)
    if padding not in ("valid", "same"):
        raise ValueError(f"conv: padding must be 'valid' or 'same', got {padding!r}")
    pads = _same_pads(x.shape[2:], kernel.shape[:2], strides, dilation) if padding == "same" else 0
    out = ops.conv2d_nhwc(ops.moveaxis(x, 1, -1), kernel, None, strides, pads, dilation)
    return _back(ops.moveaxis(out, -1, 1), spatial, data_format)


def depth_to_space(x, block_size, data_format="channels_last") -> Tensor:
    """(N, H, W, C * b * b) -> (N, H * b, W * b, C), each pixel's channels laid out as a b x b block
    (TensorFlow's "DCR" order; Keras's)."""
    x = convert_to_tensor(x)
    x = ops.moveaxis(x, 1, -1) if data_format == "channels_first" else x
    n, h, w, c = x.shape
    b = block_size
    out = ops.reshape(ops.transpose(ops.reshape(x, (n, h, w, b, b, c // (b * b))), (0, 1, 3, 2, 4, 5)),
                      (n, h * b, w * b, c // (b * b)))
    return ops.moveaxis(out, -1, 1) if data_format == "channels_first" else out


def space_to_depth(x, block_size, data_format="channels_last") -> Tensor:
    """The inverse of :func:`depth_to_space`: (N, H * b, W * b, C) -> (N, H, W, C * b * b)."""
    x = convert_to_tensor(x)
    x = ops.moveaxis(x, 1, -1) if data_format == "channels_first" else x
    n, h, w, c = x.shape
    b = block_size
    out = ops.reshape(ops.transpose(ops.reshape(x, (n, h // b, b, w // b, b, c)), (0, 1, 3, 2, 4, 5)),
                      (n, h // b, w // b, c * b * b))
    return ops.moveaxis(out, -1, 1) if data_format == "channels_first" else out


def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None) -> Tensor:
    """``softmax(q k^T * scale + bias, masked) v`` per head, Keras's layout: query (B, T, N, H), key and value
    (B, S, K, H) (N a multiple of K: each key head serves N / K query heads), output (B, T, N, H).

    ``scale`` defaults to ``1 / sqrt(H)``; ``mask`` (broadcast to (B, N, T, S)) is True where a query may
    attend; ``is_causal`` lets query t attend to keys up to t. ``flash_attention`` (a fused kernel) and
    ``attn_logits_soft_cap`` (Keras: JAX on TPU only) are not offered.
    """
    if flash_attention or attn_logits_soft_cap is not None:
        raise ValueError("dot_product_attention: flash_attention and attn_logits_soft_cap are not offered by nabla")
    q, k, v = (convert_to_tensor(t) for t in (query, key, value))
    if q.ndim != 4 or k.ndim != 4 or v.ndim != 4:
        raise ValueError(f"dot_product_attention: expected (B, T, N, H) tensors, got {q.shape}, {k.shape}, {v.shape}")
    if k.shape[2] != q.shape[2]:
        k, v = ops.repeat(k, q.shape[2] // k.shape[2], axis=2), ops.repeat(v, q.shape[2] // v.shape[2], axis=2)
    logits = ops.einsum("btnh,bsnh->bnts", q, k) * (1.0 / math.sqrt(q.shape[-1]) if scale is None else scale)
    if bias is not None:
        logits = logits + bias
    allowed = None if mask is None else made_by(np.asarray, mask, dtype=bool)  # (nonzero is True)
    if is_causal:
        causal = made_by(np.tri, q.shape[1], k.shape[1], dtype=bool)
        allowed = causal if allowed is None else ops.logical_and(allowed, causal)
    if allowed is not None:
        # NOTE: the dtype's lowest value rather than -inf: a row with nothing allowed averages evenly, not NaN.
        logits = ops.where(allowed, logits, float(np.finfo(logits.dtype).min))
    return ops.einsum("bnts,bsnh->btnh", ops.softmax(logits, axis=-1), v)


def psnr(x1, x2, max_val) -> Tensor:
    """The peak signal-to-noise ratio ``20 log10(max_val) - 10 log10(mean((x1 - x2)^2))``, in decibels."""
    mse = ops.mean(ops.square(convert_to_tensor(x1) - convert_to_tensor(x2)))
    return 20.0 * math.log10(max_val) - (10.0 / math.log(10.0)) * ops.log(mse)


# --- losses: keras.ops's versions are Keras's loss functions ----------------------------------------


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1) -> Tensor:
    """``-log p[target]`` per sample, for integer targets (as the loss function of the same name)."""
    output = ops.moveaxis(convert_to_tensor(output), axis, -1) if axis != -1 else convert_to_tensor(output)
    return _losses.sparse_categorical_crossentropy(target, output, from_logits=from_logits)


def categorical_crossentropy(target, output, from_logits=False, axis=-1) -> Tensor:
    """``-sum(target * log p)`` per sample; see :func:`nabla.keras.losses.categorical_crossentropy`."""
    if axis != -1:
        target, output = ops.moveaxis(convert_to_tensor(target), axis, -1), ops.moveaxis(output, axis, -1)
    return _losses.categorical_crossentropy(target, convert_to_tensor(output), from_logits=from_logits)


def binary_crossentropy(target, output, from_logits=False) -> Tensor:
    """``-(t log p + (1 - t) log(1 - p))`` per element (not averaged: Keras's ``ops`` version)."""
    return _losses.binary_crossentropy_elements(target, convert_to_tensor(output), from_logits)


record_symbolic_calls(globals())


def __getattr__(name: str):
    raise _missing("keras.ops.nn", name)
