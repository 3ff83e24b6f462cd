"""``tf.image``: the image operations of TensorFlow's tutorials (classification, data augmentation, "load
and preprocess images", transfer learning) and of Géron's chapters 13 and 14.

Images are channels-last: one (height, width, channels) image or a (batch, height, width, channels) batch.
Integer images hold [0, dtype max], float images [0, 1]; ``convert_image_dtype`` moves between the two, and
the colour adjustments work on the float scale and give back the image's dtype, as TensorFlow's.

- ``resizing``: resize, resize_with_pad, crop_and_resize, extract_patches;
- ``geometry``: flips, rot90, transpose, crops and pads;
- ``color``: grayscale and HSV conversions; ``adjust``: brightness, contrast, gamma, saturation, hue;
- ``quality``: per_image_standardization, image_gradients, sobel_edges, total_variation, psnr, ssim;
- ``random``: the random_* augmentations and their stateless_random_* forms.

A name TensorFlow has and this module lacks raises an ``AttributeError`` that says so.
"""

from ...keras.ops.core import record_symbolic_calls as _record_symbolic_calls
from .._missing import missing
from ._common import convert_image_dtype
from .adjust import adjust_brightness, adjust_contrast, adjust_gamma, adjust_hue, adjust_saturation
from .color import grayscale_to_rgb, hsv_to_rgb, rgb_to_grayscale, rgb_to_hsv
from .geometry import (
    central_crop,
    crop_to_bounding_box,
    flip_left_right,
    flip_up_down,
    pad_to_bounding_box,
    resize_with_crop_or_pad,
    rot90,
    transpose,
)
from .quality import image_gradients, per_image_standardization, psnr, sobel_edges, ssim, total_variation
from .random import (
    random_brightness,
    random_contrast,
    random_crop,
    random_flip_left_right,
    random_flip_up_down,
    random_hue,
    random_saturation,
    stateless_random_brightness,
    stateless_random_contrast,
    stateless_random_crop,
    stateless_random_flip_left_right,
    stateless_random_flip_up_down,
    stateless_random_hue,
    stateless_random_saturation,
)
from .resizing import crop_and_resize, extract_patches, resize, resize_with_pad

__all__ = [
    *("convert_image_dtype", "adjust_brightness", "adjust_contrast", "adjust_gamma", "adjust_hue"),
    *("adjust_saturation", "grayscale_to_rgb", "hsv_to_rgb", "rgb_to_grayscale", "rgb_to_hsv"),
    *("central_crop", "crop_to_bounding_box", "flip_left_right", "flip_up_down", "pad_to_bounding_box"),
    *("resize_with_crop_or_pad", "rot90", "transpose"),
    *("image_gradients", "per_image_standardization", "psnr", "ssim", "total_variation"),
    *("random_brightness", "random_contrast", "random_crop", "random_flip_left_right", "random_flip_up_down"),
    *("random_hue", "random_saturation", "stateless_random_brightness", "stateless_random_contrast"),
    *("stateless_random_crop", "stateless_random_flip_left_right", "stateless_random_flip_up_down"),
    *("stateless_random_hue", "stateless_random_saturation", "extract_patches", "resize", "resize_with_pad"),
    "crop_and_resize", "sobel_edges",
]

# Called on keras.Input tensors, each records a step of the functional model, as the other tf.* functions.
_record_symbolic_calls(globals())
for _module in ("adjust", "color", "geometry", "quality", "random", "resizing"):  # (implementations, not names)
    globals().pop(_module, None)
del _module

# The decoders and encoders of image files are tf.io's (nabla/tf/io/image_codecs.py); TensorFlow names them here too.
from ..io.image_codecs import decode_bmp, decode_gif, decode_image, decode_jpeg, decode_png, encode_jpeg, encode_png  # noqa: E402, I001

__all__ += ["decode_bmp", "decode_gif", "decode_image", "decode_jpeg", "decode_png", "encode_jpeg", "encode_png"]


def __getattr__(name: str):
    raise missing("tf.image", name)
