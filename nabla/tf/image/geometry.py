"""``tf.image``'s geometry: flips, quarter turns, transposition, crops and pads.

Every function takes one (height, width, channels) image or a (batch, height, width, channels) batch and
returns the same rank, in the image's dtype. They are slices, reversals and pads of nabla.tf's tensors, so
gradients flow back to float images, and crops that do not fit raise TensorFlow's ``ValueError``.
"""

from __future__ import annotations

from .._convert import tensor_arg
from ..array_ops import expand_dims, pad, reverse, squeeze
from ..array_ops import transpose as _swap
from ._common import image_arg


def _axes(x) -> tuple[int, int]:
    """The (height, width) axes of an image or a batch."""
    return (x.ndim - 3, x.ndim - 2)


def flip_left_right(image):
    """``tf.image.flip_left_right``: each row reversed (the width axis)."""
    x = image_arg(image)
    return reverse(x, [_axes(x)[1]])


def flip_up_down(image):
    """``tf.image.flip_up_down``: each column reversed (the height axis)."""
    x = image_arg(image)
    return reverse(x, [_axes(x)[0]])


def transpose(image, name=None):
    """``tf.image.transpose``: height and width swapped, (H, W, C) -> (W, H, C)."""
    x = image_arg(image)
    return _swap(x, [0, 2, 1, 3] if x.ndim == 4 else [1, 0, 2])


def rot90(image, k=1, name=None):
    """``tf.image.rot90(image, k=1)``: turned by ``k`` quarter turns counter-clockwise (k may be negative)."""
    x = image_arg(image)
    k = int(tensor_arg(k).item()) % 4
    height = _axes(x)[0]
    if k == 1:
        return reverse(transpose(x), [height])
    if k == 2:
        return reverse(x, list(_axes(x)))
    if k == 3:
        return transpose(reverse(x, [height]))
    return x


def _as_batch(image):
    """The image as a batch, and whether it was one image."""
    x = image_arg(image)
    return (x, False) if x.ndim == 4 else (expand_dims(x, 0), True)


def crop_to_bounding_box(image, offset_height: int, offset_width: int, target_height: int, target_width: int):
    """``tf.image.crop_to_bounding_box``: the (target_height, target_width) window whose top-left pixel is
    (offset_height, offset_width)."""
    x, single = _as_batch(image)
    height, width = x.shape[1], x.shape[2]
    for ok, message in (
        (offset_width >= 0, "offset_width must be >= 0."), (offset_height >= 0, "offset_height must be >= 0."),
        (target_width > 0, "target_width must be > 0."), (target_height > 0, "target_height must be > 0."),
        (width >= target_width + offset_width, "width must be >= target + offset."),
        (height >= target_height + offset_height, "height must be >= target + offset."),
    ):  # fmt: skip
        if not ok:
            raise ValueError(message)
    out = x[:, offset_height : offset_height + target_height, offset_width : offset_width + target_width, :]
    return squeeze(out, 0) if single else out


def pad_to_bounding_box(image, offset_height: int, offset_width: int, target_height: int, target_width: int):
    """``tf.image.pad_to_bounding_box``: the image on a zero (target_height, target_width) canvas, its
    top-left pixel at (offset_height, offset_width)."""
    x, single = _as_batch(image)
    after_height = target_height - offset_height - x.shape[1]
    after_width = target_width - offset_width - x.shape[2]
    for ok, message in (
        (offset_height >= 0, "offset_height must be >= 0"), (offset_width >= 0, "offset_width must be >= 0"),
        (after_width >= 0, "width must be <= target - offset"),
        (after_height >= 0, "height must be <= target - offset"),
    ):  # fmt: skip
        if not ok:
            raise ValueError(message)
    out = pad(x, [[0, 0], [offset_height, after_height], [offset_width, after_width], [0, 0]])
    return squeeze(out, 0) if single else out


def resize_with_crop_or_pad(image, target_height: int, target_width: int):
    """``tf.image.resize_with_crop_or_pad``: centred on (target_height, target_width): cropped where larger,
    padded with zeros where smaller (an odd margin's extra pixel at the bottom/right)."""
    x = image_arg(image)
    if target_height <= 0 or target_width <= 0:
        raise ValueError(f"target_height and target_width must be > 0, got {target_height} and {target_width}")
    height, width = x.shape[-3], x.shape[-2]
    crop_top, crop_left = max((height - target_height) // 2, 0), max((width - target_width) // 2, 0)
    pad_top, pad_left = max((target_height - height) // 2, 0), max((target_width - width) // 2, 0)
    cropped = crop_to_bounding_box(x, crop_top, crop_left, min(target_height, height), min(target_width, width))
    return pad_to_bounding_box(cropped, pad_top, pad_left, target_height, target_width)


def central_crop(image, central_fraction: float):
    """``tf.image.central_crop(image, fraction)``: the centred window of ``fraction`` of each side, its
    margins ``int((size - size * fraction) / 2)`` pixels; ``fraction`` in (0, 1]."""
    fraction = float(tensor_arg(central_fraction).item())
    x = image_arg(image)
    if fraction <= 0.0 or fraction > 1.0:
        raise ValueError(f"central_fraction must be within (0, 1], got {fraction}")
    if fraction == 1.0:
        return x
    height, width = x.shape[-3], x.shape[-2]
    top, left = int((height - height * fraction) / 2), int((width - width * fraction) / 2)
    return crop_to_bounding_box(x, top, left, height - 2 * top, width - 2 * left)
