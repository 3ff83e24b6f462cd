"""Layers that regularise by noise, active only while training: ``Dropout``, ``GaussianNoise``, ``GaussianDropout``,
``AlphaDropout``.

At inference (a call without ``training=True``, ``model.predict``, ``evaluate``) each is the identity; in
``fit`` and under ``training=True`` it acts (see ``Layer.forward`` for how the mode is resolved). The noise
comes from nabla's one generator (see the NOTE on ``seed`` in :mod:`.arguments`).
"""

from __future__ import annotations

import math

import numpy as np

from ...nn.functional import dropout
from .._engine import Tensor, sample
from ..activations import _SELU_ALPHA, _SELU_SCALE
from .arguments import check_seed, is_number
from .layer import Layer


class Dropout(Layer):
    """Inverted dropout with probability ``rate``, active only while training."""

    BUILT_AT_INIT = True  # no weights (Keras 3 marks it built at construction)
    PASSES_MASKS = True  # as Keras's: the mask goes on unchanged

    def __init__(self, rate: float, **kwargs):
        super().__init__(**kwargs)
        if not 0.0 <= rate < 1.0:
            raise ValueError(f"Dropout: rate must be in [0, 1), got {rate}")
        self.rate = float(rate)

    def call(self, inputs, training=None):
        return dropout(inputs, self.rate, bool(training))

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate}


def _noise_dtype(inputs: Tensor, fallback):
    """The float dtype of the noise for ``inputs`` (theirs if float, else the layer's)."""
    return inputs.dtype if inputs.dtype.kind == "f" else np.dtype(fallback)


class GaussianNoise(Layer):
    """Adds zero-centred Gaussian noise while training: ``x + N(0, stddev^2)``, identity at inference.

    Args: ``stddev`` (in [0, 1], as Keras checks); ``seed`` (accepted and
    saved for Keras compatibility; the noise comes from nabla's one
    generator, so ``nb.manual_seed`` makes it reproducible).

    Shape: any, unchanged. Parameters: 0. Gradients flow through (the noise is a constant).

    Example::

        >>> layer = GaussianNoise(0.1)
        >>> layer(np.zeros((2, 3)), training=False).numpy()
        array([[0., 0., 0.],
               [0., 0., 0.]], dtype=float32)
    """

    BUILT_AT_INIT = True  # no weights (Keras 3 marks it built at construction)
    PASSES_MASKS = True  # as Keras's: the mask goes on unchanged

    def __init__(self, stddev: float, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        if not is_number(stddev) or not 0.0 <= stddev <= 1.0:
            raise ValueError(f"GaussianNoise: stddev must be a number in [0, 1], got {stddev!r}")
        self.stddev, self.seed = float(stddev), check_seed(seed, "GaussianNoise")

    def call(self, inputs, training=None):
        if not training or self.stddev == 0.0:
            return inputs
        return inputs + sample("normal", inputs.shape, _noise_dtype(inputs, self.dtype), scale=self.stddev)

    def get_config(self) -> dict:
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


class GaussianDropout(Layer):
    """Multiplies by 1-centred Gaussian noise while training: ``x * N(1, rate / (1 - rate))``.

    The noise has the variance of inverted dropout's multiplier with drop
    probability ``rate`` (Srivastava et al., 2014, section 10), so the mean
    is unchanged; identity at inference.

    Args: ``rate`` in [0, 1) (Keras accepts 1 and then divides by zero at the
    first call); ``seed`` (accepted and saved for Keras compatibility; the
    noise comes from nabla's one generator, so ``nb.manual_seed`` makes it
    reproducible).

    Shape: any, unchanged. Parameters: 0. Gradients flow through (the noise is a constant).
    """

    BUILT_AT_INIT = True  # no weights (Keras 3 marks it built at construction)
    PASSES_MASKS = True  # as Keras's: the mask goes on unchanged

    def __init__(self, rate: float, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        if not is_number(rate) or not 0.0 <= rate < 1.0:
            raise ValueError(f"GaussianDropout: rate must be a number in [0, 1), got {rate!r}")
        self.rate, self.seed = float(rate), check_seed(seed, "GaussianDropout")

    def call(self, inputs, training=None):
        if not training or self.rate == 0.0:
            return inputs
        scale = math.sqrt(self.rate / (1.0 - self.rate))
        return inputs * sample("normal", inputs.shape, _noise_dtype(inputs, self.dtype), scale=scale, shift=1.0)

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


class AlphaDropout(Layer):
    """Dropout that keeps SELU's self-normalisation: while training, each value is dropped with probability
    ``rate`` to SELU's negative saturation ``alpha' = -SCALE * ALPHA``, then the whole is mapped by
    ``a * x + b`` with ``a = ((1 - rate) (1 + rate alpha'^2))^(-1/2)``, ``b = -a alpha' rate``, so that
    inputs of zero mean and unit variance keep them (Klambauer et al., 2017); identity at inference.

    ``noise_shape``: the shape of the keep mask, broadcast over the inputs (None entries take the input's
    size), e.g. ``(None, 1, C)`` drops whole channels of sequences. ``seed`` is kept for the config (the
    mask comes from nabla's one generator). Shape: any, unchanged. Parameters: 0.
    Use it with ``activation="selu"`` and ``kernel_initializer="lecun_normal"``.
    """

    BUILT_AT_INIT = True  # no weights (Keras 3 marks it built at construction)
    PASSES_MASKS = True  # as Keras's: the mask goes on unchanged

    def __init__(self, rate: float, noise_shape=None, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        if not is_number(rate) or not 0.0 <= rate < 1.0:
            raise ValueError(f"AlphaDropout: rate must be a number in [0, 1), got {rate!r}")
        if noise_shape is not None and not (
            isinstance(noise_shape, (tuple, list))
            and all(n is None or (isinstance(n, int) and not isinstance(n, bool) and n > 0) for n in noise_shape)
        ):
            raise ValueError(f"AlphaDropout: noise_shape must be None or a tuple of positive ints and Nones, got "
                             f"{noise_shape!r}")  # fmt: skip
        self.rate, self.seed = float(rate), check_seed(seed, "AlphaDropout")
        self.noise_shape = None if noise_shape is None else list(noise_shape)

    def call(self, inputs, training=None):
        if not training or self.rate == 0.0:
            return inputs
        shape = inputs.shape
        if self.noise_shape is not None:
            if len(self.noise_shape) != inputs.ndim:
                raise ValueError(f"AlphaDropout '{self.name}': noise_shape {self.noise_shape} does not fit inputs of "
                                 f"shape {inputs.shape}")  # fmt: skip
            shape = tuple(size if n is None else n for n, size in zip(self.noise_shape, inputs.shape))
        dtype = _noise_dtype(inputs, self.dtype)
        kept = (sample("uniform", shape, dtype) >= self.rate).astype(dtype)
        alpha_p = -_SELU_ALPHA * _SELU_SCALE  # SELU's saturation value
        a = ((1.0 - self.rate) * (1.0 + self.rate * alpha_p**2)) ** -0.5
        b = -a * alpha_p * self.rate
        return (inputs * kept + alpha_p * (1.0 - kept)) * a + b

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate, "noise_shape": self.noise_shape, "seed": self.seed}
