"""The logits behind a sigmoid or softmax output, which the cross-entropies use in their place.

As Keras on TensorFlow (on PyTorch and JAX Keras clips): ``keras.activations.sigmoid`` and ``softmax``
(so ``Dense(1, activation="sigmoid")``, ``Activation("softmax")``, ``layers.Softmax()``) and
``keras.ops.sigmoid`` and ``softmax`` remember their input as the output's ``_keras_logits``. Given such an
output, ``binary_crossentropy``, ``categorical_crossentropy`` and ``sparse_categorical_crossentropy`` (the
functions, the classes, compile's names, ``keras.ops``'s) compute the loss from those logits, as with
``from_logits=True``: stable and unclipped. A saturated sigmoid's confidently wrong answer then costs its
full ``|logit|`` and has a gradient, where the clipped form stops at ``-log(1e-7) = 16.1`` with none.
Given ``from_logits=True`` as well, Keras warns (the output is not logits) and still uses the logits.
Whatever is computed from the output (``out * 1``, a slice, a copy) is a new tensor with no logits.

The engine's Tensor has fixed slots and knows nothing of Keras, so the logits sit beside the output in a
table keyed by its identity (as masks do, :mod:`.layers.masking`), dropped when the output is freed;
``output._keras_logits`` reads that entry (None when there is none).

Keras on TensorFlow hands its compiled metrics the output tensor itself, so the cross-entropy metrics
(``metrics=["binary_crossentropy"]``, ``keras.metrics.CategoricalCrossentropy()``...) see the logits too, and
so does a metric's ``update_state`` given such an output. nabla's metrics work on host arrays: ``fit`` and
``evaluate`` hand them the output's values as an array that remembers the logits as well (:func:`pass_on`),
which the cross-entropy metrics read; the other metrics (accuracy, AUC...) read the values alone, as Keras's.
"""

from __future__ import annotations

import warnings
import weakref

from ._engine import Tensor, backend

# id(output) -> (a weak reference to the output, its logits); the entry goes when the output does. An output
# is a Tensor, or the host array of one that the metrics are given (see pass_on).
_LOGITS: dict[int, tuple[weakref.ref, Tensor]] = {}


def remember_logits(output, logits: Tensor):
    """``output`` (a sigmoid's or softmax's), which now remembers ``logits`` as its input; returned."""
    key = id(output)
    _LOGITS[key] = (weakref.ref(output, lambda _ref: _LOGITS.pop(key, None)), logits)
    return output


def logits_of(output) -> Tensor | None:
    """The logits a sigmoid or softmax output remembers (Keras's ``output._keras_logits``), or None."""
    entry = _LOGITS.get(id(output))
    return entry[1] if entry is not None and entry[0]() is output else None


def pass_on(source, target, shape: tuple | None = None):
    """``target`` (a copy, view or reshape of ``source``'s values: its host array for the metrics, a Tensor
    of that array), remembering the logits ``source`` remembers, on the host (reshaped to ``shape`` if
    given); ``target`` as it is when ``source`` remembers none. Returned."""
    logits = logits_of(source)
    if logits is None:
        return target
    values = backend.to_host(logits._data)
    return remember_logits(target, Tensor._make(values if shape is None else values.reshape(shape)))


def behind_activation(output, from_logits: bool, activation: str, who: str) -> tuple:
    """``(scores, from_logits)`` for a cross-entropy: an activation's output's logits and True where it
    remembers them (warning, as Keras, if ``from_logits`` was already True), else ``output`` unchanged."""
    logits = logits_of(output)
    if logits is None:
        return output, from_logits
    if from_logits:
        warnings.warn(
            f"{who} received from_logits=True, but its output argument was produced by a {activation} "
            "activation and so is not logits; the activation's own logits are used",
            stacklevel=3,
        )
    return logits, True


Tensor._keras_logits = property(logits_of, doc="The logits behind this sigmoid or softmax output, or None (Keras's).")
