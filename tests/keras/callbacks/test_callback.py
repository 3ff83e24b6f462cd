"""Callbacks, each driven by a fake model through a scripted sequence of logs, as fit would."""

from __future__ import annotations

import json
import math
import re
import warnings

import numpy as np
import pytest

from nabla import callbacks as C
from nabla import metrics as M
from nabla.keras.callbacks.callback import _HOOKS as HOOKS

# --- a fake model and a fake fit ----------------------------------------------------------------


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


# --- EarlyStopping -------------------------------------------------------------------------------


def test_early_stopping_min_mode_stops_after_patience():
    stop = C.EarlyStopping(patience=2)
    model, history, _ = fit([stop], val(1.0, 0.9, 0.95, 0.96, 0.97, 0.5))
    assert history.epoch == [0, 1, 2, 3]
    assert stop.stopped_epoch == 3 and model.stop_training
    assert stop.best == 0.9 and stop.best_epoch == 1


def test_early_stopping_patience_zero_stops_at_first_non_improvement():
    stop = C.EarlyStopping(patience=0)
    _, history, _ = fit([stop], val(1.0, 0.9, 0.95, 0.5))
    assert history.epoch == [0, 1, 2]


def test_early_stopping_auto_mode_maximises_accuracy_like_names():
    for key in ("val_accuracy", "val_acc", "val_auc", "val_sparse_categorical_accuracy", "val_r2_score"):
        stop = C.EarlyStopping(monitor=key, patience=2)
        _, history, _ = fit([stop], val(0.5, 0.6, 0.55, 0.58, 0.9, key=key))
        assert history.epoch == [0, 1, 2, 3], key
        assert stop.best == 0.6
    # A name without such a part is minimised (0.5 stays the best, so it stops at epoch 2).
    stop = C.EarlyStopping(monitor="val_mae", patience=2)
    _, history, _ = fit([stop], val(0.5, 0.6, 0.55, 0.58, 0.9, key="val_mae"))
    assert history.epoch == [0, 1, 2] and stop.best == 0.5


def test_early_stopping_explicit_modes():
    values = (0.5, 0.6, 0.55, 0.58, 0.9)
    stop = C.EarlyStopping(monitor="val_score", mode="max", patience=2)
    _, history, _ = fit([stop], val(*values, key="val_score"))
    assert history.epoch == [0, 1, 2, 3]
    stop = C.EarlyStopping(monitor="val_accuracy", mode="min", patience=2)
    _, history, _ = fit([stop], val(*values, key="val_accuracy"))
    assert history.epoch == [0, 1, 2]


def test_early_stopping_auto_mode_reads_the_models_metric_direction():
    score = M.MeanMetricWrapper(lambda y_true, y_pred: y_pred, name="score")
    score.direction = "up"
    stop = C.EarlyStopping(monitor="val_score", patience=2)
    _, history, _ = fit([stop], val(0.5, 0.6, 0.55, 0.58, 0.9, key="val_score"), model=FakeModel(metrics=[score]))
    assert history.epoch == [0, 1, 2, 3]


def test_early_stopping_min_delta():
    values = (1.0, 0.95, 0.92, 0.91, 0.9)
    for min_delta in (0.1, -0.1):  # the sign is ignored, as Keras
        stop = C.EarlyStopping(min_delta=min_delta, patience=1)
        _, history, _ = fit([stop], val(*values))
        assert history.epoch == [0, 1]
    _, history, _ = fit([C.EarlyStopping(min_delta=0.0, patience=1)], val(*values))
    assert history.epoch == [0, 1, 2, 3, 4]
    # Maximising: an increase must exceed min_delta too.
    stop = C.EarlyStopping(monitor="accuracy", min_delta=0.05, patience=1)
    _, history, _ = fit([stop], val(0.5, 0.6, 0.62, 0.8, key="accuracy"))
    assert history.epoch == [0, 1, 2]


def test_early_stopping_baseline():
    # Never better than the baseline: stops after `patience` epochs although the loss improves.
    stop = C.EarlyStopping(baseline=0.5, patience=3)
    _, history, _ = fit([stop], val(0.9, 0.8, 0.7, 0.6, 0.4, 0.3))
    assert history.epoch == [0, 1, 2]
    # Better than the baseline from epoch 1 on: the counter restarts on each improvement.
    stop = C.EarlyStopping(baseline=0.85, patience=2)
    _, history, _ = fit([stop], val(0.9, 0.8, 0.7, 0.6, 0.5, 0.4))
    assert history.epoch == [0, 1, 2, 3, 4, 5] and stop.stopped_epoch == 0


def test_early_stopping_start_from_epoch():
    values = (5.0, 4.0, 3.0, 10.0, 10.0, 10.0, 1.0)
    _, history, _ = fit([C.EarlyStopping(patience=1)], val(*values))
    assert history.epoch == [0, 1, 2, 3]
    stop = C.EarlyStopping(patience=1, start_from_epoch=3)
    _, history, _ = fit([stop], val(*values))
    assert history.epoch == [0, 1, 2, 3, 4] and stop.best == 10.0 and stop.best_epoch == 3


def test_early_stopping_restores_best_weights_when_it_stops():
    stop = C.EarlyStopping(patience=2, restore_best_weights=True)
    model, history, _ = fit([stop], val(1.0, 0.5, 0.7, 0.8, 0.1))
    assert history.epoch == [0, 1, 2, 3]
    assert weight_value(model) == 2.0  # the weights after epoch 1 (the best)
    np.testing.assert_array_equal(model.weights[1], np.full((2, 2), 2.0))
    model, _, _ = fit([C.EarlyStopping(patience=2)], val(1.0, 0.5, 0.7, 0.8, 0.1))
    assert weight_value(model) == 4.0  # without restoring: the last epoch's


def test_early_stopping_restores_best_weights_when_training_ends_without_stopping():
    stop = C.EarlyStopping(patience=10, restore_best_weights=True)
    model, history, _ = fit([stop], val(1.0, 0.5, 0.7, 0.6))
    assert history.epoch == [0, 1, 2, 3] and stop.stopped_epoch == 0
    assert weight_value(model) == 2.0
    # Maximising, best at the first epoch.
    stop = C.EarlyStopping(monitor="val_accuracy", patience=10, restore_best_weights=True)
    model, _, _ = fit([stop], val(0.9, 0.5, 0.7, key="val_accuracy"))
    assert weight_value(model) == 1.0


def test_early_stopping_restores_the_best_after_start_from_epoch_only():
    stop = C.EarlyStopping(patience=10, restore_best_weights=True, start_from_epoch=2)
    model, _, _ = fit([stop], val(0.1, 0.2, 0.9, 0.5, 0.6))
    assert weight_value(model) == 4.0  # epoch 3; epochs 0-1 are warm-up


def test_early_stopping_warns_once_on_a_missing_key_and_does_nothing():
    stop = C.EarlyStopping(patience=0, restore_best_weights=True)
    with pytest.warns(UserWarning, match="'val_loss'.*available: loss") as record:
        model, history, _ = fit([stop], [{"loss": v} for v in (1.0, 2.0, 3.0)])
    assert len([w for w in record if "val_loss" in str(w.message)]) == 1
    assert history.epoch == [0, 1, 2] and weight_value(model) == 3.0


def test_early_stopping_can_be_reused_and_prints_with_verbose(capsys):
    stop = C.EarlyStopping(patience=1, restore_best_weights=True, verbose=1)
    fit([stop], val(1.0, 0.5, 0.7, 0.8))
    assert stop.stopped_epoch == 2
    out = capsys.readouterr().out
    assert "Epoch 3: early stopping" in out
    assert "Restoring model weights from the end of the best epoch: 2." in out
    model, history, _ = fit([stop], val(3.0, 2.0, 1.0))  # a second fit starts afresh
    assert history.epoch == [0, 1, 2] and stop.best == 1.0 and weight_value(model) == 3.0


def test_early_stopping_validates_its_arguments():
    with pytest.raises(ValueError, match="mode must be"):
        C.EarlyStopping(mode="maximum")
    with pytest.raises(ValueError, match="patience must be a non-negative integer, got -1"):
        C.EarlyStopping(patience=-1)


# --- ModelCheckpoint ----------------------------------------------------------------------------


def listing(folder):
    return sorted(p.name for p in folder.iterdir())


def test_checkpoint_every_epoch_with_formatted_names(tmp_path):
    ckpt = C.ModelCheckpoint(tmp_path / "ckpt" / "{epoch:02d}-{val_loss:.2f}.nabla")
    model, _, _ = fit([ckpt], val(0.5, 0.4, 0.456))
    assert listing(tmp_path / "ckpt") == ["01-0.50.nabla", "02-0.40.nabla", "03-0.46.nabla"]
    assert (tmp_path / "ckpt" / "02-0.40.nabla").read_text() == "model 2"
    assert [kind for kind, _ in model.saves] == ["model"] * 3


def test_checkpoint_save_best_only_keeps_the_best_in_one_file(tmp_path):
    path = tmp_path / "best.nabla"
    ckpt = C.ModelCheckpoint(path, save_best_only=True)
    model, _, _ = fit([ckpt], val(0.5, 0.4, 0.45, 0.41))
    assert path.read_text() == "model 2"  # epoch 2 (from 1) was the best; later worse epochs did not overwrite
    assert len(model.saves) == 2 and ckpt.best == 0.4
    model, _, _ = fit([C.ModelCheckpoint(path, save_best_only=True)], val(0.5, 0.4, 0.45, 0.3))
    assert path.read_text() == "model 4"


def test_checkpoint_save_best_only_with_formatted_names_and_max_mode(tmp_path):
    ckpt = C.ModelCheckpoint(tmp_path / "w{epoch}-{val_accuracy:.1f}", monitor="val_accuracy", save_best_only=True)
    fit([ckpt], val(0.5, 0.7, 0.6, 0.8, key="val_accuracy"))
    assert listing(tmp_path) == ["w1-0.5", "w2-0.7", "w4-0.8"]


def test_checkpoint_weights_only_and_initial_threshold(tmp_path):
    path = tmp_path / "model.weights"
    ckpt = C.ModelCheckpoint(path, save_best_only=True, save_weights_only=True, initial_value_threshold=0.45)
    model, _, _ = fit([ckpt], val(0.5, 0.4, 0.42))
    assert model.saves == [("weights", str(path))]
    assert path.read_text() == "weights 2"


def test_checkpoint_every_n_batches(tmp_path):
    ckpt = C.ModelCheckpoint(tmp_path / "{epoch}-{batch}-{loss:.1f}", save_freq=2)
    fit([ckpt], val(0.5, 0.4), steps=3, batch_logs=lambda epoch, batch: {"loss": 0.1 * (batch + 1)})
    # Batches 2, 4 and 6 of the run: epoch 1 batch 2, epoch 2 batches 1 and 3 (numbered from 1).
    assert listing(tmp_path) == ["1-2-0.2", "2-1-0.1", "2-3-0.3"]


def test_checkpoint_best_only_warns_once_without_the_monitored_key(tmp_path):
    ckpt = C.ModelCheckpoint(tmp_path / "m", save_best_only=True)
    with pytest.warns(UserWarning, match="val_loss") as record:
        model, _, _ = fit([ckpt], [{"loss": 1.0}, {"loss": 0.5}])
    assert len(record) == 1 and model.saves == []


def test_checkpoint_bad_format_field_names_the_available_keys(tmp_path):
    ckpt = C.ModelCheckpoint(tmp_path / "{epoch}-{val_acc:.2f}")
    with pytest.raises(ValueError, match="val_acc.*available: epoch, loss, val_loss"):
        fit([ckpt], val(0.5))


def test_checkpoint_prints_with_verbose(tmp_path, capsys):
    ckpt = C.ModelCheckpoint(tmp_path / "m", save_best_only=True, verbose=1)
    fit([ckpt], val(0.5, 0.6))
    out = capsys.readouterr().out
    assert "Epoch 1: val_loss improved from inf to 0.50000, saving model to" in out
    assert "Epoch 2: val_loss did not improve from 0.50000" in out


# --- ReduceLROnPlateau --------------------------------------------------------------------------


def test_reduce_lr_after_patience_and_logs_the_rate():
    cb = C.ReduceLROnPlateau(factor=0.5, patience=2)
    _, history, lrs = fit([cb], val(1.0, 1.0, 1.0, 1.0, 1.0, 1.0))
    assert lrs == pytest.approx([0.1, 0.1, 0.1, 0.05, 0.05, 0.025])
    # "learning_rate" is the rate used during the epoch (before a reduction at its end).
    assert history.history["learning_rate"] == pytest.approx(lrs)


def test_reduce_lr_improvement_resets_the_counter():
    cb = C.ReduceLROnPlateau(factor=0.5, patience=2)
    _, _, lrs = fit([cb], val(1.0, 1.0, 0.9, 0.9, 0.8, 0.8, 0.8, 0.8))
    assert lrs == pytest.approx([0.1] * 7 + [0.05])


def test_reduce_lr_min_delta():
    # Improvements below min_delta (default 1e-4) do not count.
    _, _, lrs = fit([C.ReduceLROnPlateau(factor=0.5, patience=1)], val(1.0, 0.99995, 0.9999))
    assert lrs == pytest.approx([0.1, 0.1, 0.05])
    _, _, lrs = fit([C.ReduceLROnPlateau(factor=0.5, patience=1, min_delta=0)], val(1.0, 0.99995, 0.9999))
    assert lrs == pytest.approx([0.1, 0.1, 0.1])


def test_reduce_lr_cooldown():
    cb = C.ReduceLROnPlateau(factor=0.5, patience=2, cooldown=2)
    _, _, lrs = fit([cb], val(*[1.0] * 7))
    # Reductions at the ends of epochs 2 and 5 (without cooldown: 2 and 4).
    assert lrs == pytest.approx([0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025])


def test_reduce_lr_respects_min_lr():
    cb = C.ReduceLROnPlateau(factor=0.1, patience=1, min_lr=0.005)
    _, _, lrs = fit([cb], val(*[1.0] * 5))
    assert lrs == pytest.approx([0.1, 0.1, 0.01, 0.005, 0.005])


def test_reduce_lr_scales_every_group_and_maximises_accuracy(capsys):
    model = FakeModel(lrs=(0.1, 0.01))
    cb = C.ReduceLROnPlateau(monitor="val_accuracy", factor=0.5, patience=1, verbose=1)
    fit([cb], val(0.5, 0.6, 0.6, key="val_accuracy"), model=model)
    assert [g["lr"] for g in model.optimizer.param_groups] == pytest.approx([0.05, 0.005])
    assert "Epoch 3: ReduceLROnPlateau reducing learning rate to 0.05" in capsys.readouterr().out


def test_reduce_lr_validates_factor():
    with pytest.raises(ValueError, match="factor must be in"):
        C.ReduceLROnPlateau(factor=1.0)


# --- LearningRateScheduler ----------------------------------------------------------------------


def test_scheduler_sets_the_rate_on_every_group_each_epoch():
    model = FakeModel(lrs=(0.1, 0.3))
    cb = C.LearningRateScheduler(lambda epoch, lr: lr if epoch < 2 else lr * 0.5)
    _, history, lrs = fit([cb], val(1.0, 1.0, 1.0, 1.0), model=model)
    assert lrs == pytest.approx([0.1, 0.1, 0.05, 0.025])
    assert history.history["learning_rate"] == pytest.approx(lrs)
    assert [g["lr"] for g in model.optimizer.param_groups] == pytest.approx([0.025, 0.025])


def test_scheduler_with_a_one_argument_schedule_and_verbose(capsys):
    def schedule(epoch):
        return 0.1 / (epoch + 1)

    _, _, lrs = fit([C.LearningRateScheduler(schedule, verbose=1)], val(1.0, 1.0, 1.0))
    assert lrs == pytest.approx([0.1, 0.05, 0.1 / 3])
    assert "Epoch 2: LearningRateScheduler setting learning rate to 0.05." in capsys.readouterr().out


def test_scheduler_rejects_a_non_number():
    with pytest.raises(ValueError, match="must return a finite float, got 'fast'"):
        fit([C.LearningRateScheduler(lambda epoch, lr: "fast")], val(1.0))


# --- TerminateOnNaN -----------------------------------------------------------------------------


def nan_at(bad_epoch, bad_batch, value=float("nan")):
    return lambda epoch, batch: {"loss": value if (epoch, batch) == (bad_epoch, bad_batch) else 0.5}


@pytest.mark.parametrize("value", [float("nan"), float("inf"), np.float32("-inf")])
def test_terminate_on_nan_stops_training(value, capsys):
    model, history, _ = fit([C.TerminateOnNaN()], val(1.0, 1.0, 1.0, 1.0), steps=3, batch_logs=nan_at(1, 1, value))
    assert model.stop_training
    assert history.epoch == [0, 1]
    assert "Epoch 2, batch 1: invalid loss" in capsys.readouterr().out


def test_terminate_on_nan_raises_naming_the_batch():
    with pytest.raises(RuntimeError, match="TerminateOnNaN: Epoch 1, batch 2: invalid loss nan"):
        fit([C.TerminateOnNaN(raise_error=True)], val(1.0, 1.0), steps=3, batch_logs=nan_at(0, 2))


def test_terminate_on_nan_ignores_finite_losses():
    model, history, _ = fit([C.TerminateOnNaN(raise_error=True)], val(1.0, 1.0), steps=3)
    assert not model.stop_training and history.epoch == [0, 1]


# --- CSVLogger ----------------------------------------------------------------------------------


def test_csv_logger_writes_epoch_then_sorted_keys(tmp_path):
    path = tmp_path / "log.csv"
    logs = [
        {"loss": 0.5, "val_loss": 0.6, "accuracy": np.float32(0.75), "val_accuracy": 0.7},
        {"loss": 0.25, "val_loss": 0.5, "accuracy": 0.875, "val_accuracy": 0.8},
    ]
    fit([C.CSVLogger(path)], logs)
    assert path.read_text().splitlines() == [
        "epoch,accuracy,loss,val_accuracy,val_loss",
        "0,0.75,0.5,0.7,0.6",
        "1,0.875,0.25,0.8,0.5",
    ]


def test_csv_logger_separator_missing_keys_and_overwrite(tmp_path):
    path = tmp_path / "log.tsv"
    path.write_text("old content\n")
    with pytest.warns(UserWarning, match="extra"):
        fit([C.CSVLogger(path, separator="\t")], [{"loss": 0.5, "val_loss": 0.4}, {"loss": 0.25, "extra": 1.0}])
    assert path.read_text().splitlines() == ["epoch\tloss\tval_loss", "0\t0.5\t0.4", "1\t0.25\tNA"]


def test_csv_logger_append_continues_under_the_existing_header(tmp_path):
    path = tmp_path / "log.csv"
    fit([C.CSVLogger(path, append=True)], [{"loss": 0.5, "val_loss": 0.4}])
    fit([C.CSVLogger(path, append=True)], [{"val_loss": 0.3, "loss": 0.25}, {"loss": 0.125, "val_loss": 0.2}])
    assert path.read_text().splitlines() == ["epoch,loss,val_loss", "0,0.5,0.4", "0,0.25,0.3", "1,0.125,0.2"]


# --- LambdaCallback, History, CallbackList ------------------------------------------------------


def test_lambda_callback_calls_each_hook_in_order():
    calls = []
    cb = C.LambdaCallback(
        on_train_begin=lambda logs: calls.append("train_begin"),
        on_epoch_begin=lambda epoch, logs: calls.append(f"epoch_begin {epoch}"),
        on_train_batch_end=lambda batch, logs: calls.append(f"batch_end {batch} {logs['loss']}"),
        on_epoch_end=lambda epoch, logs: calls.append(f"epoch_end {epoch} {logs['val_loss']}"),
        on_train_end=lambda logs: calls.append("train_end"),
        on_test_end=lambda logs: calls.append("test_end"),
    )
    fit([cb], val(0.5, 0.25), steps=2)
    assert calls == [
        "train_begin",
        "epoch_begin 0",
        "batch_end 0 1.0",
        "batch_end 1 1.0",
        "epoch_end 0 0.5",
        "epoch_begin 1",
        "batch_end 0 1.0",
        "batch_end 1 1.0",
        "epoch_end 1 0.25",
        "train_end",
    ]
    cb.on_test_end({})
    assert calls[-1] == "test_end"


def test_lambda_callback_old_batch_names_and_unknown_hooks():
    seen = []
    fit([C.LambdaCallback(on_batch_end=lambda batch, logs: seen.append(batch))], val(0.5), steps=3)
    assert seen == [0, 1, 2]
    with pytest.raises(TypeError, match="unknown hooks \\['on_epoch_finish'\\]"):
        C.LambdaCallback(on_epoch_finish=print)


def test_history_records_every_key_per_epoch():
    model, history, _ = fit([], [{"loss": 0.5, "val_loss": 0.6}, {"loss": 0.4, "val_loss": 0.5}])
    assert history.epoch == [0, 1]
    assert history.history == {"loss": [0.5, 0.4], "val_loss": [0.6, 0.5]}
    assert model.history is history


def test_callback_list_keeps_a_given_history_and_shares_logs():
    history = C.History()
    # ReduceLROnPlateau writes "learning_rate" into the shared logs; the History after it sees it.
    cbs = C.CallbackList([C.ReduceLROnPlateau(), history], add_history=True, add_progbar=True, model=FakeModel())
    assert cbs.history is history and len(cbs) == 3 and isinstance(list(cbs)[-1], C.ProgbarLogger)
    _, returned, _ = fit([C.ReduceLROnPlateau(), history], val(0.5))
    assert returned is history and history.history["learning_rate"] == [0.1]
    with pytest.raises(TypeError, match="LambdaCallback"):
        C.CallbackList([print])


def test_callback_list_sets_model_and_params():
    cb = C.Callback()
    model = FakeModel()
    C.CallbackList([cb], model=model, epochs=3, steps=10, verbose=2)
    assert cb.model is model and cb.params == {"epochs": 3, "steps": 10, "verbose": 2}


# --- ProgbarLogger ------------------------------------------------------------------------------


EPOCH_LOGS = [
    {"loss": 0.1234, "accuracy": 0.95, "val_loss": 0.2, "val_accuracy": 0.9},
    {"loss": 0.00001, "accuracy": 1.0, "val_loss": 0.0, "val_accuracy": 1.0},
]


def test_progbar_verbose_2_prints_one_line_per_epoch(capsys):
    fit([C.ProgbarLogger()], EPOCH_LOGS, steps=4, verbose=2)
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 2 and err == ""
    assert re.fullmatch(
        r"Epoch 1/2 - \d+s - loss: 0\.1234 - accuracy: 0\.9500 - val_loss: 0\.2000 - val_accuracy: 0\.9000", lines[0]
    )
    assert re.fullmatch(
        r"Epoch 2/2 - \d+s - loss: 1\.0000e-05 - accuracy: 1\.0000 - val_loss: 0\.0000 - val_accuracy: 1\.0000",
        lines[1],
    )


def test_progbar_verbose_0_prints_nothing(capsys):
    cbs = C.CallbackList([], add_progbar=True, model=FakeModel(), epochs=1, steps=2, verbose=0)
    cbs.on_train_begin()
    cbs.on_epoch_begin(0)
    cbs.on_train_batch_end(0, {"loss": 1.0})
    cbs.on_epoch_end(0, {"loss": 1.0})
    cbs.on_train_end()
    cbs.on_test_begin()
    cbs.on_test_end({"loss": 1.0})
    assert capsys.readouterr() == ("", "")


def test_progbar_verbose_1_draws_a_bar_per_epoch(capsys):
    fit([C.ProgbarLogger()], EPOCH_LOGS, steps=4, verbose=1)
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out
    assert "4/4" in out and "loss: 0.1234 - accuracy: 0.9500 - val_loss: 0.2000" in out


def test_progbar_evaluate_and_predict_outside_fit(capsys):
    bar = C.ProgbarLogger()
    bar.set_params({"epochs": 1, "steps": 3, "verbose": 2})
    bar.on_test_begin()
    for batch in range(3):
        bar.on_test_batch_end(batch, {"loss": 0.5})
    bar.on_test_end({"loss": 0.5, "accuracy": 0.75})
    bar.on_predict_begin()
    for batch in range(3):
        bar.on_predict_batch_end(batch, {})
    bar.on_predict_end()
    lines = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"3/3 - \d+s - loss: 0\.5000 - accuracy: 0\.7500", lines[0])
    assert re.fullmatch(r"3/3 - \d+s", lines[1])


def test_progbar_validation_inside_fit_draws_nothing_of_its_own(capsys):
    bar = C.ProgbarLogger()
    cbs = C.CallbackList([bar], model=FakeModel(), epochs=1, steps=1, verbose=2)
    cbs.on_train_begin()
    cbs.on_epoch_begin(0)
    cbs.on_train_batch_end(0, {"loss": 1.0})
    cbs.on_test_begin()
    cbs.on_test_batch_end(0, {"loss": 2.0})
    cbs.on_test_end({"loss": 2.0})
    cbs.on_epoch_end(0, {"loss": 1.0, "val_loss": 2.0})
    cbs.on_train_end()
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Epoch 1/1 - ") and lines[0].endswith("val_loss: 2.0000")


def test_resolve_verbose(monkeypatch):
    assert [C.resolve_verbose(v) for v in (0, 1, 2)] == [0, 1, 2]

    class Stream:
        def __init__(self, tty):
            self.tty = tty

        def isatty(self):
            return self.tty

        def write(self, text):
            pass

    monkeypatch.setattr("sys.stdout", Stream(True))
    assert C.resolve_verbose("auto") == 1
    monkeypatch.setattr("sys.stdout", Stream(False))
    assert C.resolve_verbose("auto") == 2
    for bad in (3, "loud", True, None):
        with pytest.raises(ValueError, match="verbose must be 0, 1, 2 or 'auto'"):
            C.resolve_verbose(bad)


# --- configs -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "callback",
    [
        C.History(),
        C.EarlyStopping(monitor="val_accuracy", min_delta=0.01, patience=3, baseline=0.5, restore_best_weights=True),
        C.ModelCheckpoint("ckpt/{epoch:02d}.nabla", save_best_only=True, save_freq=10, mode="min"),
        C.ReduceLROnPlateau(factor=0.5, patience=2, cooldown=1, min_lr=1e-5),
        C.TerminateOnNaN(raise_error=True),
        C.CSVLogger("log.csv", separator=";", append=True),
        C.ProgbarLogger(verbose=2),
    ],
    ids=lambda cb: type(cb).__name__,
)
def test_config_is_json_and_rebuilds_the_callback(callback):
    config = json.loads(json.dumps(callback.get_config()))
    rebuilt = type(callback).from_config(config)
    assert rebuilt.get_config() == callback.get_config()


def test_callbacks_holding_functions_have_no_config():
    for cb in (C.LearningRateScheduler(lambda epoch, lr: lr), C.LambdaCallback()):
        with pytest.raises(NotImplementedError, match="function"):
            cb.get_config()


def test_base_callback_hooks_are_no_ops():
    cb = C.Callback()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for hook in HOOKS:
            args = (0, {}) if ("epoch" in hook or "batch" in hook) else ({},)
            assert getattr(cb, hook)(*args) is None
    assert math.isinf(C.EarlyStopping()._worst())
