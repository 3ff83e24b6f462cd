"""The test hooks during fit's validation and evaluate's batch logs, as Keras 3's (PyTorch backend) call them
(the "Writing your own callbacks" guide's ``CustomCallback``): fit's validation runs ``on_test_begin``, the
test batch hooks and ``on_test_end`` with logs without ``val_``; every test batch's logs hold the metrics."""

from __future__ import annotations

import numpy as np
from keras_reference import keras_on_torch

import nabla.keras as keras

RNG = np.random.default_rng(0)
X = RNG.random((64, 5)).astype(np.float32)
Y = RNG.random(64).astype(np.float32)


def hook_calls(k) -> list:
    """Every hook the guide's callback sees in fit (with validation_split) and evaluate, with its log keys."""
    calls = []

    def phase_hook(hook):
        return lambda self, logs=None: calls.append((hook, sorted(logs or {})))

    def step_hook(hook):
        return lambda self, step, logs=None: calls.append((hook, step, sorted(logs or {})))

    hooks = {f"on_{h}": phase_hook(h) for h in ("train_begin", "train_end", "test_begin", "test_end")}
    for h in ("epoch_begin", "epoch_end", "train_batch_begin", "train_batch_end", "test_batch_begin", "test_batch_end"):
        hooks[f"on_{h}"] = step_hook(h)
    Recorder = type("Recorder", (k.callbacks.Callback,), hooks)

    model = k.Sequential([k.Input((5,)), k.layers.Dense(1)])
    model.compile(optimizer="rmsprop", loss="mean_squared_error", metrics=["mean_absolute_error"])
    model.fit(X, Y, batch_size=16, epochs=1, verbose=0, validation_split=0.5, callbacks=[Recorder()])
    model.evaluate(X, Y, batch_size=32, verbose=0, callbacks=[Recorder()])
    return calls


def test_fit_validation_and_evaluate_call_the_test_hooks_as_keras():
    calls = hook_calls(keras)
    assert calls == hook_calls(keras_on_torch())
    assert ("test_end", ["loss", "mean_absolute_error"]) in calls
