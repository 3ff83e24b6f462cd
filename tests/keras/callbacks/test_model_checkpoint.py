"""ModelCheckpoint: file names, best-only saving, frequencies; then a real model's best checkpoint loads."""

from __future__ import annotations

import re

import numpy as np
import pytest
from fake_fit import ScriptedValLoss, fit, val
from keras_toys import blobs, mlp, same

from nabla import callbacks
from nabla import callbacks as C
from nabla.models import load_model


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
    name = "w{epoch}-{val_accuracy:.1f}.keras"
    ckpt = C.ModelCheckpoint(tmp_path / name, monitor="val_accuracy", save_best_only=True)
    fit([ckpt], val(0.5, 0.7, 0.6, 0.8, key="val_accuracy"))
    assert listing(tmp_path) == ["w1-0.5.keras", "w2-0.7.keras", "w4-0.8.keras"]


def test_checkpoint_weights_only_and_initial_threshold(tmp_path):
    path = tmp_path / "model.weights"
    ckpt = C.ModelCheckpoint(path, save_best_only=True, save_weights_only=True, initial_value_threshold=0.45)
    model, _, _ = fit([ckpt], val(0.5, 0.4, 0.42))
    assert model.saves == [("weights", str(path))]
    assert path.read_text() == "weights 2"


def test_checkpoint_every_n_batches(tmp_path):
    ckpt = C.ModelCheckpoint(tmp_path / "{epoch}-{batch}-{loss:.1f}.nabla", save_freq=2)
    fit([ckpt], val(0.5, 0.4), steps=3, batch_logs=lambda epoch, batch: {"loss": 0.1 * (batch + 1)})
    # Batches 2, 4 and 6 of the run: epoch 1 batch 2, epoch 2 batches 1 and 3 (numbered from 1).
    assert listing(tmp_path) == ["1-2-0.2.nabla", "2-1-0.1.nabla", "2-3-0.3.nabla"]


def test_checkpoint_best_only_warns_once_without_the_monitored_key(tmp_path):
    ckpt = C.ModelCheckpoint(tmp_path / "m.nabla", save_best_only=True)
    with pytest.warns(UserWarning, match="val_loss") as record:
        model, _, _ = fit([ckpt], [{"loss": 1.0}, {"loss": 0.5}])
    assert len(record) == 1 and model.saves == []


def test_checkpoint_bad_format_field_names_the_available_keys(tmp_path):
    ckpt = C.ModelCheckpoint(tmp_path / "{epoch}-{val_acc:.2f}.nabla")
    with pytest.raises(ValueError, match="val_acc.*available: epoch, loss, val_loss"):
        fit([ckpt], val(0.5))


def test_checkpoint_prints_with_verbose(tmp_path, capsys):
    ckpt = C.ModelCheckpoint(tmp_path / "m.nabla", save_best_only=True, verbose=1)
    fit([ckpt], val(0.5, 0.6))
    out = capsys.readouterr().out
    assert "Epoch 1: val_loss improved from None to 0.50000, saving model to" in out
    assert "Epoch 2: val_loss did not improve from 0.50000" in out


def test_model_checkpoint_keeps_the_best_model_and_it_loads(tmp_path):
    x, y = blobs()
    model = mlp()
    path = tmp_path / "best.nabla"
    script = ScriptedValLoss([1.0, 0.5, 0.7, 0.3, 0.6])
    model.fit(x, y, epochs=5, callbacks=[script, callbacks.ModelCheckpoint(path, save_best_only=True)], verbose=0)
    loaded = load_model(path)
    assert same(loaded.get_weights(), script.snapshots[3])
    model.set_weights(script.snapshots[3])
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))


def test_the_printout_is_keras_3s(tmp_path, capsys, monkeypatch):
    """The save-and-load lab's checkpoint with verbose=1: Keras 3's lines, an empty line before each."""
    from keras_reference import keras_on_torch

    import nabla.keras as nabla_keras

    monkeypatch.chdir(tmp_path)
    x = np.linspace(0, 1, 16, dtype="float32").reshape(8, 2)
    printed = []
    for k in (keras_on_torch(), nabla_keras):
        model = k.Sequential([k.Input((2,)), k.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        capsys.readouterr()
        kept = k.callbacks.ModelCheckpoint("training_1/cp.weights.h5", save_weights_only=True, verbose=1)
        best = k.callbacks.ModelCheckpoint("best.keras", monitor="loss", save_best_only=True, mode="max", verbose=1)
        model.fit(x, x[:, :1], epochs=2, verbose=0, callbacks=[kept, best])
        printed.append(re.sub(r"\d+\.\d{5}", "X", capsys.readouterr().out))
    assert printed[1] == printed[0]
