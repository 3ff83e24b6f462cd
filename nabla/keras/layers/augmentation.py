"""Data augmentation layers, active only while training: ``RandomTranslation``."""

from __future__ import annotations

from .._engine import Tensor
from .._engine import random as _random
from .arguments import check_seed, is_number
from .layer import Layer
from .translation import TRANSLATE_FILL_MODES, TRANSLATE_INTERPOLATIONS, translate


def _translation_factor(factor, name: str) -> tuple[float | list[float], tuple[float, float]]:
    """Keras's translation factor: ``f`` means (-|f|, |f|), a pair (lo, hi) is sorted; each in [-1, 1].

    Returns the factor as given, JSON-able (for get_config), and the range (lo, hi).
    """
    if is_number(factor):
        given = float(factor)
        lo, hi = -abs(given), abs(given)
    elif isinstance(factor, (tuple, list)) and len(factor) == 2 and all(is_number(v) for v in factor):
        given = [float(v) for v in factor]
        lo, hi = sorted(given)  # Keras sorts a reversed pair rather than refusing it
    else:
        raise ValueError(f"RandomTranslation: {name} must be a number or a pair (lo, hi) of numbers, got {factor!r}")
    if not -1.0 <= lo <= hi <= 1.0:
        raise ValueError(f"RandomTranslation: {name} must lie in [-1, 1] (a fraction of the image), got {factor!r}")
    return given, (lo, hi)


class RandomTranslation(Layer):
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
        self.height_factor, (self.height_lower, self.height_upper) = _translation_factor(height_factor, "height_factor")
        self.width_factor, (self.width_lower, self.width_upper) = _translation_factor(width_factor, "width_factor")
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

    def call(self, inputs, training=None):
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
        g = _random.generator()
        dy = g.uniform(self.height_lower, self.height_upper, size=n) * height  # Keras draws the heights first
        dx = g.uniform(self.width_lower, self.width_upper, size=n) * width
        out = translate(inputs._data, dy, dx, self.fill_mode, self.interpolation, self.fill_value)
        return Tensor._make(out)

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
