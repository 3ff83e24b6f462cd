"""``fit``/``evaluate``/``predict`` on generators and ``keras.utils.PyDataset`` (Keras 2's ``Sequence``) and
Keras 2's ``fit_generator`` family: the same numbers as the same batches given as arrays."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nabla as nb
import nabla.keras as keras

X = np.linspace(-1, 1, 96, dtype=np.float32).reshape(32, 3)
Y = (X @ np.array([1.0, -2.0, 0.5], dtype=np.float32))[:, None]


class Batches(keras.utils.Sequence):
    def __init__(self, batch_size):
        super().__init__()
        self.batch_size, self.epochs_ended = batch_size, 0

    def __len__(self):
        return math.ceil(len(X) / self.batch_size)

    def __getitem__(self, index):
        part = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return X[part], Y[part]

    def on_epoch_end(self):
        self.epochs_ended += 1


def forever(batch_size=8):
    while True:
        for start in range(0, len(X), batch_size):
            yield X[start : start + batch_size], Y[start : start + batch_size]


def _model():
    nb.manual_seed(1)
    model = keras.models.Sequential([keras.layers.Dense(4, activation="tanh", input_shape=(3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    return model


def test_a_dataset_trains_as_its_arrays_in_order():
    from_arrays = _model().fit(X, Y, batch_size=8, epochs=3, shuffle=False, verbose=0).history
    batches = Batches(8)
    from_dataset = _model().fit(batches, epochs=3, shuffle=False, verbose=0).history
    np.testing.assert_allclose(from_dataset["loss"], from_arrays["loss"], rtol=1e-6)
    assert batches.epochs_ended == 3


def test_a_generator_trains_as_its_arrays_with_steps_per_epoch():
    from_arrays = _model().fit(X, Y, batch_size=8, epochs=2, shuffle=False, validation_data=(X, Y), verbose=0)
    model = _model()
    from_generator = model.fit(
        forever(), steps_per_epoch=4, epochs=2, validation_data=forever(16), validation_steps=2, verbose=0
    )
    for key in ("loss", "mae", "val_loss", "val_mae"):
        np.testing.assert_allclose(from_generator.history[key], from_arrays.history[key], rtol=1e-6)
    legacy = _model().fit_generator(forever(), steps_per_epoch=4, epochs=2, verbose=0)
    np.testing.assert_allclose(legacy.history["loss"], from_arrays.history["loss"], rtol=1e-6)
    assert model.evaluate(forever(), steps=4, verbose=0) == pytest.approx(model.evaluate(X, Y, verbose=0))
    assert model.evaluate_generator(Batches(5)) == pytest.approx(model.evaluate(X, Y, verbose=0))
    predictions = model.predict(X, verbose=0)
    np.testing.assert_allclose(model.predict(Batches(10)), predictions, rtol=1e-6)
    np.testing.assert_allclose(model.predict_generator(iter(np.split(X, 4)), steps=4), predictions, rtol=1e-6)


def test_a_finite_generator_stops_training_with_a_warning():
    model = _model()
    with pytest.warns(UserWarning, match="ran out of data"):
        history = model.fit(iter([(X[:16], Y[:16]), (X[16:], Y[16:])]), epochs=3, verbose=0)
    assert len(history.history["loss"]) == 1


def test_mistakes_are_named():
    model = _model()
    with pytest.raises(ValueError, match="y must be None"):
        model.fit(Batches(8), Y, verbose=0)
    with pytest.raises(ValueError, match="validation_split cannot split"):
        model.fit(Batches(8), validation_split=0.2, verbose=0)
    with pytest.raises(ValueError, match="positive integer"):
        model.fit(forever(), steps_per_epoch=0, verbose=0)
    with pytest.raises(ValueError, match=r"each batch must be \(x, y\)"):
        model.fit(iter([X]), verbose=0)
    with pytest.raises(ValueError, match="gave no batch"):
        model.fit(iter([]), verbose=0)


def test_a_data_loader_trains_as_its_arrays():
    from_arrays = _model().fit(X, Y, batch_size=8, epochs=2, shuffle=False, verbose=0).history
    loader = nb.data.DataLoader(nb.data.TensorDataset(X, Y), batch_size=8, shuffle=False)
    model = _model()
    from_loader = model.fit(loader, epochs=2, verbose=0).history
    np.testing.assert_allclose(from_loader["loss"], from_arrays["loss"], rtol=1e-6)
    assert model.evaluate(loader, verbose=0) == pytest.approx(model.evaluate(X, Y, verbose=0))


def test_distributed_training_refuses_batches_handed_out_whole():
    with pytest.raises(ValueError, match="distributed=True shares arrays"):
        _model().fit(Batches(8), distributed=True, verbose=0)
