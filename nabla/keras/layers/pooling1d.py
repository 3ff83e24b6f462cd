"""Pooling along sequences, channels-last (batch, steps, channels): ``MaxPooling1D``, ``AveragePooling1D``, and
the global ones, ``GlobalAveragePooling1D`` and ``GlobalMaxPooling1D``."""

from __future__ import annotations

from .._engine import ops
from .convolutional1d import single
from .pooling import AveragePooling2D, MaxPooling2D


def _pooling_1d(base: type) -> type:
    """The 1-D form of a 2-D pooling layer: a sequence is an image of height 1, pooled by windows (1, size)."""

    class Pooling1D(base):
        def __init__(self, pool_size=2, strides=None, padding: str = "valid", data_format=None, **kwargs):
            size = single(pool_size, f"{type(self).__name__}: pool_size")
            stride = size if strides is None else single(strides, f"{type(self).__name__}: strides")
            super().__init__((1, size), (1, stride), padding, data_format, **kwargs)

        def call(self, inputs, training=None):
            if inputs.ndim != 3:
                raise ValueError(
                    f"{type(self).__name__} '{self.name}' needs (batch, steps, channels) inputs, got {inputs.shape}"
                )
            return super().call(ops.expand_dims(inputs, 1), training)[:, 0]

        def get_config(self) -> dict:
            return {**super().get_config(), "pool_size": [self.pool_size[1]], "strides": [self.strides[1]]}

    return Pooling1D


class MaxPooling1D(_pooling_1d(MaxPooling2D)):
    """Largest value of each ``pool_size`` window of a sequence (stride ``pool_size`` unless given);
    "same" padding as in Keras (output ``ceil(steps / stride)``). Parameters: 0."""


class AveragePooling1D(_pooling_1d(AveragePooling2D)):
    """Mean of each ``pool_size`` window of a sequence; with "same" padding the mean is over the positions
    inside the sequence, as in Keras. Parameters: 0."""

    def __init__(self, pool_size, strides=None, padding: str = "valid", data_format=None, **kwargs):
        # (pool_size has no default here, as in Keras 3: AveragePooling1D() is a TypeError; MaxPooling1D's is 2)
        super().__init__(pool_size, strides, padding, data_format, **kwargs)
