"""``tf.image``: resizing, which d2l's Fashion-MNIST loader applies for its modern CNNs
(``tf.image.resize_with_pad(X, 224, 224)``), and ``extract_patches``, which vision transformers cut images with.

Images are channels-last, one (height, width, channels) image or a (batch, height, width, channels) batch.
The interpolation is the Keras ``Resizing`` layer's (half-pixel centres, TensorFlow 2's ``tf.image.resize``);
the result is float32 for integer images (their dtype with "nearest"), as TensorFlow's, and gradients flow
back to float images.
"""

from __future__ import annotations

import math

from ..keras.layers.resizing import resize as _resize
from ..keras.ops.image import extract_patches as _extract_patches
from ._convert import as_tf, tensor_arg
from ._missing import missing
from .array_ops import cast, expand_dims, pad, squeeze

_METHODS = ("bilinear", "nearest")


def _check(images, method: str, antialias: bool, who: str):
    x = tensor_arg(images)
    if x.ndim not in (3, 4):
        raise ValueError(f"{who}: images must be (height, width, channels) or a batch of them, got shape {x.shape}")
    if str(method).lower() not in _METHODS or antialias:
        raise NotImplementedError(
            f"{who}: nabla.tf resizes with method 'bilinear' or 'nearest' and antialias=False, got "
            f"method={method!r}, antialias={antialias!r}"
        )
    return x


def _sized(x, height: int, width: int, method: str):
    batch = x if x.ndim == 4 else expand_dims(x, 0)
    floats = batch if batch.dtype.is_floating else cast(batch, "float32")
    out = as_tf(_resize(floats, int(height), int(width), str(method).lower()))
    if str(method).lower() == "nearest":  # (picks pixels: the images' dtype is kept)
        out = cast(out, batch.dtype)
    return out if x.ndim == 4 else squeeze(out, 0)


def resize(images, size, method="bilinear", preserve_aspect_ratio: bool = False, antialias: bool = False, name=None):
    """``tf.image.resize(images, [height, width])``; with ``preserve_aspect_ratio`` the largest size that fits
    in ``size`` with the images' aspect ratio."""
    x = _check(images, method, antialias, "tf.image.resize")
    height, width = (int(s) for s in size)
    if preserve_aspect_ratio:
        h, w = x.shape[-3], x.shape[-2]
        scale = min(height / h, width / w)
        height, width = int(round(h * scale)), int(round(w * scale))
    return _sized(x, height, width, method)


def resize_with_pad(image, target_height: int, target_width: int, method="bilinear", antialias: bool = False):
    """``tf.image.resize_with_pad``: resized to fit in (target_height, target_width) without distortion, then
    centred on a zero background of that size (the extra row or column of an odd margin at the bottom/right)."""
    x = _check(image, method, antialias, "tf.image.resize_with_pad")
    h, w = x.shape[-3], x.shape[-2]
    ratio = max(w / target_width, h / target_height)
    height, width = h / ratio, w / ratio  # (TensorFlow pads by the unrounded size's margin, floored)
    top, left = max(0, math.floor((target_height - height) / 2)), max(0, math.floor((target_width - width) / 2))
    out = _sized(x, math.floor(height), math.floor(width), method)
    margins = [[top, target_height - top - math.floor(height)], [left, target_width - left - math.floor(width)], [0, 0]]
    return pad(out, ([[0, 0]] if out.ndim == 4 else []) + margins)


def extract_patches(images, sizes, strides, rates, padding, name=None):
    """``tf.image.extract_patches``: each ``sizes[1:3]`` window of an (N, H, W, C) batch flattened in (row,
    column, channel) order, windows ``strides[1:3]`` apart, their elements ``rates[1:3]`` apart; ``padding``
    "VALID" or "SAME". ``sizes``, ``strides`` and ``rates`` are TensorFlow's ``[1, rows, cols, 1]``."""
    x = tensor_arg(images)
    if x.ndim != 4:
        raise ValueError(f"tf.image.extract_patches: images must be (batch, height, width, channels), got {x.shape}")
    for what, value in (("sizes", sizes), ("strides", strides), ("rates", rates)):
        if len(value) != 4 or value[0] != 1 or value[3] != 1:
            raise ValueError(f"tf.image.extract_patches: {what} must be [1, rows, cols, 1], got {list(value)}")
    return as_tf(_extract_patches(x, tuple(sizes[1:3]), tuple(strides[1:3]), tuple(rates[1:3]), padding.lower()))


# --- tf.image's aliases of tf.io's image decoders and encoders (nabla/tf/io/image_codecs.py) ---
from . import io as _io  # noqa: E402

decode_bmp, decode_gif, decode_image = _io.decode_bmp, _io.decode_gif, _io.decode_image
decode_jpeg, decode_png, encode_jpeg, encode_png = _io.decode_jpeg, _io.decode_png, _io.encode_jpeg, _io.encode_png
# --- end of the tf.io aliases ---


def __getattr__(name: str):
    raise missing("tf.image", name)
