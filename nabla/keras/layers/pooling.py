"""Pooling layers on channels-last inputs: ``MaxPooling2D``, ``AveragePooling2D``, and the global ones,
``GlobalAveragePooling1D/2D`` and ``GlobalMaxPooling1D/2D``."""

from __future__ import annotations

import math

import numpy as np

from .._engine import made_by, ops
from .arguments import check_padding, pair, same_padding
from .layer import Layer


class _Pooling2D(Layer):
    BUILT_AT_INIT = True  # no weights (Keras 3 marks it built at construction)
    _pool = None
    _fill = 0.0

    def __init__(self, pool_size=(2, 2), strides=None, padding: str = "valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        _check_channels_last(data_format, type(self).__name__)
        self.pool_size = pair(pool_size, "pool_size")
        self.strides = self.pool_size if strides is None else pair(strides, "strides")
        self.padding = check_padding(padding, type(self).__name__)

    def call(self, inputs, training=None):
        if inputs.ndim != 4:
            raise ValueError(f"{type(self).__name__} '{self.name}' needs (batch, H, W, C) inputs, got {inputs.shape}")
        x = inputs.permute(0, 3, 1, 2)
        if self.padding == "same":
            pads = [same_padding(x.shape[2 + i], self.pool_size[i], self.strides[i]) for i in (0, 1)]
            x = ops.pad(x, ((0, 0), (0, 0), pads[0], pads[1]), value=self._fill)
        return type(self)._pool(x, self.pool_size, self.strides).permute(0, 2, 3, 1)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "pool_size": list(self.pool_size),
            "strides": list(self.strides),
            "padding": self.padding,
            "data_format": "channels_last",
        }


class MaxPooling2D(_Pooling2D):
    """Largest value of each ``pool_size`` window of channels-last images.

    Without padding it pools through the engine's channels-last op, which records a ``Conv2D(activation=
    "relu")`` before it and the pooling as one node (one gradient pass for the ReLU and the pool; the same
    numbers): see ``nabla.engine.ops.conv.max_pool2d_nhwc``.
    """

    _pool = staticmethod(ops.max_pool2d)
    _fill = -math.inf

    def call(self, inputs, training=None):
        if self.padding == "same" or inputs.ndim != 4:
            return super().call(inputs, training)
        return ops.max_pool2d_nhwc(inputs, self.pool_size, self.strides)


class AveragePooling2D(_Pooling2D):
    """Mean of each ``pool_size`` window of channels-last images.

    With ``padding="same"`` the mean is over the window's positions inside
    the image: the padding is left out, as in Keras (a 2x2 window on the
    last row of an odd-sized image averages 2 values, not 2 values and 2 zeros).
    """

    _pool = staticmethod(ops.avg_pool2d)
    INTEGER_TENSORS = "refuse"  # TensorFlow's kernel takes floats only, as Keras on TensorFlow

    def __init__(self, pool_size, strides=None, padding: str = "valid", data_format=None, **kwargs):
        # (pool_size has no default here, as in Keras 3: AveragePooling2D() is a TypeError; MaxPooling2D's is 2)
        super().__init__(pool_size, strides, padding, data_format, **kwargs)

    def call(self, inputs, training=None):
        out = super().call(inputs, training)
        if self.padding == "same":
            # NOTE: the pooled padded zeros give sum / window_size; the same pooling of a mask of ones gives
            # (positions inside the image) / window_size, so the ratio is the mean over real positions only.
            inside = super().call(made_by(np.ones, (1, *inputs.shape[1:3], 1), dtype=inputs.dtype))
            out = out / inside
        return out


class _GlobalPooling(Layer):
    """Reduces every axis between the batch and the channels: (batch, ..., C) -> (batch, C).

    With ``keepdims=True`` the reduced axes stay, of size 1: (batch, 1, ..., 1, C), as in Keras.
    """

    BUILT_AT_INIT = True  # no weights (Keras 3 marks it built at construction)
    _reduce = None
    _rank = 4  # of the input, batch axis included
    _layout = "(batch, H, W, C)"

    def __init__(self, data_format=None, keepdims: bool = False, **kwargs):
        super().__init__(**kwargs)
        _check_channels_last(data_format, type(self).__name__)
        self.keepdims = bool(keepdims)

    def call(self, inputs, training=None):
        if inputs.ndim != self._rank:
            raise ValueError(f"{type(self).__name__} '{self.name}' needs {self._layout} inputs, got {inputs.shape}")
        return type(self)._reduce(inputs, axis=tuple(range(1, self._rank - 1)), keepdims=self.keepdims)

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": "channels_last", "keepdims": self.keepdims}


class _GlobalPooling1D(_GlobalPooling):
    _rank = 3
    _layout = "(batch, steps, features)"


class GlobalAveragePooling1D(_GlobalPooling1D):
    """The mean of each feature over the steps: (batch, steps, features) -> (batch, features).

    With a mask (``mask=``, or the input's: see :mod:`.masking`) the mean is over the real steps only,
    ``sum(mask * x) / sum(mask)``, as Keras 3's (a sequence with no real step gives NaN there too);
    the output has no mask. (``GlobalMaxPooling1D`` ignores masks, as Keras's.)
    """

    _reduce = staticmethod(ops.mean)

    def compute_mask(self, inputs, mask=None) -> None:
        return None

    def call(self, inputs, training=None, mask=None):
        if mask is None:
            return super().call(inputs, training)
        real = ops.expand_dims(mask, -1)
        total = ops.sum(ops.where(real, inputs, 0.0), axis=1, keepdims=self.keepdims)
        count = ops.sum(real.astype(inputs.dtype), axis=1, keepdims=self.keepdims)
        # NOTE: Keras's 0/0 (NaN) for a sequence with no real step, without NumPy's warning (a model built on a
        # batch of zeros has such sequences)
        return ops.where(count == 0.0, math.nan, total / ops.where(count == 0.0, 1.0, count))


class GlobalMaxPooling1D(_GlobalPooling1D):
    """The largest value of each feature over the steps: (batch, steps, features) -> (batch, features)."""

    _reduce = staticmethod(ops.max)


class GlobalAveragePooling2D(_GlobalPooling):
    """The mean of each channel over the whole image: (batch, H, W, C) -> (batch, C)."""

    _reduce = staticmethod(ops.mean)


class GlobalMaxPooling2D(_GlobalPooling):
    """The largest value of each channel over the whole image: (batch, H, W, C) -> (batch, C)."""

    _reduce = staticmethod(ops.max)


def _check_channels_last(data_format, layer: str) -> None:
    """Refuses a ``data_format`` other than channels-last (Keras's default), the only layout nabla pools."""
    if data_format not in (None, "channels_last"):
        raise ValueError(f"{layer}: nabla's inputs are channels_last, got data_format={data_format!r}")
