"""Keras-style layers: ``Dense(units, activation="relu", input_shape=(2,))``.

Each layer is an :class:`nabla.nn.Module` (one module system, not two) with
Keras's vocabulary: configuration in ``__init__``, weights created in
``build(input_shape)`` once the input size is known (at the first call, or
at once when ``input_shape`` is given), computation in ``call``, and a
JSON-able ``get_config()``. Images are channels-last, (N, H, W, C), as in
Keras; kernels use Keras's layouts (Dense (in, units), Conv2D (kh, kw, in, out)).
"""

from __future__ import annotations

import math
import numbers
import re
from collections import defaultdict

import numpy as np

from ...nn import Module, Parameter
from ...nn.functional import _inverse_std, dropout, running_update
from .. import activations, initializers, regularizers
from .._engine import (
    TRANSLATE_FILL_MODES,
    TRANSLATE_INTERPOLATIONS,
    Tensor,
    dtypes,
    ops,
    recompute,
    sample,
    translate,
    update_in_place,
)
from .._engine import random as _random

_name_counts: defaultdict[str, int] = defaultdict(int)


def _unique_name(base: str) -> str:
    n = _name_counts[base]
    _name_counts[base] += 1
    return base if n == 0 else f"{base}_{n}"


def clear_session() -> None:
    """Restart automatic layer names from "dense", "dense_1"... (Keras's ``clear_session``)."""
    _name_counts.clear()


def snake_case(name: str) -> str:
    """Keras's rule for default names: ``Conv2D`` -> ``conv2d``, ``MaxPooling2D`` -> ``max_pooling2d``."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


class Layer(Module):
    """Base of the Keras-style layers: lazy ``build``, ``call``, ``get_config``, regularization losses."""

    def __init__(self, name: str | None = None, trainable: bool = True, input_shape=None, dtype=None, **kwargs):
        super().__init__()
        if kwargs:
            raise TypeError(f"{type(self).__name__}: unexpected arguments {sorted(kwargs)}")
        self.name = name or _unique_name(snake_case(type(self).__name__))
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


def _serialize(value):
    """An activation, initializer or regularizer as a JSON-able value for get_config."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, regularizers.Regularizer):
        return value.get_config()
    name = activations.name_of(value)
    if name is None:
        raise ValueError(f"cannot save {value!r} in a config: use a name (a string) for it to be savable")
    return name


class InputLayer(Layer):
    """Declares the input shape of a Sequential model: ``Sequential([Input((3,)), Dense(4)])``. No weights."""

    def __init__(self, shape=None, name: str | None = None, **kwargs):
        if shape is None:
            shape = kwargs.pop("input_shape", None)
        if shape is None:
            raise ValueError("Input: give the shape of one sample, e.g. Input(shape=(784,))")
        super().__init__(name=name, input_shape=tuple(shape), **kwargs)

    def call(self, inputs, training=None):
        return inputs

    def get_config(self) -> dict:
        return {"name": self.name, "shape": list(self.input_shape_hint[1:])}


def Input(shape=None, name: str | None = None, **kwargs) -> InputLayer:  # noqa: N802 - Keras's name
    """The input of a Sequential model, ``Input(shape=(features,))``."""
    return InputLayer(shape=shape, name=name, **kwargs)


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
            "activation": _serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": _serialize(self.kernel_initializer),
            "bias_initializer": _serialize(self.bias_initializer),
            "kernel_regularizer": _serialize(self.kernel_regularizer),
            "bias_regularizer": _serialize(self.bias_regularizer),
        }


class Dense(_KernelLayer):
    """Fully connected layer: ``activation(x @ kernel + bias)``.

    Args: ``units``; ``activation`` (a name or function; None = linear);
    ``use_bias=True``; ``kernel_initializer="glorot_uniform"``;
    ``bias_initializer="zeros"``; ``kernel_regularizer`` / ``bias_regularizer``
    (e.g. ``nabla.regularizers.l2(1e-4)``); ``input_shape`` (of one sample) to
    build at once.

    Shape: (batch, ..., in) -> (batch, ..., units); kernel (in, units).
    Parameters: ``in * units + units``.

    Example::

        >>> model = Sequential([Dense(4, activation="relu", input_shape=(3,)), Dense(3, activation="softmax")])
        >>> model.count_params()
        31
    """

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
        return self.activation(ops.dense(inputs, self.kernel, self.bias if self.use_bias else None))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "units": self.units,
        }


class Activation(Layer):
    """Applies an activation by name: ``Activation("relu")``."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs, training=None):
        return self.activation(inputs)

    def get_config(self) -> dict:
        return {**super().get_config(), "activation": _serialize(self.activation)}


class Dropout(Layer):
    """Inverted dropout with probability ``rate``, active only while training."""

    def __init__(self, rate: float, **kwargs):
        super().__init__(**kwargs)
        if not 0.0 <= rate < 1.0:
            raise ValueError(f"Dropout: rate must be in [0, 1), got {rate}")
        self.rate = float(rate)

    def call(self, inputs, training=None):
        return dropout(inputs, self.rate, bool(training))

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate}


class Flatten(Layer):
    """(batch, d1, d2, ...) -> (batch, d1 * d2 * ...)."""

    def call(self, inputs, training=None):
        return inputs.reshape(inputs.shape[0], -1)


# --- noise and augmentation: active only while training -----------------------------------
#
# NOTE on ``seed``: Keras gives each of these layers its own seed generator. nabla has one
# generator (nabla.random), so that ``nb.manual_seed(s)`` alone makes a whole run reproducible;
# the layers accept ``seed`` and keep it in their config for compatibility, and draw from it.


def _is_number(v) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def _check_seed(seed, who: str) -> int | None:
    """Keras's ``seed`` argument: None or an int (kept in the config; see the NOTE above)."""
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
        raise ValueError(f"{who}: seed must be an integer or None, got {seed!r}")
    return None if seed is None else int(seed)


def _noise_dtype(inputs: Tensor, fallback):
    """The float dtype of the noise for ``inputs`` (theirs if float, else the layer's)."""
    return inputs.dtype if inputs.dtype.kind == "f" else np.dtype(fallback)


class GaussianNoise(Layer):
    """Adds zero-centred Gaussian noise while training: ``x + N(0, stddev^2)``, identity at inference.

    Args: ``stddev`` (in [0, 1], as Keras checks); ``seed`` (accepted and
    saved for Keras compatibility; the noise comes from nabla's one
    generator, so ``nb.manual_seed`` makes it reproducible).

    Shape: any, unchanged. Parameters: 0. Gradients flow through (the noise is a constant).

    Example::

        >>> layer = GaussianNoise(0.1)
        >>> layer(np.zeros((2, 3)), training=False).numpy()
        array([[0., 0., 0.],
               [0., 0., 0.]], dtype=float32)
    """

    def __init__(self, stddev: float, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        if not _is_number(stddev) or not 0.0 <= stddev <= 1.0:
            raise ValueError(f"GaussianNoise: stddev must be a number in [0, 1], got {stddev!r}")
        self.stddev, self.seed = float(stddev), _check_seed(seed, "GaussianNoise")

    def call(self, inputs, training=None):
        if not training or self.stddev == 0.0:
            return inputs
        return inputs + sample("normal", inputs.shape, _noise_dtype(inputs, self.dtype), scale=self.stddev)

    def get_config(self) -> dict:
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


class GaussianDropout(Layer):
    """Multiplies by 1-centred Gaussian noise while training: ``x * N(1, rate / (1 - rate))``.

    The noise has the variance of inverted dropout's multiplier with drop
    probability ``rate`` (Srivastava et al., 2014, section 10), so the mean
    is unchanged; identity at inference.

    Args: ``rate`` in [0, 1) (Keras accepts 1 and then divides by zero at the
    first call); ``seed`` (accepted and saved for Keras compatibility; the
    noise comes from nabla's one generator, so ``nb.manual_seed`` makes it
    reproducible).

    Shape: any, unchanged. Parameters: 0. Gradients flow through (the noise is a constant).
    """

    def __init__(self, rate: float, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        if not _is_number(rate) or not 0.0 <= rate < 1.0:
            raise ValueError(f"GaussianDropout: rate must be a number in [0, 1), got {rate!r}")
        self.rate, self.seed = float(rate), _check_seed(seed, "GaussianDropout")

    def call(self, inputs, training=None):
        if not training or self.rate == 0.0:
            return inputs
        scale = math.sqrt(self.rate / (1.0 - self.rate))
        return inputs * sample("normal", inputs.shape, _noise_dtype(inputs, self.dtype), scale=scale, shift=1.0)

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


def _translation_factor(factor, name: str) -> tuple[float | list[float], tuple[float, float]]:
    """Keras's translation factor: ``f`` means (-|f|, |f|), a pair (lo, hi) is sorted; each in [-1, 1].

    Returns the factor as given, JSON-able (for get_config), and the range (lo, hi).
    """
    if _is_number(factor):
        given = float(factor)
        lo, hi = -abs(given), abs(given)
    elif isinstance(factor, (tuple, list)) and len(factor) == 2 and all(_is_number(v) for v in factor):
        given = [float(v) for v in factor]
        lo, hi = sorted(given)  # Keras sorts a reversed pair rather than refusing it
    else:
        raise ValueError(f"RandomTranslation: {name} must be a number or a pair (lo, hi) of numbers, got {factor!r}")
    if not -1.0 <= lo <= hi <= 1.0:
        raise ValueError(f"RandomTranslation: {name} must lie in [-1, 1] (a fraction of the image), got {factor!r}")
    return given, (lo, hi)


class RandomTranslation(Layer):
    """Shifts each image by its own random amount while training; identity at inference (Keras's layer).

    Each image n of a batch moves down by ``dy[n] = u * H`` pixels, with u
    uniform in [lo, hi] of ``height_factor``, and right by ``dx[n] = v * W``
    with v uniform in the ``width_factor`` range (a negative shift moves it
    up or left). A factor ``f`` means the range (-|f|, |f|); a pair means
    (lo, hi), both fractions of the image in [-1, 1]. So the output pixel
    (y, x) is the input at (y - dy, x - dx), read as :func:`nabla.backend.translate`
    does (exactly Keras's ``affine_transform`` with the translation matrix):

    * ``interpolation``: "bilinear" (the four neighbours of a fractional
      position, weighted) or "nearest" (rounded half to even).
    * ``fill_mode`` for positions outside the image: "reflect"
      (``d c b a | a b c d | d c b a``), "wrap" (``a b c d | a b c d``),
      "constant" (``fill_value``), "nearest" (``a a a a | a b c d``).

    The output is float (integer images are converted to the layer's dtype).
    As a preprocessing layer it computes on arrays: in training mode its
    output is a constant, no gradient flows back to its input (put it
    first, after the input). Parameters: 0.

    Randomness: ``seed`` is accepted and saved for Keras compatibility; the
    shifts come from nabla's one generator, so ``nb.manual_seed`` governs
    reproducibility (one stream for the whole run, as everywhere in nabla).
    ``data_format`` may only be "channels_last" (or None).

    Shape: (N, H, W, C) or one image (H, W, C), unchanged.

    Example::

        >>> import nabla as nb
        >>> _ = nb.manual_seed(0)
        >>> layer = RandomTranslation(0.1, 0.1, fill_mode="constant")
        >>> layer(np.ones((2, 28, 28, 1)), training=True).shape
        (2, 28, 28, 1)
    """

    def __init__(
        self,
        height_factor,
        width_factor,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        data_format: str | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.height_factor, (self.height_lower, self.height_upper) = _translation_factor(height_factor, "height_factor")
        self.width_factor, (self.width_lower, self.width_upper) = _translation_factor(width_factor, "width_factor")
        if fill_mode not in TRANSLATE_FILL_MODES:
            raise ValueError(f"RandomTranslation: fill_mode must be one of {TRANSLATE_FILL_MODES}, got {fill_mode!r}")
        if interpolation not in TRANSLATE_INTERPOLATIONS:
            raise ValueError(
                f"RandomTranslation: interpolation must be one of {TRANSLATE_INTERPOLATIONS}, got {interpolation!r}"
            )
        if data_format not in (None, "channels_last"):
            raise ValueError(f"RandomTranslation: nabla's images are channels-last, got data_format={data_format!r}")
        self.fill_mode, self.interpolation = fill_mode, interpolation
        self.seed = _check_seed(seed, "RandomTranslation")
        self.fill_value = float(fill_value)

    def call(self, inputs, training=None):
        if inputs.ndim not in (3, 4):
            raise ValueError(
                f"RandomTranslation '{self.name}' needs (batch, H, W, C) or (H, W, C) images, got shape {inputs.shape}"
            )
        if inputs.dtype.kind != "f":
            inputs = inputs.astype(self.dtype)
        if not training:
            return inputs
        n = inputs.shape[0] if inputs.ndim == 4 else 1
        height, width = inputs.shape[-3], inputs.shape[-2]
        g = _random.generator()
        dy = g.uniform(self.height_lower, self.height_upper, size=n) * height  # Keras draws the heights first
        dx = g.uniform(self.width_lower, self.width_upper, size=n) * width
        out = translate(inputs._data, dy, dx, self.fill_mode, self.interpolation, self.fill_value)
        return Tensor._make(out)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "height_factor": self.height_factor,
            "width_factor": self.width_factor,
            "fill_mode": self.fill_mode,
            "interpolation": self.interpolation,
            "seed": self.seed,
            "fill_value": self.fill_value,
        }


class _Normalization(Layer):
    """Shared by the normalisation layers: learnable ``gamma`` (scale) and ``beta`` (shift) per feature of ``axis``."""

    def __init__(self, axis: int = -1, epsilon: float = 1e-3, center: bool = True, scale: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.axis, self.epsilon, self.center, self.scale = axis, epsilon, center, scale

    def build(self, input_shape) -> None:
        n = input_shape[self.axis]
        if self.scale:
            self.add_weight("gamma", (n,), "ones")
        if self.center:
            self.add_weight("beta", (n,), "zeros")

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
        self.register_buffer("moving_mean", Tensor._make(np.zeros(n, dtype=self.dtype)))
        self.register_buffer("moving_variance", Tensor._make(np.ones(n, dtype=self.dtype)))

    def call(self, inputs, training=None):
        axis = self.axis % inputs.ndim
        reduce = tuple(a for a in range(inputs.ndim) if a != axis)
        shape = self._feature_shape(inputs)
        if training and self.trainable:
            mean = inputs.mean(axis=reduce, keepdims=True)
            centered = inputs - mean
            var = (centered * centered).mean(axis=reduce, keepdims=True)
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


def _pair(v, name: str) -> tuple[int, int]:
    pair = (v, v) if isinstance(v, (int, np.integer)) else tuple(v)
    if len(pair) != 2 or not all(isinstance(n, (int, np.integer)) and n > 0 for n in pair):
        raise ValueError(f"{name} must be a positive int or a pair of them, got {v!r}")
    return tuple(int(n) for n in pair)


def _same_padding(size: int, k: int, s: int, d: int = 1) -> tuple[int, int]:
    """Keras/TensorFlow "same": output ceil(size / s); extra padding goes after (bottom/right)."""
    out = math.ceil(size / s)
    total = max((out - 1) * s + (k - 1) * d + 1 - size, 0)
    return total // 2, total - total // 2


def _check_padding(padding: str, who: str) -> str:
    if padding not in ("valid", "same"):
        raise ValueError(f"{who}: padding must be 'valid' or 'same', got {padding!r}")
    return padding


class Conv2D(_KernelLayer):
    """2-D convolution on channels-last images: (batch, H, W, C) -> (batch, OH, OW, filters).

    ``padding="valid"`` (none) or ``"same"`` (output size ceil(H / stride)).
    Kernel (kh, kw, in, filters), Glorot-uniform by default.
    Parameters: ``kh * kw * in * filters + filters``.
    """

    def __init__(
        self,
        filters: int,
        kernel_size,
        strides=(1, 1),
        padding: str = "valid",
        dilation_rate=(1, 1),
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
        if not isinstance(filters, (int, np.integer)) or filters <= 0:
            raise ValueError(f"Conv2D: filters must be a positive integer, got {filters!r}")
        self.filters = int(filters)
        self.kernel_size, self.strides = _pair(kernel_size, "kernel_size"), _pair(strides, "strides")
        self.dilation_rate = _pair(dilation_rate, "dilation_rate")
        self.padding = _check_padding(padding, "Conv2D")
        if self.input_shape_hint is not None:
            self._ensure_built(self.input_shape_hint)

    def build(self, input_shape) -> None:
        if len(input_shape) != 4:
            raise ValueError(f"Conv2D '{self.name}' needs (batch, height, width, channels) inputs, got {input_shape}")
        self._add_kernel_and_bias((*self.kernel_size, input_shape[-1], self.filters), self.filters)

    def call(self, inputs, training=None):
        if inputs.ndim != 4 or inputs.shape[-1] != self.kernel.shape[2]:
            raise ValueError(
                f"Conv2D '{self.name}' expects (batch, H, W, {self.kernel.shape[2]}) inputs, got shape {inputs.shape}"
            )
        x = inputs.permute(0, 3, 1, 2)  # NHWC -> NCHW, a view
        if self.padding == "same":
            pads = [
                _same_padding(x.shape[2 + i], self.kernel_size[i], self.strides[i], self.dilation_rate[i])
                for i in (0, 1)
            ]
            x = ops.pad(x, ((0, 0), (0, 0), pads[0], pads[1]))
        weight = self.kernel.permute(3, 2, 0, 1)  # (kh, kw, in, out) -> (out, in, kh, kw)
        out = ops.conv2d(x, weight, self.bias if self.use_bias else None, self.strides, 0, self.dilation_rate)
        return self.activation(out.permute(0, 2, 3, 1))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": list(self.kernel_size),
            "strides": list(self.strides),
            "padding": self.padding,
            "dilation_rate": list(self.dilation_rate),
        }


class _Pooling2D(Layer):
    _pool = None
    _fill = 0.0

    def __init__(self, pool_size=(2, 2), strides=None, padding: str = "valid", **kwargs):
        super().__init__(**kwargs)
        self.pool_size = _pair(pool_size, "pool_size")
        self.strides = self.pool_size if strides is None else _pair(strides, "strides")
        self.padding = _check_padding(padding, type(self).__name__)

    def call(self, inputs, training=None):
        if inputs.ndim != 4:
            raise ValueError(f"{type(self).__name__} '{self.name}' needs (batch, H, W, C) inputs, got {inputs.shape}")
        x = inputs.permute(0, 3, 1, 2)
        if self.padding == "same":
            pads = [_same_padding(x.shape[2 + i], self.pool_size[i], self.strides[i]) for i in (0, 1)]
            x = ops.pad(x, ((0, 0), (0, 0), pads[0], pads[1]), value=self._fill)
        return type(self)._pool(x, self.pool_size, self.strides).permute(0, 2, 3, 1)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "pool_size": list(self.pool_size),
            "strides": list(self.strides),
            "padding": self.padding,
        }


class MaxPooling2D(_Pooling2D):
    """Largest value of each ``pool_size`` window of channels-last images."""

    _pool = staticmethod(ops.max_pool2d)
    _fill = -math.inf


class AveragePooling2D(_Pooling2D):
    """Mean of each ``pool_size`` window of channels-last images.

    With ``padding="same"`` the mean is over the window's positions inside
    the image: the padding is left out, as in Keras (a 2x2 window on the
    last row of an odd-sized image averages 2 values, not 2 values and 2 zeros).
    """

    _pool = staticmethod(ops.avg_pool2d)

    def call(self, inputs, training=None):
        out = super().call(inputs, training)
        if self.padding == "same":
            # NOTE: the pooled padded zeros give sum / window_size; the same pooling of a mask of ones gives
            # (positions inside the image) / window_size, so the ratio is the mean over real positions only.
            inside = super().call(Tensor._make(np.ones((1, *inputs.shape[1:3], 1), dtype=inputs.dtype)))
            out = out / inside
        return out


#: Layer classes by name, for loading saved models.
LAYERS = {
    cls.__name__: cls
    for cls in (
        InputLayer,
        Dense,
        Activation,
        Dropout,
        Flatten,
        GaussianNoise,
        GaussianDropout,
        RandomTranslation,
        BatchNormalization,
        LayerNormalization,
        Conv2D,
        MaxPooling2D,
        AveragePooling2D,
    )
}
