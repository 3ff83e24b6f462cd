"""EarlyStopping: driven by scripted logs, then inside a real fit."""

from __future__ import annotations

import numpy as np
import pytest
from fake_fit import FakeModel, ScriptedValLoss, fit, val, weight_value
from keras_toys import blobs, mlp, same

from nabla import callbacks
from nabla import callbacks as C
from nabla import metrics as M


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


def test_early_stopping_stops_at_the_right_epoch_and_restores_the_best_weights():
    x, y = blobs()
    model = mlp()
    script = ScriptedValLoss([1.0, 0.5, 0.6, 0.7, 0.4, 0.3])
    stop = callbacks.EarlyStopping(patience=2, restore_best_weights=True)
    history = model.fit(x, y, epochs=6, callbacks=[script, stop], verbose=0)
    assert history.epoch == [0, 1, 2, 3]  # no improvement at epochs 2 and 3
    assert stop.stopped_epoch == 3 and stop.best_epoch == 1
    assert same(model.get_weights(), script.snapshots[1])


def test_early_stopping_restores_the_best_weights_when_patience_never_runs_out():
    x, y = blobs()
    model = mlp()
    script = ScriptedValLoss([1.0, 0.8, 0.4, 0.6, 0.7])
    stop = callbacks.EarlyStopping(patience=10, restore_best_weights=True)
    history = model.fit(x, y, epochs=5, callbacks=[script, stop], verbose=0)
    assert len(history.epoch) == 5 and stop.stopped_epoch == 0
    assert same(model.get_weights(), script.snapshots[2])
    assert not same(script.snapshots[2], script.snapshots[4])


def test_early_stopping_on_a_real_validation_loss():
    x, y = blobs()
    model = mlp()
    model.optimizer.param_groups[0]["lr"] = 0.5
    stop = callbacks.EarlyStopping(monitor="val_loss", patience=1)
    history = model.fit(x, y, epochs=100, validation_split=0.3, callbacks=[stop], verbose=0)
    val = history.history["val_loss"]
    assert len(val) < 100 and stop.stopped_epoch == len(val) - 1
    # With patience 1, training stops at the first epoch that does not beat every earlier one.
    assert all(val[i] < min(val[:i]) for i in range(1, len(val) - 1)) and val[-1] >= min(val[:-1])
