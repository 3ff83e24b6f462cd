"""Cross-entropies: binary, categorical and sparse, and Keras's focal forms (Lin et al. 2017,
https://arxiv.org/abs/1708.02002).

On probabilities they clip to ``[1e-7, 1 - 1e-7]`` (Keras's epsilon) before the log; with
``from_logits=True`` the plain cross-entropies use the stable fused forms on raw scores (recommended).
Given the output of a Keras sigmoid or softmax (``Dense(1, activation="sigmoid")``...), the three plain
ones use the logits it remembers, as with ``from_logits=True``: as Keras on TensorFlow (on PyTorch Keras
clips); see :mod:`..activation_logits`.
"""

from __future__ import annotations

import numpy as np

from .. import activations
from .._engine import Tensor, backend, ops, recompute
from ..activation_logits import behind_activation
from ..layers import masking
from .loss import EPSILON, Loss, _as_target, _check_shapes, _match_rank


def binary_crossentropy(y_true, y_pred, from_logits: bool = False, label_smoothing: float = 0.0) -> Tensor:
    """``-mean(y log p + (1 - y) log(1 - p), axis=-1)``; p clipped to [1e-7, 1 - 1e-7] unless ``from_logits``
    or p is a Keras sigmoid's output (its logits are used then, as Keras on TensorFlow; on PyTorch Keras clips)."""
    y = _match_rank(_as_target(y_true, y_pred), y_pred)
    if label_smoothing:
        y = y * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return ops.mean(binary_crossentropy_elements(y, y_pred, from_logits), axis=-1)


def binary_crossentropy_elements(y_true, y_pred: Tensor, from_logits: bool = False) -> Tensor:
    """``-(y log p + (1 - y) log(1 - p))`` per element (``keras.ops.binary_crossentropy``); targets and
    predictions of one shape; p clipped to [1e-7, 1 - 1e-7] unless ``from_logits`` or p is a Keras
    sigmoid's output (its logits are used then, as Keras on TensorFlow; on PyTorch Keras clips)."""
    y = _as_target(y_true, y_pred)
    _check_shapes(y, y_pred, "binary_crossentropy")
    y_pred, from_logits = behind_activation(y_pred, from_logits, "Sigmoid", "binary_crossentropy")
    if from_logits:
        return ops.binary_cross_entropy_with_logits(y_pred, y, reduction="none")
    p = ops.clip(y_pred, EPSILON, 1.0 - EPSILON)
    return -(y * ops.log(p) + (1.0 - y) * ops.log(1.0 - p))


def binary_focal_crossentropy(
    y_true, y_pred, apply_class_balancing: bool = False, alpha: float = 0.25, gamma: float = 2.0,
    from_logits: bool = False, label_smoothing: float = 0.0,
) -> Tensor:  # fmt: skip
    """``mean((1 - p_t)^γ · bce, axis=-1)`` per sample, ``p_t = y p + (1 - y)(1 - p)``; with
    ``apply_class_balancing`` each term is also weighted by ``α`` (positives) or ``1 - α`` (negatives).

    As Keras on TensorFlow, the cross-entropy term is computed from logits when there are some: those given
    (``from_logits=True``) or those behind a Keras sigmoid's output (:mod:`..activation_logits`); only plain
    probabilities are clipped (Keras on PyTorch clips always: a confidently wrong logit then costs at most
    ``-log(1e-7) = 16.1``, with no gradient).
    """
    y = _match_rank(_as_target(y_true, y_pred), y_pred)
    if label_smoothing:
        y = y * (1.0 - label_smoothing) + 0.5 * label_smoothing
    p = activations.sigmoid(y_pred) if from_logits else y_pred  # (a sigmoid that remembers its logits)
    focal = (1.0 - (y * p + (1.0 - y) * (1.0 - p))) ** gamma * binary_crossentropy_elements(y, p)
    if apply_class_balancing:
        focal = (y * alpha + (1.0 - y) * (1.0 - alpha)) * focal
    return ops.mean(focal, axis=-1)


def _probabilities(y_pred: Tensor, from_logits: bool) -> Tensor:
    """Class probabilities renormalised to sum to 1 and clipped to [1e-7, 1 - 1e-7], as Keras does."""
    p = ops.softmax(y_pred, axis=-1) if from_logits else y_pred
    return ops.clip(p / ops.sum(p, axis=-1, keepdims=True), EPSILON, 1.0 - EPSILON)


def _smoothed_one_hot(y_true, y_pred: Tensor, label_smoothing: float, who: str) -> Tensor:
    y = _as_target(y_true, y_pred)
    _check_shapes(y, y_pred, who)
    if label_smoothing:
        y = y * (1.0 - label_smoothing) + label_smoothing / y_pred.shape[-1]
    return y


def categorical_crossentropy(y_true, y_pred, from_logits: bool = False, label_smoothing: float = 0.0) -> Tensor:
    """``-sum(y * log p, axis=-1)`` for one-hot (or probability) targets.

    On probabilities, p is renormalised to sum to 1 and clipped as Keras does;
    ``from_logits=True`` uses log-softmax, and so does a Keras softmax's output, from the logits it remembers
    (as Keras on TensorFlow; on PyTorch Keras clips).
    """
    y_pred, from_logits = behind_activation(y_pred, from_logits, "Softmax", "categorical_crossentropy")
    y = _smoothed_one_hot(y_true, y_pred, label_smoothing, "categorical_crossentropy")
    logp = ops.log_softmax(y_pred, axis=-1) if from_logits else ops.log(_probabilities(y_pred, False))
    return -ops.sum(y * logp, axis=-1)


def categorical_focal_crossentropy(
    y_true, y_pred, alpha: float = 0.25, gamma: float = 2.0, from_logits: bool = False, label_smoothing: float = 0.0
) -> Tensor:
    """``-sum(α (1 - p)^γ y log p, axis=-1)`` per sample, p renormalised and clipped as Keras does (from
    a softmax when ``from_logits``): easy, confident classes weigh less."""
    y = _smoothed_one_hot(y_true, y_pred, label_smoothing, "categorical_focal_crossentropy")
    p = _probabilities(y_pred, from_logits)
    return -ops.sum(alpha * (1.0 - p) ** gamma * y * ops.log(p), axis=-1)


def sparse_categorical_crossentropy(
    y_true, y_pred, from_logits: bool = False, ignore_class: int | None = None
) -> Tensor:
    """``-log p[label]`` per sample for integer labels of shape (N,) or (N, 1) (or one per position: (N, H, W)
    for outputs (N, H, W, C)); p clipped unless ``from_logits`` or p is a Keras softmax's output (its logits are
    used then, as Keras on TensorFlow; on PyTorch Keras clips).

    ``ignore_class`` (Keras 3's): positions labelled with it (a segmentation's "void", often -1 or 255) lose 0
    and the result carries a mask of the others, so a :class:`Loss`'s mean is over those only, as Keras's."""
    y_pred, from_logits = behind_activation(y_pred, from_logits, "Softmax", "sparse_categorical_crossentropy")
    y = _as_target(y_true, y_pred, integer=True)
    if y.ndim == y_pred.ndim and y.shape[-1] == 1:
        y = y.reshape(y.shape[:-1])
    if y.shape != y_pred.shape[:-1]:
        raise ValueError(
            f"sparse_categorical_crossentropy: integer labels of shape {y.shape} do not fit outputs of shape "
            f"{y_pred.shape}; expected labels of shape {y_pred.shape[:-1]}"
        )
    labels = y._data
    if backend.numpy_dtype(labels.dtype).kind == "f":
        labels = recompute(_integer_labels, y)
    labels = Tensor._make(labels)
    if ignore_class is not None:
        valid = labels != int(ignore_class)
        labels = ops.where(valid, labels, 0)  # (an ignored label may be out of range: gather class 0, then drop it)
    flat = labels.reshape(-1)
    if from_logits:  # PyTorch's fused softmax cross-entropy: one node, gradient softmax - onehot
        loss = ops.cross_entropy(y_pred.reshape(-1, y_pred.shape[-1]), flat, reduction="none").reshape(y.shape)
    else:
        logp = ops.log(_probabilities(y_pred, False))
        loss = ops.nll_loss(logp.reshape(-1, y_pred.shape[-1]), flat, reduction="none").reshape(y.shape)
    if ignore_class is None:
        return loss
    loss = ops.where(valid, loss, 0.0)
    masking.set_mask(loss, valid)  # (Keras's set_keras_mask: Loss's reductions weigh the valid positions only)
    return loss


def _integer_labels(labels):
    """Float labels holding class indices, as int64 (Keras accepts 3.0 for class 3)."""
    xp = backend.namespace(labels)
    integers = xp.astype(labels, np.int64)
    if not bool(xp.all(xp.astype(integers, labels.dtype) == labels)):
        raise ValueError("sparse_categorical_crossentropy: labels must be integer class indices")
    return integers


_DEFAULT = "sum_over_batch_size"


class BinaryCrossentropy(Loss):
    fn = staticmethod(binary_crossentropy)

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, name: str | None = None,
                 reduction: str | None = _DEFAULT):  # fmt: skip
        super().__init__(name, reduction, from_logits=from_logits, label_smoothing=label_smoothing)


class CategoricalCrossentropy(Loss):
    fn = staticmethod(categorical_crossentropy)

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, name: str | None = None,
                 reduction: str | None = _DEFAULT):  # fmt: skip
        super().__init__(name, reduction, from_logits=from_logits, label_smoothing=label_smoothing)


class SparseCategoricalCrossentropy(Loss):
    fn = staticmethod(sparse_categorical_crossentropy)

    """Cross-entropy of integer labels (see :func:`sparse_categorical_crossentropy`); ``ignore_class``: a label
    whose positions are left out of the loss and of the mean, as Keras 3's."""

    def __init__(self, from_logits: bool = False, ignore_class: int | None = None, reduction: str | None = _DEFAULT,
                 name: str | None = None):  # fmt: skip
        if ignore_class is not None and (isinstance(ignore_class, bool) or not isinstance(ignore_class, int)):
            raise ValueError(f"SparseCategoricalCrossentropy: ignore_class must be an integer label or None, got "
                             f"{ignore_class!r}")  # fmt: skip
        super().__init__(name, reduction, from_logits=from_logits, ignore_class=ignore_class)


class BinaryFocalCrossentropy(Loss):
    """Binary cross-entropy down-weighting easy examples by ``(1 - p_t)^gamma`` (see
    :func:`binary_focal_crossentropy`); Keras's defaults ``alpha=0.25, gamma=2.0``."""

    fn = staticmethod(binary_focal_crossentropy)

    def __init__(
        self, apply_class_balancing: bool = False, alpha: float = 0.25, gamma: float = 2.0, from_logits: bool = False,
        label_smoothing: float = 0.0, reduction: str | None = _DEFAULT, name: str | None = None,
    ):  # fmt: skip
        super().__init__(name, reduction, apply_class_balancing=apply_class_balancing, alpha=alpha, gamma=gamma,
                         from_logits=from_logits, label_smoothing=label_smoothing)  # fmt: skip


class CategoricalFocalCrossentropy(Loss):
    """Categorical cross-entropy weighted by ``alpha (1 - p)^gamma`` (see :func:`categorical_focal_crossentropy`)."""

    fn = staticmethod(categorical_focal_crossentropy)

    def __init__(
        self, alpha: float = 0.25, gamma: float = 2.0, from_logits: bool = False, label_smoothing: float = 0.0,
        reduction: str | None = _DEFAULT, name: str | None = None,
    ):  # fmt: skip
        super().__init__(name, reduction, alpha=alpha, gamma=gamma, from_logits=from_logits,
                         label_smoothing=label_smoothing)  # fmt: skip
