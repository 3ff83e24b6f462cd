"""What every ``tf.image`` function shares: the image's rank check, and ``convert_image_dtype``.

Images are channels-last: one (height, width, channels) image or a (batch, height, width, channels) batch.
Integer images hold [0, dtype max] (uint8: [0, 255]); float images hold [0, 1], TensorFlow's convention
that ``convert_image_dtype`` moves between.
"""

from __future__ import annotations

import numpy as np

from .._convert import tensor_arg
from ..array_ops import cast, clip_by_value
from ..dtypes import as_dtype
from ..math_ops import floordiv, multiply

_FLOAT_WORKING = ("float16", "float32")  # the dtypes TensorFlow's colour ops compute in without converting


def image_arg(image, ranks: tuple = (3, 4), name: str = "image"):
    """``image`` as a tensor of one of ``ranks`` (TensorFlow's ValueError, with its wording, otherwise)."""
    x = tensor_arg(image)
    if x.ndim not in ranks:
        wanted = " or ".join(str(r) for r in ranks)
        raise ValueError(f"'{name}' (shape {tuple(x.shape)}) must have {wanted} dimensions")
    return x


def saturate_cast(x, dtype):
    """``x`` cast to ``dtype`` after clipping to the values ``dtype`` holds (TensorFlow's saturate_cast)."""
    source, target = as_dtype(x.dtype), as_dtype(dtype)
    if target.is_integer or (target.is_floating and target.size < source.size):
        low, high = max(source.min, target.min), min(source.max, target.max)
        as_source = np.asarray(high, source.as_numpy_dtype)
        if source.is_floating and as_source > high:  # NOTE: int32's max as a float32 rounds up, out of range
            high = float(np.nextafter(as_source, -np.inf))
        x = clip_by_value(x, low, high)
    return cast(x, target)


def convert_image_dtype(image, dtype, saturate: bool = False, name=None):
    """``tf.image.convert_image_dtype(image, dtype)``: the image in ``dtype``, its values rescaled.

    - integer to float: divided by the integer dtype's max (uint8 255 -> 1.0);
    - float to integer: multiplied by the integer dtype's max + 0.5 and truncated (values outside [0, 1]
      wrap unless ``saturate=True``, which clips them);
    - integer to integer: scaled by the ratio of the (max + 1)s (uint8 -> int32 multiplies by 2**23);
    - float to float: a cast.
    """
    x, target = tensor_arg(image), as_dtype(dtype)
    source = as_dtype(x.dtype)
    if not (target.is_floating or target.is_integer):
        raise AttributeError(f"dtype must be either floating point or integer, got {target.name}")
    if not (source.is_floating or source.is_integer):
        raise AttributeError(f"image dtype must be either floating point or integer, got {source.name}")
    if source == target:
        return x
    if source.is_integer and target.is_integer:
        if source.max > target.max:
            scaled = floordiv(x, (source.max + 1) // (target.max + 1))
            return saturate_cast(scaled, target) if saturate else cast(scaled, target)
        moved = saturate_cast(x, target) if saturate else cast(x, target)
        return multiply(moved, (target.max + 1) // (source.max + 1))
    if source.is_floating and target.is_floating:
        return cast(x, target)
    if source.is_integer:
        return multiply(cast(x, target), 1.0 / source.max)
    scaled = multiply(x, target.max + 0.5)
    return saturate_cast(scaled, target) if saturate else cast(scaled, target)


def as_float(image):
    """The image in the float dtype TensorFlow's adjust_* ops compute in: its own if float16 or float32,
    float32 (by ``convert_image_dtype``) otherwise."""
    x = tensor_arg(image)
    return x if as_dtype(x.dtype).name in _FLOAT_WORKING else convert_image_dtype(x, "float32")
