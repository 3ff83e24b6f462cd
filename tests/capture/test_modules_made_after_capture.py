"""A module made after a step was captured cannot have been read by it: setting it up does not void the record
(a Keras model whose ``call`` makes a layer at every step, ``layers.concatenate``), while a module made during
the capture and changed afterwards still does."""

from __future__ import annotations

import warnings

import numpy as np

import nabla as nb
from nabla import nn


def test_modules_made_between_calls_do_not_make_the_step_capture_again():
    nb.manual_seed(0)
    model = nn.Linear(3, 2)
    step = nb.capture(lambda x: model(x).detach())
    x = nb.randn(4, 3)
    step(x)
    for _ in range(3):
        nn.Linear(5, 5).weight_scale = 2.0  # a new module, set up between calls (eager validation, a callback)
        np.testing.assert_array_equal(step(x).detach().numpy(), model(x).detach().numpy())
    assert len(step._programs) == 1 and not any(step._programs.retraces.values())


def test_a_module_made_during_the_capture_and_changed_later_is_still_watched():
    nb.manual_seed(0)

    class Lazy(nn.Module):
        def forward(self, x):
            if "scale" not in self._modules:
                self.scale = Scale()  # made while the step is captured: the record reads its factor
            return self.scale(x)

    class Scale(nn.Module):
        factor = 2.0

        def forward(self, x):
            return x * self.factor

    model = Lazy()
    step = nb.capture(lambda x: model(x))
    x = nb.ones(2)
    assert step(x).tolist() == [2.0, 2.0]
    model.scale.factor = 3.0
    assert step(x).tolist() == [3.0, 3.0]


def test_a_keras_model_that_makes_a_layer_in_call_keeps_its_captured_step():
    import nabla.keras as keras

    class WideAndDeep(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = keras.layers.Dense(4, activation="relu")
            self.out = keras.layers.Dense(1)

        def call(self, inputs):
            return self.out(keras.layers.concatenate([inputs, self.hidden(inputs)]))

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, 3)).astype("float32"), rng.normal(size=(40, 1)).astype("float32")
    model = WideAndDeep()
    model.compile(loss="mse", optimizer="sgd")
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # "runs eagerly from now on" would be raised
        model.fit(x, y, batch_size=16, epochs=12, validation_data=(x, y), verbose=0)
