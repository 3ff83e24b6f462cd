"""``Layer``, the base of the Keras-style layers, and the base of those with a kernel and a bias.

Each layer is an :class:`nabla.nn.Module` (one module system, not two) with
Keras's vocabulary: configuration in ``__init__``, weights created in
``build(input_shape)`` once the input size is known (at the first call, or
at once when ``input_shape`` is given), computation in ``call``, and a
JSON-able ``get_config()``. Images are channels-last, (N, H, W, C), as in
Keras; kernels use Keras's layouts (Dense (in, units), Conv2D (kh, kw, in, out)).
"""

from __future__ import annotations

import numpy as np

from ...nn import Module, Parameter
from .. import activations, initializers, regularizers
from .._engine import Tensor, dtypes
from ..utils.naming import auto_name


class Layer(Module):
    """Base of the Keras-style layers: lazy ``build``, ``call``, ``get_config``, regularization losses."""

    def __init__(self, name: str | None = None, trainable: bool = True, input_shape=None, dtype=None, **kwargs):
        super().__init__()
        if kwargs:
            raise TypeError(f"{type(self).__name__}: unexpected arguments {sorted(kwargs)}")
        self.name = name or auto_name(type(self).__name__)
        self.built = False
        self.dtype = dtypes.resolve(dtype) or dtypes.default_float
        self._trainable = trainable
        self._regularized: list[tuple[Parameter, object]] = []
        self.input_shape_hint = None if input_shape is None else (None, *tuple(input_shape))
        self.output_shape_seen = None

    # --- building -------------------------------------------------------------------

    def build(self, input_shape: tuple) -> None:
        """Create the weights for inputs of ``input_shape`` (batch axis first, may be None)."""

    def _ensure_built(self, input_shape: tuple) -> None:
        if not self.built:
            self.build(tuple(input_shape))
            self.built = True
            self.trainable = self._trainable

    def add_weight(self, name: str, shape, initializer="glorot_uniform", regularizer=None, trainable=True):
        """Create, initialise and register a weight (a Parameter; non-trainable ones get no gradient)."""
        values = initializers.get(initializer)(tuple(shape))
        p = Parameter(Tensor._make(np.asarray(values, dtype=self.dtype)), requires_grad=trainable)
        setattr(self, name, p)
        reg = regularizers.get(regularizer)
        if reg is not None:
            self._regularized.append((p, reg))
        return p

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        """Freezing a layer stops its weights from training (Keras's ``layer.trainable = False``).

        As in Keras the flag is recursive: it is set on every layer inside (a frozen base model's
        BatchNormalization then runs in inference mode and keeps its moving statistics).
        """
        for layer in self.modules():
            if isinstance(layer, Layer):
                layer._trainable = bool(value)
        for p in self.parameters():
            p.requires_grad = bool(value)

    @property
    def losses(self) -> list[Tensor]:
        """The regularization penalties of this layer's weights, for the current weight values."""
        return [reg(p) for p, reg in self._regularized]

    @property
    def weights(self) -> list[Tensor]:
        return list(self.parameters()) + [b for b in self.buffers() if b.dtype.kind == "f"]

    # --- running --------------------------------------------------------------------

    def call(self, inputs, training: bool | None = None):
        raise NotImplementedError(f"{type(self).__name__} must define call()")

    def forward(self, inputs, training: bool | None = None):
        if not isinstance(inputs, Tensor):
            inputs = Tensor._make(np.asarray(inputs, dtype=self.dtype))
        self._ensure_built((None,) + inputs.shape[1:])
        out = self.call(inputs, training=self.training if training is None else training)
        self.output_shape_seen = (None,) + out.shape[1:]
        return out

    def get_config(self) -> dict:
        config = {"name": self.name, "trainable": self.trainable}
        if self.input_shape_hint is not None:
            config["input_shape"] = list(self.input_shape_hint[1:])
        return config

    @classmethod
    def from_config(cls, config: dict) -> Layer:
        return cls(**config)

    def extra_repr(self) -> str:
        return f"name={self.name!r}"


def config_value(value):
    """An activation, initializer or regularizer as a JSON-able value for get_config."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, regularizers.Regularizer):
        return value.get_config()
    name = activations.name_of(value)
    if name is None:
        raise ValueError(f"cannot save {value!r} in a config: use a name (a string) for it to be savable")
    return name


class _KernelLayer(Layer):
    """Shared by Dense and Conv2D: a kernel, an optional bias, their initializers and regularizers, an activation."""

    def __init__(
        self,
        activation=None,
        use_bias: bool = True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        initializers.get(kernel_initializer), initializers.get(bias_initializer)  # unknown names fail here
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)

    def _add_kernel_and_bias(self, kernel_shape: tuple, units: int) -> None:
        self.add_weight("kernel", kernel_shape, self.kernel_initializer, self.kernel_regularizer)
        if self.use_bias:
            self.add_weight("bias", (units,), self.bias_initializer, self.bias_regularizer)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "activation": config_value(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": config_value(self.kernel_initializer),
            "bias_initializer": config_value(self.bias_initializer),
            "kernel_regularizer": config_value(self.kernel_regularizer),
            "bias_regularizer": config_value(self.bias_regularizer),
        }
