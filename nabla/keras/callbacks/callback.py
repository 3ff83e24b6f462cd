"""Callbacks for the Keras-style ``fit``: hook objects that talk through ``logs`` and ``model.stop_training``.

Keras 3's classes, arguments and semantics. ``fit`` calls, in order::

    on_train_begin(logs)
        on_epoch_begin(epoch, logs)                 # epoch counts from 0
            on_train_batch_begin(batch, logs)       # batch counts from 0 in each epoch
            on_train_batch_end(batch, logs)         # logs: "loss" and metrics averaged so far this epoch
        on_epoch_end(epoch, logs)                   # logs: "loss", metrics, "val_loss", "val_<metric>"
    on_train_end(logs)

``evaluate`` calls ``on_test_begin/end`` and ``on_test_batch_begin/end``,
``predict`` ``on_predict_begin/end`` and ``on_predict_batch_begin/end``.
Before training each callback gets ``set_model(model)`` and
``set_params({"epochs": ..., "steps": ..., "verbose": ...})``. A callback may
add entries to ``logs`` (``ReduceLROnPlateau`` adds ``"learning_rate"``),
which the callbacks after it see: the ``History`` and ``ProgbarLogger`` that
``fit`` adds come last.

What a callback may use of the model: ``model.stop_training`` (set it to
stop), ``model.optimizer.param_groups`` (each group's ``"lr"``),
``model.get_weights()`` / ``model.set_weights(weights)`` (lists of arrays),
``model.save(path)`` / ``model.save_weights(path)`` (both atomic).

Every callback whose arguments are plain values has a JSON-able
``get_config()``; ``type(cb).from_config(cb.get_config())`` rebuilds it.

Example::

    model.fit(x, y, epochs=100, validation_split=0.2, callbacks=[
        nb.callbacks.EarlyStopping(patience=5, restore_best_weights=True),
        nb.callbacks.ReduceLROnPlateau(factor=0.5, patience=2),
        nb.callbacks.CSVLogger("training.csv"),
    ])
"""

from __future__ import annotations

import csv
import inspect
import math
import numbers
import os
import sys
import time
import warnings
from collections.abc import Callable, Iterable

import numpy as np

__all__ = [
    "CSVLogger",
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "ProgbarLogger",
    "ReduceLROnPlateau",
    "TerminateOnNaN",
    "resolve_verbose",
]

_HOOKS = (
    "on_train_begin",
    "on_train_end",
    "on_epoch_begin",
    "on_epoch_end",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_begin",
    "on_test_end",
    "on_test_batch_begin",
    "on_test_batch_end",
    "on_predict_begin",
    "on_predict_end",
    "on_predict_batch_begin",
    "on_predict_batch_end",
    "on_batch_begin",
    "on_batch_end",
)


def print_msg(message: str) -> None:
    """Print a line to stdout without breaking a live progress bar (``tqdm.write`` moves it down)."""
    from tqdm.auto import tqdm

    tqdm.write(message, file=sys.stdout)


def _float(value) -> float:
    return float(np.asarray(value, dtype=np.float64))


# --- base ------------------------------------------------------------------------------


class Callback:
    """Base class of the callbacks: every hook is a no-op, override the ones you need.

    Attributes:
        model: the model being trained, set by :meth:`set_model` before training.
        params: ``{"epochs": int, "steps": int | None, "verbose": int}``, set
            by :meth:`set_params`.

    ``on_train_batch_begin/end`` call ``on_batch_begin/end`` by default (the
    older Keras names), so overriding either works.

    Example::

        class PrintLoss(Callback):
            def on_epoch_end(self, epoch, logs=None):
                print(f"epoch {epoch + 1}: loss {logs['loss']:.4f}")
    """

    def __init__(self):
        self.model = None
        self.params: dict = {}

    def set_model(self, model) -> None:
        """Attach the model the hooks act on."""
        self.model = model

    def set_params(self, params: dict) -> None:
        """Receive the training parameters (``epochs``, ``steps``, ``verbose``)."""
        self.params = dict(params)

    def on_train_begin(self, logs: dict | None = None) -> None:
        """Called once at the start of ``fit``."""

    def on_train_end(self, logs: dict | None = None) -> None:
        """Called once at the end of ``fit`` (also after an early stop)."""

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        """Called at the start of each epoch (``epoch`` from 0)."""

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """Called at the end of each epoch, after validation; ``logs`` holds the epoch's results."""

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called before each training batch (``batch`` from 0 in each epoch)."""
        self.on_batch_begin(batch, logs)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called after each training batch; ``logs`` holds the running averages of this epoch."""
        self.on_batch_end(batch, logs)

    def on_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Older name for :meth:`on_train_batch_begin`."""

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Older name for :meth:`on_train_batch_end`."""

    def on_test_begin(self, logs: dict | None = None) -> None:
        """Called at the start of ``evaluate`` (and of the validation inside ``fit``)."""

    def on_test_end(self, logs: dict | None = None) -> None:
        """Called at the end of ``evaluate``; ``logs`` holds its results."""

    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called before each ``evaluate`` batch."""

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called after each ``evaluate`` batch."""

    def on_predict_begin(self, logs: dict | None = None) -> None:
        """Called at the start of ``predict``."""

    def on_predict_end(self, logs: dict | None = None) -> None:
        """Called at the end of ``predict``."""

    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called before each ``predict`` batch."""

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called after each ``predict`` batch."""

    def get_config(self) -> dict:
        """The constructor arguments as a JSON-able dict."""
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Callback:
        """Build a callback from what :meth:`get_config` returned."""
        return cls(**config)

    def __repr__(self) -> str:
        try:
            args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        except NotImplementedError:
            args = "..."
        return f"{type(self).__name__}({args})"


class CallbackList(Callback):
    """Dispatches every hook to a list of callbacks, in order, sharing one ``logs`` dict.

    ``fit`` wraps its callbacks in one, adding a :class:`History` (unless one
    is given) and, when ``add_progbar``, a :class:`ProgbarLogger`, at the end
    so that they see what the other callbacks wrote into ``logs``.

    Args:
        callbacks: the callbacks (default none).
        add_history: append a :class:`History` if none is in ``callbacks``.
        add_progbar: append a :class:`ProgbarLogger` if none is in ``callbacks``.
        model: if given, passed to every callback's ``set_model``.
        **params: if given, passed to every callback's ``set_params``
            (``epochs=``, ``steps=``, ``verbose=``).

    Example::

        callbacks = CallbackList(user_callbacks, add_history=True, add_progbar=verbose != 0,
                                 model=model, epochs=epochs, steps=len(loader), verbose=verbose)
        callbacks.on_train_begin()
        ...
        return callbacks.history
    """

    def __init__(
        self,
        callbacks: Iterable[Callback] | None = None,
        add_history: bool = False,
        add_progbar: bool = False,
        model=None,
        **params,
    ):
        super().__init__()
        self.callbacks: list[Callback] = list(callbacks or [])
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(
                    f"CallbackList: every callback must be an nb.callbacks.Callback, got {type(cb).__name__} "
                    "(use LambdaCallback to wrap a function)"
                )
        self.history: History | None = next((cb for cb in self.callbacks if isinstance(cb, History)), None)
        if add_history and self.history is None:
            self.history = History()
            self.callbacks.append(self.history)
        if add_progbar and not any(isinstance(cb, ProgbarLogger) for cb in self.callbacks):
            self.callbacks.append(ProgbarLogger())
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def append(self, callback: Callback) -> None:
        """Add a callback at the end."""
        self.callbacks.append(callback)

    def __iter__(self):
        return iter(self.callbacks)

    def __len__(self) -> int:
        return len(self.callbacks)

    def set_model(self, model) -> None:
        super().set_model(model)
        for cb in self.callbacks:
            cb.set_model(model)

    def set_params(self, params: dict) -> None:
        super().set_params(params)
        for cb in self.callbacks:
            cb.set_params(params)

    def _call(self, hook: str, *args, logs: dict | None) -> dict:
        logs = {} if logs is None else logs
        for cb in self.callbacks:
            getattr(cb, hook)(*args, logs)
        return logs

    def on_train_begin(self, logs=None):
        self._call("on_train_begin", logs=logs)

    def on_train_end(self, logs=None):
        self._call("on_train_end", logs=logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._call("on_epoch_begin", epoch, logs=logs)

    def on_epoch_end(self, epoch, logs=None):
        self._call("on_epoch_end", epoch, logs=logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._call("on_train_batch_begin", batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        self._call("on_train_batch_end", batch, logs=logs)

    def on_batch_begin(self, batch, logs=None):
        self._call("on_batch_begin", batch, logs=logs)

    def on_batch_end(self, batch, logs=None):
        self._call("on_batch_end", batch, logs=logs)

    def on_test_begin(self, logs=None):
        self._call("on_test_begin", logs=logs)

    def on_test_end(self, logs=None):
        self._call("on_test_end", logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._call("on_test_batch_begin", batch, logs=logs)

    def on_test_batch_end(self, batch, logs=None):
        self._call("on_test_batch_end", batch, logs=logs)

    def on_predict_begin(self, logs=None):
        self._call("on_predict_begin", logs=logs)

    def on_predict_end(self, logs=None):
        self._call("on_predict_end", logs=logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._call("on_predict_batch_begin", batch, logs=logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._call("on_predict_batch_end", batch, logs=logs)

    def get_config(self) -> dict:
        raise NotImplementedError("CallbackList has no config: serialise its callbacks one by one")


class History(Callback):
    """Records the epoch logs: ``history.history["val_loss"][i]`` is epoch ``history.epoch[i]``'s value.

    ``fit`` adds one and returns it (it is also ``model.history``). A History
    passed to several ``fit`` calls keeps appending to both ``history`` and
    ``epoch`` (Keras resets ``epoch`` but not ``history``).

    Attributes:
        history: dict from log key to the list of its values, one per epoch.
        epoch: the epoch numbers recorded (from 0).

    Example::

        history = model.fit(x, y, epochs=10, validation_split=0.2)
        best = min(history.history["val_loss"])
    """

    def __init__(self):
        super().__init__()
        self.history: dict[str, list] = {}
        self.epoch: list[int] = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        if self.model is not None:
            self.model.history = self


# --- monitoring helpers ------------------------------------------------------------------

# Name parts of metrics where higher is better (accuracy, acc, auc, precision, recall, r2...).
_HIGHER_IS_BETTER = ("acc", "accuracy", "auc", "precision", "recall", "r2", "f1", "fbeta", "iou", "dice")


def _higher_is_better(monitor: str, model=None) -> bool:
    """``mode="auto"``: does ``monitor`` improve upwards?

    A metric of the model (``model.metrics`` or ``model.compiled_metrics``)
    with a ``direction`` decides; otherwise the name, without ``val_``, split
    on ``_``: a part ``loss`` means lower is better, a part among
    accuracy/acc/auc/precision/recall/r2/f1... (or starting with ``acc``)
    means higher; anything else is minimised.
    """
    name = monitor.removeprefix("val_")
    model_metrics = [*(getattr(model, "metrics", None) or ()), *(getattr(model, "compiled_metrics", None) or ())]
    for metric in model_metrics:
        if getattr(metric, "name", None) == name and getattr(metric, "direction", None) in ("up", "down"):
            return metric.direction == "up"
    parts = name.lower().split("_")
    if "loss" in parts:
        return False
    return any(p in _HIGHER_IS_BETTER or p.startswith("acc") for p in parts)


def _check_mode(mode: str, name: str) -> str:
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"{name}: mode must be 'auto', 'min' or 'max', got {mode!r}")
    return mode


def _check_nonnegative_int(value, what: str, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(f"{name}: {what} must be a non-negative integer, got {value!r}")
    return int(value)


class _Monitor(Callback):
    """Shared by the callbacks that watch one ``logs`` key: direction, improvement test, missing-key warning."""

    def __init__(self, monitor: str, mode: str, min_delta: float = 0.0):
        super().__init__()
        if not isinstance(monitor, str):
            raise TypeError(f"{type(self).__name__}: monitor must be a logs key (a string), got {monitor!r}")
        self.monitor = monitor
        self.mode = _check_mode(mode, type(self).__name__)
        self.min_delta = abs(float(min_delta))
        self._warned_missing = False

    def _greater(self) -> bool:
        return self.mode == "max" or (self.mode == "auto" and _higher_is_better(self.monitor, self.model))

    def _worst(self) -> float:
        return -math.inf if self._greater() else math.inf

    def _improves(self, current: float, reference: float) -> bool:
        """``current`` beats ``reference`` by more than ``min_delta`` in the monitored direction."""
        if self._greater():
            return current - self.min_delta > reference
        return current + self.min_delta < reference

    def _get_monitor_value(self, logs: dict | None) -> float | None:
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            if not self._warned_missing:
                self._warned_missing = True
                warnings.warn(
                    f"{type(self).__name__} is monitoring '{self.monitor}', which is not in the logs "
                    f"(available: {', '.join(logs) or 'none'}); it does nothing on epochs without it. "
                    "Pass validation data for 'val_' keys, or monitor one of the available keys.",
                    stacklevel=3,
                )
            return None
        return _float(value)


# --- training control ----------------------------------------------------------------------


class EarlyStopping(_Monitor):
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
        self.patience = _check_nonnegative_int(patience, "patience", "EarlyStopping")
        self.start_from_epoch = _check_nonnegative_int(start_from_epoch, "start_from_epoch", "EarlyStopping")
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


class TerminateOnNaN(Callback):
    """Stop training as soon as a batch's ``"loss"`` is NaN or infinite.

    Sets ``model.stop_training`` (``fit`` stops; the weights are whatever the
    bad step left, possibly NaN) or, with ``raise_error=True``, raises a
    ``RuntimeError`` naming the epoch and batch, which ends ``fit`` at once.

    Args:
        raise_error: raise instead of stopping, default False.

    Example::

        model.fit(x, y, epochs=10, callbacks=[TerminateOnNaN(raise_error=True)])
    """

    def __init__(self, raise_error: bool = False):
        super().__init__()
        self.raise_error = bool(raise_error)
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None or np.isfinite(_float(loss)):
            return
        message = f"Epoch {self._epoch + 1}, batch {batch}: invalid loss {_float(loss)}, terminating training"
        if self.raise_error:
            raise RuntimeError(f"TerminateOnNaN: {message}")
        print_msg(message)
        self.model.stop_training = True

    def get_config(self) -> dict:
        return {"raise_error": self.raise_error}


# --- learning rate -------------------------------------------------------------------------


def _learning_rate(model) -> float:
    return float(model.optimizer.param_groups[0]["lr"])


class ReduceLROnPlateau(_Monitor):
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
        self.patience = _check_nonnegative_int(patience, "patience", "ReduceLROnPlateau")
        self.cooldown = _check_nonnegative_int(cooldown, "cooldown", "ReduceLROnPlateau")
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
            logs["learning_rate"] = _learning_rate(self.model)
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
        reduced = False
        for group in self.model.optimizer.param_groups:
            old = float(group["lr"])
            if old > self.min_lr:
                group["lr"] = max(old * self.factor, self.min_lr)
                reduced = True
        if reduced:
            if self.verbose > 0:
                print_msg(
                    f"Epoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {_learning_rate(self.model):.6g}."
                )
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


class LearningRateScheduler(Callback):
    """Set the learning rate at the start of each epoch from ``schedule(epoch, lr)``.

    ``schedule`` receives the epoch (from 0) and the current rate and
    returns the new one, which is set on every parameter group (a
    one-argument ``schedule(epoch)`` works too). Adds ``"learning_rate"`` to
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
        lr = _learning_rate(self.model)
        new_lr = self.schedule(epoch, lr) if self._takes_lr else self.schedule(epoch)
        if isinstance(new_lr, bool) or not isinstance(new_lr, numbers.Real) or not math.isfinite(new_lr):
            raise ValueError(
                f"LearningRateScheduler: schedule({epoch}, {lr}) must return a finite float, got {new_lr!r}"
            )
        for group in self.model.optimizer.param_groups:
            group["lr"] = float(new_lr)
        if self.verbose > 0:
            print_msg(f"Epoch {epoch + 1}: LearningRateScheduler setting learning rate to {float(new_lr):.6g}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = _learning_rate(self.model)

    def get_config(self) -> dict:
        raise NotImplementedError("LearningRateScheduler holds a Python function, which has no JSON config")


# --- saving and logging ------------------------------------------------------------------


class ModelCheckpoint(_Monitor):
    """Save the model (or its weights) during training, optionally only when it improves.

    ``filepath`` may hold ``str.format`` fields filled from the epoch number
    (from 1, as Keras) and the logs: ``"ckpt/{epoch:02d}-{val_loss:.2f}.nabla"``.
    Saving goes through ``model.save(path)`` or ``model.save_weights(path)``,
    which write atomically (temporary file, then rename), so an interrupted
    save never leaves a truncated checkpoint. Missing folders are created.

    With ``save_best_only=True`` a file is written only when the monitored
    value beats the best so far (strictly; ``initial_value_threshold`` is the
    value to beat first), so a fixed ``filepath`` always holds the best
    model; with formatted names every improvement gets its own file.

    Args:
        filepath: where to save (str or path-like), with optional format fields.
        monitor: the ``logs`` key compared with ``save_best_only``, default ``"val_loss"``.
        verbose: 1 prints each save, default 0.
        save_best_only: save only on improvement, default False.
        save_weights_only: ``model.save_weights`` instead of ``model.save``, default False.
        mode: ``"auto"`` (default), ``"min"`` or ``"max"``, as :class:`EarlyStopping`.
        save_freq: ``"epoch"`` (default) to save at each epoch end, or an int N
            to save every N training batches (with the running batch logs, so
            ``val_`` keys are not available then).
        initial_value_threshold: the value the first save must beat, default None.

    Example::

        ModelCheckpoint("checkpoints/best.nabla", monitor="val_accuracy", save_best_only=True)
        ModelCheckpoint("checkpoints/epoch{epoch:03d}.weights", save_weights_only=True)
    """

    def __init__(
        self,
        filepath,
        monitor: str = "val_loss",
        verbose: int = 0,
        save_best_only: bool = False,
        save_weights_only: bool = False,
        mode: str = "auto",
        save_freq: str | int = "epoch",
        initial_value_threshold: float | None = None,
    ):
        super().__init__(monitor, mode)
        self.filepath = os.fspath(filepath)
        if save_freq != "epoch" and (isinstance(save_freq, bool) or not isinstance(save_freq, int) or save_freq < 1):
            raise ValueError(f"ModelCheckpoint: save_freq must be 'epoch' or a positive int, got {save_freq!r}")
        self.verbose = verbose
        self.save_best_only = bool(save_best_only)
        self.save_weights_only = bool(save_weights_only)
        self.save_freq = save_freq
        self.initial_value_threshold = None if initial_value_threshold is None else float(initial_value_threshold)
        self.best = self.initial_value_threshold  # kept across fit calls, as Keras
        self._epoch = 0
        self._batches_since_save = 0

    def on_train_begin(self, logs=None):
        self._batches_since_save = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        self._batches_since_save += 1
        if self._batches_since_save >= self.save_freq:
            self._batches_since_save = 0
            self._save(self._epoch, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._save(epoch, None, logs)

    def format_filepath(self, epoch: int, logs: dict | None = None, batch: int | None = None) -> str:
        """The path for ``epoch`` (from 0) and ``logs``: ``filepath.format(epoch=epoch + 1, **logs)``."""
        fields = dict(logs or {})
        fields["epoch"] = epoch + 1
        if batch is not None:
            fields["batch"] = batch + 1
        try:
            return self.filepath.format(**fields)
        except (KeyError, IndexError) as e:
            raise ValueError(
                f"ModelCheckpoint: cannot format filepath {self.filepath!r}: no field {e} in the logs "
                f"(available: epoch{', batch' if batch is not None else ''}, {', '.join(logs or {})})"
            ) from None

    def _save(self, epoch: int, batch: int | None, logs: dict | None) -> None:
        path = self.format_filepath(epoch, logs, batch)
        if self.save_best_only:
            current = self._get_monitor_value(logs)
            if current is None:
                return
            best = self._worst() if self.best is None else self.best
            if not self._improves(current, best):
                if self.verbose > 0:
                    print_msg(f"Epoch {epoch + 1}: {self.monitor} did not improve from {best:.5f}")
                return
            if self.verbose > 0:
                print_msg(
                    f"Epoch {epoch + 1}: {self.monitor} improved from {best:.5f} to {current:.5f}, "
                    f"saving model to {path}"
                )
            self.best = current
        elif self.verbose > 0:
            print_msg(f"Epoch {epoch + 1}: saving model to {path}")
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)

    def get_config(self) -> dict:
        return {
            "filepath": self.filepath,
            "monitor": self.monitor,
            "verbose": self.verbose,
            "save_best_only": self.save_best_only,
            "save_weights_only": self.save_weights_only,
            "mode": self.mode,
            "save_freq": self.save_freq,
            "initial_value_threshold": self.initial_value_threshold,
        }


class CSVLogger(Callback):
    """Write one row per epoch to a CSV file: an ``epoch`` column (from 0, as Keras), then the sorted log keys.

    The columns are fixed by the first epoch's logs; a key missing in a later
    epoch is written as ``NA`` (keys that first appear later are not
    written, with a warning). With ``append=True`` an existing file is
    continued under its own header. The file is flushed after every row, so
    it can be watched while training runs.

    Args:
        filename: the CSV file (str or path-like).
        separator: the column separator, default ``","``.
        append: continue an existing file instead of overwriting it, default False.

    Example::

        model.fit(x, y, epochs=10, callbacks=[CSVLogger("log.csv")])
        # log.csv:  epoch,accuracy,loss,val_accuracy,val_loss
        #           0,0.81,0.52,0.85,0.44
    """

    def __init__(self, filename, separator: str = ",", append: bool = False):
        super().__init__()
        self.filename = os.fspath(filename)
        self.separator = separator
        self.append = bool(append)
        self.keys: list[str] | None = None
        self._file = None
        self._writer = None
        self._write_header = True
        self._warned_new_keys = False

    def on_train_begin(self, logs=None):
        self.keys, self._writer, self._write_header = None, None, True
        if self.append and os.path.isfile(self.filename) and os.path.getsize(self.filename) > 0:
            with open(self.filename, newline="") as f:
                header = next(csv.reader(f, delimiter=self.separator), [])
            if header[:1] == ["epoch"]:
                self.keys = header[1:]
            self._write_header = False
        self._file = open(self.filename, "a" if self.append else "w", newline="")  # closed in on_train_end

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
        new = [k for k in logs if k not in self.keys]
        if new and not self._warned_new_keys:
            self._warned_new_keys = True
            warnings.warn(f"CSVLogger: keys {new} were not in the first epoch's logs and are not written", stacklevel=2)
        if self._writer is None:
            self._writer = csv.writer(self._file, delimiter=self.separator)
            if self._write_header:
                self._writer.writerow(["epoch", *self.keys])
        self._writer.writerow([epoch, *(self._format(logs.get(k, "NA")) for k in self.keys)])
        self._file.flush()

    @staticmethod
    def _format(value):
        if isinstance(value, np.generic):
            return value.item()
        if isinstance(value, np.ndarray) and value.ndim == 0:
            return value.item()
        if isinstance(value, (list, tuple, np.ndarray)):
            return "[" + ", ".join(map(str, np.asarray(value).ravel().tolist())) + "]"
        return value

    def on_train_end(self, logs=None):
        if self._file is not None:
            self._file.close()
        self._file, self._writer = None, None

    def get_config(self) -> dict:
        return {"filename": self.filename, "separator": self.separator, "append": self.append}


class LambdaCallback(Callback):
    """A callback made of functions, one per hook: ``LambdaCallback(on_epoch_end=lambda epoch, logs: ...)``.

    Each function takes the hook's arguments: ``(logs)`` for
    ``on_train_begin/end``, ``on_test_begin/end``, ``on_predict_begin/end``;
    ``(epoch, logs)`` for ``on_epoch_begin/end``; ``(batch, logs)`` for the
    batch hooks (``on_batch_begin/end`` are the training ones, as in Keras).

    Args:
        on_epoch_begin, on_epoch_end, on_train_begin, on_train_end,
        on_train_batch_begin, on_train_batch_end: the usual hooks, default None.
        **hooks: any other hook by name (``on_test_end=...``); an unknown name
            raises ``TypeError``.

    Example::

        losses = []
        LambdaCallback(on_train_batch_end=lambda batch, logs: losses.append(logs["loss"]))
    """

    def __init__(
        self,
        on_epoch_begin: Callable | None = None,
        on_epoch_end: Callable | None = None,
        on_train_begin: Callable | None = None,
        on_train_end: Callable | None = None,
        on_train_batch_begin: Callable | None = None,
        on_train_batch_end: Callable | None = None,
        **hooks: Callable,
    ):
        super().__init__()
        unknown = sorted(set(hooks) - set(_HOOKS))
        if unknown:
            raise TypeError(f"LambdaCallback: unknown hooks {unknown}; valid hooks are {list(_HOOKS)}")
        hooks.update(
            on_epoch_begin=on_epoch_begin,
            on_epoch_end=on_epoch_end,
            on_train_begin=on_train_begin,
            on_train_end=on_train_end,
            on_train_batch_begin=on_train_batch_begin,
            on_train_batch_end=on_train_batch_end,
        )
        for name, fn in hooks.items():
            if fn is None:
                continue
            if not callable(fn):
                raise TypeError(f"LambdaCallback: {name} must be callable, got {type(fn).__name__}")
            setattr(self, name, fn)

    def get_config(self) -> dict:
        raise NotImplementedError("LambdaCallback holds Python functions, which have no JSON config")


# --- progress display ----------------------------------------------------------------------


def resolve_verbose(verbose: int | str) -> int:
    """``fit``'s ``verbose``: 0 silent, 1 progress bar, 2 one line per epoch; ``"auto"`` picks 1 or 2.

    ``"auto"`` is 1 (a live bar) when stdout is a terminal or a Jupyter
    notebook (a widget bar), and 2 otherwise (logs, CI), where a bar
    redrawn in place would fill the log with lines.

    Example:
        >>> resolve_verbose(2)
        2
    """
    if verbose == "auto":
        if _in_notebook():
            return 1
        try:
            return 1 if sys.stdout.isatty() else 2
        except (AttributeError, ValueError):  # replaced or closed stdout
            return 2
    if isinstance(verbose, bool) or verbose not in (0, 1, 2):
        raise ValueError(f"verbose must be 0, 1, 2 or 'auto', got {verbose!r}")
    return int(verbose)


def _in_notebook() -> bool:
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except Exception:  # an IPython too old or half-initialised: not a notebook we can drive
        return False
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _format_value(value) -> str:
    """As Keras's progress bar: 4 decimals, scientific notation below 1e-3."""
    try:
        value = _float(value)
    except (TypeError, ValueError):
        return str(value)
    if value == 0 or not math.isfinite(value) or abs(value) >= 1e-3:
        return f"{value:.4f}"
    return f"{value:.4e}"


def _format_logs(logs: dict | None) -> str:
    return " - ".join(f"{k}: {_format_value(v)}" for k, v in (logs or {}).items())


def _format_time(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f}s"
    if seconds < 3600:
        return f"{int(seconds // 60)}m {int(seconds % 60):02d}s"
    return f"{int(seconds // 3600)}h {int(seconds % 3600 // 60):02d}m"


class ProgbarLogger(Callback):
    """The progress display of ``fit``, ``evaluate`` and ``predict``, drawn with tqdm.

    * ``verbose=1``: a live bar per epoch with the step count, the ETA and
      the running loss and metrics, left on screen with the epoch's final
      logs (``tqdm.auto``: a widget in Jupyter, text in a terminal);
      ``evaluate`` and ``predict`` get a bar too.
    * ``verbose=2``: one line per epoch, once it ends, as Keras::

          Epoch 3/10 - 0s - loss: 0.1234 - accuracy: 0.9500 - val_loss: 0.2345 - val_accuracy: 0.9200

      and one line at the end of ``evaluate``.
    * ``verbose=0``: nothing.

    The validation run inside ``fit`` draws nothing of its own: its results
    appear in the epoch's line. ``fit`` adds a ProgbarLogger when its
    ``verbose`` is not 0; the number of steps per epoch comes from
    ``params["steps"]`` (None: a bar without total).

    Args:
        verbose: 0, 1, 2 or ``"auto"`` (see :func:`resolve_verbose`); default
            None, which takes ``params["verbose"]`` (itself defaulting to 1).

    Example::

        model.fit(x, y, epochs=10, verbose=2)   # adds ProgbarLogger() for you
    """

    def __init__(self, verbose: int | str | None = None):
        super().__init__()
        self._verbose_arg = verbose
        self.verbose = 1 if verbose is None else resolve_verbose(verbose)
        self.epochs = 1
        self.steps: int | None = None
        self._bar = None
        self._in_fit = False
        self._start = 0.0
        self._seen = 0

    def set_params(self, params):
        super().set_params(params)
        verbose = self._verbose_arg if self._verbose_arg is not None else params.get("verbose", 1)
        self.verbose = resolve_verbose(verbose)
        self.epochs = params.get("epochs") or 1
        self.steps = params.get("steps")

    # The bar, shared by the three phases.

    def _open(self, description: str) -> None:
        self._close()
        self._start, self._seen = time.perf_counter(), 0
        if self.verbose == 1:
            from tqdm.auto import tqdm

            self._bar = tqdm(
                total=self.steps, desc=description, unit="step", file=sys.stdout, dynamic_ncols=True, leave=True
            )

    def _advance(self, batch: int, logs: dict | None) -> None:
        self._seen = batch + 1
        if self._bar is not None:
            if logs:
                self._bar.set_postfix_str(_format_logs(logs), refresh=False)
            self._bar.update(self._seen - self._bar.n)

    def _close(self, logs: dict | None = None) -> None:
        if self._bar is not None:
            if logs:
                self._bar.set_postfix_str(_format_logs(logs), refresh=False)
            self._bar.close()
            self._bar = None

    def _elapsed(self) -> str:
        return _format_time(time.perf_counter() - self._start)

    # fit

    def on_train_begin(self, logs=None):
        self._in_fit = True

    def on_epoch_begin(self, epoch, logs=None):
        self._open(f"Epoch {epoch + 1}/{self.epochs}")

    def on_train_batch_end(self, batch, logs=None):
        self._advance(batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.verbose == 2:
            line = f"Epoch {epoch + 1}/{self.epochs} - {self._elapsed()}"
            print_msg(f"{line} - {_format_logs(logs)}" if logs else line)
        self._close(logs)

    def on_train_end(self, logs=None):
        self._close()
        self._in_fit = False

    # evaluate (the validation inside fit shows nothing of its own)

    def on_test_begin(self, logs=None):
        if not self._in_fit:
            self._open("Evaluate")

    def on_test_batch_end(self, batch, logs=None):
        if not self._in_fit:
            self._advance(batch, logs)

    def on_test_end(self, logs=None):
        if self._in_fit:
            return
        if self.verbose == 2:
            line = f"{self._seen}/{self.steps or self._seen} - {self._elapsed()}"
            print_msg(f"{line} - {_format_logs(logs)}" if logs else line)
        self._close(logs)

    # predict

    def on_predict_begin(self, logs=None):
        self._open("Predict")

    def on_predict_batch_end(self, batch, logs=None):
        self._advance(batch, None)

    def on_predict_end(self, logs=None):
        if self.verbose == 2:
            print_msg(f"{self._seen}/{self.steps or self._seen} - {self._elapsed()}")
        self._close()

    def get_config(self) -> dict:
        return {} if self._verbose_arg is None else {"verbose": self._verbose_arg}
