"""Activations and losses of ``tf.nn`` with TensorFlow's names, signatures and defaults.

Each is one of nabla's operations, or a short composition of them. TensorFlow's conventions, where they
differ from PyTorch's: ``leaky_relu``'s slope defaults to 0.2 (PyTorch: 0.01); ``gelu`` takes
``approximate=True/False``; ``softmax`` / ``log_softmax`` take ``axis`` (default -1); the cross-entropy
functions return one loss per example (no mean: take ``tf.reduce_mean`` of it) and take labels first;
``dropout`` always drops (TensorFlow 2's function has no training flag) and scales the kept values by
``1 / (1 - rate)``.
"""

from __future__ import annotations

import math

import numpy as np

import nabla as nb
from nabla.nn import functional as F

from ._convert import apply, constant, pair_tensors, tensor_arg
from .array_ops import gather, stop_gradient
from .math_ops import (
    _floats_only,
    add,
    greater,
    less,
    logical_and,
    multiply,
    rsqrt,
    sigmoid,
    square,
    subtract,
    truediv,
)
from .reduce_ops import reduce_mean, reduce_sum


def relu(features, name=None):
    """``tf.nn.relu(x)``: max(x, 0); gradient 0 at 0."""
    return apply(nb.relu, tensor_arg(features))


def relu6(features, name=None):
    """``tf.nn.relu6(x)``: min(max(x, 0), 6); the gradient is 1 strictly between 0 and 6, 0 elsewhere (at
    the bounds too, as TensorFlow's)."""
    x = tensor_arg(features)
    inside = logical_and(greater(x, 0), less(x, 6))
    return apply(nb.where, inside, x, stop_gradient(apply(nb.clip, x, 0, 6)))


def leaky_relu(features, alpha=0.2, name=None):
    """``tf.nn.leaky_relu(x, alpha=0.2)``: x for x > 0, alpha * x otherwise (TensorFlow's slope 0.2). As in
    TensorFlow, alpha is a float32 (0.2 is 0.200000003 in a float64 tensor too)."""
    return apply(nb.leaky_relu, tensor_arg(features), float(np.float32(alpha)))


def elu(features, name=None):
    """``tf.nn.elu(x)``: x for x > 0, e^x - 1 otherwise."""
    return apply(nb.elu, tensor_arg(features))


_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772, 1.0507009873554805


def selu(features, name=None):
    """``tf.nn.selu(x)``: 1.0507 * elu(x, alpha=1.6733), the self-normalising unit."""
    return multiply(apply(nb.elu, tensor_arg(features), _SELU_ALPHA), _SELU_SCALE)


def gelu(features, approximate=False, name=None):
    """``tf.nn.gelu(x)``: x * Phi(x) (Phi: the normal CDF); ``approximate=True``: the tanh form."""
    return apply(nb.gelu, tensor_arg(features), "tanh" if approximate else "none")


def softsign(features, name=None):
    """``tf.nn.softsign(x)``: x / (1 + |x|)."""
    x = tensor_arg(features)
    return truediv(x, add(apply(nb.abs, x), 1))


def silu(features, beta=1.0, name=None):
    """``tf.nn.silu(x)`` (also ``swish``): x * sigmoid(beta * x)."""
    x = tensor_arg(features)
    return multiply(x, sigmoid(multiply(x, beta) if beta != 1.0 else x))


swish = silu


def softmax(logits, axis=None, name=None):
    """``tf.nn.softmax(logits, axis=-1)``: e^x / sum(e^x) along ``axis``, computed stably."""
    x = tensor_arg(logits)
    _floats_only(x, "softmax")
    return apply(nb.softmax, x, -1 if axis is None else int(axis))


def log_softmax(logits, axis=None, name=None):
    """``tf.nn.log_softmax(logits, axis=-1)``: x - logsumexp(x) along ``axis``."""
    x = tensor_arg(logits)
    _floats_only(x, "log_softmax")
    return apply(nb.log_softmax, x, -1 if axis is None else int(axis))


# --- losses: one value per example ----------------------------------------------------------------


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """``tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x)``: elementwise
    ``max(x, 0) - x z + log(1 + e^-|x|)``, the binary cross-entropy of sigmoid(x), without overflow.
    Labels and logits have one shape and dtype; the result has it too."""
    z, x = pair_tensors(labels, logits, "SigmoidCrossEntropyWithLogits")
    if z.shape != x.shape:
        raise ValueError(f"logits and labels must have the same shape, got {x.shape} and {z.shape}")
    return apply(nb.binary_cross_entropy_with_logits, x, z, reduction="none")


def weighted_cross_entropy_with_logits(labels, logits, pos_weight, name=None):
    """``tf.nn.weighted_cross_entropy_with_logits``: the sigmoid cross-entropy with positive examples'
    loss multiplied by ``pos_weight``."""
    z, x = pair_tensors(labels, logits, "WeightedCrossEntropyWithLogits")
    return apply(nb.binary_cross_entropy_with_logits, x, z, reduction="none", pos_weight=float(pos_weight))


def softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None):
    """``tf.nn.softmax_cross_entropy_with_logits(labels, logits)``: ``-sum(labels * log_softmax(logits))``
    along ``axis``, one value per example; ``labels`` are probabilities (one-hot rows, or soft ones) and
    receive a gradient too, as in TensorFlow 2."""
    y, x = pair_tensors(labels, logits, "SoftmaxCrossEntropyWithLogits")
    return apply(nb.neg, reduce_sum(multiply(y, log_softmax(x, axis)), axis))


def sparse_softmax_cross_entropy_with_logits(labels, logits, name=None):
    """``tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits)``: the softmax cross-entropy of
    integer class ``labels`` (shape ``s``) under ``logits`` (shape ``s + (classes,)``), one value per
    example; nabla's fused softmax + cross-entropy (gradient: softmax - one-hot)."""
    x, y = tensor_arg(logits), tensor_arg(labels)
    _floats_only(x, "sparse_softmax_cross_entropy_with_logits")
    if y._data.dtype.kind not in "iu":
        raise ValueError(f"labels must be integer class indices (int32 or int64), got {y._data.dtype}")
    if y.shape != x.shape[:-1]:
        raise ValueError(
            f"labels of shape {y.shape} do not match logits of shape {x.shape} (labels: logits minus its last axis)"
        )
    if x.ndim == 2:  # (the common case: one row of logits per example)
        return apply(nb.cross_entropy, x, y, reduction="none")
    rows = math.prod(y.shape)
    flat_x = apply(nb.reshape, x, (rows, x.shape[-1]))
    losses = apply(nb.cross_entropy, flat_x, apply(nb.reshape, y, (rows,)), reduction="none")
    return apply(nb.reshape, losses, tuple(y.shape))


def l2_loss(t, name=None):
    """``tf.nn.l2_loss(t)``: sum(t ** 2) / 2."""
    return multiply(reduce_sum(square(t)), 0.5)


# --- layers' arithmetic -------------------------------------------------------------------------------


def bias_add(value, bias, data_format=None, name=None):
    """``tf.nn.bias_add(x, b)``: b added along the last axis (channels last)."""
    if data_format not in (None, "NHWC", "N...C"):
        raise ValueError(f"nabla.tf's bias_add adds along the last axis; data_format={data_format!r} is not offered")
    return add(value, bias)


def dropout(x, rate, noise_shape=None, seed=None, name=None):
    """``tf.nn.dropout(x, rate)``: each value zeroed with probability ``rate``, the others scaled by
    ``1 / (1 - rate)``. Always drops (no training flag). Draws from nabla's generator: ``seed`` is not
    used (seed it with ``tf.random.set_seed``); ``noise_shape`` is not offered."""
    if noise_shape is not None:
        raise ValueError("nabla.tf's dropout does not offer noise_shape: every element is dropped independently")
    x = tensor_arg(x)
    _floats_only(x, "dropout")
    return apply(F.dropout, x, float(rate), True)


def moments(x, axes, shift=None, keepdims=False, name=None):
    """``tf.nn.moments(x, axes)``: the mean and the population variance over ``axes``."""
    mean = reduce_mean(x, axes, keepdims=True)
    variance = reduce_mean(square(subtract(x, mean)), axes, keepdims=keepdims)
    return (mean if keepdims else apply(nb.squeeze, mean, tuple(a % mean.ndim for a in _axes(axes)))), variance


def _axes(axes) -> tuple:
    return (int(axes),) if isinstance(axes, int) else tuple(int(a) for a in axes)


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """``tf.nn.batch_normalization``: ``(x - mean) / sqrt(variance + eps) * scale + offset`` (offset and
    scale may be None)."""
    x = tensor_arg(x)
    mean, variance, offset, scale = (
        v if v is None or isinstance(v, nb.Tensor) else constant(v, x.dtype) for v in (mean, variance, offset, scale)
    )
    normalized = multiply(subtract(x, mean), rsqrt(add(variance, float(variance_epsilon))))
    if scale is not None:
        normalized = multiply(normalized, scale)
    return normalized if offset is None else add(normalized, offset)


def embedding_lookup(params, ids, max_norm=None, name=None):
    """``tf.nn.embedding_lookup(params, ids)``: the rows of ``params`` at ``ids`` (``tf.gather``)."""
    if max_norm is not None:
        raise ValueError("nabla.tf's embedding_lookup does not offer max_norm")
    return gather(params, ids)
