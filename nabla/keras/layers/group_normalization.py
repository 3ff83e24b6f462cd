"""``GroupNormalization``: each sample's channels normalised in groups (Wu and He, 2018)."""

from __future__ import annotations

from .. import constraints, initializers, regularizers
from .._engine import ops
from .layer import Layer
from .layer_config import config_value


class GroupNormalization(Layer):
    """Splits the channels (``axis``, the last by default) into ``groups`` groups of C / groups channels and
    normalises each group of each sample over its channels and every other axis but the batch:

        ``y = gamma * (x - mean_g) / sqrt(var_g + epsilon) + beta``   (biased variance; gamma, beta per channel)

    Independent of the batch size (unlike BatchNormalization), the same in training and inference.
    ``groups=1`` normalises each sample over everything (LayerNormalization over all axes, per-channel
    gamma and beta); ``groups=C`` is instance normalisation. ``groups`` must divide the channels.
    Weights: gamma (C,) (``scale=True``), beta (C,) (``center=True``), Keras's names and order.
    Shape: any (batch, ..., C), unchanged. Computed as Keras: ``x * inv + (beta - mean * inv)`` with
    ``inv = gamma / sqrt(var + epsilon)``.
    """

    PASSES_MASKS = True  # as Keras's: the mask goes on unchanged

    def __init__(self, groups: int = 32, axis: int = -1, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        if isinstance(groups, bool) or not isinstance(groups, int) or groups <= 0:
            raise ValueError(f"GroupNormalization: groups must be a positive integer, got {groups!r}")
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise ValueError(f"GroupNormalization: axis must be an int, got {axis!r}")
        self.groups, self.axis, self.epsilon, self.center, self.scale = groups, axis, float(epsilon), center, scale
        self.beta_initializer = initializers.standardize(beta_initializer)
        self.gamma_initializer = initializers.standardize(gamma_initializer)
        self.beta_regularizer, self.gamma_regularizer = regularizers.get(beta_regularizer), \
            regularizers.get(gamma_regularizer)  # fmt: skip
        self.beta_constraint, self.gamma_constraint = constraints.get(beta_constraint), \
            constraints.get(gamma_constraint)  # fmt: skip
        if self.input_shape_hint is not None:
            self._ensure_built(self.input_shape_hint)

    def build(self, input_shape) -> None:
        if not -len(input_shape) <= self.axis < len(input_shape) or self.axis % len(input_shape) == 0:
            raise ValueError(f"GroupNormalization '{self.name}': axis {self.axis} is not a channel axis of inputs of "
                             f"shape {input_shape}")  # fmt: skip
        channels = input_shape[self.axis]
        if channels < self.groups or channels % self.groups:
            raise ValueError(f"GroupNormalization '{self.name}': groups={self.groups} must divide the {channels} "
                             f"channels (and not exceed them)")  # fmt: skip
        if self.scale:
            self.add_weight(shape=(channels,), initializer=self.gamma_initializer, regularizer=self.gamma_regularizer,
                            constraint=self.gamma_constraint, name="gamma")  # fmt: skip
        if self.center:
            self.add_weight(shape=(channels,), initializer=self.beta_initializer, regularizer=self.beta_regularizer,
                            constraint=self.beta_constraint, name="beta")  # fmt: skip

    def call(self, inputs, training=None):
        axis = self.axis % inputs.ndim
        channels = inputs.shape[axis]
        grouped_shape = (*inputs.shape[:axis], self.groups, channels // self.groups, *inputs.shape[axis + 1 :])
        x = ops.reshape(inputs, grouped_shape)
        reduce = tuple(a for a in range(1, x.ndim) if a != axis)  # all but the batch and the group axes
        mean = ops.mean(x, axis=reduce, keepdims=True)
        centered = x - mean
        variance = ops.mean(centered * centered, axis=reduce, keepdims=True)
        per_channel = [1] * x.ndim
        per_channel[axis], per_channel[axis + 1] = self.groups, channels // self.groups
        inv = (variance + self.epsilon) ** -0.5
        if self.scale:
            inv = inv * ops.reshape(self.gamma, per_channel)
        shift = -mean * inv
        if self.center:
            shift = shift + ops.reshape(self.beta, per_channel)
        return ops.reshape(x * inv + shift, inputs.shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "groups": self.groups, "axis": self.axis, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale,
                **{name: config_value(getattr(self, name)) for name in (
                    "beta_initializer", "gamma_initializer", "beta_regularizer", "gamma_regularizer",
                    "beta_constraint", "gamma_constraint")}}  # fmt: skip
