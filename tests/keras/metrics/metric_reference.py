"""Checks a nabla metric against Keras 3's (PyTorch backend) on the same data: streaming, reset and ``fit``."""

from __future__ import annotations

import numpy as np
from keras_reference import keras_on_torch

import nabla.keras as nk


def keras_value(value) -> np.ndarray:
    """A Keras result (a torch tensor) as a float64 array."""
    return np.asarray(keras_on_torch().ops.convert_to_numpy(value), dtype=np.float64)


def check_streaming(ours, theirs, batches, rtol: float = 1e-5, atol: float = 1e-6) -> None:
    """Feed ``(y_true, y_pred, sample_weight)`` batches to both; results must agree after each, and after a reset."""
    for y_true, y_pred, weight in batches:
        ours.update_state(y_true, y_pred, sample_weight=weight)
        theirs.update_state(y_true, y_pred, sample_weight=weight)
        np.testing.assert_allclose(ours.result(), keras_value(theirs.result()), rtol=rtol, atol=atol)
    ours.reset_state()
    theirs.reset_state()
    y_true, y_pred, weight = batches[-1]
    ours.update_state(y_true, y_pred, sample_weight=weight)
    theirs.update_state(y_true, y_pred, sample_weight=weight)
    np.testing.assert_allclose(ours.result(), keras_value(theirs.result()), rtol=rtol, atol=atol)


def random_batches(make, seed: int, n: int = 3, weighted: bool = True):
    """``n`` batches ``(y_true, y_pred, w)`` from ``make(rng) -> (y_true, y_pred)``; ``w`` random or None."""
    rng = np.random.default_rng(seed)
    batches = []
    for _ in range(n):
        y_true, y_pred = make(rng)
        weight = rng.random(len(y_pred)).astype(np.float32) if weighted else None
        batches.append((y_true, y_pred, weight))
    return batches


def check_fit(ours, theirs, x, y, units: int, activation: str, loss: str, rtol: float = 1e-5) -> None:
    """``compile(metrics=[metric])``, ``fit`` then ``evaluate`` on both with the same frozen model (learning rate 0).

    The model is a Dense layer with Keras's initial weights copied to nabla's, so both see the same
    predictions; the logged values (per epoch, then on held-out data) must agree.

    NOTE: ``evaluate`` rather than ``validation_split``: Keras 3 on PyTorch logs a count metric's
    result as a view of its state, which the validation pass then overwrites in the training history.
    """
    keras = keras_on_torch()

    def build(k):
        return k.Sequential([k.Input((x.shape[1],)), k.layers.Dense(units, activation=activation)])

    reference, model = build(keras), build(nk)
    model.set_weights(reference.get_weights())
    reference.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss=loss, metrics=[theirs])
    model.compile(optimizer=nk.optimizers.SGD(learning_rate=0.0), loss=loss, metrics=[ours])
    split = len(x) * 3 // 4
    kwargs = dict(batch_size=16, epochs=2, shuffle=False, verbose=0)
    want = reference.fit(x[:split], y[:split], **kwargs).history
    got = model.fit(x[:split], y[:split], **kwargs).history
    want_eval = reference.evaluate(x[split:], y[split:], batch_size=16, verbose=0, return_dict=True)
    got_eval = model.evaluate(x[split:], y[split:], batch_size=16, verbose=0, return_dict=True)
    assert set(got) == set(want) and set(got_eval) == set(want_eval), (sorted(got), sorted(want))
    for key in want:
        np.testing.assert_allclose(np.asarray(got[key], float), np.asarray(want[key], float), rtol=rtol, atol=1e-6)
        np.testing.assert_allclose(got_eval[key], keras_value(want_eval[key]), rtol=rtol, atol=1e-6)
