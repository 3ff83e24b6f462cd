"""``nabla.data.fold_scaling``: a network trained on scaled data, folded, gives the same answers on raw data."""

from __future__ import annotations

import numpy as np
import pytest

import nabla as nb
from nabla import layers, models, nn
from nabla.data import MinMaxScaler, StandardScaler, fold_scaling

RNG = np.random.default_rng(0)
X = RNG.normal(5.0, 3.0, size=(9, 3)).astype(np.float32) * np.array([1.0, 50.0, 0.01], dtype=np.float32)
Y = RNG.normal(100.0, 40.0, size=(9, 2))


def keras_mlp(activation=None):
    nb.manual_seed(0)
    model = models.Sequential(
        [
            layers.Input(shape=(3,)),
            layers.Dense(5, activation="tanh"),
            layers.Dropout(0.2),
            layers.Dense(2, activation=activation),
        ]
    )
    model.predict(X[:1])  # builds the weights
    return model


def torch_style_mlp():
    nb.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))


def run(model, x):
    if hasattr(model, "predict"):
        return model.predict(np.asarray(x, dtype=np.float32)).astype(np.float64)
    model.eval()
    with nb.no_grad():
        return model(nb.tensor(np.asarray(x, dtype=np.float32))).numpy().astype(np.float64)


@pytest.mark.parametrize("make", [keras_mlp, torch_style_mlp])
@pytest.mark.parametrize("scaler", [StandardScaler, MinMaxScaler])
def test_folded_model_on_raw_data_equals_the_model_on_scaled_data(make, scaler):
    model = make()
    x_scaler, y_scaler = scaler().fit(X), StandardScaler().fit(Y)
    expected = y_scaler.inverse_transform(run(model, x_scaler.transform(X)))
    fold_scaling(model, x_scaler, y_scaler)
    np.testing.assert_allclose(run(model, X), expected, rtol=1e-4, atol=1e-3)


def test_a_shift_and_scale_pair_is_x_minus_shift_over_scale():
    model = keras_mlp()
    pixels = RNG.integers(0, 256, size=(4, 3)).astype(np.float32)
    expected = run(model, pixels / 255.0)
    fold_scaling(model, (0.0, 255.0))
    np.testing.assert_allclose(run(model, pixels), expected, rtol=1e-5, atol=1e-6)
    assert model.get_weights()[0].dtype == np.float32


def test_inputs_only_leave_the_output_layer_alone():
    model = keras_mlp(activation="softmax")  # a classifier: only the inputs are scaled
    last = [w.copy() for w in model.get_weights()[2:]]
    x_scaler = StandardScaler().fit(X)
    expected = run(model, x_scaler.transform(X))
    fold_scaling(model, x_scaler)
    np.testing.assert_allclose(run(model, X), expected, rtol=1e-4, atol=1e-6)
    for a, b in zip(model.get_weights()[2:], last):
        np.testing.assert_array_equal(a, b)


def test_what_cannot_be_folded_is_refused_by_name():
    with pytest.raises(ValueError, match="folds only into a last Dense/Linear layer with a linear output"):
        fold_scaling(keras_mlp(activation="sigmoid"), None, StandardScaler().fit(Y))
    with pytest.raises(ValueError, match="folds only into a last Dense/Linear layer"):
        fold_scaling(nn.Sequential(nn.Linear(3, 2), nn.Sigmoid()), None, StandardScaler().fit(Y))
    norm_first = models.Sequential([layers.Input(shape=(3,)), layers.BatchNormalization(), layers.Dense(2)])
    norm_first.predict(X[:1])
    with pytest.raises(ValueError, match="the first layer with weights is a BatchNormalization"):
        fold_scaling(norm_first, StandardScaler().fit(X))
    with pytest.raises(ValueError, match="no bias"):
        fold_scaling(nn.Sequential(nn.Linear(3, 2, bias=False)), StandardScaler().fit(X))
    with pytest.raises(ValueError, match="scale must be finite and non-zero"):
        fold_scaling(keras_mlp(), (0.0, 0.0))
    with pytest.raises(TypeError, match="a fitted scaler or a pair"):
        fold_scaling(keras_mlp(), "standard")
    unbuilt = models.Sequential([layers.Dense(2)])
    with pytest.raises(ValueError, match="the model has no weights"):
        fold_scaling(unbuilt, StandardScaler().fit(X))
