"""``SpatialDropout2D``: dropout of whole feature maps, active only while training."""

from __future__ import annotations

from .._engine import sample
from .arguments import check_seed, is_number
from .layer import Layer


class SpatialDropout2D(Layer):
    """Drops whole channels of channels-last images while training: each (image, channel) map is zeroed with
    probability ``rate``, and the kept ones are scaled by ``1 / (1 - rate)`` (inverted dropout), so the
    expected value is unchanged; identity at inference. Neighbouring pixels of a map are strongly
    correlated, so dropping pixels one by one (Dropout) hardly regularises a convnet (Tompson et al., 2015).

    ``seed`` is kept for the config; the mask comes from nabla's one generator (``nb.manual_seed``), drawn
    through the engine's ``sample``, so a compiled ``fit`` step draws a fresh mask each batch.
    Shape: (N, H, W, C), unchanged. Parameters: 0. Gradients flow through the kept maps.
    """

    def __init__(self, rate: float, data_format=None, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        if not is_number(rate) or not 0.0 <= rate < 1.0:
            raise ValueError(f"SpatialDropout2D: rate must be a number in [0, 1), got {rate!r}")
        if data_format not in (None, "channels_last"):
            raise ValueError(f"SpatialDropout2D: nabla's images are channels-last, got data_format={data_format!r}")
        self.rate, self.seed, self.data_format = float(rate), check_seed(seed, "SpatialDropout2D"), "channels_last"

    def call(self, inputs, training=None):
        if inputs.ndim != 4:
            raise ValueError(f"SpatialDropout2D '{self.name}' needs (batch, H, W, C) inputs, got {inputs.shape}")
        if not training or self.rate == 0.0:
            return inputs
        dtype = inputs.dtype if inputs.dtype.kind == "f" else self.dtype
        keep = sample("uniform", (inputs.shape[0], 1, 1, inputs.shape[3]), dtype) >= self.rate  # one draw per map
        return inputs * (keep.astype(dtype) / (1.0 - self.rate))

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed, "data_format": self.data_format}
