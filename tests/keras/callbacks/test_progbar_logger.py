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
    """Keras 3's lines: the epoch's number, then steps, seconds, time per step and the logs (by name)."""
    fit([C.ProgbarLogger()], EPOCH_LOGS, steps=4, verbose=2)
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 4 and err == ""
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    assert re.fullmatch(
        r"4/4 - \d+s - \d+(s|ms|us)/step - accuracy: 0\.9500 - loss: 0\.1234 - val_accuracy: 0\.9000 - "
        r"val_loss: 0\.2000",
        lines[1],
    )
    assert re.fullmatch(
        r"4/4 - \d+s - \d+(s|ms|us)/step - accuracy: 1\.0000 - loss: 1\.0000e-05 - val_accuracy: 1\.0000 - "
        r"val_loss: 0\.0000e\+00",  # (as Keras: 0 is not above 1e-3, so in scientific notation)
        lines[3],
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
    assert re.fullmatch(r"3/3 - \d+s - \d+(s|ms|us)/step - accuracy: 0\.7500 - loss: 0\.5000", lines[0])
    assert re.fullmatch(r"3/3 - \d+s - \d+(s|ms|us)/step", lines[1])


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
    assert len(lines) == 1 and lines[0].startswith("1/1 - ") and lines[0].endswith("val_loss: 2.0000")


def test_verbose_2_lines_are_keras_3s(capsys):
    """The same fit, evaluate and predict with verbose=2 in Keras 3 and here print the same lines, times aside
    (right-aligned step counts of 12 batches, one epoch line per epoch, none for a single epoch)."""
    import numpy as np
    from keras_reference import keras_on_torch

    import nabla.keras as nabla_keras

    x = np.linspace(-1, 1, 230, dtype="float32").reshape(115, 2)
    y = (x[:, :1] > 0).astype("float32")
    printed = []
    for k in (keras_on_torch(), nabla_keras):
        model = k.Sequential([k.Input((2,)), k.layers.Dense(1, activation="sigmoid")])
        model.compile("sgd", "binary_crossentropy", metrics=["accuracy"])
        capsys.readouterr()
        model.fit(x, y, batch_size=10, epochs=2, verbose=2, validation_split=0.2)
        model.fit(x, y, batch_size=10, epochs=1, verbose=2)
        model.evaluate(x, y, batch_size=10, verbose=2)
        model.predict(x, batch_size=10, verbose=2)
        out = capsys.readouterr().out
        numbers = [re.sub(r"\d+(\.\d+)?(e[-+]?\d+)?", "N", line) for line in out.splitlines()]
        printed.append([re.sub(r"N(s|ms|us)/step", "N/step", line) for line in numbers])
    assert printed[1] == printed[0]
