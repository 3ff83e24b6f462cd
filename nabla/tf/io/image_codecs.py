"""``tf.io.decode_jpeg`` / ``decode_png`` / ``decode_bmp`` / ``decode_gif`` / ``decode_image`` and
``encode_png`` / ``encode_jpeg``: image files as uint8 (or uint16) tensors and back, with Pillow.

Shapes: an image is (height, width, channels); ``decode_gif`` gives (frames, height, width, 3), and so does
``decode_image`` for a GIF unless ``expand_animations=False`` (its first frame). The contents are a scalar
``tf.string`` (``tf.io.read_file``'s) or ``bytes``.

Choices, as TensorFlow's decoders make them (checked against TensorFlow in ``tests/tf/test_tf_image_codecs.py``):

- ``channels=0`` keeps the file's channels (a palette PNG is RGB, or RGBA with a transparent colour; a
  grayscale-with-alpha PNG has 2); 1, 3 or 4 converts: gray to colour repeats the gray, an alpha channel
  added is opaque, one dropped is dropped (never composited), colour to gray is libpng's
  ``(19595 R + 38470 G + 7471 B) >> 16`` for PNG and the JPEG's own luma (Y) plane for JPEG.
- PNG decodes exactly. JPEG goes through Pillow's libjpeg, whose inverse DCT is the accurate integer one:
  the same pixels as TensorFlow's ``dct_method="INTEGER_ACCURATE"``; TensorFlow's default ("" is
  "INTEGER_FAST") differs from it by about 1 on average and up to ~20 at quality 95 (measured). ``ratio``
  (1, 2, 4, 8) scales down in the DCT as TensorFlow does; ``fancy_upscaling``, ``try_recover_truncated``,
  ``acceptable_fraction`` and ``dct_method`` are accepted and Pillow's decoder used.
- ``decode_jpeg``, ``decode_png`` and ``decode_gif`` read JPEG, PNG and GIF alike (TensorFlow's ops share one
  decoder); ``decode_bmp`` reads BMP only, and ``decode_image`` any of them and WebP.
- ``dtype=tf.uint16`` (``decode_png``, ``decode_image``) keeps a 16-bit PNG's values and scales 8-bit ones
  by 257; uint8 keeps a 16-bit value's high byte; ``decode_image(dtype=tf.float32)`` scales to [0, 1].
  Pillow reads 16-bit PNGs in gray only: a 16-bit colour PNG asked for as uint16 is refused.
- Bytes that are no image, or a truncated file, raise ``tf.errors.InvalidArgumentError``; so does an image
  over Pillow's decompression-bomb limit (``PIL.Image.MAX_IMAGE_PIXELS`` times 2, Pillow's own refusal).

Inside ``Dataset.map``, while nabla works out the ``element_spec`` on made-up elements
(:mod:`nabla.tf._made_up`), the decoders return made-up zeros whose height and width (and channels, with
``channels=0``) follow the contents' last byte, so that those dimensions are unknown (None), as TensorFlow's
static shapes leave them.
"""

from __future__ import annotations

import io
import warnings

import numpy as np

from ...keras.utils.image_utils import pil_image
from .. import _made_up, dtypes
from .._convert import as_tf, tensor_arg
from ..errors import InvalidArgumentError
from ..string_tensor import StringTensor, text_data
from ..tensor import Tensor

_MAGIC = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
)
# NOTE: TensorFlow's png_set_rgb_to_gray(0.299, 0.587), as libpng makes them fixed point: weights in 1/32768
# (floored, blue the rest) and the weighted sum floored; measured equal to TensorFlow's on 60000 random pixels.
_GRAY_WEIGHTS = np.array([9797, 19234, 3737], dtype=np.uint64)


def contents_bytes(contents, who: str) -> bytes:
    """A scalar ``tf.string`` (or ``bytes``) as bytes."""
    data = text_data(contents)
    if data is None or data.ndim != 0:
        shape = "" if data is None else f" of shape {data.shape}"
        raise InvalidArgumentError(f"{who}: contents must be a scalar tf.string (tf.io.read_file's), got "
                                   f"{type(contents).__name__}{shape}")  # fmt: skip
    return data[()]


def _format(data: bytes) -> str | None:
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return next((name for magic, name in _MAGIC if data.startswith(magic)), None)


def _check_channels(channels, who: str, allowed=(0, 1, 3, 4)) -> int:
    channels = 0 if channels is None else int(channels)
    if channels not in allowed:
        raise InvalidArgumentError(f"{who}: `channels` must be {', '.join(map(str, allowed))}, got {channels}")
    return channels


def _open(data: bytes, who: str):
    """The PIL image of ``data``, not loaded yet; InvalidArgumentError for what is no image Pillow reads."""
    Image = pil_image()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as e:
        raise InvalidArgumentError(f"{who}: {e}") from None
    except (OSError, SyntaxError, ValueError) as e:
        raise InvalidArgumentError(f"{who}: cannot decode the image ({e})") from None


def _load(image, who: str):
    try:
        image.load()
    except (OSError, SyntaxError, ValueError, EOFError) as e:  # (a truncated file: "image file is truncated")
        raise InvalidArgumentError(f"{who}: invalid or truncated image data ({e})") from None
    return image


def _pixels(image) -> np.ndarray:
    """A loaded PIL image (one frame) as (height, width, channels), uint8, or uint16 for a 16-bit gray PNG."""
    mode = image.mode
    if mode.startswith("I;16") or (mode == "I" and image.format == "PNG"):
        return np.asarray(image, dtype=np.uint16)[..., None]
    if mode == "P":
        mode = "RGBA" if "transparency" in image.info else "RGB"
    elif mode not in ("L", "LA", "RGB", "RGBA"):
        mode = {"1": "L", "PA": "RGBA", "La": "LA", "RGBa": "RGBA"}.get(mode, "RGB")  # (CMYK, YCbCr: as RGB)
    array = np.asarray(image if mode == image.mode else image.convert(mode))
    return array[..., None] if array.ndim == 2 else array


def _with_channels(x: np.ndarray, channels: int, opaque_value: int | None = None) -> np.ndarray:
    """``x`` (height, width, c) with ``channels`` channels (0: as it is), as TensorFlow converts; an alpha
    channel added holds ``opaque_value`` (the dtype's largest value by default)."""
    have = x.shape[-1]
    if channels in (0, have):
        return x
    gray = x[..., :1] if have <= 2 else None
    alpha = x[..., -1:] if have in (2, 4) else None
    if channels == 1:
        if gray is not None:
            return gray
        weighted = x[..., :3].astype(np.uint64) @ _GRAY_WEIGHTS  # (uint16 values fit)
        return (weighted >> 15).astype(x.dtype)[..., None]
    color = np.repeat(gray, 3, axis=-1) if gray is not None else x[..., :3]
    if channels == 3:
        return color
    opaque_value = np.iinfo(x.dtype).max if opaque_value is None else opaque_value
    opaque = np.full(x.shape[:-1] + (1,), opaque_value, x.dtype)
    return np.concatenate([color, opaque if alpha is None else alpha], axis=-1)


def _as_dtype(x: np.ndarray, dtype, who: str, allowed: tuple, png: bool) -> np.ndarray:
    """``x`` (uint8 or uint16) as ``dtype``, scaled as TensorFlow's decoders scale: 8 to 16 bits by 257 for a
    PNG (libpng's), 256 otherwise (``convert_image_dtype``'s); 16 to 8 keeps the high byte; to float divides
    by the largest value (TensorFlow's kernel rounds a few values, the powers of two, one unit lower)."""
    target = dtypes.as_dtype(dtype)
    if target.name not in allowed:
        raise InvalidArgumentError(f"{who}: dtype must be one of {', '.join(allowed)}, got {target.name}")
    want = np.dtype(target.name)
    if want == x.dtype:
        return x
    if want.kind == "f":
        return x.astype(want) / want.type(np.iinfo(x.dtype).max)
    return (x.astype(np.uint16) * (257 if png else 256)) if want == np.uint16 else (x >> 8).astype(np.uint8)


def _made_up_image(data: bytes, channels: int, frames: bool) -> np.ndarray:
    side = 1 + (data[-1] % 2 if data else 0)  # (made-up elements end in b"0" and b"1": two sizes)
    shape = (side, side, channels or side)
    return np.zeros(((side,) if frames else ()) + shape, np.uint8)


def _decode(contents, channels, who: str, accepts: tuple, frames: bool | None = False, jpeg_ratio: int = 1):
    """The uint8/uint16 array of ``contents`` (see the module's documentation). ``frames``: True for every
    frame of a GIF as (frames, h, w, c), False for the first frame, None for all of them only if the file is
    a GIF (``decode_image``)."""
    data = contents_bytes(contents, who)
    channels = _check_channels(channels, who)
    if _made_up.running():
        return _made_up_image(data, channels, bool(frames))
    kind = _format(data)
    if kind is None:
        raise InvalidArgumentError(f"{who}: Unknown image file format. One of JPEG, PNG, GIF, BMP, WebP required.")
    if kind not in accepts:
        raise InvalidArgumentError(f"{who}: Trying to decode {kind} format with {who}: use tf.io.decode_"
                                   f"{kind.lower()} or tf.io.decode_image instead")  # fmt: skip
    if kind == "PNG" and data.rfind(b"IEND") < 0:  # (Pillow decodes the rows there; libpng reads to the end chunk)
        raise InvalidArgumentError(f"{who}: invalid or truncated image data (the PNG ends before its IEND chunk)")
    if kind == "JPEG" and channels == 4:
        raise InvalidArgumentError(f"{who}: JPEG does not support 4 channels: pass channels 0, 1 or 3")
    image = _open(data, who)
    if kind == "JPEG" and (jpeg_ratio != 1 or channels == 1):  # (libjpeg's own luma and DCT scaling)
        size = (max(1, image.width // jpeg_ratio), max(1, image.height // jpeg_ratio))  # (Pillow's draft
        # picks the largest DCT scale whose size is at least this: 1/ratio, rounding up as libjpeg does)
        image.draft("L" if channels == 1 else image.mode, size)
    if kind != "GIF":
        return _with_channels(_pixels(_load(image, who)), channels, _png_filler(data, kind))
    every = frames or (frames is None)
    shots = []
    for index in range(getattr(image, "n_frames", 1) if every else 1):
        image.seek(index)  # (Pillow composites each frame on the ones before, as GIF's disposal says)
        shots.append(_with_channels(_pixels(_load(image, who).convert("RGB")), channels))
    return np.stack(shots) if every else shots[0]


def _png_filler(data: bytes, kind: str) -> int | None:
    """The alpha TensorFlow adds to a PNG of 1, 2 or 4 bits a sample (a palette, a bilevel image): libpng's
    filler is taken at the file's depth, so "opaque" is 2**depth - 1 there (1, 3 or 15), not 255."""
    depth = data[24] if kind == "PNG" and len(data) > 24 else 8
    return (1 << depth) - 1 if depth < 8 else None


def _result(x: np.ndarray) -> Tensor:
    return as_tf(tensor_arg(np.ascontiguousarray(x)))


def decode_jpeg(contents, channels: int = 0, ratio: int = 1, fancy_upscaling: bool = True,
                try_recover_truncated: bool = False, acceptable_fraction: float = 1, dct_method: str = "",
                name=None) -> Tensor:  # fmt: skip
    """``tf.io.decode_jpeg``: a uint8 (height, width, channels) image; ``ratio`` 1, 2, 4 or 8 divides the
    size (rounding up) while decoding."""
    if int(ratio) not in (1, 2, 4, 8):
        raise InvalidArgumentError(f"tf.io.decode_jpeg: ratio must be 1, 2, 4 or 8, got {ratio}")
    return _result(_decode(contents, channels, "tf.io.decode_jpeg", ("JPEG", "PNG", "GIF"), jpeg_ratio=int(ratio)))


def decode_png(contents, channels: int = 0, dtype=dtypes.uint8, name=None) -> Tensor:
    """``tf.io.decode_png``: a (height, width, channels) image, uint8 or uint16 (``dtype``)."""
    x = _decode(contents, channels, "tf.io.decode_png", ("JPEG", "PNG", "GIF"))
    return _result(_as_dtype(_wide_checked(x, contents, dtype), dtype, "tf.io.decode_png", ("uint8", "uint16"),
                             _is_png(contents)))  # fmt: skip


def _is_png(contents) -> bool:
    return contents_bytes(contents, "decode").startswith(b"\x89PNG")


def _wide_checked(x: np.ndarray, contents, dtype) -> np.ndarray:
    """``x``, unless a 16-bit colour PNG is asked for in 16 bits (Pillow reads it in 8: refused)."""
    data = contents_bytes(contents, "decode")
    deep = data.startswith(b"\x89PNG") and len(data) > 25 and data[24] == 16
    if deep and x.dtype == np.uint8 and dtypes.as_dtype(dtype).name != "uint8" and not _made_up.running():
        raise NotImplementedError("16-bit colour PNGs decode to uint8 in nabla.tf (Pillow reads them in 8 bits): "
                                  "pass dtype=tf.uint8")  # fmt: skip
    return x


def decode_bmp(contents, channels: int = 0, name=None) -> Tensor:
    """``tf.io.decode_bmp``: a uint8 (height, width, channels) image of a BMP file (only)."""
    return _result(_decode(contents, _check_channels(channels, "tf.io.decode_bmp", (0, 1, 3, 4)),
                           "tf.io.decode_bmp", ("BMP",)))  # fmt: skip


def decode_gif(contents, name=None) -> Tensor:
    """``tf.io.decode_gif``: every frame, as uint8 (frames, height, width, 3)."""
    return _result(_decode(contents, 3, "tf.io.decode_gif", ("JPEG", "PNG", "GIF"), frames=True))


def decode_image(contents, channels: int | None = None, dtype=dtypes.uint8, name=None,
                 expand_animations: bool = True) -> Tensor:  # fmt: skip
    """``tf.io.decode_image``: any of JPEG, PNG, GIF, BMP and WebP, as ``decode_*`` for it; a GIF is
    (frames, height, width, 3) unless ``expand_animations=False``; ``dtype`` uint8, uint16 or float32 (scaled
    to [0, 1])."""
    who = "tf.io.decode_image"
    kinds = ("JPEG", "PNG", "GIF", "BMP", "WEBP")
    x = _decode(contents, channels, who, kinds, frames=None if expand_animations else False)
    floats = ("uint8", "uint16", "float16", "float32", "float64")
    return _result(_as_dtype(_wide_checked(x, contents, dtype), dtype, who, floats, _is_png(contents)))


def _image_array(image, who: str, channel_counts: tuple) -> np.ndarray:
    x = np.asarray(tensor_arg(image).numpy())
    if x.ndim != 3 or x.shape[-1] not in channel_counts:
        raise InvalidArgumentError(f"{who}: image must be (height, width, channels) with channels in "
                                   f"{channel_counts}, got shape {x.shape}")  # fmt: skip
    if x.size == 0:
        raise InvalidArgumentError(f"{who}: the image is empty (shape {x.shape}); give at least one pixel")
    return x


def _encoded(image, **options) -> StringTensor:
    buffer = io.BytesIO()
    image.save(buffer, **options)
    return StringTensor(np.array(buffer.getvalue(), dtype=object))


def encode_png(image, compression: int = -1, name=None) -> StringTensor:
    """``tf.io.encode_png``: a uint8 or uint16 (height, width, 1 to 4 channels) image as PNG bytes (a scalar
    tf.string); ``compression`` 0 to 9, -1 for zlib's default (6)."""
    who = "tf.io.encode_png"
    x = _image_array(image, who, (1, 2, 3, 4))
    if x.dtype not in (np.uint8, np.uint16):
        raise InvalidArgumentError(f"{who}: image must be uint8 or uint16, got {x.dtype}")
    if x.dtype == np.uint16 and x.shape[-1] != 1:
        raise NotImplementedError(f"{who}: nabla.tf writes 16-bit PNGs in gray only (Pillow): cast the image to "
                                  "uint8 or pass one channel")  # fmt: skip
    if not -1 <= int(compression) <= 9:
        raise InvalidArgumentError(f"{who}: compression must be -1 (zlib's default) or 0 to 9, got {compression}")
    Image = pil_image()
    level = 6 if compression == -1 else int(compression)
    picture = Image.fromarray(np.ascontiguousarray(x[..., 0] if x.shape[-1] == 1 else x))  # (uint16: "I;16")
    if x.shape[-1] == 2:
        picture = Image.fromarray(np.ascontiguousarray(x), "LA")
    return _encoded(picture, format="PNG", compress_level=level)


def encode_jpeg(image, format: str = "", quality: int = 95, progressive: bool = False,
                optimize_size: bool = False, chroma_downsampling: bool = True, density_unit: str = "in",
                x_density: int = 300, y_density: int = 300, xmp_metadata: str = "",
                name=None) -> StringTensor:  # fmt: skip
    """``tf.io.encode_jpeg``: a uint8 (height, width, 1 or 3) image as JPEG bytes (a scalar tf.string);
    ``quality`` 0 to 100, ``chroma_downsampling`` 4:2:0 (else 4:4:4), the density as the file's DPI."""
    who = "tf.io.encode_jpeg"
    x = _image_array(image, who, (1, 3))
    if x.dtype != np.uint8:
        raise InvalidArgumentError(f"{who}: image must be uint8, got {x.dtype}")
    if format not in ("", "grayscale", "rgb") or not 0 <= int(quality) <= 100:
        raise InvalidArgumentError(f"{who}: format must be '', 'grayscale' or 'rgb' and quality 0 to 100, got "
                                   f"{format!r} and {quality}")  # fmt: skip
    if format and (format == "rgb") != (x.shape[-1] == 3):
        raise InvalidArgumentError(f"{who}: format {format!r} does not match an image of {x.shape[-1]} channels")
    Image = pil_image()
    picture = Image.fromarray(np.ascontiguousarray(x[..., 0] if x.shape[-1] == 1 else x))
    return _encoded(picture, format="JPEG", quality=int(quality), progressive=bool(progressive),
                    optimize=bool(optimize_size), subsampling=2 if chroma_downsampling else 0,
                    dpi=(int(x_density), int(y_density)))  # fmt: skip
