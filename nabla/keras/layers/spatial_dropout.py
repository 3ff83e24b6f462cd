"""``SpatialDropout1D/2D/3D``: dropout of whole feature maps, active only while training."""

from __future__ import annotations

from .._engine import sample
from .arguments import check_seed, is_number
from .layer import Layer


class _SpatialDropout(Layer):
    """Drops whole channels of channels-last inputs while training: each (sample, channel) map is zeroed with
    probability ``rate``, and the kept ones are scaled by ``1 / (1 - rate)`` (inverted dropout), so the
    expected value is unchanged; identity at inference. Neighbouring steps or pixels of a map are strongly
    correlated, so dropping them one by one (Dropout) hardly regularises a convnet (Tompson et al., 2015).

    ``seed`` is kept for the config; the mask comes from nabla's one generator (``nb.manual_seed``), drawn
    through the engine's ``sample``, so a compiled ``fit`` step draws a fresh mask each batch.
    Shape: unchanged. Parameters: 0. Gradients flow through the kept maps.
    """

    BUILT_AT_INIT = True  # no weights (Keras 3 marks it built at construction)

    rank = 2  # spatial axes
    layout = "(batch, H, W, C)"

    def __init__(self, rate: float, data_format=None, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        who = type(self).__name__
        if not is_number(rate) or not 0.0 <= rate < 1.0:
            raise ValueError(f"{who}: rate must be a number in [0, 1), got {rate!r}")
        if data_format not in (None, "channels_last"):
            raise ValueError(f"{who}: nabla's inputs are channels-last, got data_format={data_format!r}")
        self.rate, self.seed, self.data_format = float(rate), check_seed(seed, who), "channels_last"

    def call(self, inputs, training=None):
        if inputs.ndim != self.rank + 2:
            raise ValueError(f"{type(self).__name__} '{self.name}' needs {self.layout} inputs, got {inputs.shape}")
        if not training or self.rate == 0.0:
            return inputs
        dtype = inputs.dtype if inputs.dtype.kind == "f" else self.dtype
        shape = (inputs.shape[0], *(1,) * self.rank, inputs.shape[-1])  # one draw per map
        keep = sample("uniform", shape, dtype) >= self.rate
        return inputs * (keep.astype(dtype) / (1.0 - self.rate))

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed, "data_format": self.data_format}


class SpatialDropout1D(_SpatialDropout):
    __doc__ = "Drops whole channels of (batch, steps, C) sequences while training.\n\n" + _SpatialDropout.__doc__
    rank, layout = 1, "(batch, steps, C)"

    def __init__(self, rate: float, seed: int | None = None, **kwargs):  # Keras's has no data_format
        super().__init__(rate, None, seed, **kwargs)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["data_format"]
        return config


class SpatialDropout2D(_SpatialDropout):
    __doc__ = "Drops whole channels of (batch, H, W, C) images while training.\n\n" + _SpatialDropout.__doc__


class SpatialDropout3D(_SpatialDropout):
    __doc__ = "Drops whole channels of (batch, D, H, W, C) volumes while training.\n\n" + _SpatialDropout.__doc__
    rank, layout = 3, "(batch, D, H, W, C)"
