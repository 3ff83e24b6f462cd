"""ProgbarLogger: what fit, evaluate and predict print at each verbosity."""

from __future__ import annotations

import re

from fake_fit import FakeModel, fit

from nabla import callbacks as C

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
