"""Masks: which time steps of a padded sequence are real, carried from layer to layer, and ``Masking``.

A mask is a boolean engine Tensor of shape (batch, timesteps): True for a real step, False for padding.
A layer makes one with ``compute_mask(inputs, mask)`` (``Masking``, ``Embedding(mask_zero=True)``), and
from there it travels with the data, as in Keras 3:

* **Where it lives.** Keras 3 sets it as an attribute of the output tensor (``output._keras_mask``).
  nabla's engine Tensor has fixed slots and knows nothing of Keras, so the mask sits beside the tensor
  instead, in a table keyed by the tensor's identity (:func:`set_mask`, :func:`get_mask`) and dropped
  when the tensor is freed; ``x._keras_mask`` reads and sets that entry, as Keras's attribute. A
  ``KerasTensor`` has a ``_keras_mask`` too (a symbolic boolean tensor, or None). Sequential and
  functional models need nothing more: each layer call reads the mask of its input from the table and
  records its output's.
* **Passed to ``call``.** A layer whose ``call`` has a ``mask`` parameter gets the input's mask as
  ``mask=`` (unless you pass one yourself): the recurrent layers, ``GlobalAveragePooling1D``, the wrappers.
* **Passed on.** After the call, a layer with ``supports_masking`` gives its output the mask
  ``compute_mask(inputs, mask)`` returns: by default the input's mask, unchanged (Dense, Dropout, the
  activations and normalizations, as in Keras); ``Masking`` and ``Embedding`` make one; a recurrent
  layer keeps it only with ``return_sequences``; ``GlobalAveragePooling1D`` ends it. A layer without
  ``supports_masking`` (Flatten, the convolutions, GlobalMaxPooling1D...) drops it (Keras warns there).
* **In the loss and the metrics.** ``fit`` and ``evaluate`` weigh each step of the model output's loss
  by its mask, as Keras 3's losses do (:func:`loss_weights`): masked steps count zero and the mean is
  over the real ones; the mean metrics (accuracy, mae...) likewise (:func:`masked_metric_batch`).
"""

from __future__ import annotations

import weakref

import numpy as np

from .._engine import Tensor, made_by, ops
from ..activation_logits import pass_on

# id(tensor) -> (a weak reference to the tensor, its mask); the entry goes when the tensor does.
_MASKS: dict[int, tuple[weakref.ref, Tensor]] = {}


def get_mask(x) -> Tensor | None:
    """The mask a layer gave ``x`` (Keras's ``x._keras_mask``), or None."""
    entry = _MASKS.get(id(x))
    return entry[1] if entry is not None and entry[0]() is x else None


def set_mask(x, mask) -> None:
    """Record ``mask`` as the mask of ``x`` (nothing for a None mask, or a value that is not a Tensor)."""
    if mask is None or not isinstance(x, Tensor):
        return
    key = id(x)
    _MASKS[key] = (weakref.ref(x, lambda _ref: _MASKS.pop(key, None)), as_mask(mask))


def _assign_mask(x, mask) -> None:
    """``x._keras_mask = mask``: record it, or forget the entry for None."""
    if mask is None:
        _MASKS.pop(id(x), None)
    else:
        set_mask(x, mask)


# Keras 3's name for a tensor's mask (``masked_output._keras_mask`` in its masking guide), read from and
# written to the table above: the engine's Tensor has fixed slots, so the name is a property of its class.
Tensor._keras_mask = property(get_mask, _assign_mask, doc="The mask a layer gave this tensor, or None (Keras's).")


def as_mask(mask) -> Tensor:
    """A mask given as a Tensor, an array or nested lists, as a boolean Tensor (nonzero is True); inside a
    captured step an array (a functional model's NumPy mask) is read by reference at every replay."""
    if isinstance(mask, Tensor):
        return mask if mask.dtype == np.bool_ else mask != 0
    return made_by(np.asarray, mask, dtype=bool)


def input_mask(inputs, kwargs: dict):
    """The mask of a call's input: ``mask=`` if given (made a boolean Tensor), else the one recorded for the
    input (a list of masks for a list of inputs, None when none has one)."""
    if kwargs.get("mask") is not None:
        given = kwargs["mask"]
        if isinstance(inputs, (list, tuple)) and isinstance(given, (list, tuple)):  # (one per input, or None)
            kwargs["mask"] = [None if m is None else as_mask(m) for m in given]
        else:
            kwargs["mask"] = as_mask(given)
        return kwargs["mask"]
    if isinstance(inputs, (list, tuple)):
        masks = [get_mask(x) for x in inputs]
        return masks if any(m is not None for m in masks) else None
    return get_mask(inputs)


def set_masks(outputs, masks) -> None:
    """Record ``compute_mask``'s result on the outputs: one mask, or one per output of a list."""
    if isinstance(outputs, (list, tuple)):
        for out, mask in zip(outputs, masks if isinstance(masks, (list, tuple)) else [masks] + [None] * len(outputs)):
            set_mask(out, mask)
    elif not isinstance(masks, (list, tuple)):
        set_mask(outputs, masks)


def loss_weights(mask: Tensor, values: Tensor, reduction: str) -> Tensor:
    """The weights Keras 3 gives per-sample losses ``values`` for the model output's ``mask``
    (``keras.losses.loss.apply_mask``): for a mean ("sum_over_batch_size", "mean") a real step weighs
    ``total / valid`` and a masked one 0, so the mean over every entry is the mean over the real ones
    (0 when none is real); else the mask as 0 and 1. The mask gains or loses a trailing axis of 1 to
    match ``values``'s rank, as Keras's ``squeeze_or_expand_to_same_rank``."""
    weights = mask.astype(values.dtype)
    if weights.ndim == values.ndim + 1 and weights.shape[-1] == 1:
        weights = weights.reshape(weights.shape[:-1])
    while weights.ndim < values.ndim:
        weights = ops.expand_dims(weights, -1)
    if reduction in ("sum_over_batch_size", "mean"):
        valid = ops.sum(weights)
        # NOTE: Keras's divide_no_nan: no real step gives weights of 0, not 0/0
        scale = ops.where(valid == 0.0, 0.0, float(weights.size) / ops.where(valid == 0.0, 1.0, valid))
        weights = weights * scale
    return weights


def masked_metric_batch(y, out: np.ndarray, mask: Tensor, sample_weight) -> tuple:
    """``(y, out, sample_weight)`` for a mean metric (accuracy, mae...) of an output of masked steps: the
    steps folded into the batch axis, (batch, steps, ...) -> (batch*steps, ...), each weighing its mask
    (times its sequence's weight), so the metric is the mean over the real steps, as Keras 3's
    ``MeanMetricWrapper`` (whose functions reduce the last axis only; nabla's reduce every axis after the
    batch, hence the folding). An output with no steps axis beyond the mask's is left as it is."""
    y, out = np.asarray(y), np.asarray(out)  # (the array itself: the logits it remembers are folded alike)
    if out.ndim <= mask.ndim or y.shape[:2] != out.shape[:2]:
        return y, out, sample_weight
    weights = np.asarray(mask.numpy(), dtype=np.float64)
    if sample_weight is not None:
        given = np.asarray(sample_weight, dtype=np.float64)
        weights = weights * given.reshape(given.shape + (1,) * (weights.ndim - given.ndim))
    steps = out.shape[0] * out.shape[1]
    folded = pass_on(out, out.reshape(steps, *out.shape[2:]), (steps, *out.shape[2:]))
    return y.reshape(steps, *y.shape[2:]), folded, weights.reshape(steps)
