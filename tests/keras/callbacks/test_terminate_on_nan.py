"""TerminateOnNaN: stop or raise at the first non-finite loss; then inside a real fit."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from fake_fit import fit, val

import nabla as nb
from nabla import callbacks
from nabla import callbacks as C
from nabla.layers import Dense
from nabla.models import Sequential


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


def test_terminate_on_nan_stops_fit_right_after_the_nan_batch():
    x = np.random.default_rng(0).normal(size=(32, 3)).astype(np.float32)
    y = np.zeros((32, 1), dtype=np.float32)
    calls = []

    def loss_with_a_nan(y_true, y_pred):
        calls.append(1)  # the first call is fit's check of the labels, then one per batch
        per_sample = ((y_pred - nb.tensor(y_true)) ** 2).mean(axis=-1)
        return per_sample * float("nan") if len(calls) == 4 else per_sample

    model = Sequential([Dense(1, input_shape=(3,))])
    model.compile(optimizer="sgd", loss=loss_with_a_nan)
    batches = []
    spy = callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: batches.append(batch))
    history = model.fit(x, y, epochs=3, batch_size=4, callbacks=[callbacks.TerminateOnNaN(), spy], verbose=0)
    assert batches == [0, 1, 2]  # stopped right after the batch whose loss was NaN
    assert history.epoch == [0] and np.isnan(history.history["loss"][0])


def test_terminate_on_nan_with_a_huge_learning_rate():
    x = np.random.default_rng(0).normal(size=(32, 3)).astype(np.float32) * 100
    y = np.zeros((32, 1), dtype=np.float32)
    model = Sequential([Dense(1, input_shape=(3,))])
    model.compile(optimizer=nb.optim.SGD(lr=1e15), loss="mse")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's overflow warnings
        history = model.fit(x, y, epochs=20, batch_size=4, callbacks=[callbacks.TerminateOnNaN()], verbose=0)
    assert len(history.epoch) == 1 and not np.isfinite(history.history["loss"][0])
