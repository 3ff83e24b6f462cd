"""LambdaCallback: each hook a function."""

from __future__ import annotations

import pytest
from fake_fit import fit, val

from nabla import callbacks as C


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
