"""Keras 2's backend functions, ``from tensorflow.keras import backend as K``: ``K.sum``, ``K.clip``, ...

Keras 3 dropped them for ``keras.ops``, but much course material still calls them, most often in custom
metrics and losses::

    def recall(y_true, y_pred):
        true_positives = K.sum(K.round(K.clip(y_true * y_pred, 0, 1)))
        possible_positives = K.sum(K.round(K.clip(y_true, 0, 1)))
        return true_positives / (possible_positives + K.epsilon())

and ``K.set_value(model.optimizer.learning_rate, 1e-3)`` / ``K.get_value(...)`` in schedules. Each one
here is Keras 2's (TensorFlow 2.15's ``tf.keras.backend``, the reference of the tests), written over
``keras.ops``, so it differentiates and records on ``keras.Input`` tensors as the ops do. Where Keras 2's
default differs from the op's, Keras 2's holds: ``argmax``/``argmin`` reduce the last axis,
``concatenate`` joins on the last axis, ``expand_dims`` adds a last axis, ``hard_sigmoid`` is
``clip(0.2 x + 0.5, 0, 1)``; ``variable``, ``zeros``, ``ones`` and ``eye`` make variables, as Keras 2's.
"""

from __future__ import annotations

import builtins

import numpy as np

from . import activations, losses, ops
from . import random as keras_random
from .variables import Variable

# (Names kept as Keras 2's, shadowing builtins where it did: K.abs, K.sum, K.max, K.min, K.pow, K.round, K.all...)
# ruff: noqa: A001

abs = ops.abs
all = ops.all
any = ops.any
cast = ops.cast
cos = ops.cos
equal = ops.equal
exp = ops.exp
greater = ops.greater
greater_equal = ops.greater_equal
less = ops.less
less_equal = ops.less_equal
log = ops.log
maximum = ops.maximum
minimum = ops.minimum
not_equal = ops.not_equal
one_hot = ops.one_hot
reshape = ops.reshape
round = ops.round
sigmoid = ops.sigmoid
sign = ops.sign
sin = ops.sin
softplus = ops.softplus
softsign = ops.softsign
sqrt = ops.sqrt
square = ops.square
squeeze = ops.squeeze
stack = ops.stack
stop_gradient = ops.stop_gradient
tanh = ops.tanh
tile = ops.tile
ones_like = ops.ones_like
zeros_like = ops.zeros_like
dot = ops.dot  # (x's last axis with y's second-to-last, as Keras 2's and NumPy's dot)
switch = ops.where


def _reduction(op):
    def reduce(x, axis=None, keepdims: bool = False):
        return op(x, axis=axis, keepdims=keepdims)

    reduce.__name__ = reduce.__qualname__ = op.__name__
    reduce.__doc__ = f"``K.{op.__name__}(x, axis=None, keepdims=False)``: ``keras.ops.{op.__name__}``."
    return reduce


sum, mean, max, min, prod, std, var = map(_reduction, (ops.sum, ops.mean, ops.max, ops.min, ops.prod, ops.std, ops.var))


def argmax(x, axis: int = -1):
    """The index of the largest value along ``axis`` (the last by default, as Keras 2)."""
    return ops.argmax(x, axis=axis)


def argmin(x, axis: int = -1):
    """The index of the smallest value along ``axis`` (the last by default, as Keras 2)."""
    return ops.argmin(x, axis=axis)


def cumsum(x, axis: int = 0):
    return ops.cumsum(x, axis=axis)


def clip(x, min_value, max_value):
    """``x`` clipped to ``[min_value, max_value]``; a ``max_value`` below ``min_value`` becomes ``min_value``
    and None means unbounded, as in Keras 2."""
    if max_value is not None and min_value is not None and max_value < min_value:
        max_value = min_value
    return ops.clip(x, -np.inf if min_value is None else min_value, np.inf if max_value is None else max_value)


def pow(x, a):
    return ops.power(x, a)


def concatenate(tensors, axis: int = -1):
    """The tensors joined along ``axis`` (the last by default, as Keras 2)."""
    return ops.concatenate(tensors, axis=axis)


def expand_dims(x, axis: int = -1):
    """``x`` with a new axis of size 1 at ``axis`` (the last by default, as Keras 2)."""
    return ops.expand_dims(x, axis)


def transpose(x):
    """``x`` with its axes reversed."""
    return ops.transpose(x)


def permute_dimensions(x, pattern):
    return ops.transpose(x, pattern)


def repeat_elements(x, rep: int, axis: int):
    return ops.repeat(x, rep, axis=axis)


def flatten(x):
    """``x`` as one axis."""
    return ops.reshape(x, (-1,))


def batch_flatten(x):
    """``x`` of shape ``(N, ...)`` as ``(N, prod(...))``."""
    return ops.reshape(x, (-1, int(np.prod(x.shape[1:]))))


def gather(reference, indices):
    """The rows ``indices`` of ``reference`` (along its first axis)."""
    return ops.take(reference, indices, axis=0)


def bias_add(x, bias, data_format=None):
    """``x + bias``: the bias on the last (channels) axis; ``data_format="channels_first"`` puts it on axis 1."""
    if data_format == "channels_first" and ops.ndim(x) > 2:
        bias = ops.reshape(bias, (-1,) + (1,) * (ops.ndim(x) - 2))
    return x + bias


def l2_normalize(x, axis=None):
    """``x / sqrt(max(sum(x ** 2), 1e-12))`` over ``axis`` (all axes when None), as ``tf.math.l2_normalize``."""
    return x * ops.rsqrt(ops.maximum(ops.sum(ops.square(x), axis=axis, keepdims=True), 1e-12))


def relu(x, alpha: float = 0.0, max_value=None, threshold: float = 0.0):
    return activations.relu(x, negative_slope=alpha, max_value=max_value, threshold=threshold)


def elu(x, alpha: float = 1.0):
    return activations.elu(x, alpha=alpha)


def softmax(x, axis: int = -1):
    return activations.softmax(x, axis=axis)


def hard_sigmoid(x):
    """Keras 2's piecewise-linear sigmoid, ``clip(0.2 x + 0.5, 0, 1)`` (Keras 3's is ``relu6(x + 3) / 6``)."""
    return ops.clip(x * 0.2 + 0.5, 0.0, 1.0)


def binary_crossentropy(target, output, from_logits: bool = False):
    """Elementwise binary cross-entropy (no mean), as Keras 2's."""
    return ops.binary_crossentropy(target, output, from_logits=from_logits)


def categorical_crossentropy(target, output, from_logits: bool = False, axis: int = -1):
    return ops.categorical_crossentropy(target, output, from_logits=from_logits, axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits: bool = False, axis: int = -1, ignore_class=None):
    """Per-sample cross-entropy of integer labels; those equal to ``ignore_class`` lose 0 and are masked (the
    result's mask, which a loss's mean honours), as tf_keras's."""
    output = ops.moveaxis(ops.convert_to_tensor(output), axis, -1) if axis != -1 else output
    return losses.sparse_categorical_crossentropy(target, output, from_logits=from_logits, ignore_class=ignore_class)


def dropout(x, level: float, noise_shape=None, seed=None):
    return keras_random.dropout(x, level, noise_shape=noise_shape, seed=seed)


def random_normal(shape, mean: float = 0.0, stddev: float = 1.0, dtype=None, seed=None):
    return keras_random.normal(shape, mean=mean, stddev=stddev, dtype=dtype, seed=seed)


def random_uniform(shape, minval: float = 0.0, maxval: float = 1.0, dtype=None, seed=None):
    return keras_random.uniform(shape, minval=minval, maxval=maxval, dtype=dtype, seed=seed)


def truncated_normal(shape, mean: float = 0.0, stddev: float = 1.0, dtype=None, seed=None):
    return keras_random.truncated_normal(shape, mean=mean, stddev=stddev, dtype=dtype, seed=seed)


def random_binomial(shape, p: float = 0.0, dtype=None, seed=None):
    """1 with probability ``p``, else 0 (``dtype``, float32 by default)."""
    return ops.cast(keras_random.uniform(shape, seed=seed) < p, dtype or "float32")


def arange(start, stop=None, step=1, dtype="int32"):
    return ops.arange(start, stop, step, dtype=dtype)


# --- variables and values ----------------------------------------------------------------------------


def variable(value, dtype=None, name=None, constraint=None) -> Variable:
    """A variable holding ``value`` (``dtype``: float32 by default, as Keras 2's floatx)."""
    return Variable(np.asarray(ops.convert_to_numpy(value), dtype=dtype or "float32"), name=name)


def zeros(shape, dtype=None, name=None) -> Variable:
    """A variable of zeros (Keras 2 made variables here, where ``keras.ops.zeros`` makes a tensor)."""
    return Variable(np.zeros(shape, dtype=dtype or "float32"), name=name)


def ones(shape, dtype=None, name=None) -> Variable:
    """A variable of ones (see :func:`zeros`)."""
    return Variable(np.ones(shape, dtype=dtype or "float32"), name=name)


def eye(size, dtype=None, name=None) -> Variable:
    """A variable holding the identity matrix (``size`` an int, or ``(rows, columns)``)."""
    rows, columns = (size, size) if isinstance(size, int) else size
    return Variable(np.eye(rows, columns, dtype=dtype or "float32"), name=name)


def constant(value, dtype=None, shape=None, name=None):
    """A tensor of ``value`` (broadcast to ``shape`` when given; float32 by default)."""
    array = np.asarray(value, dtype=dtype or "float32")
    return ops.convert_to_tensor(np.broadcast_to(array, shape) if shape is not None else array)


def get_value(x) -> np.ndarray:
    """The value of a variable, tensor or learning rate as a NumPy array (a NumPy scalar for one value)."""
    value = np.asarray(ops.convert_to_numpy(x) if not isinstance(x, (int, float)) and hasattr(x, "shape") else x)
    return value[()] if value.ndim == 0 else value


def batch_get_value(tensors) -> list:
    return [get_value(x) for x in tensors]


eval = get_value


def set_value(x, value) -> None:
    """Assign ``value`` to the variable (or the optimizer's learning rate) ``x``, as Keras 2's."""
    if not hasattr(x, "assign"):
        raise TypeError(
            f"K.set_value needs a variable (or an optimizer's learning_rate), got a {type(x).__name__}: "
            "make it with keras.Variable or K.variable"
        )
    x.assign(value)


def batch_set_value(tuples) -> None:
    for x, value in tuples:
        set_value(x, value)


def int_shape(x) -> tuple:
    """The static shape of ``x`` as a tuple (None where unknown, as a ``keras.Input``'s batch axis)."""
    return tuple(x.shape)


def shape(x):
    """The shape of ``x`` as an int32 tensor (Keras 2's symbolic shape; :func:`int_shape` gives the tuple)."""
    if builtins.any(n is None for n in x.shape):
        raise ValueError("K.shape of a keras.Input tensor has unknown sizes: use K.int_shape(x) for the static shape")
    return ops.convert_to_tensor(np.asarray(x.shape, dtype=np.int32))


def ndim(x) -> int:
    return len(x.shape)


def dtype(x) -> str:
    """The name of ``x``'s dtype (``"float32"``)."""
    return np.dtype(x.dtype).name


def count_params(x) -> int:
    """The number of values in ``x``."""
    return int(np.prod(x.shape))


_IMPORTED = {"annotations", "builtins", "np", "ops", "activations", "keras_random", "Variable"}


def function(inputs, outputs, updates=None, name=None, **kwargs):
    """``K.function([model.input], [layer.output])``: a function of input arrays that returns the outputs' values
    as NumPy arrays (Keras 2's FAQ reads a layer's activations with it). As Keras 2 in eager mode: a
    ``Model(inputs, outputs)`` called in inference mode; given lists, it takes and returns lists."""
    if updates:
        raise ValueError(f"`updates` argument is not supported during eager execution. You passed: {updates}")
    from .models import Model  # (the models import the layers, which import this module's neighbours)

    model = Model(inputs=inputs, outputs=outputs, name=name)
    one_in_a_list = isinstance(outputs, list) and len(outputs) == 1

    def run(model_inputs):
        results = model(model_inputs, training=False)
        results = [results] if one_in_a_list and not isinstance(results, (list, tuple)) else results
        if isinstance(results, (list, tuple)):
            return [ops.convert_to_numpy(r) for r in results]
        return ops.convert_to_numpy(results)

    return run


__all__ = sorted(name for name in dir() if not name.startswith("_") and name not in _IMPORTED)
