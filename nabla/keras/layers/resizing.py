"""Layers that bring images to one size: ``Resizing``, ``CenterCrop``, ``RandomCrop``; channels-last.

Resizing is a linear map along each image axis: ``out = R @ image @ C^T`` per channel, with R (out_h, H)
and C (out_w, W) the interpolation weights of :func:`resize_matrix`. So it is one ``einsum`` of the
engine and gradients flow back to the images. The weights are PyTorch's ``interpolate`` (what Keras 3
on its torch backend computes; TensorFlow's bilinear resizing without antialiasing is the same).
"""

from __future__ import annotations

import numpy as np

from .._engine import Tensor, made_by, ops, recompute, sample
from .arguments import check_seed
from .layer import Layer
from .layer_inputs import StacksListInputs

INTERPOLATIONS = ("bilinear", "nearest")


def resize_matrix(size: int, out: int, interpolation: str, dtype) -> np.ndarray:
    """(out, size) weights that resize one axis, with half-pixel centres (``align_corners=False``).

    Output i sits at input ``(i + 0.5) * size / out - 0.5``. "bilinear": its two neighbours, weighted by
    distance (clamped to the image); "nearest": input ``floor((i + 0.5) * size / out)`` (PyTorch's
    "nearest-exact", Keras's "nearest" on torch).
    """
    scale = size / out
    matrix = np.zeros((out, size))
    if interpolation == "nearest":
        matrix[np.arange(out), np.minimum(np.floor((np.arange(out) + 0.5) * scale).astype(np.intp), size - 1)] = 1
        return matrix.astype(dtype)
    source = np.clip((np.arange(out) + 0.5) * scale - 0.5, 0, size - 1)
    lower = np.floor(source).astype(np.intp)
    upper = np.minimum(lower + 1, size - 1)
    frac = source - lower
    np.add.at(matrix, (np.arange(out), lower), 1 - frac)
    np.add.at(matrix, (np.arange(out), upper), frac)
    return matrix.astype(dtype)


def resize(images: Tensor, height: int, width: int, interpolation: str = "bilinear") -> Tensor:
    """(N, H, W, C) images resized to (N, height, width, C) by :func:`resize_matrix`'s weights."""
    if images.shape[1:3] == (height, width):
        return images
    # (recompute: inside a captured step the weights are recorded, so a replay has them)
    rows = Tensor._make(recompute(resize_matrix, images.shape[1], height, interpolation, images.dtype))
    cols = Tensor._make(recompute(resize_matrix, images.shape[2], width, interpolation, images.dtype))
    return ops.einsum("ih,nhwc,jw->nijc", rows, images, cols)


def aspect_crop(height: int, width: int, target_height: int, target_width: int) -> tuple[int, int, int, int]:
    """(top, left, crop height, crop width): the largest centred crop of the target's aspect ratio (Keras's)."""
    crop_h = max(min(height, int(float(width * target_height) / target_width)), 1)
    crop_w = max(min(width, int(float(height * target_width) / target_height)), 1)
    return int(float(height - crop_h) / 2), int(float(width - crop_w) / 2), crop_h, crop_w


def _offsets(out: int, size: int, dtype) -> np.ndarray:
    """(out, size): input index minus output index."""
    return (np.arange(size)[None, :] - np.arange(out)[:, None]).astype(dtype)


def _size(v, name: str, who: str) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v <= 0:
        raise ValueError(f"{who}: {name} must be a positive integer, got {v!r}")
    return int(v)


class _Sized(StacksListInputs, Layer):
    """A target (height, width); (N, H, W, C) or one (H, W, C) image in, float images out."""

    def __init__(self, height: int, width: int, data_format=None, **kwargs):
        super().__init__(**kwargs)
        who = type(self).__name__
        self.height, self.width = _size(height, "height", who), _size(width, "width", who)
        if data_format not in (None, "channels_last"):
            raise ValueError(f"{who}: nabla's images are channels-last, got data_format={data_format!r}")
        self.data_format = "channels_last"

    def call(self, inputs, training=None):
        if inputs.ndim not in (3, 4):
            raise ValueError(f"{type(self).__name__} '{self.name}' needs (batch, H, W, C) or (H, W, C) images, got "
                             f"shape {inputs.shape}")  # fmt: skip
        images = inputs if inputs.dtype.kind == "f" else inputs.astype(self.dtype)
        out = self._resize(images if inputs.ndim == 4 else ops.expand_dims(images, 0), training)
        return out if inputs.ndim == 4 else out[0]

    def _crop_and_resize(self, images: Tensor, interpolation: str = "bilinear") -> Tensor:
        """Keras's ``smart_resize``: the centred crop of the target's aspect ratio, resized to the target."""
        top, left, crop_h, crop_w = aspect_crop(*images.shape[1:3], self.height, self.width)
        images = images[:, top : top + crop_h, left : left + crop_w, :]
        return resize(images, self.height, self.width, interpolation)

    def get_config(self) -> dict:
        return {**super().get_config(), "height": self.height, "width": self.width, "data_format": self.data_format}


class Resizing(_Sized):
    """Resizes images to (height, width): (N, H, W, C) -> (N, height, width, C); a preprocessing layer.

    ``interpolation``: "bilinear" (default) or "nearest" (see :func:`resize_matrix`).
    ``crop_to_aspect_ratio=True`` first takes the largest centred crop of the target's aspect ratio (no
    distortion); ``pad_to_aspect_ratio=True`` instead pads the image's two sides with ``fill_value`` to
    that ratio. Not offered: ``antialias=True`` (a blur before downsampling) and other interpolations.
    Integer images come out rounded to their dtype (clipped to its range), as Keras 3's. Parameters: 0.
    Example: ``Resizing(224, 224)`` before a network trained on 224x224 images.
    """

    def __init__(self, height: int, width: int, interpolation: str = "bilinear", crop_to_aspect_ratio: bool = False,
                 pad_to_aspect_ratio: bool = False, fill_mode: str = "constant", fill_value: float = 0.0,
                 antialias: bool = False, data_format=None, **kwargs):  # fmt: skip
        super().__init__(height, width, data_format, **kwargs)
        if interpolation not in INTERPOLATIONS:
            raise ValueError(f"Resizing: interpolation must be one of {INTERPOLATIONS} (nabla offers no other), "
                             f"got {interpolation!r}")  # fmt: skip
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError("Resizing: only one of crop_to_aspect_ratio and pad_to_aspect_ratio can be True")
        if fill_mode != "constant":
            raise ValueError(f"Resizing: fill_mode must be 'constant' (Keras's only one), got {fill_mode!r}")
        if antialias:
            raise ValueError("Resizing: antialias=True is not offered by nabla; use antialias=False")
        self.interpolation, self.fill_mode, self.fill_value, self.antialias = interpolation, fill_mode, \
            float(fill_value), False  # fmt: skip
        self.crop_to_aspect_ratio, self.pad_to_aspect_ratio = bool(crop_to_aspect_ratio), bool(pad_to_aspect_ratio)

    def call(self, inputs, training=None):
        out = super().call(inputs, training)
        return out if inputs.dtype.kind == "f" else made_by(_saturate_round, out, inputs.dtype)

    def _resize(self, images, training):
        if self.crop_to_aspect_ratio:
            return self._crop_and_resize(images, self.interpolation)
        if self.pad_to_aspect_ratio:
            height, width = images.shape[1:3]
            pad_h = (max(height, int(float(width * self.height) / self.width)) - height) // 2
            pad_w = (max(width, int(float(height * self.width) / self.height)) - width) // 2
            if pad_h or pad_w:
                images = ops.pad(images, ((0, 0), (pad_h, pad_h), (pad_w, pad_w), (0, 0)), value=self.fill_value)
        return resize(images, self.height, self.width, self.interpolation)

    def get_config(self) -> dict:
        return {**super().get_config(), "interpolation": self.interpolation,
                "crop_to_aspect_ratio": self.crop_to_aspect_ratio, "pad_to_aspect_ratio": self.pad_to_aspect_ratio,
                "fill_mode": self.fill_mode, "fill_value": self.fill_value, "antialias": self.antialias}  # fmt: skip


class CenterCrop(_Sized):
    """Crops the centre (height, width) of images: (N, H, W, C) -> (N, height, width, C).

    The crop starts at ``((H - height) // 2, (W - width) // 2)``. Images smaller than the target along
    an axis are instead cropped to the target's aspect ratio and resized bilinearly (Keras's
    ``smart_resize``). Parameters: 0.
    """

    def _resize(self, images, training):
        height, width = images.shape[1:3]
        if height < self.height or width < self.width:
            return self._crop_and_resize(images)
        top, left = (height - self.height) // 2, (width - self.width) // 2
        return images[:, top : top + self.height, left : left + self.width, :]


class RandomCrop(_Sized):
    """While training, crops the batch at one random place to (height, width); at inference, the centred crop
    of the target's aspect ratio, resized bilinearly to (height, width), as Keras 3 documents it (and as
    tf.keras 2 did). NOTE: Keras 3.15's code returns the images unchanged at inference, against its own
    documentation; a model that flattens after the crop then fails at ``predict``. nabla keeps the
    documented behaviour, so the output shape is the same in training and inference.

    Training on images larger than the target along both axes: the crop's top-left corner is uniform over
    the ``(H - height + 1) x (W - width + 1)`` places, one draw per batch (Keras draws one per call). Else
    the inference path is taken. The place is drawn through the engine's ``sample`` from nabla's one
    generator (``seed`` is kept for the config), and the crop is a product with one-hot selection
    matrices, so a compiled ``fit`` step draws a fresh place each batch and gradients reach the images.
    Shape: (N, H, W, C) -> (N, height, width, C). Parameters: 0.
    """

    def __init__(self, height: int, width: int, seed: int | None = None, data_format=None, **kwargs):
        super().__init__(height, width, data_format, **kwargs)
        self.seed = check_seed(seed, "RandomCrop")

    def call(self, inputs, training=True):  # (random by default, as Keras's image preprocessing layers)
        return super().call(inputs, training)

    def _resize(self, images, training):
        height, width = images.shape[1:3]
        if not (training and height > self.height and width > self.width):
            return self._crop_and_resize(images)
        u = sample("uniform", (2,), images.dtype)
        rows = self._selection(u[0], self.height, height, images.dtype)
        cols = self._selection(u[1], self.width, width, images.dtype)
        return ops.einsum("ih,nhwc,jw->nijc", rows, images, cols)

    @staticmethod
    def _selection(u: Tensor, out: int, size: int, dtype) -> Tensor:
        """(out, size) one-hot rows: row i picks input ``i + start``, ``start = floor(u * (size - out + 1))``."""
        places = size - out + 1
        offset = Tensor._make(recompute(_offsets, out, size, dtype))
        scaled = u * float(places)
        return ops.logical_and(scaled >= offset, scaled < offset + 1.0).astype(dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "seed": self.seed}


def _saturate_round(values: np.ndarray, dtype) -> np.ndarray:
    """``values`` rounded (half to even, as ``tf.round``) into the integer ``dtype``, clipped to its range: Keras
    3's Resizing of integer images (``_saturate_cast``)."""
    info = np.iinfo(dtype) if np.dtype(dtype).kind in "iu" else None
    rounded = np.round(values) if info is None else np.clip(np.round(values), info.min, info.max)
    return rounded.astype(dtype)
