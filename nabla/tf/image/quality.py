"""``tf.image``'s measures: per-image standardisation, gradients, total variation, PSNR and SSIM.

PSNR and SSIM compare two images (or batches) of one shape on the float scale: both are converted to float32
with ``convert_image_dtype`` (uint8 255 -> 1.0) and ``max_val``, the images' range in their own dtype (255
for uint8, 1.0 for floats in [0, 1]), is converted alike. The result has one value per image.
"""

from __future__ import annotations

import math

import numpy as np

from .._convert import constant, tensor_arg
from ..array_ops import cast, concat, pad, reshape, stack
from ..array_ops import transpose as _permute
from ..conv_ops import conv2d
from ..errors import InvalidArgumentError
from ..math_ops import abs as _abs
from ..math_ops import log, maximum, rsqrt, square
from ..reduce_ops import reduce_mean, reduce_std, reduce_sum
from ._common import convert_image_dtype, image_arg


def per_image_standardization(image):
    """``tf.image.per_image_standardization``: each image (the last three axes) minus its mean, divided by
    ``max(std, 1 / sqrt(H W C))`` (no division by zero on a flat image); float32."""
    x = cast(image_arg(image, (3, 4)), "float32")
    axes = [-1, -2, -3]
    pixels = x.shape[-1] * x.shape[-2] * x.shape[-3]
    floor_std = float(rsqrt(constant(float(pixels), "float32")).numpy())
    return (x - reduce_mean(x, axis=axes, keepdims=True)) / maximum(reduce_std(x, axis=axes, keepdims=True), floor_std)


def image_gradients(image):
    """``tf.image.image_gradients(images)``: ``(dy, dx)`` of a (N, H, W, C) batch, each (N, H, W, C): the
    difference with the pixel below (right), 0 on the last row (column)."""
    x = tensor_arg(image)
    if x.ndim != 4:
        raise ValueError(f"image_gradients expects a 4D tensor [batch_size, h, w, d], not {tuple(x.shape)}")
    n, h, w, c = x.shape
    dy = concat([x[:, 1:] - x[:, :-1], cast(np.zeros((n, 1, w, c)), x.dtype)], axis=1)
    dx = concat([x[:, :, 1:] - x[:, :, :-1], cast(np.zeros((n, h, 1, c)), x.dtype)], axis=2)
    return dy, dx


def total_variation(images, name=None):
    """``tf.image.total_variation``: the sum of the absolute differences of neighbouring pixels (down and
    right), a scalar for one image, shape (N,) for a batch; in the images' dtype."""
    x = image_arg(images, (3, 4), "images")
    down = x[..., 1:, :, :] - x[..., :-1, :, :]
    right = x[..., :, 1:, :] - x[..., :, :-1, :]
    axis = None if x.ndim == 3 else [1, 2, 3]
    return reduce_sum(_abs(down), axis=axis) + reduce_sum(_abs(right), axis=axis)


def _pair(a, b, who: str):
    """Two images of one shape (the last three axes at least), and their max_val, on the float scale."""
    x, y = tensor_arg(a), tensor_arg(b)
    if x.ndim < 3 or y.ndim < 3:
        raise ValueError(f"{who}: images must have at least 3 dimensions (height, width, channels), got shapes "
                         f"{tuple(x.shape)} and {tuple(y.shape)}")  # fmt: skip
    if tuple(x.shape[-3:]) != tuple(y.shape[-3:]):
        raise ValueError(f"{who}: the images' shapes must match, got {tuple(x.shape)} and {tuple(y.shape)}")
    return x, y


def _float_max(max_val, dtype):
    return convert_image_dtype(cast(max_val, dtype), "float32")


def psnr(a, b, max_val, name=None):
    """``tf.image.psnr(a, b, max_val)``: the peak signal-to-noise ratio in dB per image,
    ``20 log10(max_val) - 10 log10(mean squared error)`` (infinite for equal images); float32."""
    x, y = _pair(a, b, "tf.image.psnr")
    peak = _float_max(max_val, x.dtype)
    x, y = convert_image_dtype(x, "float32"), convert_image_dtype(y, "float32")
    mse = reduce_mean(square(x - y), axis=[-3, -2, -1])
    return 20.0 * log(peak) / math.log(10.0) - (10.0 / math.log(10.0)) * log(mse)


def _gaussian(size: int, sigma: float) -> np.ndarray:
    """The (size, size) Gaussian window of SSIM, summing to 1."""
    coords = np.arange(size, dtype=np.float32) - (size - 1) / 2.0
    g = np.square(coords) * (-0.5 / sigma**2)
    g = np.exp(g[None, :] + g[:, None] - (g[None, :] + g[:, None]).max())
    return (g / g.sum()).astype(np.float32)


def _windowed_mean(x, window: np.ndarray):
    """Each channel of (..., H, W, C) filtered with ``window`` (VALID): (..., H - k + 1, W - k + 1, C)."""
    lead, (h, w, c) = tuple(x.shape[:-3]), tuple(x.shape[-3:])
    planes = reshape(_permute(reshape(x, [-1, h, w, c]), [0, 3, 1, 2]), [-1, h, w, 1])
    k = window.shape[0]
    out = conv2d(planes, window.reshape(k, k, 1, 1), strides=1, padding="VALID")
    out = _permute(reshape(out, [-1, c, h - k + 1, w - k + 1]), [0, 2, 3, 1])
    return reshape(out, [*lead, h - k + 1, w - k + 1, c])


def ssim(img1, img2, max_val, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03, return_index_map=False):
    """``tf.image.ssim(img1, img2, max_val)``: the structural similarity of each image pair (Wang et al.,
    2004), means and (co)variances in an 11x11 Gaussian window of width 1.5:

        luminance = (2 m1 m2 + c1) / (m1² + m2² + c1), cs = (2 cov + c2) / (var1 + var2 + c2),
        c1 = (k1 max_val)², c2 = (k2 max_val)²

    averaged over the window positions and the channels (``return_index_map``: per position)."""
    x, y = _pair(img1, img2, "tf.image.ssim")
    peak = float(_float_max(max_val, x.dtype).numpy())
    x, y = convert_image_dtype(x, "float32"), convert_image_dtype(y, "float32")
    size = int(filter_size)
    if x.shape[-3] < size or x.shape[-2] < size:
        raise InvalidArgumentError(f"tf.image.ssim: the images' height and width ({x.shape[-3]}, {x.shape[-2]}) "
                                   f"must be at least filter_size {size}")  # fmt: skip
    window = _gaussian(size, float(filter_sigma))
    c1, c2 = (k1 * peak) ** 2, (k2 * peak) ** 2
    mean_x, mean_y = _windowed_mean(x, window), _windowed_mean(y, window)
    num0 = mean_x * mean_y * 2.0
    den0 = square(mean_x) + square(mean_y)
    luminance = (num0 + c1) / (den0 + c1)
    num1 = _windowed_mean(x * y, window) * 2.0
    den1 = _windowed_mean(square(x) + square(y), window)
    structure = (num1 - num0 + c2) / (den1 - den0 + c2)
    if return_index_map:
        return reduce_mean(luminance * structure, axis=[-1])
    return reduce_mean(reduce_mean(luminance * structure, axis=[-3, -2]), axis=[-1])



_SOBEL_Y = ((-1.0, -2.0, -1.0), (0.0, 0.0, 0.0), (1.0, 2.0, 1.0))  # (the x kernel is its transpose)


def sobel_edges(image):
    """``tf.image.sobel_edges``: each channel's Sobel derivatives, (N, H, W, C) -> (N, H, W, C, 2), the last
    axis (dy, dx), in the image's float dtype. The 3x3 kernels ``[[-1, -2, -1], [0, 0, 0], [1, 2, 1]]`` (dy)
    and its transpose (dx) are correlated with the image padded by reflection, as TensorFlow's."""
    x = tensor_arg(image)
    if x.ndim != 4:
        raise InvalidArgumentError(f"sobel_edges expects a 4D tensor [batch_size, h, w, d], not {tuple(x.shape)}")
    if not x.dtype.is_floating:
        raise InvalidArgumentError(f"sobel_edges takes float images, got {x.dtype.name}: convert_image_dtype it first")
    if x.dtype.name == "float16":  # (TensorFlow's kernel sums float16 in float32: one rounding, at the end)
        return cast(sobel_edges(cast(x, "float32")), "float16")
    height, width = x.shape[1], x.shape[2]
    padded = pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="REFLECT")
    windows = [[padded[:, i : i + height, j : j + width, :] for j in range(3)] for i in range(3)]
    dy = sum(windows[i][j] * _SOBEL_Y[i][j] for i in range(3) for j in range(3) if _SOBEL_Y[i][j])
    dx = sum(windows[i][j] * _SOBEL_Y[j][i] for i in range(3) for j in range(3) if _SOBEL_Y[j][i])
    return stack([dy, dx], axis=-1)
