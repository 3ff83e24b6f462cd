"""``keras.ops.image``: Keras 3's image operations; ``extract_patches``, which vision transformers cut
their images with (keras-io's ViT: ``keras.ops.image.extract_patches(images, size=patch_size)``), and
``resize``.

Images are channels-last, one (H, W, C) image or an (N, H, W, C) batch, as in Keras.
"""

from __future__ import annotations

import numpy as np

from .._convert import convert_to_tensor
from .._engine import Tensor, ops
from .._missing import missing as _missing
from ..layers.resizing import resize as _resize
from .core import record_symbolic_calls
from .elementwise import round as _round
from .nn import conv


def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None) -> Tensor:
    """The (ph, pw) patches of the images, each flattened in (row, column, channel) order, as Keras 3's.

    Shape: (N, H, W, C) -> (N, OH, OW, ph * pw * C), with OH, OW as a convolution's of that kernel size,
    ``strides`` (default: ``size``, patches side by side), ``dilation_rate`` and ``padding``; an (H, W, C)
    image gives (OH, OW, ph * pw * C). Keras's own form: a convolution with a one-hot kernel that copies
    each element of the window to its own output channel (so gradients flow back to the images).
    """
    if data_format not in (None, "channels_last"):
        raise ValueError(f"extract_patches: nabla's images are channels_last, got data_format={data_format!r}")
    x = convert_to_tensor(images)
    if x.ndim not in (3, 4):
        raise ValueError(f"extract_patches: images must be (H, W, C) or (N, H, W, C), got shape {x.shape}")
    height, width = (size, size) if isinstance(size, int) else tuple(size)
    batch = x if x.ndim == 4 else ops.expand_dims(x, 0)
    channels = batch.shape[-1]
    kernel = np.eye(height * width * channels, dtype=batch.dtype).reshape(height, width, channels, -1)
    out = conv(batch, kernel, strides=(height, width) if strides is None else strides, padding=padding,
               dilation_rate=dilation_rate)  # fmt: skip
    return out if x.ndim == 4 else ops.squeeze(out, 0)


def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None) -> Tensor:  # fmt: skip
    """Images resized to ``size`` (height, width) with half-pixel centres, as Keras 3's (the ``Resizing``
    layer's weights): "bilinear" or "nearest". Integer images are resized as floats, then rounded back to
    their dtype, as Keras 3's on PyTorch.

    Shape: (N, H, W, C) -> (N, height, width, C); an (H, W, C) image gives (height, width, C).
    """
    if interpolation not in ("bilinear", "nearest") or antialias or crop_to_aspect_ratio or pad_to_aspect_ratio:
        raise NotImplementedError(
            "keras.ops.image.resize: nabla resizes with interpolation 'bilinear' or 'nearest', without antialias "
            "or aspect-ratio options (layers.Resizing(crop_to_aspect_ratio=True / pad_to_aspect_ratio=True) has them)"
        )
    if data_format not in (None, "channels_last"):
        raise ValueError(f"resize: nabla's images are channels_last, got data_format={data_format!r}")
    x = convert_to_tensor(images)
    if x.ndim not in (3, 4):
        raise ValueError(f"resize: images must be (H, W, C) or (N, H, W, C), got shape {x.shape}")
    floats = x if x.dtype.kind == "f" else x.astype("float32")
    batch = floats if x.ndim == 4 else ops.expand_dims(floats, 0)
    out = _resize(batch, int(size[0]), int(size[1]), interpolation)
    out = out if x.ndim == 4 else ops.squeeze(out, 0)
    return out if x.dtype.kind == "f" else _round(out).astype(x.dtype)


record_symbolic_calls(globals())


def __getattr__(name: str):
    raise _missing("keras.ops.image", name)
