"""``tf.image``'s colour spaces: grayscale and HSV (hue, saturation, value), channels on the last axis.

``rgb_to_hsv`` and ``hsv_to_rgb`` take float images with values in [0, 1] (TensorFlow's kernels accept no
integer images); hue is in [0, 1) as a fraction of the colour wheel (0 red, 1/3 green, 2/3 blue). The
formulas, with ``v = max(r, g, b)`` and ``range = v - min(r, g, b)``:

    s = range / v (0 where v is 0)
    h = (g - b) / (6 range) where v is r, (b - r) / (6 range) + 1/3 where v is g, (r - g) / (6 range) + 2/3
        otherwise; 0 where range is 0; plus 1 where negative.

Written with nabla.tf's operations, so gradients flow through them (where the branches do not meet).
"""

from __future__ import annotations

import numpy as np

import nabla as nb

from .._convert import tensor_arg
from ..array_ops import cast, stack, tile, unstack, where
from ..dtypes import as_dtype
from ..errors import FailedPreconditionError, InvalidArgumentError
from ..math_ops import abs as _abs
from ..math_ops import equal, floor, greater, less, maximum, minimum, sign
from ..reduce_ops import reduce_sum
from ._common import convert_image_dtype

_GRAY_WEIGHTS = (0.2989, 0.5870, 0.1140)  # ITU-R BT.601 luma, as TensorFlow rounds them


def rgb_to_grayscale(images, name=None):
    """``tf.image.rgb_to_grayscale``: (..., 3) -> (..., 1), ``0.2989 r + 0.5870 g + 0.1140 b`` computed in
    float32 and converted back to the images' dtype (``convert_image_dtype``)."""
    x = tensor_arg(images)
    floats = convert_image_dtype(x, "float32")
    gray = reduce_sum(floats * np.asarray(_GRAY_WEIGHTS, np.float32), axis=-1, keepdims=True)
    return convert_image_dtype(gray, x.dtype)


def grayscale_to_rgb(images, name=None):
    """``tf.image.grayscale_to_rgb``: (..., 1) -> (..., 3), the one channel repeated."""
    x = tensor_arg(images)
    if x.ndim < 2 or x.shape[-1] != 1:
        raise ValueError(f"Last dimension of a grayscale image should be size 1, got shape {tuple(x.shape)}")
    return tile(x, [1] * (x.ndim - 1) + [3])


def rgb_channels(images, who: str, error: type = InvalidArgumentError) -> tuple:
    """A float RGB image's three channels (TensorFlow's kernels' errors for other images). Data that is not
    a tensor is read as float32, as TensorFlow converts a kernel's argument (a uint8 array keeps [0, 255])."""
    x = tensor_arg(images) if isinstance(images, nb.Tensor) else cast(tensor_arg(np.asarray(images)), "float32")
    if not as_dtype(x.dtype).is_floating:
        raise InvalidArgumentError(f"{who} takes float images (convert with tf.image.convert_image_dtype), "
                                   f"got {as_dtype(x.dtype).name}")  # fmt: skip
    if x.ndim < 1 or x.shape[-1] != 3:
        raise error(f"{who}: input must have 3 channels but input only has {x.shape[-1:]} channels")
    return tuple(unstack(x, axis=-1))


def hsv_of(r, g, b) -> tuple:
    """Hue, saturation and value of three float channels (the module's formulas)."""
    v = maximum(maximum(r, g), b)
    spread = v - minimum(minimum(r, g), b)
    positive = greater(spread, 0)
    safe_spread = where(positive, spread, spread * 0 + 1)  # (no 0 / 0 in the branch where discards)
    safe_v = where(greater(v, 0), v, v * 0 + 1)
    s = where(greater(v, 0), spread / safe_v, v * 0)
    norm = 1.0 / (6.0 * safe_spread)
    h = where(equal(r, v), (g - b) * norm, where(equal(g, v), (b - r) * norm + 2.0 / 6.0, (r - g) * norm + 4.0 / 6.0))
    h = where(positive, h, h * 0)
    return where(less(h, 0), h + 1.0, h), s, v


def rgb_of(h, s, v) -> tuple:
    """Red, green and blue of hue, saturation and value channels (TensorFlow's kernel: the sector of the
    colour wheel is ``int(6 h)``; a hue outside [0, 1) falls in no sector and gives grey ``v - s v``)."""
    c = s * v
    m = v - c
    dh = h * 6.0
    sector = sign(dh) * floor(_abs(dh))  # (C's truncation toward zero)
    within_two = dh - 2.0 * sign(dh) * floor(_abs(dh / 2.0))  # C's fmod(dh, 2)
    x = c * (1.0 - _abs(_abs(within_two) - 1.0))
    zero = c * 0
    table = ((c, x, zero), (x, c, zero), (zero, c, x), (zero, x, c), (x, zero, c), (c, zero, x))
    channels = []
    for k in range(3):
        value = zero
        for index, row in enumerate(table):
            value = where(equal(sector, float(index)), row[k], value)
        channels.append(value + m)
    return tuple(channels)


def rgb_of_clamped(h, s, v) -> tuple:
    """Red, green and blue as TensorFlow's ``hsv_to_rgb`` kernel computes them: each channel's weight is a
    clamped triangle of ``6 h`` (red ``clip(|6h - 3| - 1)``, green ``clip(2 - |6h - 2|)``, blue
    ``clip(2 - |6h - 4|)``, each to [0, 1]) and the channel ``(1 - s + s weight) v``. Equal to :func:`rgb_of`
    for a hue in [0, 1); a hue of exactly 1 is red (as 0), and one outside [0, 1] saturates at the ends."""
    dh = h * 6.0
    one_s = 1.0 - s
    weights = (_abs(dh - 3.0) - 1.0, 2.0 - _abs(dh - 2.0), 2.0 - _abs(dh - 4.0))
    return tuple((one_s + s * minimum(maximum(w, 0.0), 1.0)) * v for w in weights)


def rgb_to_hsv(images, name=None):
    """``tf.image.rgb_to_hsv``: float RGB (..., 3) in [0, 1] -> HSV (..., 3) in [0, 1]."""
    return stack(list(hsv_of(*rgb_channels(images, "tf.image.rgb_to_hsv", FailedPreconditionError))), axis=-1)


def hsv_to_rgb(images, name=None):
    """``tf.image.hsv_to_rgb``: float HSV (..., 3) in [0, 1] -> RGB (..., 3)."""
    return stack(list(rgb_of_clamped(*rgb_channels(images, "tf.image.hsv_to_rgb", FailedPreconditionError))), axis=-1)

