"""The cross-entropy metrics use the logits behind a Keras sigmoid or softmax output, as Keras 3 on TensorFlow.

Reference: TensorFlow 2.21's ``tf.keras`` (Keras 3 on its TensorFlow backend), run in a fresh interpreter
(conftest sets Keras 3's torch backend in this one, where Keras clips). Keras on TensorFlow hands its compiled
metrics the output tensor, which remembers its logits (``_keras_logits``), so ``metrics=["binary_crossentropy"]``
or ``keras.metrics.SparseCategoricalCrossentropy()`` of a saturated output log the exact loss, where clipped
probabilities stop at ``-log(1e-7) = 16.1`` per element. Compared: every logged value of ``fit`` (with
validation, captured and eager; also of a model of two outputs), ``evaluate`` of masked sequences and of a
``test_step`` of one's own, and standalone metrics updated with an activation's output; accuracy and AUC,
which read the values alone, are logged beside them.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from keras_reference import run_on_keras_tensorflow

import nabla.keras as keras

X = np.array([[1.0, -2.0], [-1.5, 0.5], [2.0, 1.0], [-0.5, -1.0], [0.25, 2.0], [-2.0, 1.5]], np.float32)
KERNEL = np.array([[12.0, -9.0, 6.0], [-10.0, 11.0, -7.0]], np.float32)  # saturates the activations
MODELS = {  # loss: (units, activation, targets, the metric class beside the name)
    "binary_crossentropy": (1, "sigmoid", np.array([[1], [1], [0], [0], [1], [0]], np.float32), "BinaryCrossentropy"),
    "categorical_crossentropy": (
        3, "softmax", np.eye(3, dtype=np.float32)[[2, 0, 1, 1, 0, 2]], "CategoricalCrossentropy",
    ),
    "sparse_categorical_crossentropy": (
        3, "softmax", np.array([2, 0, 1, 1, 0, 2]), "SparseCategoricalCrossentropy",
    ),
}  # fmt: skip


def _model(k, units: int, activation: str):
    model = k.Sequential([k.Input((2,)), k.layers.Dense(units, activation=activation)])
    model.set_weights([KERNEL[:, :units], np.full(units, 0.5, np.float32)])
    return model


def _fit_logs(k, loss: str, **compile_options) -> dict:
    units, activation, target, cls = MODELS[loss]
    model = _model(k, units, activation)
    metrics = [loss, getattr(k.metrics, cls)(name="ce_object"), "accuracy"]
    if units == 1:
        metrics.append(k.metrics.AUC(name="auc"))
    model.compile(optimizer=k.optimizers.SGD(0.05), loss=loss, metrics=metrics, **compile_options)
    history = model.fit(X, target, batch_size=3, epochs=3, shuffle=False, verbose=0, validation_data=(X, target))
    return {name: [float(v) for v in values] for name, values in history.history.items()}


def _two_outputs_logs(k, **compile_options) -> dict:
    inputs = k.Input((2,))
    first = k.layers.Dense(1, activation="sigmoid", name="first")(inputs)
    second = k.layers.Dense(3, activation="softmax", name="second")(inputs)
    model = k.Model(inputs, [first, second])
    model.set_weights([KERNEL[:, :1], np.full(1, 0.5, np.float32), KERNEL, np.full(3, 0.5, np.float32)])
    model.compile(
        optimizer="sgd", loss=["binary_crossentropy", "sparse_categorical_crossentropy"],
        metrics={"first": ["binary_crossentropy", "accuracy"], "second": ["sparse_categorical_crossentropy"]},
        **compile_options,
    )  # fmt: skip
    targets = [MODELS["binary_crossentropy"][2], MODELS["sparse_categorical_crossentropy"][2]]
    history = model.fit(X, targets, batch_size=3, epochs=2, shuffle=False, verbose=0, validation_data=(X, targets))
    return {name: [float(v) for v in values] for name, values in history.history.items()}


SEQUENCES = np.array([[3, 1, 2, 0], [2, 2, 0, 0], [1, 3, 3, 1]])  # 0 pads (masked)
SEQUENCE_LABELS = np.array([[2, 0, 1, 0], [0, 2, 0, 0], [1, 1, 2, 0]])


def _masked_logs(k) -> dict:
    model = k.Sequential([
        k.Input((4,)), k.layers.Embedding(4, 2, mask_zero=True), k.layers.Dense(3, activation="softmax"),
    ])  # fmt: skip
    embeddings = np.array([[0.0, 0.0], [1.0, -1.0], [-1.5, 0.5], [2.0, 1.0]], np.float32)
    model.set_weights([embeddings, KERNEL, np.full(3, 0.5, np.float32)])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy",
                  metrics=["sparse_categorical_crossentropy", "accuracy"])  # fmt: skip
    logs = model.evaluate(SEQUENCES, SEQUENCE_LABELS, verbose=0, return_dict=True)
    return {name: float(v) for name, v in logs.items()}


def _own_test_step_logs(k) -> dict:
    class Model(k.Model):
        def test_step(self, data):
            x, y = data
            y_pred = self(x, training=False)
            self.compute_loss(x, y, y_pred)
            return self.compute_metrics(x, y, y_pred, None)

    inputs = k.Input((2,))
    model = Model(inputs, k.layers.Dense(1, activation="sigmoid")(inputs))
    model.set_weights([KERNEL[:, :1], np.full(1, 0.5, np.float32)])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["binary_crossentropy"])
    logs = model.evaluate(X, MODELS["binary_crossentropy"][2], verbose=0, return_dict=True)
    return {"binary_crossentropy": float(logs["binary_crossentropy"])}


def _standalone(k) -> dict:
    """Each cross-entropy metric (and one given from_logits=True) updated with an activation's output."""
    z = X @ KERNEL + 0.5
    out = {}
    for units, activation, target, cls in MODELS.values():
        for from_logits in (False, True):
            metric = getattr(k.metrics, cls)(from_logits=from_logits)
            metric.update_state(target, getattr(k.activations, activation)(z[:, :units]))
            out[f"{cls}/{from_logits}"] = float(metric.result())
    return out


_TF_SCRIPT = """
import json, sys, warnings
sys.path.insert(0, sys.argv[1])
import tensorflow as tf
import test_metric_logits as t
k = tf.keras
assert k.backend.backend() == "tensorflow"
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    out = {
        "fit": {loss: t._fit_logs(k, loss) for loss in t.MODELS},
        "two_outputs": t._two_outputs_logs(k),
        "masked": t._masked_logs(k),
        "own_test_step": t._own_test_step_logs(k),
        "standalone": t._standalone(k),
    }
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def tf_reference() -> dict:
    """TensorFlow's tf.keras logs for every case here, from one fresh interpreter."""
    return run_on_keras_tensorflow(_TF_SCRIPT, os.path.dirname(os.path.abspath(__file__)))


def _assert_logs(got: dict, want: dict) -> None:
    assert sorted(got) == sorted(want)
    for name in want:
        np.testing.assert_allclose(got[name], want[name], rtol=1e-5, atol=1e-6, err_msg=name)


@pytest.mark.parametrize("loss", list(MODELS))
@pytest.mark.parametrize("jit_compile", [True, False], ids=["captured", "eager"])
def test_fit_logs_the_metrics_of_a_saturated_output_as_tensorflow(tf_reference, loss, jit_compile):
    _assert_logs(_fit_logs(keras, loss, jit_compile=jit_compile), tf_reference["fit"][loss])


def test_the_clipped_metrics_would_differ_here(tf_reference):
    """The metrics of the values alone (a copy, which remembers no logits) stop at the clip: the comparisons
    above can fail."""
    units, activation, target, _ = MODELS["binary_crossentropy"]
    values = np.array(_model(keras, units, activation).predict(X, verbose=0))
    clipped = keras.metrics.BinaryCrossentropy()
    clipped.update_state(target, values)
    assert float(clipped.result()) < tf_reference["fit"]["binary_crossentropy"]["binary_crossentropy"][0] - 1.0


@pytest.mark.parametrize("jit_compile", [True, False], ids=["captured", "eager"])
def test_the_losses_and_metrics_of_each_output_use_its_logits_as_tensorflow(tf_reference, jit_compile):
    _assert_logs(_two_outputs_logs(keras, jit_compile=jit_compile), tf_reference["two_outputs"])


def test_the_metrics_of_masked_steps_use_their_logits_as_tensorflow(tf_reference):
    _assert_logs(_masked_logs(keras), tf_reference["masked"])


def test_compute_metrics_in_a_test_step_of_ones_own_uses_the_logits_as_tensorflow(tf_reference):
    _assert_logs(_own_test_step_logs(keras), tf_reference["own_test_step"])


def test_a_metric_updated_with_an_activations_output_uses_its_logits_as_tensorflow(tf_reference):
    with pytest.warns(UserWarning, match="from_logits=True"):  # (as Keras: the output is not logits)
        got = _standalone(keras)
    _assert_logs(got, tf_reference["standalone"])
