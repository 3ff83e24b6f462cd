"""``EarlyStopping``: stop training when a monitored quantity has stopped improving."""

from __future__ import annotations

from ..utils.io_utils import print_msg
from .monitor_callback import MonitorCallback, check_nonnegative_int


class EarlyStopping(MonitorCallback):
    """Stop training when a monitored quantity has stopped improving.

    Keras's semantics: at each epoch end, a value that beats the best so far
    by more than ``min_delta`` (and, if given, beats ``baseline`` too) resets
    a counter; otherwise it counts one epoch more, and at ``patience``
    epochs without improvement ``model.stop_training`` is set (never at
    epoch 0, as Keras). Epochs before ``start_from_epoch`` are ignored entirely.

    **Restoring, done right.** With ``restore_best_weights=True`` the weights
    of the best epoch are put back at the end of training *whether or not
    training stopped early*: when ``fit`` simply runs out of epochs after
    the best one, you still get the best model (tf.keras 2 restored only
    when it stopped early, a long-standing surprise; recent Keras 3 versions
    also restore at the end). Restoring uses
    ``model.get_weights()`` copies taken at each improvement.

    Args:
        monitor: the ``logs`` key to watch, default ``"val_loss"``.
        min_delta: the smallest change that counts as an improvement,
            default 0 (its sign is ignored).
        patience: epochs without improvement before stopping, default 0.
        verbose: 1 prints when stopping and restoring, default 0.
        mode: ``"min"``, ``"max"``, or ``"auto"`` (default): maximise names
            like accuracy/acc/auc/precision/recall/r2 (or a model metric whose
            ``direction`` is ``"up"``), minimise everything else.
        baseline: a value to beat: the counter only resets on epochs better
            than it, so training stops after ``patience`` epochs if it is never
            reached. Default None.
        restore_best_weights: put back the best epoch's weights at the end of
            training, default False.
        start_from_epoch: epochs to wait before monitoring (a warm-up), default 0.

    Attributes:
        stopped_epoch: the epoch (from 0) at which training was stopped, 0 if it was not.
        best: the best monitored value; best_epoch: its epoch.

    Example::

        stop = EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
        model.fit(x, y, epochs=100, validation_split=0.2, callbacks=[stop])
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        min_delta: float = 0,
        patience: int = 0,
        verbose: int = 0,
        mode: str = "auto",
        baseline: float | None = None,
        restore_best_weights: bool = False,
        start_from_epoch: int = 0,
    ):
        super().__init__(monitor, mode, min_delta)
        self.patience = check_nonnegative_int(patience, "patience", "EarlyStopping")
        self.start_from_epoch = check_nonnegative_int(start_from_epoch, "start_from_epoch", "EarlyStopping")
        self.verbose = verbose
        self.baseline = None if baseline is None else float(baseline)
        self.restore_best_weights = bool(restore_best_weights)
        self._reset()

    def _reset(self) -> None:
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_epoch = 0
        self.best_weights = None
        self._last_epoch = None

    def on_train_begin(self, logs=None):
        self._reset()  # an instance can be reused for another fit

    def on_epoch_end(self, epoch, logs=None):
        self._last_epoch = epoch
        current = self._get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        first = self.best is None
        if first:
            self.best = self._worst()
        self.wait += 1
        if self._improves(current, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            # The counter restarts only on epochs that beat the baseline too.
            if self.baseline is None or self._improves(current, self.baseline):
                self.wait = 0
                return
        elif first and self.restore_best_weights:
            # A first value that is no improvement (NaN): its weights are still the best seen.
            self.best_weights, self.best_epoch = self.model.get_weights(), epoch
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print_msg(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            # Restored even when the best epoch is the last one: fit may have stopped
            # part-way through a later epoch (TerminateOnNaN, Ctrl-C) without an epoch end.
            if self.verbose > 0 and self.best_epoch != self._last_epoch:
                print_msg(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)

    def get_config(self) -> dict:
        return {
            "monitor": self.monitor,
            "min_delta": self.min_delta,
            "patience": self.patience,
            "verbose": self.verbose,
            "mode": self.mode,
            "baseline": self.baseline,
            "restore_best_weights": self.restore_best_weights,
            "start_from_epoch": self.start_from_epoch,
        }
