"""Whether one of Keras's own training steps is computing a gradient now (``fit``, ``train_on_batch``).

TensorFlow's Keras runs its training step on a ``GradientTape``, so the TensorFlow functions a layer calls
(``tf.matmul(inputs, self.w)`` in a custom layer's ``call``) are recorded and trained. ``nabla.tf`` records
its operations only while a tape records (TensorFlow's rule); it reads :func:`active` too, so that inside
nabla's training step (which differentiates with the engine, ``loss.backward()``) they are recorded as
under a tape. Per thread, as the tapes are.
"""

from __future__ import annotations

import contextlib
import threading


class _Steps(threading.local):
    depth = 0  # the training steps running now in this thread (nested: a model's step inside another's)


_steps = _Steps()


def active() -> bool:
    """Whether a Keras training step runs its forward pass and loss now, in this thread."""
    return _steps.depth > 0


@contextlib.contextmanager
def training_step():
    """Mark the forward pass and loss of a training step (``with training_step(): ...``)."""
    _steps.depth += 1
    try:
        yield
    finally:
        _steps.depth -= 1
