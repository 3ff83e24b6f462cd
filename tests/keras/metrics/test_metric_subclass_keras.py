"""Metric objects as course material uses them, on nabla and on Keras 3 (PyTorch backend) with the same calls:
``result()`` as a 0-d tensor, ``metric(...)``, ``variables``, ``reset_state`` / Keras 2's ``reset_states``,
configs, and subclassed metrics (Keras 3's ``add_variable``, Keras 2's ``add_weight``) used directly and
in ``compile`` / ``fit`` / ``evaluate``."""

from __future__ import annotations

import numpy as np
import pytest
from metric_reference import keras_value

import nabla as nb
import nabla.keras as nk


def keras3_true_positives(keras):
    """The Keras 3 guide's ``BinaryTruePositives``, written against ``keras`` (nabla.keras or Keras)."""
    ops = keras.ops

    class BinaryTruePositives(keras.metrics.Metric):
        def __init__(self, name="binary_true_positives", **kwargs):
            super().__init__(name=name, **kwargs)
            self.true_positives = self.add_variable(shape=(), initializer="zeros", name="true_positives")

        def update_state(self, y_true, y_pred, sample_weight=None):
            y_true = ops.cast(y_true, "bool")
            y_pred = ops.cast(y_pred, "bool")
            values = ops.logical_and(ops.equal(y_true, True), ops.equal(y_pred, True))
            values = ops.cast(values, self.dtype)
            if sample_weight is not None:
                values = values * ops.cast(sample_weight, self.dtype)
            self.true_positives.assign_add(ops.sum(values))

        def result(self):
            return self.true_positives

        def reset_state(self):
            self.true_positives.assign(0)

    return BinaryTruePositives


def keras2_counts(keras):
    """A tf.keras (Keras 2) style metric: ``add_weight(name=...)``, the default ``reset_state``, a ratio."""
    ops = keras.ops

    class PositiveRate(keras.metrics.Metric):
        def __init__(self, name="positive_rate", **kwargs):
            super().__init__(name=name, **kwargs)
            self.positives = self.add_weight(name="positives", initializer="zeros")
            self.total = self.add_weight(name="total", initializer="zeros")

        def update_state(self, y_true, y_pred, sample_weight=None):
            predicted = ops.cast(ops.greater(y_pred, 0.5), self.dtype)
            self.positives.assign_add(ops.sum(predicted))
            self.total.assign_add(ops.cast(ops.size(predicted), self.dtype))

        def result(self):
            return self.positives / self.total

    return PositiveRate


Y_TRUE = np.array([1, 0, 1, 1, 0, 1], dtype=np.float32)
Y_PRED = np.array([0.9, 0.0, 0.0, 0.7, 0.3, 1.0], dtype=np.float32)
WEIGHTS = np.array([0.5, 1, 1, 2, 1, 0], dtype=np.float32)


@pytest.mark.parametrize("make", [keras3_true_positives, keras2_counts])
def test_subclassed_metric_used_directly_matches_keras(keras, make):
    ours, theirs = make(nk)(), make(keras)()
    assert ours.name == theirs.name and ours.dtype == theirs.dtype == "float32"
    assert [v.name for v in ours.variables] == [v.name for v in theirs.variables]
    for half in (slice(0, 3), slice(3, 6)):
        value = ours(Y_TRUE[half], Y_PRED[half])
        np.testing.assert_allclose(value.numpy(), keras_value(theirs(Y_TRUE[half], Y_PRED[half])))
    np.testing.assert_allclose([v.numpy() for v in ours.variables], [keras_value(v) for v in theirs.variables])
    ours.reset_state()
    theirs.reset_state()
    assert [float(v.numpy()) for v in ours.variables] == [0.0] * len(theirs.variables)
    ours.update_state(Y_TRUE, Y_PRED, sample_weight=WEIGHTS)
    theirs.update_state(Y_TRUE, Y_PRED, sample_weight=WEIGHTS)
    assert float(ours.result()) == pytest.approx(float(keras_value(theirs.result())))
    assert ours.get_config() == theirs.get_config()
    rebuilt = type(ours).from_config(ours.get_config())
    assert rebuilt.name == ours.name and [float(v.numpy()) for v in rebuilt.variables] == [0.0] * len(ours.variables)


def test_result_is_a_0d_tensor_as_keras(keras):
    ours, theirs = nk.metrics.Mean(name="train_loss"), keras.metrics.Mean(name="train_loss")
    for value in (0.5, 1.25, 3.0):
        ours(value)
        theirs(value)
    result = ours.result()
    assert isinstance(result, nb.Tensor) and result.shape == () and result.dtype == "float32"
    assert result.numpy() == keras_value(theirs.result()) and result.numpy().dtype == np.float32
    assert float(result) == result.item() == pytest.approx(1.5833333)
    assert f"Loss: {result:0.2f}, x100: {ours.result() * 100:0.2f}" == "Loss: 1.58, x100: 158.33"
    several = nk.metrics.TruePositives(thresholds=[0.3, 0.5])
    several.update_state([1, 0, 1], [0.4, 0.6, 0.9])
    reference = keras.metrics.TruePositives(thresholds=[0.3, 0.5])
    reference.update_state([1, 0, 1], [0.4, 0.6, 0.9])
    np.testing.assert_array_equal(several.result().numpy(), keras_value(reference.result()))
    ours.reset_states()  # Keras 2's name
    assert float(ours.result()) == 0.0


def test_default_reset_state_zeros_every_variable_as_keras(keras):
    def make(k):
        class Counter(k.metrics.Metric):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.seen = self.add_variable(shape=(2,), initializer="ones", name="seen")

            def update_state(self, values):
                self.seen.assign_add(k.ops.ones((2,)))

            def result(self):
                return k.ops.sum(self.seen)

        return Counter()

    ours, theirs = make(nk), make(keras)
    assert float(ours.result()) == float(keras_value(theirs.result())) == 2.0
    ours.update_state(None)
    theirs.update_state(None)
    ours.reset_state()
    theirs.reset_state()
    np.testing.assert_array_equal(ours.seen.numpy(), keras_value(theirs.seen))  # zeros, not the initializer's ones


def test_add_variable_before_super_init_is_a_clear_error():
    class Forgot(nk.metrics.Metric):
        def __init__(self):
            self.v = self.add_variable(shape=(), initializer="zeros")

    with pytest.raises(RuntimeError, match="super"):
        Forgot()


def _model(k, weights):
    model = k.Sequential([k.Input((3,)), k.layers.Dense(1, activation="sigmoid")])
    model.set_weights(weights)
    return model


def test_subclassed_metric_in_compile_fit_evaluate_matches_keras(keras):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 3)).astype(np.float32)
    y = (x @ np.array([1.0, -2.0, 0.5]) > 0).astype(np.float32).reshape(-1, 1)
    weights = [rng.normal(size=(3, 1)).astype(np.float32), np.zeros(1, np.float32)]
    histories, evaluations = [], []
    for k in (nk, keras):
        model = _model(k, weights)
        model.compile(
            optimizer=k.optimizers.SGD(0.1),
            loss="binary_crossentropy",
            metrics=[keras3_true_positives(k)(), keras2_counts(k)(), "accuracy"],
        )
        history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history
        histories.append(history)
        evaluations.append(model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True))
    ours, theirs = histories
    assert sorted(ours) == sorted(theirs)
    for key in theirs:
        assert all(type(v) is float for v in ours[key]), key
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-4, err_msg=key)
    assert sorted(evaluations[0]) == sorted(evaluations[1])
    for key, value in evaluations[1].items():
        assert type(evaluations[0][key]) is float
        assert evaluations[0][key] == pytest.approx(value, rel=1e-4), key
