"""Image files as Keras 3 reads and writes them: ``load_img``, ``img_to_array``, ``array_to_img``, ``save_img``
(``keras.utils`` and ``keras.preprocessing.image``), and ``keras.preprocessing.image.smart_resize``.

Images are PIL images; Pillow is an optional dependency (``pip install 'nabla[image]'``), imported when
one of these functions runs. Arrays are NumPy, ``(height, width, channels)`` unless
``data_format="channels_first"`` is asked for.
"""

from __future__ import annotations

import io
import os
import pathlib
import warnings

import numpy as np

from ...atomic import atomic_write
from ..layers.resizing import aspect_crop, resize_matrix

COLOR_MODES = {"grayscale": "L", "rgb": "RGB", "rgba": "RGBA"}
PIL_INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")
RESIZE_INTERPOLATIONS = ("bilinear", "nearest")


def pil_image():
    """``PIL.Image``, or a one-line ImportError naming the extra that installs Pillow."""
    try:
        from PIL import Image
    except ImportError:
        raise ImportError("image files need Pillow: pip install 'nabla[image]' (or pip install pillow)") from None
    return Image


def _data_format(data_format: str | None, who: str) -> str:
    if data_format not in (None, "channels_last", "channels_first"):
        raise ValueError(f"{who}: data_format must be 'channels_last' or 'channels_first', got {data_format!r}")
    return data_format or "channels_last"


def load_img(path, color_mode: str = "rgb", target_size: tuple[int, int] | None = None,
             interpolation: str = "nearest", keep_aspect_ratio: bool = False):  # fmt: skip
    """The image file at ``path`` (a path or an ``io.BytesIO``) as a PIL image, as Keras 3's ``load_img``.

    ``color_mode``: "rgb" (default), "grayscale" (mode "L"; 16- and 32-bit grayscale stay as they are) or
    "rgba". ``target_size=(height, width)`` resizes with PIL's ``interpolation`` ("nearest" by default,
    "bilinear", "bicubic", "hamming", "box", "lanczos"); ``keep_aspect_ratio=True`` first takes the
    largest centred crop of the target's aspect ratio. The file is read whole and closed.

    Example::

        image = keras.utils.load_img("cat.jpg", target_size=(180, 180))
        batch = keras.utils.img_to_array(image)[None]   # (1, 180, 180, 3) float32
    """
    Image = pil_image()
    if isinstance(path, io.BytesIO):
        source = path
    elif isinstance(path, (str, bytes, os.PathLike)):
        with open(path, "rb") as f:
            source = io.BytesIO(f.read())
    else:
        raise TypeError(f"load_img: path should be path-like or io.BytesIO, not {type(path)}")
    if color_mode not in COLOR_MODES:
        raise ValueError(f"load_img: color_mode must be 'grayscale', 'rgb' or 'rgba', got {color_mode!r}")
    try:
        img = Image.open(source)
        img.load()
    except (OSError, SyntaxError, ValueError) as e:  # (PIL's errors for a file that is no image it can read)
        raise ValueError(f"load_img: cannot read {_name(path)} as an image ({e})") from None
    if color_mode != "grayscale" or img.mode not in ("L", "I;16", "I"):
        if img.mode != COLOR_MODES[color_mode]:
            img = img.convert(COLOR_MODES[color_mode])
    if target_size is None or img.size == (target_size[1], target_size[0]):
        return img
    if interpolation not in PIL_INTERPOLATIONS:
        raise ValueError(f"load_img: interpolation must be one of {PIL_INTERPOLATIONS}, got {interpolation!r}")
    resample = getattr(Image.Resampling, interpolation.upper())
    box = None
    if keep_aspect_ratio:  # Keras's crop here (integer division), not smart_resize's
        width, height = img.size
        crop_h = min(height, (width * target_size[0]) // target_size[1])
        crop_w = min(width, (height * target_size[1]) // target_size[0])
        top, left = (height - crop_h) // 2, (width - crop_w) // 2
        box = (left, top, left + crop_w, top + crop_h)
    return img.resize((target_size[1], target_size[0]), resample, box=box)


def _name(path) -> str:
    return "the given bytes" if isinstance(path, io.BytesIO) else repr(os.fsdecode(path))


def img_to_array(img, data_format: str | None = None, dtype=None) -> np.ndarray:
    """A PIL image as a NumPy array of ``dtype`` (float32 by default): ``(height, width, channels)``,
    a grayscale image as ``(height, width, 1)``; ``(channels, height, width)`` with
    ``data_format="channels_first"``."""
    data_format = _data_format(data_format, "img_to_array")
    x = np.asarray(img, dtype=dtype or "float32")
    if x.ndim == 2:
        x = x[:, :, None]
    elif x.ndim != 3:
        raise ValueError(f"img_to_array: unsupported image shape {x.shape}")
    return x.transpose(2, 0, 1) if data_format == "channels_first" else x


def array_to_img(x, data_format: str | None = None, scale: bool = True, dtype=None):
    """A 3-D array (one image) as a PIL image: 4 channels give "RGBA", 3 "RGB", 1 "L" (or 32-bit "I" when a
    value exceeds 255). With ``scale`` (default) the values are first stretched to [0, 255] (minimum to 0,
    maximum to 255), as Keras does; without it they are cast to ``uint8`` as they are."""
    Image = pil_image()
    data_format = _data_format(data_format, "array_to_img")
    x = np.array(x, dtype=dtype or "float32")
    if x.ndim != 3:
        raise ValueError(f"array_to_img: expected one image, an array of rank 3, got shape {x.shape}")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        if np.max(x) != 0:
            x /= np.max(x)
        x *= 255
    channels = x.shape[2]
    if channels in (3, 4):
        return Image.fromarray(x.astype("uint8"), "RGB" if channels == 3 else "RGBA")
    if channels == 1:
        if np.max(x) > 255:
            return Image.fromarray(x[:, :, 0].astype("int32"), "I")
        return Image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"array_to_img: images have 1, 3 or 4 channels, got {channels} (shape {x.shape})")


def save_img(path, x, data_format: str | None = None, file_format: str | None = None, scale: bool = True,
             **kwargs) -> None:  # fmt: skip
    """Write the image array ``x`` (see :func:`array_to_img`) to ``path`` (or a binary file object); the
    format from ``file_format`` or the path's extension; ``kwargs`` go to ``PIL.Image.save`` (``quality=``).

    A path is written atomically (a temporary file renamed over it: never a half-written image). An RGBA
    image saved as JPEG loses its alpha channel, with a warning, as in Keras.
    """
    if file_format is None and isinstance(path, (str, pathlib.Path)):
        file_format = pathlib.Path(path).suffix[1:].lower()
    if file_format and file_format.lower() == "jpg":
        file_format = "jpeg"
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and file_format == "jpeg":
        warnings.warn("The JPEG format does not support RGBA images, converting to RGB.", stacklevel=2)
        img = img.convert("RGB")
    if isinstance(path, (str, os.PathLike)):
        atomic_write(path, lambda f: img.save(f, format=file_format or None, **kwargs))
    else:
        img.save(path, format=file_format or None, **kwargs)


def resize_array(image: np.ndarray, size: tuple[int, int], interpolation: str = "bilinear") -> np.ndarray:
    """``(h, w, c)`` or ``(n, h, w, c)`` float32 images resized to ``size``: TensorFlow's ``tf.image.resize``
    without antialiasing (half-pixel centres), through the weights of
    :func:`nabla.keras.layers.resizing.resize_matrix`.

    # NOTE: TensorFlow interpolates in float32 one lerp at a time; these weights are computed in float64 and
    # applied as one matrix product, so results agree to float32 rounding (a few 1e-5 on 0..255), not bitwise.
    """
    if interpolation not in RESIZE_INTERPOLATIONS:
        raise ValueError(f"resize: interpolation must be one of {RESIZE_INTERPOLATIONS} (nabla offers no other), "
                         f"got {interpolation!r}")  # fmt: skip
    height, width = image.shape[-3:-1]
    image = np.asarray(image, dtype=np.float32)
    if (height, width) == tuple(size):
        return image
    rows = resize_matrix(height, size[0], interpolation, np.float32)
    cols = resize_matrix(width, size[1], interpolation, np.float32)
    return np.einsum("ih,...hwc,jw->...ijc", rows, image, cols, optimize=True)


def smart_resize(x, size: tuple[int, int], interpolation: str = "bilinear", data_format: str = "channels_last"):
    """Resize an image ``(h, w, c)`` or a batch ``(n, h, w, c)`` to ``size`` without distortion: take the largest
    centred crop of the target's aspect ratio, then resize it (bilinear by default, or "nearest"), as Keras's
    ``keras.preprocessing.image.smart_resize``. Returns a float32 NumPy array.

    Example: a (340, 500, 3) image and ``size=(200, 200)``: the centred (340, 340) crop, resized to (200, 200).
    """
    if len(size) != 2:
        raise ValueError(f"smart_resize: expected `size` to be a tuple of 2 integers, got {size}")
    x = np.asarray(x)
    if x.ndim not in (3, 4):
        raise ValueError(f"smart_resize: expected an image (height, width, channels) or a batch of them, got shape "
                         f"{x.shape}")  # fmt: skip
    channels_first = _data_format(data_format, "smart_resize") == "channels_first"
    if channels_first:
        x = np.moveaxis(x, -3, -1)
    top, left, crop_h, crop_w = aspect_crop(*x.shape[-3:-1], *size)
    out = resize_array(x[..., top : top + crop_h, left : left + crop_w, :], size, interpolation)
    return np.moveaxis(out, -1, -3) if channels_first else out
