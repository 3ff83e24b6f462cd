"""Normalisation layers: ``BatchNormalization`` (over the batch) and ``LayerNormalization`` (over each sample)."""

from __future__ import annotations

from ...nn.functional import _inverse_std, running_update
from .._engine import Tensor, recompute, update_in_place
from ..symbolic import probing
from .layer import Layer


class _Normalization(Layer):
    """Shared by the normalisation layers: learnable ``gamma`` (scale) and ``beta`` (shift) per feature of ``axis``."""

    INTEGER_TENSORS = "cast"  # integer tensors are computed in float32, as Keras on TensorFlow
    PASSES_MASKS = True  # as Keras's: the mask goes on unchanged

    def __init__(self, axis: int = -1, epsilon: float = 1e-3, center: bool = True, scale: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.axis, self.epsilon, self.center, self.scale = axis, epsilon, center, scale

    def build(self, input_shape) -> None:
        n = input_shape[self.axis]
        if self.scale:
            self.add_weight(shape=(n,), initializer="ones", name="gamma")
        if self.center:
            self.add_weight(shape=(n,), initializer="zeros", name="beta")

    def _feature_shape(self, inputs) -> list[int]:
        """The shape that broadcasts a per-feature vector along ``axis`` of ``inputs``."""
        shape = [1] * inputs.ndim
        shape[self.axis % inputs.ndim] = inputs.shape[self.axis]
        return shape

    def _scale_shift(self, out, shape):
        if self.scale:
            out = out * self.gamma.reshape(shape)
        if self.center:
            out = out + self.beta.reshape(shape)
        return out

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
        }


class BatchNormalization(_Normalization):
    """Keras's batch normalisation over every axis but ``axis`` (the features, last by default).

    Training: ``gamma * (x - mean_b) / sqrt(var_b + epsilon) + beta`` with the
    batch's mean and biased variance, and the moving statistics updated as
    ``moving = momentum * moving + (1 - momentum) * batch`` (Keras's
    convention: momentum 0.99 keeps 99% of the old value; PyTorch's 0.1 is
    the weight of the new one). Inference uses the moving statistics, and so
    does a frozen layer (``trainable = False``) even while the model trains:
    Keras's rule, so that fine-tuning on top of a frozen network keeps its
    statistics. Parameters: gamma and beta trainable, moving_mean and
    moving_variance not (4 x features in all, 2 x features trainable).
    """

    def __init__(
        self,
        axis: int = -1,
        momentum: float = 0.99,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        **kwargs,
    ):
        super().__init__(axis=axis, epsilon=epsilon, center=center, scale=scale, **kwargs)
        self.momentum = momentum
        if self.input_shape_hint is not None:
            self._ensure_built(self.input_shape_hint)

    def build(self, input_shape) -> None:
        super().build(input_shape)
        n = input_shape[self.axis]
        # Non-trainable Variables, as Keras's: named, listed by variables/non_trainable_weights.
        self.moving_mean = self.add_weight(name="moving_mean", shape=(n,), initializer="zeros", trainable=False)
        self.moving_variance = self.add_weight(name="moving_variance", shape=(n,), initializer="ones", trainable=False)

    def call(self, inputs, training=None):
        axis = self.axis % inputs.ndim
        reduce = tuple(a for a in range(inputs.ndim) if a != axis)
        shape = self._feature_shape(inputs)
        if training and self.trainable:
            mean = inputs.mean(axis=reduce, keepdims=True)
            centered = inputs - mean
            var = (centered * centered).mean(axis=reduce, keepdims=True)
            if not probing():  # (a shape probe or a build, on a batch of ones, keeps no statistics)
                m = self.momentum
                update_in_place(self.moving_mean, running_update, mean, m, 1.0 - m)
                update_in_place(self.moving_variance, running_update, var, m, 1.0 - m)
            out = centered / (var + self.epsilon) ** 0.5
        else:
            scale = Tensor._make(recompute(_inverse_std, self.moving_variance, self.epsilon))
            out = (inputs - self.moving_mean.reshape(shape)) * scale.reshape(shape)
        return self._scale_shift(out, shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "momentum": self.momentum}


class LayerNormalization(_Normalization):
    """Normalise each sample over ``axis`` (the last by default); gamma and beta per feature."""

    def call(self, inputs, training=None):
        axis = self.axis % inputs.ndim
        centered = inputs - inputs.mean(axis=axis, keepdims=True)
        out = centered / ((centered * centered).mean(axis=axis, keepdims=True) + self.epsilon) ** 0.5
        return self._scale_shift(out, self._feature_shape(inputs))
