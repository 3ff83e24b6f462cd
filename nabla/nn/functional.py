"""``nabla.nn.functional``: the stateless side of the layers, with PyTorch's signatures.

Activations and losses are the engine's own functions (``nb.relu`` is
``F.relu``); softmax-like functions take PyTorch's ``dim=``. The rest are
compositions used by the layers: dropout, normalisation, attention.
"""

from __future__ import annotations

import math

import numpy as np

from ..engine import backend
from ..engine import random as _random
from ..engine.ops import (
    avg_pool2d,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    conv2d,
    conv_transpose2d,
    cross_entropy,
    elu,
    gelu,
    huber_loss,
    l1_loss,
    leaky_relu,
    linear,
    max_pool2d,
    mse_loss,
    nll_loss,
    one_hot,
    relu,
    sigmoid,
    silu,
    softplus,
    step,
    swish,
    tanh,
    where,
)
from ..engine.ops import log_softmax as _log_softmax
from ..engine.ops import softmax as _softmax
from ..engine.ops.primitive import as_operand, primitive
from ..engine.tensor import Tensor
from ..engine.tracing import recompute, update_in_place

__all__ = [
    "avg_pool2d",
    "batch_norm",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "conv2d",
    "conv_transpose2d",
    "cross_entropy",
    "dropout",
    "elu",
    "embedding",
    "gelu",
    "huber_loss",
    "l1_loss",
    "layer_norm",
    "leaky_relu",
    "linear",
    "log_softmax",
    "max_pool2d",
    "mse_loss",
    "nll_loss",
    "one_hot",
    "relu",
    "scaled_dot_product_attention",
    "sigmoid",
    "silu",
    "softmax",
    "softplus",
    "step",
    "swish",
    "tanh",
]


def softmax(input, dim: int = -1) -> Tensor:
    """Softmax along ``dim`` (PyTorch's spelling of ``nb.softmax(x, axis)``)."""
    return _softmax(input, axis=dim)


def log_softmax(input, dim: int = -1) -> Tensor:
    """Log-softmax along ``dim``."""
    return _log_softmax(input, axis=dim)


def dropout(input, p: float = 0.5, training: bool = True) -> Tensor:
    """Inverted dropout: zero each value with probability ``p`` and scale the rest by ``1 / (1 - p)``.

    The scaling keeps the expected value unchanged, so nothing changes at
    evaluation time (``training=False`` returns the input). The mask is drawn
    from the library's generator.
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability must be in [0, 1], got {p}")
    x = as_operand(input)
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return x * 0.0
    return x * _dropout_mask(shape=x.shape, dtype=x.dtype, p=p, device=x.device)


@primitive("dropout_mask", reads=(), draws=True)
def _dropout_mask(xp, shape, dtype, p, device):
    """``1 / (1 - p)`` where a uniform draw is >= p, else 0: a primitive with no input, so that a captured
    step draws a fresh mask at every replay (nb.capture). Drawn on the host from nabla's one generator (the
    same masks on every device for one seed), then moved to ``device``."""
    keep = _random._generator.random(shape, dtype=dtype) >= p
    mask = keep.astype(dtype) * dtype.type(1.0 / (1.0 - p))
    return mask if device == "cpu" else backend.to_device(mask, device)


def batch_norm(
    input,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight=None,
    bias=None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each channel (axis 1) over the batch and spatial axes: ``(x - mean) / sqrt(var + eps) * w + b``.

    In training the batch's mean and (biased) variance are used, and the
    running statistics are updated in place with
    ``running = (1 - momentum) * running + momentum * batch`` (the running
    variance uses the unbiased batch variance, as PyTorch). Otherwise the
    running statistics are used.

    Shape: (N, C) or (N, C, L) or (N, C, H, W).
    """
    x = as_operand(input)
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    if training:
        count = x.size // x.shape[1]
        if count <= 1:
            raise ValueError(
                f"batch_norm: need more than 1 value per channel in training mode, got input shape {x.shape}"
            )
        mean = x.mean(axis=axes, keepdims=True)
        centered = x - mean
        var = (centered * centered).mean(axis=axes, keepdims=True)
        if running_mean is not None:
            m = momentum
            update_in_place(running_mean, running_update, mean, 1 - m, m)
            update_in_place(running_var, running_update, var, 1 - m, m * count / (count - 1))
        out = centered / (var + eps) ** 0.5
    else:
        if running_mean is None:
            raise ValueError("batch_norm: evaluation mode needs running statistics")
        scale = Tensor._make(recompute(_inverse_std, running_var, eps)).reshape(shape)
        out = (x - running_mean.reshape(shape)) * scale
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out


def running_update(stat: Tensor, batch: np.ndarray, keep: float, coef: float) -> None:
    """``stat <- keep * stat + coef * batch``, in place: a running statistic of BatchNorm moves towards the
    batch's (through :func:`nabla.engine.tracing.update_in_place`, which a captured step repeats)."""
    stat._data *= keep
    stat._data += coef * batch.reshape(-1)


def _inverse_std(var: np.ndarray, eps: float) -> np.ndarray:
    return 1.0 / np.sqrt(var + eps)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps: float = 1e-5) -> Tensor:
    """Normalise over the last ``len(normalized_shape)`` axes of each sample: ``(x - mean) / sqrt(var + eps) * w + b``.

    Shape: (..., *normalized_shape) -> the same.
    """
    x = as_operand(input)
    normalized_shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if x.shape[-len(normalized_shape) :] != normalized_shape:
        raise ValueError(f"layer_norm: input shape {x.shape} does not end with normalized_shape {normalized_shape}")
    axes = tuple(range(x.ndim - len(normalized_shape), x.ndim))
    centered = x - x.mean(axis=axes, keepdims=True)
    var = (centered * centered).mean(axis=axes, keepdims=True)
    out = centered / (var + eps) ** 0.5
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


def embedding(input, weight: Tensor, padding_idx: int | None = None) -> Tensor:
    """Rows of ``weight`` picked by integer ``input``: (...,) -> (..., embedding_dim).

    The row ``padding_idx`` gets no gradient but is returned as it is (zero
    unless changed), as in PyTorch.
    """
    idx = input._data if isinstance(input, Tensor) else np.asarray(input)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"embedding: indices must be integers, got {idx.dtype}")
    n = weight.shape[0]
    if idx.size and (idx.min() < -n or idx.max() >= n):
        raise IndexError(
            f"embedding: index {int(idx.max() if idx.max() >= n else idx.min())} is out of range for {n} rows"
        )
    out = weight[idx]
    if padding_idx is not None:
        out = where(Tensor._make((idx != padding_idx % n)[..., None]), out, out.detach())
    return out


def scaled_dot_product_attention(
    query,
    key,
    value,
    attn_mask=None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    training: bool = True,
) -> Tensor:
    """``softmax(Q K^T * scale + mask) V``, the multiplicative interaction of attention.

    ``scale`` defaults to ``1 / sqrt(E)``. ``attn_mask`` is a bool tensor
    (True = attend, as in PyTorch) or a float tensor added to the scores;
    ``is_causal`` masks future positions.

    Shape: query (..., L, E), key (..., S, E), value (..., S, Ev) -> (..., L, Ev).
    """
    q, k, v = as_operand(query), as_operand(key), as_operand(value)
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    scores = (q @ k.swapaxes(-1, -2)) * scale
    length, source = q.shape[-2], k.shape[-2]
    if is_causal:
        attn_mask = np.tril(np.ones((length, source), dtype=bool))
    if attn_mask is not None:
        mask = attn_mask._data if isinstance(attn_mask, Tensor) else np.asarray(attn_mask)
        if mask.dtype == np.bool_:
            scores = scores + Tensor._make(np.where(mask, 0.0, -np.inf).astype(scores.dtype))
        else:
            scores = scores + Tensor._make(mask.astype(scores.dtype))
    weights = _softmax(scores, axis=-1)
    if dropout_p:
        weights = dropout(weights, dropout_p, training)
    return weights @ v
