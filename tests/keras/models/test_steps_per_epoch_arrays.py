"""fit(x, y, steps_per_epoch=k) on arrays against Keras 3: the same steps in each epoch (a pass over the
data goes on across epochs; an epoch that reaches its end stops there, with a warning), the same weights."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras as nk


def steps_per_epoch_log(k, steps_per_epoch, epochs):
    class Count(k.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.steps = []

        def on_epoch_begin(self, epoch, logs=None):
            self.steps.append(0)

        def on_train_batch_end(self, batch, logs=None):
            self.steps[-1] += 1

    model = k.Sequential([k.Input((3,)), k.layers.Dense(1, kernel_initializer="ones")])
    model.compile(k.optimizers.SGD(0.01), "mse")
    x = np.arange(192, dtype=np.float32).reshape(64, 3) / 100
    y = np.linspace(0, 1, 64, dtype=np.float32)
    count = Count()
    with pytest.warns(UserWarning, match="ran out of data") if 8 % steps_per_epoch else contextlib.nullcontext():
        model.fit(x, y, batch_size=8, steps_per_epoch=steps_per_epoch, epochs=epochs, shuffle=False, verbose=0,
                  callbacks=[count])  # fmt: skip
    return count.steps, model.get_weights()


@pytest.mark.parametrize("steps_per_epoch,epochs", [(5, 4), (4, 3), (20, 2), (3, 5)])
def test_steps_per_epoch_on_arrays_as_keras(steps_per_epoch, epochs):
    want_steps, want_weights = steps_per_epoch_log(keras_on_torch(), steps_per_epoch, epochs)
    got_steps, got_weights = steps_per_epoch_log(nk, steps_per_epoch, epochs)
    assert got_steps == want_steps
    for g, w in zip(got_weights, want_weights):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("steps", [dict(steps_per_epoch=2.5), dict(validation_steps=2.5), dict(steps_per_epoch=2.0)])
def test_a_float_number_of_steps_is_a_type_error_as_in_keras(steps):
    # (Keras 3 raises TypeError for len(x) / 32 passed as steps, even a whole 2.0; nabla let validation_steps by)
    x, y = np.ones((64, 3), np.float32), np.ones((64, 1), np.float32)
    for k in (keras_on_torch(), nk):
        model = k.Sequential([k.Input((3,)), k.layers.Dense(1)])
        model.compile("sgd", "mse")
        with pytest.raises(TypeError):
            model.fit(x, y, batch_size=32, epochs=1, verbose=0, validation_data=(x, y), **steps)
    with pytest.raises(TypeError, match="len\\(x\\) // batch_size"):
        model.fit(x, y, batch_size=32, epochs=1, verbose=0, validation_data=(x, y), **steps)
