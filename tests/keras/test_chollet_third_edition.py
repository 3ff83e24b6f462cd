"""Chollet's "Deep Learning with Python" (3rd edition) notebooks, their listings run with the import rule
(``import keras`` -> ``import nabla.keras as keras``) and checked against Keras 3 on PyTorch."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras as nabla_keras

# Chapter 7, "Using built-in metrics": a metric's stateless API, the state passed around by the caller.
STATELESS_METRIC = """
metric = keras.metrics.SparseCategoricalAccuracy()
targets = ops.array([0, 1, 2])
predictions = ops.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]])

metric_variables = metric.variables
metric_variables = metric.stateless_update_state(
    metric_variables, targets, predictions
)
current_result = metric.stateless_result(metric_variables)
print(f"result: {current_result:.2f}")

metric_variables = metric.stateless_reset_state()
"""


def _stateless_results(keras) -> list[float]:
    """The chapter's listing, then more of the same API: a second batch on the returned state, the reset state's
    value, the metric's own (untouched) state, and a custom metric with variables (the chapter's RMSE, shortened)."""
    ops = keras.ops
    scope = {"keras": keras, "ops": ops}
    exec(STATELESS_METRIC, scope)
    metric, state = scope["metric"], scope["metric_variables"]
    assert float(scope["current_result"]) == 1.0
    later = metric.stateless_update_state(
        metric.stateless_update_state(metric.variables, ops.array([0, 1]), ops.array([[0.9, 0.1], [0.8, 0.2]])),
        ops.array([1]),
        ops.array([[0.3, 0.7]]),
    )

    class SumOfSquares(keras.metrics.Metric):
        def __init__(self, name="sum_of_squares", **kwargs):
            super().__init__(name=name, **kwargs)
            self.total = self.add_weight(name="total", initializer="zeros")

        def update_state(self, values):
            self.total.assign_add(ops.sum(ops.square(values)))

        def result(self):
            return self.total

    squares = SumOfSquares()
    squares_state = squares.stateless_update_state(squares.variables, ops.array([1.0, 2.0]))
    squares_state = squares.stateless_update_state(squares_state, ops.array([3.0]))
    return [
        float(metric.stateless_result(later)),
        float(metric.stateless_result(state)),
        float(metric.result()),
        float(squares.stateless_result(squares_state)),
        float(ops.convert_to_numpy(squares_state[0])),
        float(squares.result()),
        float(squares.stateless_result(squares.stateless_reset_state())),
    ]


def test_metric_stateless_api_as_keras():
    want = _stateless_results(keras_on_torch())  # [2/3, 0.0, 0.0, 14.0, 14.0, 0.0, 0.0]
    np.testing.assert_allclose(_stateless_results(nabla_keras), want, rtol=1e-6)


def test_metric_stateless_api_refuses_a_wrong_state():
    with pytest.raises(ValueError, match="metric_variables must be metric.variables"):
        nabla_keras.metrics.Mean().stateless_result([1.0])  # a built-in metric: its state is NumPy arrays

    class Total(nabla_keras.metrics.Metric):
        def __init__(self):
            super().__init__(name="total")
            self.total = self.add_weight(name="total", initializer="zeros")

        def result(self):
            return self.total

    with pytest.raises(ValueError, match="corresponding 1:1 to Total"):  # Keras 3's message
        Total().stateless_result([])


def _fit_on_nothing(keras) -> None:
    """Chapter 4's IMDB listing on fewer than 10,000 reviews: ``x_train[10000:]`` is empty."""
    layers = keras.layers
    x_train = np.random.default_rng(0).integers(0, 2, (300, 50)).astype("float32")
    y_train = (x_train[:, 0] > 0).astype("float32")
    model = keras.Sequential([layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    x_val, partial_x_train = x_train[:10000], x_train[10000:]
    y_val, partial_y_train = y_train[:10000], y_train[10000:]
    model.fit(partial_x_train, partial_y_train, epochs=2, batch_size=512, validation_data=(x_val, y_val), verbose=0)


def test_fit_on_no_samples_is_refused_clearly():
    # Keras 3 on torch refuses it too ("num_samples should be a positive integer value, but got num_samples=0");
    # on TensorFlow it warns that the input ran out of data and only validates.
    with pytest.raises(ValueError, match="num_samples"):
        _fit_on_nothing(keras_on_torch())
    with pytest.raises(ValueError, match="fit: x holds no samples"):  # (was: numpy's "cannot reshape array of size 0")
        _fit_on_nothing(nabla_keras)
