"""Activation layers with options: ``Softmax(axis)``, ``ReLU``, ``LeakyReLU``, ``PReLU``, ``ELU``, ``Identity``.

``Activation("relu")`` (in :mod:`.core`) applies an activation by name with its default options; these
layers are Keras's for the activations that take arguments (the slope of a leaky ReLU, the axis of a
softmax), or, for ``PReLU``, a learned slope. None changes the shape: (batch, ...) -> (batch, ...).
"""

from __future__ import annotations

from .. import activations, constraints, initializers, regularizers
from .._engine import ops
from .arguments import is_number
from .layer import Layer
from .layer_config import config_value


def _non_negative(value, name: str, who: str, allow_none: bool = False) -> float | None:
    if value is None and allow_none:
        return None
    if not is_number(value) or value < 0:
        raise ValueError(f"{who}: {name} must be a number >= 0{' or None' if allow_none else ''}, got {value!r}")
    return float(value)


class Softmax(Layer):
    """``exp(x) / sum(exp(x))`` along ``axis`` (default -1, the last), computed stably (max subtracted).

    ``axis`` may be a list of axes: the softmax is then over all of them together,
    ``exp(x - logsumexp(x, axis))``, as Keras does. The TF 2 quickstart turns logits into
    probabilities with ``Sequential([model, Softmax()])``. Parameters: 0.
    """

    INTEGER_TENSORS = "refuse"  # TensorFlow's kernel takes floats only, as Keras on TensorFlow
    BUILT_AT_INIT = True  # no weights (Keras 3 marks it built at construction)
    PASSES_MASKS = True  # as Keras's: the mask goes on unchanged

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        axes = list(axis) if isinstance(axis, (list, tuple)) else [axis]
        if not axes or not all(isinstance(a, int) and not isinstance(a, bool) for a in axes):
            raise ValueError(f"Softmax: axis must be an int or a list of ints, got {axis!r}")
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else axis

    def call(self, inputs, training=None):
        if isinstance(self.axis, list) and len(self.axis) > 1:
            return ops.exp(inputs - ops.logsumexp(inputs, axis=tuple(self.axis), keepdims=True))
        # (keras.activations.softmax, as Keras's layer: the output remembers its logits for the cross-entropies)
        return activations.softmax(inputs, axis=self.axis[0] if isinstance(self.axis, list) else self.axis)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}


class ReLU(Layer):
    """Keras's ReLU with a ceiling, a leak and a threshold. With ``t = threshold``, ``m = max_value``,
    ``a = negative_slope`` (all >= 0)::

        f(x) = min(x, m)      for x > t   (no ceiling when m is None)
        f(x) = a * (x - t)    for x < t   (0 by default)

    and ``f(t) = 0``, computed as Keras does it (``x * (x > t)``, clipped to [0, m], minus
    ``a * relu(t - x)``), so values and gradients agree everywhere. ``ReLU(max_value=6)`` is ReLU6.
    Parameters: 0.
    """

    BUILT_AT_INIT = True  # no weights (Keras 3 marks it built at construction)
    PASSES_MASKS = True  # as Keras's: the mask goes on unchanged

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        self.max_value = _non_negative(max_value, "max_value", "ReLU", allow_none=True)
        self.negative_slope = _non_negative(negative_slope, "negative_slope", "ReLU")
        self.threshold = _non_negative(threshold, "threshold", "ReLU")

    def call(self, inputs, training=None):
        return activations.relu(inputs, self.negative_slope, self.max_value, self.threshold)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "max_value": self.max_value,
            "negative_slope": self.negative_slope,
            "threshold": self.threshold,
        }


class LeakyReLU(Layer):
    """``x`` for x >= 0, ``negative_slope * x`` below: Keras's default slope is 0.3 (PyTorch's 0.01).

    Keras 2's name for the slope, ``alpha=``, is accepted too (TF 2 material writes
    ``LeakyReLU(alpha=0.1)``; Keras 3 warns that it is deprecated, nabla takes it quietly). Parameters: 0.
    """

    INTEGER_TENSORS = "cast"  # integer tensors are computed in float32, as Keras on TensorFlow
    BUILT_AT_INIT = True  # no weights (Keras 3 marks it built at construction)
    PASSES_MASKS = True  # as Keras's: the mask goes on unchanged

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        self.negative_slope = _non_negative(negative_slope, "negative_slope", "LeakyReLU")

    def call(self, inputs, training=None):
        return ops.leaky_relu(inputs, self.negative_slope)

    def get_config(self) -> dict:
        return {**super().get_config(), "negative_slope": self.negative_slope}


class ELU(Layer):
    """``x`` for x > 0, ``alpha * (exp(x) - 1)`` below (Clevert et al., 2015). Parameters: 0.

    The config holds ``alpha`` (Keras 3's ELU leaves it out of its config, so that a reloaded Keras ELU
    has alpha 1; nabla keeps it).
    """

    INTEGER_TENSORS = "refuse"  # TensorFlow's kernel takes floats only, as Keras on TensorFlow
    BUILT_AT_INIT = True  # no weights (Keras 3 marks it built at construction)
    PASSES_MASKS = True  # as Keras's: the mask goes on unchanged

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        if not is_number(alpha):
            raise ValueError(f"ELU: alpha must be a number, got {alpha!r}")
        self.alpha = float(alpha)

    def call(self, inputs, training=None):
        return ops.elu(inputs, self.alpha)

    def get_config(self) -> dict:
        return {**super().get_config(), "alpha": self.alpha}


class PReLU(Layer):
    """Leaky ReLU with a learned slope (He et al., 2015): ``relu(x) - alpha * relu(-x)``.

    ``alpha`` has the shape of one sample, (d1, d2, ...), with size 1 along each of ``shared_axes``
    (axes counted with the batch axis as 0, as in Keras: on (batch, H, W, C) images,
    ``shared_axes=[1, 2]`` learns one slope per channel). Args: ``alpha_initializer="zeros"`` (so it
    starts as a ReLU; Keras's class names such as "Zeros" are accepted), ``alpha_regularizer``,
    ``alpha_constraint`` (applied by the optimizer after each update). Parameters: ``alpha.size``.
    """

    PASSES_MASKS = True  # as Keras's: the mask goes on unchanged
    INTEGER_TENSORS = "refuse"  # Keras on TensorFlow refuses them (an integer input times the float alpha)

    def __init__(
        self, alpha_initializer="zeros", alpha_regularizer=None, alpha_constraint=None, shared_axes=None, **kwargs
    ):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.standardize(alpha_initializer)  # an unknown name fails here
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        axes = [shared_axes] if isinstance(shared_axes, int) else shared_axes
        if axes is not None and not all(isinstance(a, int) and a >= 1 for a in axes):
            raise ValueError(f"PReLU: shared_axes must be axes >= 1 (0 is the batch axis), got {shared_axes!r}")
        self.shared_axes = None if axes is None else list(axes)
        if self.input_shape_hint is not None:
            self._ensure_built(self.input_shape_hint)

    def build(self, input_shape) -> None:
        shape = list(input_shape[1:])
        for axis in self.shared_axes or ():
            if axis > len(shape):
                raise ValueError(f"PReLU '{self.name}': shared axis {axis} is beyond inputs of shape {input_shape}")
            shape[axis - 1] = 1
        self.alpha = self.add_weight(
            shape=shape,
            initializer=self.alpha_initializer,
            regularizer=self.alpha_regularizer,
            constraint=self.alpha_constraint,
            name="alpha",
        )

    def call(self, inputs, training=None):
        return ops.relu(inputs) - self.alpha * ops.relu(-inputs)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "alpha_initializer": config_value(self.alpha_initializer),
            "alpha_regularizer": config_value(self.alpha_regularizer),
            "alpha_constraint": config_value(self.alpha_constraint),
            "shared_axes": self.shared_axes,
        }


class Identity(Layer):
    """Returns its input unchanged (a placeholder in a list of layers). Parameters: 0."""

    BUILT_AT_INIT = True  # no weights (Keras 3 marks it built at construction)
    PASSES_MASKS = True  # as Keras's: the mask goes on unchanged

    def call(self, inputs, training=None):
        return inputs
