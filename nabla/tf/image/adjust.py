"""``tf.image``'s adjustments: brightness, contrast, gamma, saturation and hue.

As TensorFlow: a float16 or float32 image is adjusted in its dtype, any other (uint8, float64...) is
converted to float32 with ``convert_image_dtype`` (uint8 255 -> 1.0), adjusted, and converted back
(brightness, contrast and gamma saturate on the way back: 1.2 becomes 255, not a wrapped value).
"""

from __future__ import annotations

from .._convert import tensor_arg
from ..array_ops import stack
from ..math_ops import floormod, maximum, minimum, pow
from ..reduce_ops import reduce_mean
from ._common import as_float, convert_image_dtype, image_arg
from .color import hsv_of, rgb_channels, rgb_of


def _number(value) -> float:
    return float(tensor_arg(value).item()) if not isinstance(value, (int, float)) else float(value)


def adjust_brightness(image, delta):
    """``tf.image.adjust_brightness(image, delta)``: ``image + delta`` on the float scale [0, 1]."""
    x = tensor_arg(image)
    floats = as_float(x)
    return convert_image_dtype(floats + _number(delta), x.dtype, saturate=True)


def adjust_contrast(images, contrast_factor):
    """``tf.image.adjust_contrast(images, factor)``: ``(x - mean) * factor + mean``, the mean of each
    channel of each image over its height and width (shape (..., H, W, C))."""
    x = image_arg(images, (3, 4), "images")
    floats = as_float(x)
    mean = reduce_mean(floats, axis=[-3, -2], keepdims=True)
    return convert_image_dtype((floats - mean) * _number(contrast_factor) + mean, x.dtype, saturate=True)


def adjust_gamma(image, gamma=1, gain=1):
    """``tf.image.adjust_gamma(image, gamma=1, gain=1)``: ``gain * image ** gamma`` on the float scale;
    ``gamma`` non-negative."""
    x = tensor_arg(image)
    if _number(gamma) < 0:
        raise ValueError(f"Gamma should be a non-negative real number, got {_number(gamma)}")
    floats = as_float(x)
    return convert_image_dtype(pow(floats, _number(gamma)) * _number(gain), x.dtype, saturate=True)


def adjust_saturation(image, saturation_factor, name=None):
    """``tf.image.adjust_saturation(image, factor)``: an RGB image (..., 3) with its HSV saturation times
    ``factor``, clipped to [0, 1]."""
    x = tensor_arg(image)
    h, s, v = hsv_of(*rgb_channels(as_float(x), "tf.image.adjust_saturation"))
    s = minimum(maximum(s * _number(saturation_factor), 0.0), 1.0)
    return convert_image_dtype(stack(list(rgb_of(h, s, v)), axis=-1), x.dtype)


def adjust_hue(image, delta, name=None):
    """``tf.image.adjust_hue(image, delta)``: an RGB image (..., 3) with ``delta`` (in [-1, 1], a fraction
    of the colour wheel) added to its hue, which wraps around."""
    delta = _number(delta)
    if delta < -1 or delta > 1:
        raise ValueError(f"delta must be in the interval [-1, 1], got {delta}")
    x = tensor_arg(image)
    h, s, v = hsv_of(*rgb_channels(as_float(x), "tf.image.adjust_hue"))
    return convert_image_dtype(stack(list(rgb_of(floormod(h + delta, 1.0), s, v)), axis=-1), x.dtype)
