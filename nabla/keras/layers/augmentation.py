"""Data augmentation layers: ``RandomTranslation``, ``RandomFlip``, ``RandomRotation``, ``RandomZoom``,
``RandomContrast``, ``RandomBrightness``.

As in Keras 3 (whose image preprocessing layers declare ``call(data, training=True)``), they augment when
called on their own, ``layer(images)`` (a ``dataset.map`` or a plot of augmented samples), and inside
``fit``; ``evaluate``, ``predict`` and ``training=False`` give the images back unchanged."""

from __future__ import annotations

import math

import numpy as np

from .._engine import Tensor, made_by, ops, sample
from .affine import affine_transform, rotation_matrices, zoom_matrices
from .arguments import check_seed, is_number
from .layer import Layer
from .layer_inputs import StacksListInputs, floats_only, numpy_dtype
from .translation import TRANSLATE_FILL_MODES, TRANSLATE_INTERPOLATIONS, translate


def _factor(factor, name: str, who: str = "RandomTranslation", unit: str = "a fraction of the image"):
    """Keras's factor of a random image layer: ``f`` means (-|f|, |f|), a pair (lo, hi) is sorted; each in [-1, 1].

    Returns the factor as given, JSON-able (for get_config), and the range (lo, hi).
    """
    if is_number(factor):
        given = float(factor)
        lo, hi = -abs(given), abs(given)
    elif isinstance(factor, (tuple, list)) and len(factor) == 2 and all(is_number(v) for v in factor):
        given = [float(v) for v in factor]
        lo, hi = sorted(given)  # Keras sorts a reversed pair rather than refusing it
    else:
        raise ValueError(f"{who}: {name} must be a number or a pair (lo, hi) of numbers, got {factor!r}")
    if not -1.0 <= lo <= hi <= 1.0:
        raise ValueError(f"{who}: {name} must lie in [-1, 1] ({unit}), got {factor!r}")
    return given, (lo, hi)


class RandomTranslation(StacksListInputs, Layer):
    """Shifts each image by its own random amount while training; identity at inference (Keras's layer).

    Each image n of a batch moves down by ``dy[n] = u * H`` pixels, with u
    uniform in [lo, hi] of ``height_factor``, and right by ``dx[n] = v * W``
    with v uniform in the ``width_factor`` range (a negative shift moves it
    up or left). A factor ``f`` means the range (-|f|, |f|); a pair means
    (lo, hi), both fractions of the image in [-1, 1]. So the output pixel
    (y, x) is the input at (y - dy, x - dx), read as :func:`.translation.translate`
    does (exactly Keras's ``affine_transform`` with the translation matrix):

    * ``interpolation``: "bilinear" (the four neighbours of a fractional
      position, weighted) or "nearest" (rounded half to even).
    * ``fill_mode`` for positions outside the image: "reflect"
      (``d c b a | a b c d | d c b a``), "wrap" (``a b c d | a b c d``),
      "constant" (``fill_value``), "nearest" (``a a a a | a b c d``).

    The output is float (integer images are converted to the layer's dtype).
    As a preprocessing layer it computes on arrays: in training mode its
    output is a constant, no gradient flows back to its input (put it
    first, after the input). Parameters: 0.

    Randomness: ``seed`` is accepted and saved for Keras compatibility; the
    shifts come from nabla's one generator, so ``nb.manual_seed`` governs
    reproducibility (one stream for the whole run, as everywhere in nabla).
    ``data_format`` may only be "channels_last" (or None).

    Shape: (N, H, W, C) or one image (H, W, C), unchanged.

    Example::

        >>> import nabla as nb
        >>> _ = nb.manual_seed(0)
        >>> layer = RandomTranslation(0.1, 0.1, fill_mode="constant")
        >>> layer(np.ones((2, 28, 28, 1)), training=True).shape
        (2, 28, 28, 1)
    """

    def __init__(
        self,
        height_factor,
        width_factor,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        data_format: str | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.height_factor, (self.height_lower, self.height_upper) = _factor(height_factor, "height_factor")
        self.width_factor, (self.width_lower, self.width_upper) = _factor(width_factor, "width_factor")
        if fill_mode not in TRANSLATE_FILL_MODES:
            raise ValueError(f"RandomTranslation: fill_mode must be one of {TRANSLATE_FILL_MODES}, got {fill_mode!r}")
        if interpolation not in TRANSLATE_INTERPOLATIONS:
            raise ValueError(
                f"RandomTranslation: interpolation must be one of {TRANSLATE_INTERPOLATIONS}, got {interpolation!r}"
            )
        if data_format not in (None, "channels_last"):
            raise ValueError(f"RandomTranslation: nabla's images are channels-last, got data_format={data_format!r}")
        self.fill_mode, self.interpolation = fill_mode, interpolation
        self.seed = check_seed(seed, "RandomTranslation")
        self.fill_value = float(fill_value)

    def call(self, inputs, training=True):
        if inputs.ndim not in (3, 4):
            raise ValueError(
                f"RandomTranslation '{self.name}' needs (batch, H, W, C) or (H, W, C) images, got shape {inputs.shape}"
            )
        if inputs.dtype.kind != "f":
            inputs = inputs.astype(self.dtype)
        if not training:
            return inputs
        n = inputs.shape[0] if inputs.ndim == 4 else 1
        height, width = inputs.shape[-3], inputs.shape[-2]
        dy = _uniform((n,), _FLOAT64, self.height_lower, self.height_upper) * height  # Keras draws heights first
        dx = _uniform((n,), _FLOAT64, self.width_lower, self.width_upper) * width
        return made_by(translate, inputs, dy, dx, self.fill_mode, self.interpolation, self.fill_value)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "height_factor": self.height_factor,
            "width_factor": self.width_factor,
            "fill_mode": self.fill_mode,
            "interpolation": self.interpolation,
            "seed": self.seed,
            "fill_value": self.fill_value,
        }


def _check_data_format(data_format, who: str) -> str:
    if data_format not in (None, "channels_last"):
        raise ValueError(f"{who}: nabla's images are channels-last, got data_format={data_format!r}")
    return "channels_last"


class _ImageAugmentation(StacksListInputs, Layer):
    """Shared by the random image layers below: channels-last images (a batch or one image), made float;
    the identity at inference; :meth:`augment` changes a (N, H, W, C) batch while training.

    Each layer draws from nabla's one generator (``seed`` is kept for the config; see the NOTE in
    :mod:`.arguments`), one draw per image, through the engine's ``sample``; rotation, zoom and translation
    resample on arrays with :func:`made_by`. So a ``fit`` step holding them is compiled (``nb.capture``) and
    each replay draws and resamples afresh, as eager mode. Parameters: 0.
    """

    def call(self, inputs, training=True):
        if inputs.ndim not in (3, 4):
            raise ValueError(
                f"{type(self).__name__} '{self.name}' needs (batch, H, W, C) or (H, W, C) images, got {inputs.shape}"
            )
        if inputs.dtype.kind != "f":
            inputs = inputs.astype(self.dtype)
        if not training:
            return inputs
        if inputs.ndim == 3:
            return self.augment(inputs.reshape(1, *inputs.shape)).reshape(inputs.shape)
        return self.augment(inputs)

    def augment(self, images: Tensor) -> Tensor:
        raise NotImplementedError


_FLOAT64 = np.dtype(np.float64)  # the resampling layers' draws: NumPy's ``uniform(low, high)``, bit for bit


def _uniform(shape: tuple, dtype, low: float = 0.0, high: float = 1.0) -> Tensor:
    """Uniform draws through the engine's ``sample``, which a compiled ``fit`` step draws afresh at each replay."""
    return sample("uniform", shape, dtype, scale=high - low, shift=low)


class RandomFlip(_ImageAugmentation):
    """Flips each image left-right and/or upside down with probability 1/2, while training (Keras's layer).

    ``mode``: "horizontal" (left-right), "vertical" (upside down) or "horizontal_and_vertical" (each, with
    its own coin per image, as TF 2's Keras did; Keras 3 flips both ways or neither with one coin, which
    only ever rotates by 180 degrees). Gradients flow through to the input.

    Shape: (N, H, W, C) or (H, W, C), unchanged.
    """

    MODES = ("horizontal", "vertical", "horizontal_and_vertical")

    def __init__(self, mode: str = "horizontal_and_vertical", seed: int | None = None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        if mode not in self.MODES:
            raise ValueError(f"RandomFlip: mode must be one of {self.MODES}, got {mode!r}")
        self.mode, self.seed = mode, check_seed(seed, "RandomFlip")
        self.data_format = _check_data_format(data_format, "RandomFlip")

    def augment(self, images):
        for direction, axis in (("horizontal", 2), ("vertical", 1)):
            if direction in self.mode:
                flip = _uniform((images.shape[0], 1, 1, 1), images.dtype) < 0.5
                images = ops.where(flip, ops.flip(images, axis=axis), images)
        return images

    def get_config(self) -> dict:
        return {**super().get_config(), "mode": self.mode, "seed": self.seed, "data_format": self.data_format}


class _Resampling(_ImageAugmentation):
    """Shared by RandomRotation and RandomZoom: resample each image through an affine map (:mod:`.affine`).

    ``interpolation`` "bilinear" or "nearest"; ``fill_mode`` for the area the map brings in from outside
    the image: "reflect" (``d c b a | a b c d``), "wrap", "nearest" or "constant" (``fill_value``). As for
    RandomTranslation, it computes on arrays, so no gradient reaches its input: put it first.
    """

    def __init__(self, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0, data_format=None,
                 **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        who = type(self).__name__
        if fill_mode not in TRANSLATE_FILL_MODES:
            raise ValueError(f"{who}: fill_mode must be one of {TRANSLATE_FILL_MODES}, got {fill_mode!r}")
        if interpolation not in TRANSLATE_INTERPOLATIONS:
            raise ValueError(f"{who}: interpolation must be one of {TRANSLATE_INTERPOLATIONS}, got {interpolation!r}")
        self.fill_mode, self.interpolation, self.seed = fill_mode, interpolation, check_seed(seed, who)
        self.fill_value, self.data_format = float(fill_value), _check_data_format(data_format, who)

    def augment(self, images):
        matrices = self.matrices(*images.shape[:3])
        return made_by(affine_transform, images, matrices, self.fill_mode, self.interpolation, self.fill_value)

    def get_config(self) -> dict:
        return {**super().get_config(), "fill_mode": self.fill_mode, "interpolation": self.interpolation,
                "seed": self.seed, "fill_value": self.fill_value, "data_format": self.data_format}  # fmt: skip


class RandomRotation(_Resampling):
    """Rotates each image about its centre by its own random angle while training (Keras's layer).

    The angle is ``u * 2 pi`` with u uniform in the ``factor`` range (a fraction of a full turn: ``0.1``
    means up to 36 degrees either way; a pair (lo, hi) in [-1, 1]); a positive angle turns the picture
    counter-clockwise. ``value_range`` is accepted for Keras compatibility and not used (nor saved, as in
    Keras). See the base class for ``fill_mode`` and ``interpolation``.

    Shape: (N, H, W, C) or (H, W, C), unchanged.
    """

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0,
                 value_range=(0, 255), data_format=None, **kwargs):  # fmt: skip
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.factor, (self.lower, self.upper) = _factor(factor, "factor", "RandomRotation", "a fraction of a full turn")

    def matrices(self, n, height, width):
        return made_by(rotation_matrices, _uniform((n,), _FLOAT64, self.lower, self.upper) * 2 * math.pi, height, width)

    def get_config(self) -> dict:
        return {**super().get_config(), "factor": self.factor}


class RandomZoom(_Resampling):
    """Zooms each image in or out about its centre by its own random amount while training (Keras's layer).

    The height is scaled by ``1 / z`` with ``z = 1 + u``, u uniform in the ``height_factor`` range
    (``0.1`` means (-0.1, 0.1); a pair (lo, hi) in [-1, 1]): a positive u zooms out (the picture shrinks,
    the border is filled by ``fill_mode``), a negative one zooms in. ``width_factor`` likewise for the
    width; None (the default) zooms the width as the height, keeping the aspect ratio. The heights are
    drawn first, as in Keras. See the base class for ``fill_mode`` and ``interpolation``.

    Shape: (N, H, W, C) or (H, W, C), unchanged.
    """

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):  # fmt: skip
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        unit = "1 + it is the zoom"
        self.height_factor, self.height_range = _factor(height_factor, "height_factor", "RandomZoom", unit)
        self.width_factor, self.width_range = None, None
        if width_factor is not None:
            self.width_factor, self.width_range = _factor(width_factor, "width_factor", "RandomZoom", unit)

    def matrices(self, n, height, width):
        height_zoom = 1 + _uniform((n,), _FLOAT64, *self.height_range)
        width_zoom = height_zoom if self.width_range is None else 1 + _uniform((n,), _FLOAT64, *self.width_range)
        return made_by(zoom_matrices, height_zoom, width_zoom, height, width)

    def get_config(self) -> dict:
        return {**super().get_config(), "height_factor": self.height_factor, "width_factor": self.width_factor}


class RandomContrast(_ImageAugmentation):
    """Scales each image's contrast by its own random factor while training (Keras's layer).

    Each channel of an image moves away from (or towards) its mean over the pixels:
    ``(x - mean) * c + mean``, with c uniform in ``[1 - lower, 1 + upper]``, then the result is clipped to
    ``value_range`` (the range of the pixel values, (0, 255) by default: give (0, 1) after a Rescaling).
    ``factor`` is ``f`` in [0, 1] (lower = upper = f, as Keras 3 documents and TF 2 did; Keras 3's code
    draws from [1, 1 + f]) or a pair (lower, upper). Gradients flow through to the input.

    Shape: (N, H, W, C) or (H, W, C), unchanged.
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _check_data_format(data_format, "RandomContrast")
        pair = [factor, factor] if is_number(factor) else factor
        if not (isinstance(pair, (list, tuple)) and len(pair) == 2 and all(is_number(v) and 0 <= v <= 1 for v in pair)):
            raise ValueError(f"RandomContrast: factor must be a number in [0, 1] or a pair of them, got {factor!r}")
        if not (isinstance(value_range, (list, tuple)) and len(value_range) == 2 and value_range[0] < value_range[1]):
            raise ValueError(f"RandomContrast: value_range must be a pair (low, high), got {value_range!r}")
        self.factor = float(factor) if is_number(factor) else [float(v) for v in factor]
        self.lower, self.upper = (float(v) for v in pair)
        self.value_range, self.seed = [float(v) for v in value_range], check_seed(seed, "RandomContrast")

    def call(self, inputs, training=True):
        # Keras on TensorFlow: integer images pass unchanged at inference, and are refused while training
        if not training:
            return inputs
        if inputs.dtype.kind != "f":
            raise floats_only(self, numpy_dtype(inputs))
        return super().call(inputs, training)

    def augment(self, images):
        c = _uniform((images.shape[0], 1, 1, 1), images.dtype, 1 - self.lower, 1 + self.upper)
        mean = images.mean(axis=(1, 2), keepdims=True)
        return ops.clip((images - mean) * c + mean, *self.value_range)

    def get_config(self) -> dict:
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed,
                "data_format": self.data_format}  # fmt: skip


class RandomBrightness(_ImageAugmentation):
    """Brightens or darkens each image by its own random amount while training (Keras 3's layer).

    Every pixel and channel of an image gains the same ``delta = u * (high - low)``, with u uniform in the
    ``factor`` range and ``(low, high) = value_range`` (the range of the pixel values, (0, 255) by default:
    give (0, 1) after a Rescaling); the result is clipped to ``value_range``. ``factor`` is ``f`` in
    [-1, 1], meaning (-|f|, |f|), or a pair (lower, upper) in [-1, 1] (sorted, as Keras does): 0.2 moves an
    image by up to 51 levels of 255 either way. Gradients flow through to the input.

    Integer images pass unchanged at inference and stay integer while training (see :meth:`_brighten`). See
    :class:`_ImageAugmentation` for the randomness (``seed`` is kept for the config).

    Shape: (N, H, W, C) or (H, W, C), unchanged.

    Example::

        >>> import nabla as nb
        >>> _ = nb.manual_seed(0)
        >>> out = RandomBrightness(0.2, value_range=(0, 1))(np.full((2, 4, 4, 3), 0.5, np.float32))
        >>> bool(((out >= 0.3) & (out <= 0.7)).all())
        True
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        if factor is None:  # (Keras accepts it, then fails at the first call)
            raise ValueError("RandomBrightness: factor must be a number in [-1, 1] or a pair of them, got None")
        _, self.factor = _factor(factor, "factor", "RandomBrightness", "a fraction of value_range")
        if not (isinstance(value_range, (list, tuple)) and len(value_range) == 2 and all(map(is_number, value_range))):
            raise ValueError(f"RandomBrightness: value_range must be a pair of numbers (low, high), got {value_range}")
        self.value_range = sorted(value_range)  # (Keras's config: the pair as given, sorted)
        self.seed = check_seed(seed, "RandomBrightness")
        self.data_format = _check_data_format(data_format, "RandomBrightness")

    def call(self, inputs, training=True):
        if not training:
            return inputs
        if inputs.dtype.kind == "f" or inputs.ndim not in (3, 4):
            return super().call(inputs, training)
        if inputs.dtype.kind not in "iu":
            raise floats_only(self, numpy_dtype(inputs))
        batch = inputs if inputs.ndim == 4 else inputs.reshape(1, *inputs.shape)
        return self._brighten(batch.astype(self.dtype), whole=True).astype(inputs.dtype).reshape(inputs.shape)

    def augment(self, images):
        return self._brighten(images, whole=False)

    def _brighten(self, images, whole: bool):
        """``clip(images + delta, low, high)``; ``whole`` for integer images: as Keras on TensorFlow, which keeps
        their dtype, the delta is cast to it first, truncated toward 0 (there uint8 images darkened below 0 wrap
        around to bright values; here they are clipped at 0)."""
        low, high = (float(v) for v in self.value_range)
        delta = _uniform((images.shape[0], 1, 1, 1), images.dtype, *self.factor) * (high - low)
        return ops.clip(images + (made_by(np.trunc, delta) if whole else delta), low, high)

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format, "factor": self.factor,
                "value_range": self.value_range, "seed": self.seed}  # fmt: skip
