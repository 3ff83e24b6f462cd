"""The :class:`Loss` base (options, reduction, sample weights, config) and the target helpers every loss uses.

Keras conventions, which differ from :mod:`nabla.nn`'s PyTorch ones:

* arguments are ``(y_true, y_pred)``;
* each function returns one loss per sample (reduced over the last axis);
* the objects weight and reduce those with ``reduction`` (Keras's default "sum_over_batch_size":
  ``sum(w * loss) / N``).
"""

from __future__ import annotations

import numpy as np

from .._engine import Tensor, backend, devices, ops, recompute
from ..layers import masking
from ..output_class import like_inputs
from ..utils.naming import snake_case

EPSILON = 1e-7  # Keras's backend.epsilon()

#: Keras 3's reductions (``keras.losses.Loss(reduction=...)``); None means "none".
REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none")


def _as_target(y_true, like: Tensor, integer: bool = False) -> Tensor:
    if not integer and isinstance(y_true, Tensor) and y_true.requires_grad:
        # Keras differentiates through y_true too: d2l writes loss(net(X), y), the prediction first.
        return y_true if y_true.dtype == like.dtype else y_true.astype(like.dtype)
    data = y_true._data if isinstance(y_true, Tensor) else _as_data(y_true)
    source = y_true if isinstance(y_true, Tensor) else data  # (a Tensor: a captured replay reads its values)
    pred = like._data if isinstance(like, Tensor) else like
    if not isinstance(y_true, Tensor) and hasattr(pred, "device") and not isinstance(pred, np.ndarray):
        # targets on the host join a model on a device (those on its device already, fit's, stay as they are)
        source = data = backend.to_device(data, pred.device)
    if integer:
        return Tensor._make(data)
    return Tensor._make(recompute(_as_dtype, source, like.dtype))


def _as_dtype(data, dtype):
    return backend.namespace(data).astype(data, dtype)


def _match_rank(y: Tensor, pred: Tensor) -> Tensor:
    """Keras squeezes or expands a trailing size-1 axis so that target and prediction have one rank."""
    if y.ndim == pred.ndim - 1 and pred.shape[-1] == 1:
        return y.reshape(y.shape + (1,))
    if y.ndim == pred.ndim + 1 and y.shape[-1] == 1:
        return y.reshape(y.shape[:-1])
    return y


def _check_shapes(y: Tensor, pred: Tensor, who: str) -> None:
    if y.shape != pred.shape:
        raise ValueError(
            f"{who}: targets of shape {y.shape} do not match the model's output shape {pred.shape}; "
            "reshape the labels (e.g. y.reshape(-1, 1) for one output unit)"
        )


def targets(y_true, y_pred: Tensor, who: str) -> Tensor:
    """``y_true`` as a Tensor of ``y_pred``'s dtype and shape (a trailing size-1 axis added or removed; one
    number is every element's target, as Keras broadcasts it: ``kl_divergence(0.1, mean_activities)``)."""
    y = _match_rank(_as_target(y_true, y_pred), y_pred)
    if y.ndim == 0 and y_pred.ndim:
        y = ops.broadcast_to(y, y_pred.shape)
    _check_shapes(y, y_pred, who)
    return y


def _as_data(data):
    """An array of another library as it is (fit's data kept on the device); lists and NumPy as NumPy."""
    return data if devices.is_foreign(data) else np.asarray(data)


def _sample_weights(sample_weight, values, shape: tuple):
    """The weights as an array of the losses' dtype and ``shape``, on their device."""
    data = _as_data(sample_weight._data if isinstance(sample_weight, Tensor) else sample_weight)
    if isinstance(values, np.ndarray):
        return np.asarray(data, dtype=values.dtype).reshape(shape)
    data = backend.to_device(data, values.device)  # (weights given on the host join a model on a device)
    xp = backend.namespace(data)
    return xp.reshape(xp.astype(data, values.dtype), shape)


def _combined(in_mask, out_mask):
    """The mask of the model's output and the one the loss function put on its values (``ignore_class``'s),
    both applying (Keras 3's ``Loss.__call__``: ``in_mask & out_mask``), or either, or None."""
    if in_mask is None or out_mask is None:
        return out_mask if in_mask is None else in_mask
    return ops.logical_and(in_mask, out_mask)


def _check_reduction(reduction) -> str:
    reduction = "none" if reduction is None else reduction
    if reduction not in REDUCTIONS:
        raise ValueError(f"Loss: reduction must be one of {', '.join(REDUCTIONS)} or None, got {reduction!r}")
    return reduction


class Loss:
    """A loss with options; ``loss(y_true, y_pred, sample_weight=None)`` gives the batch's loss.

    Reduction (Keras 3's, over the per-sample values ``l`` times the weights ``w``):
    "sum_over_batch_size" (default) and "mean": ``sum(w l) / N``; "sum": ``sum(w l)``;
    "mean_with_sample_weight": ``sum(w l) / sum(w)``; "none" (or None): the weighted values.
    When ``y_pred`` carries a mask (a model ending in a layer with ``return_sequences`` after ``Masking``
    or ``Embedding(mask_zero=True)``), the masked steps weigh 0 and, for the means, the real ones
    ``total / valid``: the mean is over the real steps, as in Keras 3 (see :mod:`nabla.keras.layers.masking`).
    So do the positions a loss function masks on its values (``SparseCategoricalCrossentropy(ignore_class=...)``).
    """

    fn = None

    def __init__(self, name: str | None = None, reduction: str | None = "sum_over_batch_size", **options):
        self.options = options
        self.reduction = _check_reduction(reduction)
        self.name = name or snake_case(type(self).__name__)

    @property
    def from_logits(self) -> bool:
        """Whether the loss takes raw scores (logits) rather than probabilities, as Keras's ``loss.from_logits``."""
        return bool(self.options.get("from_logits", False))

    def per_sample(self, y_true, y_pred) -> Tensor:
        if type(self).fn is None:  # a subclass of yours, Keras's way: its call() gives the per-sample losses
            return self.call(_as_target(y_true, y_pred), y_pred)
        return type(self).fn(y_true, y_pred, **self.options)

    def call(self, y_true: Tensor, y_pred: Tensor) -> Tensor:
        """The per-sample losses of a loss of your own (Keras's contract): subclass :class:`Loss` and define
        ``call``; ``y_true`` arrives as a Tensor of ``y_pred``'s dtype, and the reduction and sample weights
        are applied to what it returns."""
        raise NotImplementedError(f"{type(self).__name__}: a Loss subclass must define call(y_true, y_pred)")

    def __call__(self, y_true, y_pred, sample_weight=None) -> Tensor:
        """The reduced loss. ``y_true`` and ``y_pred``: arrays, tensors or Python lists (of floats), as Keras 3
        takes two lists (keras.io's sample_size_estimate.py fits a curve with ``mse(y_pred, mean_acc)``). NOTE:
        Keras 3 refuses a list beside a tensor ("Structures don't have the same nested structure"); nabla
        reads the list as an array there too, as it always read a list ``y_true``."""
        if isinstance(y_pred, (np.ndarray, np.generic, list, tuple, float, int)):
            # NOTE: Keras 3 converts the predictions to the loss's dtype, floatx (float32): a loss of two float64
            # NumPy arrays is a float32 tensor. nabla's own tensors keep their dtype (float64 models train in it).
            y_pred = np.asarray(y_pred, np.float32)
            if isinstance(y_true, (list, tuple)):
                y_true = np.asarray(y_true, np.float32)
        # (in y_pred's tensor class, else y_true's: a tf.keras loss of tf.Tensors is a tf.Tensor, which prints
        # as TensorFlow's, whichever side the tf.Tensor came in on)
        typed = y_pred if getattr(type(y_pred), "keras_output_class", None) is not None else y_true
        return like_inputs(self._reduced(y_true, y_pred, sample_weight), typed)

    def _reduced(self, y_true, y_pred, sample_weight) -> Tensor:
        values = self.per_sample(y_true, y_pred)
        weights = None
        if sample_weight is not None:
            # A loss of one number (Dice over everything) is weighted by each weight, as Keras broadcasts it.
            # Weights of the values' own shape (one per pixel of a segmentation) weigh each value, as Keras's.
            shape = values.shape[:1] + (1,) * (values.ndim - 1) if values.ndim else np.shape(sample_weight)
            if values.ndim > 1 and tuple(np.shape(sample_weight)) == values.shape:
                shape = values.shape
            weights = Tensor._make(recompute(_sample_weights, sample_weight, values, shape))
        mask = _combined(masking.get_mask(y_pred), masking.get_mask(values))
        if mask is not None and values.ndim:  # the model output's mask weighs its steps (Keras 3's apply_mask)
            mask_weights = masking.loss_weights(mask, values, self.reduction)
            weights = mask_weights if weights is None else weights * mask_weights
        if weights is not None:
            values = values * weights
        if self.reduction == "none" or values.ndim == 0:
            return values
        total = ops.sum(values)
        if self.reduction == "sum":
            return total
        if self.reduction == "mean_with_sample_weight" and weights is not None:
            # NOTE: Keras's divide_no_nan: weights summing to 0 make every term 0, and 0 / 1 is the loss.
            count = ops.sum(weights)
            return total / ops.where(count == 0.0, count + 1.0, count)
        return total * (1.0 / max(values.size, 1))

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction, **self.options}

    @classmethod
    def from_config(cls, config: dict) -> Loss:
        """The loss :meth:`get_config` describes (Keras's ``cls(**config)``)."""
        return cls(**config)


class _FunctionLoss(Loss):
    """Wraps a user function ``f(y_true, y_pred)`` returning per-sample losses (or a scalar)."""

    def __init__(self, fn, name: str | None = None):
        super().__init__(name or getattr(fn, "__name__", "loss"))
        self._fn = fn

    def per_sample(self, y_true, y_pred) -> Tensor:
        out = self._fn(y_true, y_pred)
        return out if isinstance(out, Tensor) else Tensor._make(np.asarray(out))
