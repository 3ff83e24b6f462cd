"""A Keras model on another device: ``model.to(device)``, then ``fit`` / ``evaluate`` / ``predict`` as on the host.

The same seeded model trains on NumPy and on array-api-strict's devices (device1's arrays refuse
np.asarray, so any silent conversion to NumPy on the way fails; "cuda" runs where CuPy and a GPU are):
histories, evaluations, predictions and weights agree to 1e-6, with each optimizer, Dropout, a
convnet, recurrent wrappers, clipping, and float class labels; the weights stay on the device and predict returns NumPy.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import OTHER_DEVICES, require_device

import nabla as nb
import nabla.keras as keras


def _mlp():
    layers = [keras.Input((6,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dropout(0.25)]
    return keras.Sequential([*layers, keras.layers.Dense(3, activation="softmax")]), (48, 6)


def _cnn():
    layers = [keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3, activation="relu"), keras.layers.MaxPooling2D()]
    head = [keras.layers.Flatten(), keras.layers.Dense(3, activation="softmax")]
    return keras.Sequential([*layers, *head]), (48, 8, 8, 1)


def _sequences():
    wrapped = [keras.layers.Bidirectional(keras.layers.LSTM(4, return_sequences=True), merge_mode="sum"),
               keras.layers.TimeDistributed(keras.layers.Dense(3, activation="relu"))]  # fmt: skip
    head = [keras.layers.Bidirectional(keras.layers.GRU(3)), keras.layers.Dense(3, activation="softmax")]
    return keras.Sequential([keras.Input((5, 2)), *wrapped, *head]), (48, 5, 2)


def _run(device: str, network=_mlp, optimizer="adam", loss="sparse_categorical_crossentropy", labels=np.int64):
    nb.manual_seed(0)
    model, shape = network()
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
    assert model.to(device) is model
    rng = np.random.default_rng(1)
    x = rng.normal(size=shape).astype(np.float32)
    y = rng.integers(0, 3, shape[0]).astype(labels)
    if loss == "categorical_crossentropy":
        y = keras.utils.to_categorical(y, 3)
    history = model.fit(x, y, batch_size=16, epochs=2, validation_split=0.25, verbose=0).history
    result = model.evaluate(x, y, verbose=0)
    predicted = model.predict(x[:5], verbose=0)
    assert isinstance(predicted, np.ndarray) and predicted.dtype == np.float32
    assert model.device == nb.tensor(0.0, device=device).device
    assert {w.device for w in model.parameters()} == {model.device}
    weights = [w.detach().cpu().numpy() for w in model.parameters()]
    return history, result, predicted, weights


def _same(ours, reference):
    (h, r, p, w), (h0, r0, p0, w0) = ours, reference
    assert h.keys() == h0.keys()
    for key in h:
        np.testing.assert_allclose(h[key], h0[key], rtol=1e-6, atol=1e-6, err_msg=key)
    np.testing.assert_allclose(r, r0, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(p, p0, rtol=1e-6, atol=1e-6)
    for a, b in zip(w, w0):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("optimizer", ["adam", "sgd", "rmsprop", "adagrad"])
@pytest.mark.parametrize("device", OTHER_DEVICES)
def test_fit_evaluate_predict_on_a_device_equal_the_host(device, optimizer):
    require_device(device)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (fit does not capture a step on a device: no warning from nb.capture)
        ours = _run(device, optimizer=optimizer)
    _same(ours, _run("cpu", optimizer=optimizer))


@pytest.mark.parametrize("device", OTHER_DEVICES)
def test_a_convnet_trains_on_a_device(device):
    require_device(device)
    _same(_run(device, _cnn), _run("cpu", _cnn))


@pytest.mark.parametrize("device", OTHER_DEVICES)
def test_recurrent_wrappers_train_on_a_device(device):
    require_device(device)
    _same(_run(device, _sequences), _run("cpu", _sequences))


@pytest.mark.parametrize(
    "options",
    [
        {"optimizer": keras.optimizers.SGD(0.1, momentum=0.9, clipnorm=0.5)},
        {"optimizer": keras.optimizers.Adam(clipvalue=0.01)},
        {"optimizer": keras.optimizers.RMSprop(global_clipnorm=0.1)},
        {"loss": "categorical_crossentropy"},
        {"labels": np.float32},  # class indices as floats, as Keras accepts
    ],
    ids=["clipnorm", "clipvalue", "global_clipnorm", "one-hot", "float-labels"],
)
def test_clipping_and_targets_on_a_device(options):
    device = "array_api_strict:device1"
    require_device(device)
    fresh = {k: (type(v).from_config(v.get_config()) if k == "optimizer" else v) for k, v in options.items()}
    _same(_run(device, **options), _run("cpu", **fresh))


def test_cpu_brings_the_model_back():
    device = "array_api_strict:device1"
    require_device(device)
    model, _ = _mlp()
    model.to(device).cpu()
    assert model.device == "cpu" and {w.device for w in model.parameters()} == {"cpu"}
    assert model.predict(np.zeros((2, 6), np.float32), verbose=0).shape == (2, 3)


def test_a_model_is_built_before_it_moves_or_the_move_is_refused():
    device = "array_api_strict:device1"
    require_device(device)
    model = keras.Sequential([keras.layers.Dense(4, input_shape=(3,))]).to(device)
    assert {w.device for w in model.parameters()} == {model.device} != {"cpu"}
    lazy = keras.Sequential([keras.layers.Dense(4)])
    with pytest.raises(ValueError, match="no weights yet and no known input shape"):
        lazy.to(device)
    assert lazy.to("cpu") is lazy and lazy.to(nb.float64) is lazy  # (nothing to move: not refused)
