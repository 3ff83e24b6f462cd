"""``fit``/``evaluate``/``predict`` on a ``tf.data.Dataset`` of batches (models/tf_dataset.py): the same numbers
as the same batches given as arrays, a new pass (and a new shuffle) each epoch, an infinite dataset read on
across epochs with ``steps_per_epoch``, and TensorFlow's own datasets taken too."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require
from test_batches import X, Y, _model  # (the model and data the generator tests train)

import nabla.tf as tf

X_VAL, Y_VAL = X[::3] * 0.5, Y[::3] * 0.5


def test_a_dataset_trains_as_its_arrays_in_order():
    arrays = _model()
    expected = arrays.fit(X, Y, batch_size=8, epochs=3, shuffle=False, validation_data=(X_VAL, Y_VAL), verbose=0)
    model = _model()
    train = tf.data.Dataset.from_tensor_slices((X, Y)).batch(8).prefetch(tf.data.AUTOTUNE)
    val = tf.data.Dataset.from_tensor_slices((X_VAL, Y_VAL)).batch(5)
    history = model.fit(train, validation_data=val, epochs=3, verbose=0)
    for key in ("loss", "mae", "val_loss", "val_mae"):
        np.testing.assert_allclose(history.history[key], expected.history[key], rtol=1e-6)
    for ours, theirs in zip(model.get_weights(), arrays.get_weights()):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    assert model.evaluate(val, verbose=0) == pytest.approx(model.evaluate(X_VAL, Y_VAL, verbose=0))
    predictions = model.predict(X, verbose=0)
    np.testing.assert_allclose(model.predict(train, verbose=0), predictions, rtol=1e-6)  # (x, y) batches
    x_only = tf.data.Dataset.from_tensor_slices(X).batch(10)
    np.testing.assert_allclose(model.predict(x_only, verbose=0), predictions, rtol=1e-6)
    assert model.evaluate(train, steps=2, verbose=0) == pytest.approx(model.evaluate(X[:16], Y[:16], verbose=0))


def test_each_epoch_is_a_new_pass_and_a_new_shuffle():
    seen = []

    def note(x, y):
        seen.append(x.numpy()[0])
        return x, y

    train = tf.data.Dataset.from_tensor_slices((X, Y)).shuffle(32).map(note).batch(8)
    _model().fit(train, epochs=3, verbose=0)
    passes = [seen[i : i + 32] for i in range(len(seen) - 96, len(seen), 32)]
    assert all(sorted(p) == sorted(X[:, 0]) for p in passes)
    assert passes[0] != passes[1] != passes[2]


def test_an_infinite_dataset_is_read_on_across_epochs():
    seen = []
    counted = tf.data.Dataset.range(32).map(lambda i: seen.append(int(i)) or (tf.gather(X, i), tf.gather(Y, i)))
    history = _model().fit(counted.repeat().batch(8), steps_per_epoch=3, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert seen == [*range(32), *range(16)]  # six batches of eight, the second epoch where the first stopped
    with pytest.raises(ValueError, match="infinite.*steps_per_epoch"):
        _model().fit(counted.repeat().batch(8), epochs=1, verbose=0)


def test_a_dataset_of_unknown_length_is_read_to_its_end_each_epoch():
    kept = tf.data.Dataset.from_tensor_slices((X, Y)).filter(lambda x, y: y[0] > 0).batch(4)
    model = _model()
    history = model.fit(kept, epochs=2, verbose=0)
    positive = Y[:, 0] > 0
    expected = _model().fit(X[positive], Y[positive], batch_size=4, epochs=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"], expected.history["loss"], rtol=1e-6)


def test_tensorflows_own_dataset_is_taken_too():
    real = require("tensorflow")
    expected = _model().fit(X, Y, batch_size=8, epochs=2, shuffle=False, verbose=0).history["loss"]
    train = real.data.Dataset.from_tensor_slices((X, Y)).batch(8)
    np.testing.assert_allclose(_model().fit(train, epochs=2, verbose=0).history["loss"], expected, rtol=1e-6)
