"""``Callback``, the base of the callbacks: one no-op method per hook of ``fit``, ``evaluate`` and ``predict``.

The order in which ``fit`` calls the hooks, and what a callback may use of the model, are in the
package's docstring (:mod:`nabla.keras.callbacks`).
"""

from __future__ import annotations

import numpy as np

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


def log_value(value) -> float:
    """A ``logs`` entry (a Python or NumPy number, a 0-d array) as a Python float."""
    return float(np.asarray(value, dtype=np.float64))


def is_keras_optimizer(optimizer) -> bool:
    """Whether ``optimizer`` is one of Keras's classes (a ``learning_rate`` property, schedules), not nabla.optim's."""
    return isinstance(getattr(type(optimizer), "learning_rate", None), property)


def learning_rate(model) -> float:
    """The learning rate the model's optimizer uses next: a Keras optimizer's ``learning_rate`` (a schedule's
    value at the optimizer's step count), else the first parameter group's ``"lr"``."""
    optimizer = model.optimizer
    return float(optimizer.learning_rate if is_keras_optimizer(optimizer) else optimizer.param_groups[0]["lr"])


def set_learning_rate(model, value: float) -> None:
    """Set the learning rate of every parameter group. A Keras optimizer built with a schedule raises a
    ``TypeError``, as Keras's does: its rate is the schedule's."""
    optimizer = model.optimizer
    if is_keras_optimizer(optimizer):
        optimizer.learning_rate = float(value)
        return
    for group in optimizer.param_groups:
        group["lr"] = float(value)


class Callback:
    """Base class of the callbacks: every hook is a no-op, override the ones you need.

    Attributes:
        model: the model being trained, set by :meth:`set_model` before training.
        params: ``{"epochs": int, "steps": int | None, "verbose": int | str}``, set
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
