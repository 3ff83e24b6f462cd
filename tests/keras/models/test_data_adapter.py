"""What ``fit``/``evaluate``/``predict`` accept: arrays, Tensors, lists, and a 1-D x as a column (TF 2 Keras),
checked against Keras 3 where Keras 3 accepts the same, and the Keras 2 idioms course code still uses."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla as nb
import nabla.keras as keras

XS = [-1.0, 0.0, 1.0, 2.0, 3.0, 4.0]  # the first lab of many courses: learn y = 2x - 1
YS = [-3.0, -1.0, 1.0, 3.0, 5.0, 7.0]


def _first_lab(lib, weights):
    model = lib.models.Sequential([lib.layers.Dense(units=1, input_shape=[1])])
    model.compile(optimizer="sgd", loss="mean_squared_error")
    model.set_weights(weights)
    history = model.fit(np.array(XS), np.array(YS), epochs=20, batch_size=6, shuffle=False, verbose=0)
    return history.history["loss"], model.predict(np.array([10.0]), verbose=0)


@pytest.mark.filterwarnings("ignore:Do not pass an `input_shape`")
def test_one_feature_1d_x_trains_as_in_keras():
    weights = [np.array([[0.5]], dtype=np.float32), np.array([0.1], dtype=np.float32)]
    theirs = _first_lab(keras_on_torch(), weights)
    ours = _first_lab(keras, weights)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-5)
    np.testing.assert_allclose(ours[1], np.asarray(theirs[1]), rtol=1e-5)
    assert ours[1].shape == (1, 1)


def _fitted(x, y, **fit):
    nb.manual_seed(0)
    model = keras.models.Sequential([keras.layers.Dense(4, activation="relu", input_shape=(2,)), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse", metrics="mae")  # one metric as a bare string (Keras 2)
    history = model.fit(x, y, epochs=3, batch_size=2, verbose=0, **fit)
    return model, history.history


def test_lists_tensors_and_arrays_give_the_same_training():
    x = [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]
    y = [1.0, 1.0, 0.0, 0.0]
    _, from_arrays = _fitted(np.array(x, dtype=np.float32), np.array(y, dtype=np.float32))
    _, from_lists = _fitted(x, y)
    model, from_tensors = _fitted(nb.tensor(x), nb.tensor(y))
    assert from_arrays == from_lists == from_tensors
    assert sorted(from_arrays) == ["loss", "mae"]
    np.testing.assert_array_equal(model.predict(x, verbose=0), model.predict(nb.tensor(x), verbose=0))
    assert model.evaluate(x, y, verbose=0) == model.evaluate(np.array(x), np.array(y), verbose=0)


def test_1d_x_is_a_column_in_every_entry_point():
    model = keras.models.Sequential([keras.layers.Dense(1)])  # input shape unknown: TF 2 Keras expanded it
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    history = model.fit(XS, YS, epochs=2, verbose=0, validation_data=(XS[:2], YS[:2]))
    assert set(history.history) == {"loss", "mae", "val_loss", "val_mae"}
    assert model.predict(XS, verbose=0).shape == (6, 1)
    assert model(np.array(XS)).shape == (6, 1)
    assert np.isfinite(model.evaluate(XS, YS, verbose=0)).all()
    assert np.isfinite(model.train_on_batch(XS, YS)).all()


def test_1d_x_for_a_model_of_several_features_is_refused():
    model = keras.models.Sequential([keras.layers.Dense(1, input_dim=2)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"takes samples of shape \(2,\)"):
        model.fit(XS, YS, verbose=0)


@pytest.mark.filterwarnings("ignore:Do not pass an `input_shape`")
def test_input_dim_declares_the_input_as_in_keras():
    reference = keras_on_torch()
    ours = keras.models.Sequential([keras.layers.Dense(12, input_dim=8), keras.layers.Dense(1)])
    theirs = reference.models.Sequential([reference.layers.Dense(12, input_dim=8), reference.layers.Dense(1)])
    assert ours.count_params() == theirs.count_params() == 121


def test_integer_x_is_the_models_float():
    # NumPy would compute int64 x with float32 weights in float64; Keras casts x to its Input's float32.
    model = keras.models.Sequential([keras.layers.Dense(1, input_shape=[1])])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.array([1, 2, 3, 4]), np.array([2, 4, 6, 8]), epochs=1, verbose=0)
    for x in ([5], np.array([5]), np.array([[5]], dtype=np.uint8)):
        assert model.predict(x, verbose=0).dtype == np.float32
    assert model(np.array([[1], [2]])).dtype == np.float32
