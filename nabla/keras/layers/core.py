"""The core layers: ``Input``, ``Dense``, ``Activation``, ``Flatten``, ``Lambda``, ``Masking``."""

from __future__ import annotations

import numpy as np

from .. import activations
from .._engine import Tensor, ops
from ..strings import resolve_dtype
from ..symbolic import KerasTensor
from ..utils.naming import auto_name
from .kernel_layer import KernelLayer
from .layer import Layer
from .layer_config import config_value
from .layer_inputs import numpy_dtype, ragged_refused


class InputLayer(Layer):
    """Declares the input shape of a Sequential model: ``Sequential([Input((3,)), Dense(4)])``. No weights."""

    BUILT_AT_INIT = True  # no weights (Keras 3 marks it built at construction)

    def __init__(self, shape=None, name: str | None = None, **kwargs):
        if kwargs.pop("ragged", None):
            raise ragged_refused("InputLayer")
        if shape is None:
            shape = kwargs.pop("input_shape", None)
        if shape is None:
            raise ValueError("Input: give the shape of one sample, e.g. Input(shape=(784,))")
        dtype = kwargs.pop("dtype", None)
        super().__init__(name=name, input_shape=tuple(shape), **kwargs)
        self.dtype = resolve_dtype(dtype) or self.dtype  # (strings too: keras.Input(dtype="string"))

    def call(self, inputs, training=None):
        return inputs

    def get_config(self) -> dict:
        return {"name": self.name, "shape": list(self.input_shape_hint[1:])}


def Input(  # noqa: N802 - Keras's name
    shape=None,
    batch_size: int | None = None,
    dtype=None,
    sparse=None,
    batch_shape=None,
    name: str | None = None,
    ragged=None,
) -> KerasTensor:
    """A model's input: ``keras.Input(shape=(784,))``, the shape of one sample (the batch axis is left out).

    It is a symbolic tensor (:class:`nabla.keras.symbolic.KerasTensor`) of shape ``(batch_size, *shape)``:
    start a ``Sequential`` with it, or call layers on it and make a functional model,
    ``keras.Model(inputs, outputs)``. ``batch_shape`` gives the whole shape instead. ``sparse`` tensors
    are not offered (False or None only), nor ``ragged`` ones (see :func:`ragged_refused`).
    """
    if sparse:
        raise ValueError("Input: nabla has no sparse tensors; use dense inputs (sparse=False)")
    if ragged:
        raise ragged_refused("Input")
    if batch_shape is None:
        if shape is None:
            raise ValueError("Input: give the shape of one sample, e.g. Input(shape=(784,))")
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        batch_shape = (batch_size, *shape)
    batch_shape = tuple(batch_shape)
    return KerasTensor(batch_shape, dtype, name=name or auto_name("input_layer"), batch_size=batch_shape[0])


class Dense(KernelLayer):
    """Fully connected layer: ``activation(x @ kernel + bias)``.

    Args: ``units``; ``activation`` (a name or function; None = linear);
    ``use_bias=True``; ``kernel_initializer="glorot_uniform"``;
    ``bias_initializer="zeros"``; ``kernel_regularizer`` / ``bias_regularizer``
    (e.g. ``nabla.regularizers.l2(1e-4)``); ``kernel_constraint`` / ``bias_constraint``
    (e.g. ``keras.constraints.MaxNorm(3)``, applied after each optimizer update);
    ``input_shape`` (of one sample) to build at once.

    Shape: (batch, ..., in) -> (batch, ..., units); kernel (in, units).
    Parameters: ``in * units + units``.

    Example::

        >>> model = Sequential([Dense(4, activation="relu", input_shape=(3,)), Dense(3, activation="softmax")])
        >>> model.count_params()
        31
    """

    PASSES_MASKS = True  # as Keras's: the mask goes on unchanged

    def __init__(
        self,
        units: int,
        activation=None,
        use_bias: bool = True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        **kwargs,
    ):
        super().__init__(
            activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer, **kwargs
        )
        if not isinstance(units, (int, np.integer)) or units <= 0:
            raise ValueError(f"Dense: units must be a positive integer, got {units!r}")
        self.units = int(units)
        if self.input_shape_hint is not None:
            self._ensure_built(self.input_shape_hint)

    def build(self, input_shape) -> None:
        self._add_kernel_and_bias((input_shape[-1], self.units), self.units)

    def call(self, inputs, training=None):
        if inputs.shape[-1] != self.kernel.shape[0]:
            raise ValueError(
                f"Dense layer '{self.name}' expects inputs with {self.kernel.shape[0]} features in the last axis, "
                f"got shape {inputs.shape}"
            )
        if numpy_dtype(inputs).kind != "f":  # integer tensors: Keras's matmul promotes them to the kernel's dtype
            inputs = ops.astype(inputs, self.kernel.dtype)
        return self.activation(ops.dense(inputs, self.kernel, self.bias if self.use_bias else None))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "units": self.units,
        }


class Activation(Layer):
    """Applies an activation by name: ``Activation("relu")``."""

    BUILT_AT_INIT = True  # no weights (Keras 3 marks it built at construction)
    PASSES_MASKS = True  # as Keras's: the mask goes on unchanged

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs, training=None):
        return self.activation(inputs)

    def get_config(self) -> dict:
        return {**super().get_config(), "activation": config_value(self.activation)}


class Flatten(Layer):
    """(batch, d1, d2, ...) -> (batch, d1 * d2 * ...)."""

    def call(self, inputs, training=None):
        return inputs.reshape(inputs.shape[0], -1)


class Lambda(Layer):
    """A layer that applies a function of yours: ``Lambda(lambda x: x * 2)``. No weights.

    ``function(inputs)`` gets the input tensor (or list), and may use ``keras.ops`` or nabla's operations.
    As in Keras, a model holding a Lambda cannot be saved with its config (Python code is not saved);
    save its weights instead.
    """

    PASSES_MASKS = True  # as Keras's: the mask goes on unchanged

    def __init__(self, function, output_shape=None, arguments: dict | None = None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"Lambda: function must be callable, got {type(function).__name__}")
        self.function, self.arguments = function, dict(arguments or {})

    def call(self, inputs, training=None):
        return self.function(inputs, **self.arguments)

    def get_config(self) -> dict:
        raise TypeError(f"Lambda layer '{self.name}' holds Python code, which is not saved: use save_weights")


class Masking(Layer):
    """Marks the time steps whose features all equal ``mask_value`` as padding, for the layers after it.

    ``mask = any(inputs != mask_value, axis=-1)``; the output is the input with the masked steps set to 0
    (Keras 3's ``inputs * mask``). The recurrent layers then skip those steps, GlobalAveragePooling1D
    averages over the others, and the loss of a sequence output leaves them out.

    Args:
        mask_value: the padding value (default 0.0).

    Shape: (batch, timesteps, features) -> the same; the mask is (batch, timesteps). Parameters: 0.

    Example::

        model = keras.Sequential([keras.Input((None, 2)), keras.layers.Masking(0.0), keras.layers.LSTM(4)])
    """

    BUILT_AT_INIT = True  # no weights (Keras 3 marks it built at construction)

    def __init__(self, mask_value: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(mask_value, bool) or not isinstance(mask_value, (int, float, np.number)):
            raise ValueError(f"Masking: mask_value must be a number, got {mask_value!r}")
        self.mask_value = float(mask_value)

    def compute_mask(self, inputs, mask=None) -> Tensor:
        return ops.any(ops.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs, training=None):
        # (ops.not_equal: a tf.Tensor's != refuses the float mask value next to integers, Keras's ops do not)
        keep = ops.any(ops.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        return inputs * keep.astype(inputs.dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "mask_value": self.mask_value}
