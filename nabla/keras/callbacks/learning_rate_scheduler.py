"""``LearningRateScheduler``: set the learning rate at each epoch from a schedule function."""

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Callable

from ..utils.io_utils import print_msg
from .callback import Callback, learning_rate, set_learning_rate


class LearningRateScheduler(Callback):
    """Set the learning rate at the start of each epoch from ``schedule(epoch, lr)``.

    ``schedule`` receives the epoch (from 0) and the current rate and
    returns the new one, which is set on every parameter group (a
    one-argument ``schedule(epoch)`` works too). A Keras optimizer built with
    a ``keras.optimizers.schedules`` schedule refuses a new rate with a
    ``TypeError``, as in Keras. Adds ``"learning_rate"`` to
    the epoch logs. For PyTorch-style per-step schedules see
    :mod:`nabla.optim.lr_scheduler`.

    Args:
        schedule: ``(epoch: int, lr: float) -> float``.
        verbose: 1 prints each new rate, default 0.

    Example::

        def schedule(epoch, lr):
            return lr if epoch < 10 else lr * 0.9

        model.fit(x, y, epochs=30, callbacks=[LearningRateScheduler(schedule)])
    """

    def __init__(self, schedule: Callable, verbose: int = 0):
        super().__init__()
        if not callable(schedule):
            raise TypeError(f"LearningRateScheduler: schedule must be callable, got {type(schedule).__name__}")
        self.schedule = schedule
        self.verbose = verbose
        self._takes_lr = self._accepts_two(schedule)

    @staticmethod
    def _accepts_two(fn: Callable) -> bool:
        try:
            signature = inspect.signature(fn)
        except (TypeError, ValueError):  # some builtins have no signature
            return True
        try:
            signature.bind(0, 0.0)
            return True
        except TypeError:
            return False

    def on_epoch_begin(self, epoch, logs=None):
        lr = learning_rate(self.model)
        new_lr = self.schedule(epoch, lr) if self._takes_lr else self.schedule(epoch)
        if isinstance(new_lr, bool) or not isinstance(new_lr, numbers.Real) or not math.isfinite(new_lr):
            raise ValueError(
                f"LearningRateScheduler: schedule({epoch}, {lr}) must return a finite float, got {new_lr!r}"
            )
        set_learning_rate(self.model, new_lr)
        if self.verbose > 0:
            print_msg(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {new_lr}.")  # as Keras

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = learning_rate(self.model)

    def get_config(self) -> dict:
        raise NotImplementedError("LearningRateScheduler holds a Python function, which has no JSON config")
