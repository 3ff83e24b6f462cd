"""Keras 3's overridable steps (``compute_loss``, ``predict_step``, ``metrics``...) against Keras 3 on PyTorch.

The guide-style ``train_step`` on a GradientTape is checked against TensorFlow itself in
tests/tf/test_tf_material.py (examples/tf/custom_train_step.py); here, the overrides that are not
backend-specific, and the errors.
"""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras as keras

RNG = np.random.default_rng(5)
X = RNG.standard_normal((48, 3)).astype(np.float32)
Y = (X @ np.array([[1.0], [-1.0], [2.0]]) + 0.5).astype(np.float32)


def functional(k, cls):
    inputs = k.Input((3,))
    return cls(inputs, k.layers.Dense(1)(k.layers.Dense(6, activation="tanh")(inputs)))


def fitted_twins(define, compile_kwargs, epochs=3):
    """``define(k)`` -> a Model subclass, built and fitted on Keras 3 and on nabla from Keras's weights."""
    reference_keras = keras_on_torch()
    reference, model = functional(reference_keras, define(reference_keras)), functional(keras, define(keras))
    model.set_weights([np.asarray(w) for w in reference.get_weights()])
    histories = []
    for m, k in ((reference, reference_keras), (model, keras)):
        m.compile(optimizer=k.optimizers.SGD(learning_rate=0.05), **compile_kwargs)
        histories.append(m.fit(X, Y, batch_size=16, epochs=epochs, shuffle=False, verbose=0).history)
    return reference, model, histories


def test_an_own_compute_loss_trains_through_the_default_train_step():
    def define(k):
        class HalfMae(k.Model):
            def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
                return 0.5 * k.ops.mean(k.ops.abs(y - y_pred)) + k.ops.mean(k.ops.square(y_pred)) * 0.01

        return HalfMae

    reference, model, (theirs, ours) = fitted_twins(define, {"metrics": ["mse"]})
    assert ours.keys() == theirs.keys() == {"loss", "mse"}
    for name in ours:
        assert ours[name] == pytest.approx(theirs[name], rel=1e-4), name
    for w, r in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(w, np.asarray(r), rtol=1e-4, atol=1e-6)


def test_a_compute_loss_written_before_keras_3_3_without_training_is_called_without_it():
    class Old(keras.Model):
        def compute_loss(self, x, y, y_pred, sample_weight):
            return keras.ops.mean(keras.ops.square(y - y_pred))

    model = functional(keras, Old)
    model.compile(optimizer="sgd")
    history = model.fit(X, Y, batch_size=16, epochs=2, verbose=0).history
    assert len(history["loss"]) == 2 and history["loss"][1] < history["loss"][0]


def test_predict_step_is_what_predict_calls():
    class Doubled(keras.Model):
        def predict_step(self, data):
            (x,) = data
            return 2 * self(x, training=False)

    model = functional(keras, Doubled)
    np.testing.assert_allclose(model.predict(X, verbose=0), 2 * np.asarray(model(X)), rtol=1e-6)


def test_metrics_are_the_loss_tracker_the_compiled_metrics_and_the_models_own():
    class Tracked(keras.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.extra = keras.metrics.Mean(name="extra")

    model = functional(keras, Tracked)
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    assert isinstance(model, Tracked) and isinstance(model, keras.Model)
    model.fit(X, Y, batch_size=16, epochs=1, verbose=0)
    assert model.metrics_names == ["loss", "compile_metrics", "extra"]  # (Keras 3's: test_metrics_names.py)
    model.extra.update_state([3.0])
    model.reset_metrics()
    assert [m.result() for m in model.metrics] == [0.0, 0.0, 0.0]


def test_train_on_batch_and_test_on_batch_go_through_the_steps():
    class Counting(keras.Model):
        calls = []

        def train_step(self, data):
            self.calls.append("train")
            return super().train_step(data)

        def test_step(self, data):
            self.calls.append("test")
            return super().test_step(data)

    model = functional(keras, Counting)
    model.compile(optimizer="sgd", loss="mse")
    logs = model.train_on_batch(X[:8], Y[:8], return_dict=True)
    assert logs.keys() == {"loss"} and model.test_on_batch(X[:8], Y[:8]) > 0
    assert Counting.calls == ["train", "test"]


def test_what_goes_wrong_is_said():
    class Plain(keras.Model):
        pass

    model = functional(keras, Plain)
    model.compile(optimizer="sgd")
    with pytest.raises(ValueError, match="no loss to compute"):
        model.fit(X, Y, verbose=0)

    class NotADict(keras.Model):
        def train_step(self, data):
            return 0.5

    model = functional(keras, NotADict)
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(TypeError, match="train_step must return a dict"):
        model.fit(X, Y, verbose=0)
    with pytest.raises(ValueError, match="distributed=True"):
        model.fit(X, Y, verbose=0, distributed=True)


def test_an_own_test_step_finds_the_compiled_metrics_in_evaluate_without_a_fit_first():
    """keras.io's custom_train_step guide evaluates a fresh model whose ``test_step`` updates every metric of
    ``self.metrics``: the compiled "mae" was missing (it was built at the first built-in batch only)."""

    def define(k):
        class OwnTestStep(k.Model):
            def test_step(self, data):
                x, y = data
                y_pred = self(x, training=False)
                loss = self.compute_loss(y=y, y_pred=y_pred)
                for metric in self.metrics:
                    metric.update_state(loss) if metric.name == "loss" else metric.update_state(y, y_pred)
                return {m.name: m.result() for m in self.metrics}

        return OwnTestStep

    reference_keras = keras_on_torch()
    reference, model = functional(reference_keras, define(reference_keras)), functional(keras, define(keras))
    model.set_weights([np.asarray(w) for w in reference.get_weights()])
    results = []
    for m in (reference, model):
        m.compile(loss="mse", metrics=["mae"])
        results.append(m.evaluate(X, Y, batch_size=16, verbose=0, return_dict=True))
    # (the same entries; Keras lists "mae" first, from its "compile_metrics" entry of self.metrics)
    assert sorted(results[1]) == sorted(results[0]) == ["loss", "mae"]
    np.testing.assert_allclose([results[1][k] for k in ("loss", "mae")], [results[0][k] for k in ("loss", "mae")],
                               rtol=1e-5)  # fmt: skip


def test_a_step_that_weighs_every_metric_of_self_metrics_leaves_the_compiled_ones_unweighted():
    """keras.io's custom train_step guide updates each metric of ``self.metrics`` with ``sample_weight=``: Keras 3
    passes it on to ``weighted_metrics`` only (its "compile_metrics" container); nabla weighed "mae" too."""

    def define(k):
        class WeighedTestStep(k.Model):
            def test_step(self, data):
                x, y, sample_weight = data
                y_pred = self(x, training=False)
                loss = self.compute_loss(y=y, y_pred=y_pred, sample_weight=sample_weight)
                for metric in self.metrics:
                    if metric.name == "loss":
                        metric.update_state(loss)
                    else:
                        metric.update_state(y, y_pred, sample_weight=sample_weight)
                return {m.name: m.result() for m in self.metrics}

        return WeighedTestStep

    reference_keras = keras_on_torch()
    reference, model = functional(reference_keras, define(reference_keras)), functional(keras, define(keras))
    model.set_weights([np.asarray(w) for w in reference.get_weights()])
    weights = RNG.random((48, 1)).astype(np.float32)
    results = []
    for m in (reference, model):
        m.compile(loss="mse", metrics=["mae"], weighted_metrics=["mse"])
        results.append(m.evaluate(X, Y, sample_weight=weights, batch_size=16, verbose=0, return_dict=True))
    assert sorted(results[1]) == sorted(results[0]) == ["loss", "mae", "mse"]
    for key, value in results[0].items():
        assert results[1][key] == pytest.approx(value, rel=1e-5), key


def test_the_compiled_metrics_of_model_metrics_keep_their_class():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(loss="mse", metrics=["mae", keras.metrics.RootMeanSquaredError()])
    model.fit(X[:, :3], Y, epochs=1, verbose=0)
    _, mae, rmse = model.metrics
    assert isinstance(mae, keras.metrics.MeanMetricWrapper) and isinstance(rmse, keras.metrics.RootMeanSquaredError)
    assert isinstance(rmse, keras.metrics.Metric) and rmse.name == "root_mean_squared_error"
