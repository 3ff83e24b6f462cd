"""ReduceLROnPlateau: patience, min_delta, cooldown, min_lr; then inside a real fit."""

from __future__ import annotations

import pytest
from fake_fit import FakeModel, ScriptedValLoss, fit, val
from keras_toys import blobs, mlp

from nabla import callbacks
from nabla import callbacks as C


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


def test_reduce_lr_on_plateau_lowers_the_learning_rate():
    x, y = blobs()
    model = mlp()
    script = ScriptedValLoss([1.0, 0.5, 0.6, 0.7, 0.4, 0.8])
    history = model.fit(
        x, y, epochs=6, callbacks=[script, callbacks.ReduceLROnPlateau(factor=0.5, patience=1)], verbose=0
    )
    assert model.optimizer.param_groups[0]["lr"] == pytest.approx(0.01 / 8)
    assert history.history["learning_rate"] == pytest.approx([0.01, 0.01, 0.01, 0.005, 0.0025, 0.0025])
