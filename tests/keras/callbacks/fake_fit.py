"""Drivers for the callback tests: a fake model and a fake ``fit`` that run callbacks through a scripted sequence
of logs, as fit would; and ``ScriptedValLoss``, which scripts ``val_loss`` inside a real ``fit``."""

from __future__ import annotations

import numpy as np

from nabla import callbacks as C


class FakeOptimizer:
    def __init__(self, lrs=(0.1,)):
        self.param_groups = [{"params": [], "lr": lr} for lr in lrs]


class FakeModel:
    """The interface callbacks may use: stop_training, optimizer, get/set_weights, save/save_weights."""

    def __init__(self, lrs=(0.1,), metrics=None):
        self.stop_training = False
        self.optimizer = FakeOptimizer(lrs)
        self.weights = [np.zeros(3), np.zeros((2, 2))]
        self.saves: list[tuple[str, str]] = []
        if metrics is not None:
            self.metrics = metrics

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [np.array(w, copy=True) for w in weights]

    def save(self, path):
        self._write("model", path)

    def save_weights(self, path):
        self._write("weights", path)

    def _write(self, kind, path):
        with open(path, "w") as f:
            f.write(f"{kind} {self.weights[0][0]:g}")
        self.saves.append((kind, str(path)))

    @property
    def lr(self):
        return self.optimizer.param_groups[0]["lr"]


def fit(callbacks, epoch_logs, model=None, steps=2, batch_logs=None, verbose=0):
    """Call the hooks in Keras's order; epoch i sets every weight to i + 1 and ends with epoch_logs[i].

    Returns (model, history, lrs): lrs is the rate in effect during each epoch that ran.
    """
    model = model or FakeModel()
    cbs = C.CallbackList(callbacks, add_history=True, model=model, epochs=len(epoch_logs), steps=steps, verbose=verbose)
    model.stop_training = False
    lrs = []
    cbs.on_train_begin()
    for epoch, logs in enumerate(epoch_logs):
        cbs.on_epoch_begin(epoch)
        lrs.append(model.lr)
        for batch in range(steps):
            cbs.on_train_batch_begin(batch)
            model.weights = [np.full(3, epoch + 1.0), np.full((2, 2), epoch + 1.0)]
            logs_b = batch_logs(epoch, batch) if batch_logs else {"loss": logs.get("loss", 1.0)}
            cbs.on_train_batch_end(batch, dict(logs_b))
            if model.stop_training:
                break
        cbs.on_epoch_end(epoch, dict(logs))
        if model.stop_training:
            break
    cbs.on_train_end()
    return model, cbs.history, lrs


def val(*values, key="val_loss"):
    return [{"loss": 1.0, key: v} for v in values]


def weight_value(model):
    return model.weights[0][0]


class ScriptedValLoss(C.Callback):
    """Puts a scripted ``val_loss`` in the epoch logs and snapshots the weights, for the callbacks after it."""

    def __init__(self, values):
        super().__init__()
        self.values, self.snapshots = values, []

    def on_epoch_end(self, epoch, logs=None):
        logs["val_loss"] = self.values[epoch]
        self.snapshots.append(self.model.get_weights())
