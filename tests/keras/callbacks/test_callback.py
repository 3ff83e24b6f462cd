"""The base Callback and what every callback shares: JSON configs, no-op hooks."""

from __future__ import annotations

import json
import math
import warnings

import pytest

from nabla import callbacks as C
from nabla.keras.callbacks.callback import _HOOKS as HOOKS


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
