"""``ReduceLROnPlateau``: lower the learning rate when a monitored quantity has stopped improving."""

from __future__ import annotations

import numpy as np

from ..utils.io_utils import print_msg
from .callback import is_keras_optimizer, learning_rate, set_learning_rate
from .monitor_callback import MonitorCallback, check_nonnegative_int


class ReduceLROnPlateau(MonitorCallback):
    """Multiply the learning rate by ``factor`` when a monitored quantity has stopped improving.

    Keras's semantics: a value better than the best by more than
    ``min_delta`` resets the counter; after ``patience`` epochs without one,
    each parameter group's ``lr`` becomes ``max(lr * factor, min_lr)`` (groups
    already at ``min_lr`` stay), the counter resets and ``cooldown`` epochs
    follow during which nothing is counted. Adds ``"learning_rate"`` (the
    rate used during the epoch just finished) to the epoch logs.

    Args:
        monitor: the ``logs`` key to watch, default ``"val_loss"``.
        factor: the multiplier, in (0, 1), default 0.1.
        patience: epochs without improvement before reducing, default 10.
        verbose: 1 prints each reduction, default 0.
        mode: ``"auto"`` (default), ``"min"`` or ``"max"``, as :class:`EarlyStopping`.
        min_delta: the smallest change that counts as an improvement, default 1e-4.
        cooldown: epochs to wait after a reduction before counting again, default 0.
        min_lr: the lower bound on the rate, default 0.

    Example::

        model.fit(x, y, epochs=100, validation_split=0.2,
                  callbacks=[ReduceLROnPlateau(factor=0.5, patience=3, min_lr=1e-5)])
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        factor: float = 0.1,
        patience: int = 10,
        verbose: int = 0,
        mode: str = "auto",
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0.0,
    ):
        super().__init__(monitor, mode, min_delta)
        if not 0.0 < factor < 1.0:
            raise ValueError(f"ReduceLROnPlateau: factor must be in (0, 1) to reduce the rate, got {factor!r}")
        if min_lr < 0:
            raise ValueError(f"ReduceLROnPlateau: min_lr must be >= 0, got {min_lr!r}")
        self.factor = float(factor)
        self.patience = check_nonnegative_int(patience, "patience", "ReduceLROnPlateau")
        self.cooldown = check_nonnegative_int(cooldown, "cooldown", "ReduceLROnPlateau")
        self.verbose = verbose
        self.min_lr = float(min_lr)
        self._reset()

    def _reset(self) -> None:
        self.best = None
        self.wait = 0
        self.cooldown_counter = 0

    def on_train_begin(self, logs=None):
        self._reset()

    def in_cooldown(self) -> bool:
        """Whether a reduction happened less than ``cooldown`` epochs ago."""
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = learning_rate(self.model)
        current = self._get_monitor_value(logs)
        if current is None:
            return
        if self.best is None:
            self.best = self._worst()
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._improves(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                self._reduce(epoch)

    def _reduce(self, epoch: int) -> None:
        reduced = None
        if is_keras_optimizer(self.model.optimizer):  # one rate (a schedule's refuses to be set, as in Keras)
            old = learning_rate(self.model)
            if old > float(np.float32(self.min_lr)):  # (Keras compares the float32 rate with a float32 bound)
                reduced = max(old * self.factor, self.min_lr)
                set_learning_rate(self.model, reduced)
        else:
            for group in self.model.optimizer.param_groups:
                old = float(group["lr"])
                if old > self.min_lr:
                    group["lr"] = max(old * self.factor, self.min_lr)
                    reduced = group["lr"] if reduced is None else reduced  # (the first group's is printed)
        if reduced is not None:
            if self.verbose > 0:  # (the rate as Keras prints it: the float32 rate times the factor, in full)
                print_msg(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {reduced}.")
            self.cooldown_counter = self.cooldown
            self.wait = 0

    def get_config(self) -> dict:
        return {
            "monitor": self.monitor,
            "factor": self.factor,
            "patience": self.patience,
            "verbose": self.verbose,
            "mode": self.mode,
            "min_delta": self.min_delta,
            "cooldown": self.cooldown,
            "min_lr": self.min_lr,
        }
