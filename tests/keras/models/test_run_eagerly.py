"""``model.run_eagerly`` and ``model.jit_compile`` as attributes, as Keras 3 has them: readable after compile,
and settable before ``fit`` (Keras material's debugging switch: ``model.run_eagerly = True`` makes the Python
in a layer's ``call`` run at every step, where nabla's captured step runs it once when recording)."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

from nabla import keras

X, Y = np.ones((32, 3), np.float32), np.ones((32, 2), np.float32)


def _counting_model(k, calls: list):
    class Counting(k.layers.Layer):
        def call(self, x):
            calls.append(1)  # Python that runs when the layer's call runs
            return x * 2.0

    return k.Sequential([k.Input((3,)), k.layers.Dense(2), Counting()])


def _calls_per_fit(k, switch) -> list[int]:
    calls: list = []
    model = _counting_model(k, calls)
    model.compile("sgd", "mse")
    counts = []
    for value in (False, True, False):
        switch(model, value)
        calls.clear()
        model.fit(X, Y, batch_size=4, epochs=1, verbose=0)
        counts.append(len(calls))
    return counts


def _set_run_eagerly(model, value):
    model.run_eagerly = value


def test_setting_run_eagerly_runs_call_at_every_step_as_keras():
    theirs = _calls_per_fit(keras_on_torch(), _set_run_eagerly)
    ours = _calls_per_fit(keras, _set_run_eagerly)
    assert ours[1] >= 8 and theirs[1] >= 8  # eager: every one of the 8 batches calls the layer
    assert ours[0] < 8 and ours[2] < 8  # captured: recorded once, then replayed (Keras on torch stays eager)


def test_run_eagerly_reads_what_compile_was_given_as_keras():
    reference = keras_on_torch()
    for k in (reference, keras):
        model = k.Sequential([k.Input((3,)), k.layers.Dense(2)])
        model.compile("sgd", "mse")
        assert model.run_eagerly is False
        model.compile("sgd", "mse", run_eagerly=True)
        assert model.run_eagerly is True and model.jit_compile is False


def test_jit_compile_reads_whether_the_step_is_captured():
    model = _counting_model(keras, [])
    model.compile("sgd", "mse")
    assert model.jit_compile is True  # "auto" resolved: this model and loss are captured
    model.jit_compile = False
    assert model.jit_compile is False
    model.compile("sgd", loss=lambda y, p: keras.ops.mean((y - p) ** 2))
    assert model.jit_compile is False  # "auto" with a loss of yours: eager


@pytest.mark.parametrize("name, value, error", [("run_eagerly", "yes", TypeError), ("jit_compile", "xla", ValueError)])
def test_bad_values_are_refused(name, value, error):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    with pytest.raises(error, match=name):
        setattr(model, name, value)
