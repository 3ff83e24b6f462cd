"""``keras.metrics``' loss-like functions are Keras 3's: the losses' functions themselves, giving float32 tensors
averaged over the last axis (a 1-D series is one number: the time-series labs end with
``tf.keras.metrics.mean_absolute_error(x_valid, forecast).numpy()``, which gave a NumPy array per element)."""

from __future__ import annotations

import numpy as np
import pytest

import nabla.keras as nk
import nabla.tf as ntf

NAMES = [
    "binary_crossentropy", "categorical_crossentropy", "kl_divergence", "poisson", "hinge", "squared_hinge",
    "categorical_hinge", "mean_absolute_error", "mean_squared_error", "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error", "log_cosh",
]  # fmt: skip
RNG = np.random.default_rng(0)
SHAPES = {"series": (12,), "batch": (6, 3)}


@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("name", NAMES)
def test_the_functions_are_keras_3_s(keras, name, shape):
    y_true = RNG.uniform(0.05, 1, SHAPES[shape]).astype(np.float32)
    y_pred = RNG.uniform(0.05, 1, SHAPES[shape]).astype(np.float32)
    ours = getattr(nk.metrics, name)(y_true, y_pred)
    theirs = keras.ops.convert_to_numpy(getattr(keras.metrics, name)(y_true, y_pred))
    assert getattr(nk.metrics, name) is getattr(nk.losses, name)
    assert ours.dtype == np.float32 and tuple(ours.shape) == theirs.shape
    np.testing.assert_allclose(ours.numpy(), theirs, rtol=2e-6, atol=1e-6)


def test_the_time_series_labs_mae():
    x_valid = np.sin(np.arange(50, dtype=np.float32))
    forecast = x_valid + 0.5
    mae = ntf.keras.metrics.mean_absolute_error(x_valid, forecast).numpy()
    assert np.shape(mae) == () and mae == pytest.approx(0.5)
    assert ntf.keras.metrics.mae(ntf.constant(x_valid), forecast).numpy() == pytest.approx(0.5)


def test_compile_takes_them_as_the_metric_of_their_name():
    metric = nk.metrics.get(nk.metrics.mean_absolute_error)
    assert isinstance(metric, nk.metrics.MeanAbsoluteError) and metric.name == "mean_absolute_error"
    assert isinstance(nk.metrics.get(nk.metrics.log_cosh), nk.metrics.LogCoshError)


ACCURACIES = {
    "binary_accuracy": lambda r: (r.integers(0, 2, (6,)).astype(np.float32), r.uniform(size=(6,)).astype(np.float32)),
    "categorical_accuracy": lambda r: (np.eye(3, dtype=np.float32)[r.integers(0, 3, 6)], r.uniform(size=(6, 3))),
    "sparse_categorical_accuracy": lambda r: (r.integers(0, 3, (6, 1)), r.uniform(size=(6, 3)).astype(np.float32)),
    "sparse_top_k_categorical_accuracy": lambda r: (r.integers(0, 9, (6,)), r.uniform(size=(6, 9)).astype(np.float32)),
}


@pytest.mark.parametrize("name", sorted(ACCURACIES))
def test_accuracy_functions_give_float32_tensors_of_keras_s_values(keras, name):
    y_true, y_pred = ACCURACIES[name](np.random.default_rng(3))
    ours = getattr(nk.metrics, name)(y_true, y_pred)
    theirs = keras.ops.convert_to_numpy(getattr(keras.metrics, name)(y_true, y_pred))
    assert isinstance(ours, nk.ops.convert_to_tensor(0.0).__class__) and ours.dtype == np.float32
    np.testing.assert_array_equal(ours.numpy(), theirs.reshape(ours.shape))
    assert isinstance(nk.metrics.get(getattr(nk.metrics, name)), type(nk.metrics.get(name)))
