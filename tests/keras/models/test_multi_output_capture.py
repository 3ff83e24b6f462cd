"""A model of several outputs with per-output metrics keeps its captured training step: fit set a module
attribute (its metrics' holder) at every batch, so the capture was redone 9 times and then given up. Its
history equals Keras 3's from the same weights."""

from __future__ import annotations

import warnings

import numpy as np
from keras_reference import keras_on_torch

import nabla.keras as nk


def two_outputs(k):
    a = k.Input((3,))
    model = k.Model(a, [k.layers.Dense(1, name="one")(a), k.layers.Dense(2, name="two")(a)])
    model.compile(k.optimizers.SGD(0.05), "mse", metrics=[["mae"], ["mse"]])
    return model


def test_several_outputs_stay_captured_and_train_as_keras():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 3)).astype(np.float32)
    y = [rng.normal(size=(32, 1)).astype(np.float32), rng.normal(size=(32, 2)).astype(np.float32)]
    theirs, ours = two_outputs(keras_on_torch()), two_outputs(nk)
    ours.set_weights(theirs.get_weights())
    want = theirs.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # "nb.capture: ... runs eagerly from now on"
        got = ours.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history
    assert ours._captured_step is not None
    assert sorted(got) == sorted(want)
    for name in want:
        np.testing.assert_allclose(got[name], want[name], rtol=1e-4, err_msg=name)
