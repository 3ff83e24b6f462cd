"""Layers that regularise by noise, active only while training: ``Dropout``, ``GaussianNoise``, ``GaussianDropout``.

At inference (a call without ``training=True``, ``model.predict``, ``evaluate``) each is the identity; in
``fit`` and under ``training=True`` it acts (see ``Layer.forward`` for how the mode is resolved). The noise
comes from nabla's one generator (see the NOTE on ``seed`` in :mod:`.arguments`).
"""

from __future__ import annotations

import math

import numpy as np

from ...nn.functional import dropout
from .._engine import Tensor, sample
from .arguments import check_seed, is_number
from .layer import Layer


class Dropout(Layer):
    """Inverted dropout with probability ``rate``, active only while training."""

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
