"""``tf.image``'s resizing, which d2l's Fashion-MNIST loader applies for its modern CNNs
(``tf.image.resize_with_pad(X, 224, 224)``), ``crop_and_resize``, which detection models cut their regions of
interest with, and ``extract_patches``, which vision transformers cut images with.

Images are channels-last, one (height, width, channels) image or a (batch, height, width, channels) batch.
The interpolation is the Keras ``Resizing`` layer's (half-pixel centres, TensorFlow 2's ``tf.image.resize``);
the result is float32 for integer images (their dtype with "nearest"), as TensorFlow's, and gradients flow
back to float images.
"""

from __future__ import annotations

import math

import numpy as np

from ...keras.layers.resizing import resize as _resize
from ...keras.ops.image import extract_patches as _extract_patches
from .._convert import as_tf, tensor_arg
from ..array_ops import cast, expand_dims, gather_nd, pad, squeeze, where
from ..errors import InvalidArgumentError, OutOfRangeError
from ..utilities import is_tensor

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


def _sample_positions(low, high, size: int, count: int):
    """Where each of ``count`` samples falls between a box's edges ``low`` and ``high`` (fractions of the
    image side, shape (boxes,)), in pixels of a side of ``size``: (boxes, count), float32. TensorFlow's rule,
    in its order of float32 operations: ``low (size - 1) + i (high - low) (size - 1) / (count - 1)``, or
    the box's centre for one sample."""
    if count == 1:
        return expand_dims(0.5 * (low + high) * (size - 1), 1)
    step = (high - low) * float(size - 1) / float(count - 1)
    return expand_dims(low * float(size - 1), 1) + np.arange(count, dtype=np.float32)[None, :] * expand_dims(step, 1)


def _crop_arguments(image, boxes, box_indices, crop_size, method: str):
    x = tensor_arg(image)
    if x.ndim != 4:
        raise InvalidArgumentError(f"crop_and_resize: image must be (batch, height, width, channels), got {x.ndim}-D")
    boxes = cast(tensor_arg(boxes), "float32")
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise InvalidArgumentError(f"boxes must be 2-D [num_boxes, 4] (y1, x1, y2, x2), got shape {tuple(boxes.shape)}")
    indices = np.asarray(tensor_arg(box_indices).numpy())
    if indices.dtype.kind not in "iu":  # (TensorFlow's conversion refuses a float tensor and a list of floats apart)
        error = ValueError if is_tensor(box_indices) else TypeError
        raise error(f"crop_and_resize: box_indices must be int32, got {indices.dtype}")
    if indices.shape != (boxes.shape[0],):
        raise InvalidArgumentError(f"box_indices must be 1-D [num_boxes={boxes.shape[0]}], got shape {indices.shape}")
    if indices.size and (indices.min() < 0 or indices.max() >= x.shape[0]):
        raise OutOfRangeError(f"box_indices has values outside [0, batch_size={x.shape[0]})")
    size = np.asarray(tensor_arg(crop_size).numpy())
    if size.dtype.kind not in "iu":
        raise TypeError(f"crop_and_resize: crop_size must be int32 [crop_height, crop_width], got {size.dtype}")
    if not np.isfinite(boxes.numpy()).all():
        raise InvalidArgumentError("Boxes contains at least one element that is not finite")
    if size.shape != (2,) or (size <= 0).any():
        raise InvalidArgumentError(f"crop_size must be [crop_height, crop_width], both positive, got {size.tolist()}")
    if method not in _METHODS:  # (case-sensitive, as TensorFlow's kernel)
        raise InvalidArgumentError(f"crop_and_resize: method must be 'bilinear' or 'nearest', got {method!r}")
    return x, boxes, indices, (int(size[0]), int(size[1]))


def crop_and_resize(image, boxes, box_indices, crop_size, method="bilinear", extrapolation_value=0.0, name=None):
    """``tf.image.crop_and_resize``: for each box, the region of image ``box_indices[i]`` it frames, sampled on
    a ``crop_size`` grid: (num_boxes, crop_height, crop_width, channels), float32.

    ``image`` is (batch, height, width, channels); ``boxes`` (num_boxes, 4) holds ``[y1, x1, y2, x2]`` as
    fractions of the image's sides (0 the first pixel, 1 the last; y1 > y2 flips the crop), and may reach
    outside [0, 1]: samples that fall outside the image are ``extrapolation_value``. The samples are
    bilinear, or the nearest pixel (halves rounded away from zero), as TensorFlow's; gradients flow to the
    image and to the boxes, as TensorFlow's."""
    x, boxes, indices, (crop_height, crop_width) = _crop_arguments(image, boxes, box_indices, crop_size, method)
    height, width = x.shape[1], x.shape[2]
    ys = _sample_positions(boxes[:, 0], boxes[:, 2], height, crop_height)  # (boxes, crop_height)
    xs = _sample_positions(boxes[:, 1], boxes[:, 3], width, crop_width)  # (boxes, crop_width)
    y, x_ = ys.numpy(), xs.numpy()
    inside = ((y >= 0) & (y <= height - 1))[:, :, None, None] & ((x_ >= 0) & (x_ <= width - 1))[:, None, :, None]
    pixels, box = cast(x, "float32"), np.broadcast_to(indices[:, None, None], (len(indices), crop_height, crop_width))

    def at(rows, cols):  # the pixels at rows (boxes, crop_height) and cols (boxes, crop_width)
        rows = np.clip(rows, 0, height - 1).astype(np.int64)[:, :, None]
        cols = np.clip(cols, 0, width - 1).astype(np.int64)[:, None, :]
        return gather_nd(pixels, np.stack(np.broadcast_arrays(box, rows, cols), axis=-1))

    if method == "nearest":
        out = at(np.floor(y + 0.5), np.floor(x_ + 0.5))  # (only samples inside the image are kept: y, x >= 0)
    else:
        top, left = np.floor(y), np.floor(x_)
        y_lerp, x_lerp = expand_dims(expand_dims(ys - top, 2), 3), expand_dims(expand_dims(xs - left, 1), 3)
        upper = at(top, left) + (at(top, np.ceil(x_)) - at(top, left)) * x_lerp
        lower = at(np.ceil(y), left) + (at(np.ceil(y), np.ceil(x_)) - at(np.ceil(y), left)) * x_lerp
        out = upper + (lower - upper) * y_lerp
    return where(inside, out, np.float32(extrapolation_value))


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

