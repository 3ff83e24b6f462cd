"""LearningRateScheduler: the rate of every group at each epoch; then inside a real fit."""

from __future__ import annotations

import pytest
from fake_fit import FakeModel, fit, val
from keras_toys import blobs, mlp

from nabla import callbacks
from nabla import callbacks as C


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


def test_learning_rate_scheduler_sets_the_rate_each_epoch():
    x, y = blobs()
    model = mlp()
    used = []
    spy = callbacks.LambdaCallback(on_epoch_begin=lambda e, logs: used.append(model.optimizer.param_groups[0]["lr"]))
    schedule = callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))
    history = model.fit(x, y, epochs=3, callbacks=[schedule, spy], verbose=0)
    assert used == pytest.approx([0.1, 0.05, 0.1 / 3])
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.05, 0.1 / 3])
