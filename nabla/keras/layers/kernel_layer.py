"""``KernelLayer``, the base of the layers with a kernel and a bias: Dense and the convolutions."""

from __future__ import annotations

from .. import activations, constraints, initializers, regularizers
from .layer import Layer
from .layer_config import config_value


class KernelLayer(Layer):
    """Shared by Dense and the convolutions: a kernel, an optional bias, their initializers, regularizers and
    constraints (applied by the optimizer after each update), an activation."""

    def __init__(
        self,
        activation=None,
        use_bias: bool = True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.standardize(kernel_initializer)  # unknown names fail here
        self.bias_initializer = initializers.standardize(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)

    def _add_kernel_and_bias(self, kernel_shape: tuple, units: int) -> None:
        self.add_weight(
            shape=kernel_shape,
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            name="kernel",
        )
        if self.use_bias:
            self.add_weight(
                shape=(units,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                name="bias",
            )

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "activation": config_value(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": config_value(self.kernel_initializer),
            "bias_initializer": config_value(self.bias_initializer),
            "kernel_regularizer": config_value(self.kernel_regularizer),
            "bias_regularizer": config_value(self.bias_regularizer),
            "kernel_constraint": config_value(self.kernel_constraint),
            "bias_constraint": config_value(self.bias_constraint),
        }
