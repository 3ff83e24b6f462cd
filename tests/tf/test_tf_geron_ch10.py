"""Hands-On Machine Learning (3rd ed.), chapter 10, "Introduction to Artificial Neural Networks with Keras", with
``import nabla.tf as tf``: the notebook's idioms run on nabla.tf and on TensorFlow (the reference, in a fresh
interpreter each) on small synthetic data of the notebook's shapes, and what a learner looks at compared.

- ``history.params`` keeps ``verbose`` as it was given, ``"auto"`` included (the notebook shows it after
  ``fit``), and a callback sees the same ``params`` in ``evaluate`` and ``predict``.
- The Fashion-MNIST classifier: layer names, ``get_layer``, weight shapes, parameter counts, ``history.epoch``,
  the keys of ``history.history``, the shapes and dtypes of ``evaluate`` and ``predict``.
- The wide & deep models: two inputs and two outputs (functional and subclassed), their history keys and
  ``evaluate``'s list, ``output_names``; a reload from ``.keras`` that predicts as the model did.
"""

from __future__ import annotations

import json

import pytest
from material import run_sources

_DATA = """
import json
import numpy as np
rng = np.random.default_rng(0)
X_housing = rng.normal(size=(300, 8))
y_housing = X_housing[:, 0] * 0.5 + rng.normal(size=300) * 0.1
X_images = rng.integers(0, 256, size=(200, 28, 28)).astype(np.uint8) / 255.0
y_images = rng.integers(0, 10, size=200).astype(np.uint8)
results = {}
"""

_PARAMS = _DATA + """
import tensorflow as tf

class Params(tf.keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.seen = []
    def on_test_begin(self, logs=None):
        self.seen.append(dict(self.params))
    def on_predict_begin(self, logs=None):
        self.seen.append(dict(self.params))

model = tf.keras.Sequential([tf.keras.Input(shape=[8]), tf.keras.layers.Dense(1)])
model.compile(loss="mse", optimizer="sgd")
results["auto"] = model.fit(X_housing, y_housing, epochs=2).params
results["silent"] = model.fit(X_housing, y_housing, epochs=1, verbose=0).params
results["lines"] = model.fit(X_housing, y_housing, epochs=1, verbose=2).params
seen = Params()
model.evaluate(X_housing, y_housing, callbacks=[seen])
model.evaluate(X_housing, y_housing, verbose=0, callbacks=[seen])
model.predict(X_housing[:3], callbacks=[seen])
results["evaluate_predict"] = seen.seen
print("RESULT:" + json.dumps(results))
"""

_CLASSIFIER = _DATA + """
import tensorflow as tf

tf.keras.backend.clear_session()
model = tf.keras.Sequential([
    tf.keras.layers.Flatten(input_shape=[28, 28]),
    tf.keras.layers.Dense(300, activation="relu"),
    tf.keras.layers.Dense(100, activation="relu"),
    tf.keras.layers.Dense(10, activation="softmax"),
])
hidden1 = model.layers[1]
weights, biases = hidden1.get_weights()
results["layers"] = [layer.name for layer in model.layers]
results["get_layer"] = model.get_layer("dense") is hidden1
results["weights"] = [list(weights.shape), str(weights.dtype), list(biases.shape), float(abs(biases).sum())]
results["count_params"] = model.count_params()
model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
history = model.fit(X_images[:150], y_images[:150], epochs=2, validation_data=(X_images[150:], y_images[150:]),
                    verbose=0)
results["history"] = [history.epoch, sorted(history.history), len(history.history["loss"])]
evaluation = model.evaluate(X_images[150:], y_images[150:], verbose=0)
y_proba = model.predict(X_images[:3], verbose=0)
results["evaluate"] = [type(evaluation).__name__, len(evaluation)]
results["predict"] = [list(y_proba.shape), str(y_proba.dtype), bool(abs(y_proba.sum(axis=1) - 1).max() < 1e-5),
                      str(y_proba.argmax(axis=-1).dtype)]
print("RESULT:" + json.dumps(results))
"""

_WIDE_AND_DEEP = _DATA + """
import tensorflow as tf

X_wide, X_deep = X_housing[:, :5], X_housing[:, 2:]
tf.keras.backend.clear_session()
input_wide = tf.keras.layers.Input(shape=[5])
input_deep = tf.keras.layers.Input(shape=[6])
norm_layer_wide = tf.keras.layers.Normalization()
norm_layer_deep = tf.keras.layers.Normalization()
norm_wide = norm_layer_wide(input_wide)
norm_deep = norm_layer_deep(input_deep)
hidden1 = tf.keras.layers.Dense(30, activation="relu")(norm_deep)
hidden2 = tf.keras.layers.Dense(30, activation="relu")(hidden1)
concat = tf.keras.layers.concatenate([norm_wide, hidden2])
output = tf.keras.layers.Dense(1)(concat)
aux_output = tf.keras.layers.Dense(1)(hidden2)
model = tf.keras.Model(inputs=[input_wide, input_deep], outputs=[output, aux_output])
model.compile(loss=("mse", "mse"), loss_weights=(0.9, 0.1), optimizer="adam",
              metrics=["RootMeanSquaredError", "RootMeanSquaredError"])
norm_layer_wide.adapt(X_wide)
norm_layer_deep.adapt(X_deep)
history = model.fit((X_wide, X_deep), (y_housing, y_housing), epochs=1, verbose=0,
                    validation_data=((X_wide[:50], X_deep[:50]), (y_housing[:50], y_housing[:50])))
X_new = (X_wide[:3], X_deep[:3])
evaluation = model.evaluate((X_wide, X_deep), (y_housing, y_housing), verbose=0)
results["functional"] = [sorted(history.history), len(evaluation), list(model.output_names),
                         type(model.predict(X_new, verbose=0)).__name__]
import os, tempfile
path = os.path.join(tempfile.mkdtemp(), "my_model.keras")  # (the notebook's folder is the repository here)
model.save(path)
reloaded = tf.keras.models.load_model(path)
results["reloaded"] = [float(abs(a - b).max()) < 1e-5
                       for a, b in zip(model.predict(X_new, verbose=0), reloaded.predict(X_new, verbose=0))]

class WideAndDeepModel(tf.keras.Model):
    def __init__(self, units=30, activation="relu", **kwargs):
        super().__init__(**kwargs)
        self.norm_layer_wide = tf.keras.layers.Normalization()
        self.norm_layer_deep = tf.keras.layers.Normalization()
        self.hidden1 = tf.keras.layers.Dense(units, activation=activation)
        self.hidden2 = tf.keras.layers.Dense(units, activation=activation)
        self.main_output = tf.keras.layers.Dense(1)
        self.aux_output = tf.keras.layers.Dense(1)

    def call(self, inputs):
        input_wide, input_deep = inputs
        norm_wide = self.norm_layer_wide(input_wide)
        norm_deep = self.norm_layer_deep(input_deep)
        hidden2 = self.hidden2(self.hidden1(norm_deep))
        concat = tf.keras.layers.concatenate([norm_wide, hidden2])
        return self.main_output(concat), self.aux_output(hidden2)

model = WideAndDeepModel(30, activation="relu", name="my_cool_model")
model.compile(loss=["mse", "mse"], loss_weights=[0.9, 0.1], optimizer="adam",
              metrics=["RootMeanSquaredError", "RootMeanSquaredError"])
model.norm_layer_wide.adapt(X_wide)
model.norm_layer_deep.adapt(X_deep)
history = model.fit((X_wide, X_deep), (y_housing, y_housing), epochs=1, verbose=0,
                    validation_data=((X_wide[:50], X_deep[:50]), (y_housing[:50], y_housing[:50])))
y_pred_main, y_pred_aux = model.predict((X_wide[:3], X_deep[:3]), verbose=0)
results["subclassed"] = [model.name, sorted(history.history), list(y_pred_main.shape), list(y_pred_aux.shape)]
print("RESULT:" + json.dumps(results))
"""


_SOURCES = {"params.py": _PARAMS, "classifier.py": _CLASSIFIER, "wide_and_deep.py": _WIDE_AND_DEEP}


@pytest.fixture(scope="module")
def results() -> dict:
    """What each source put in ``results``, on nabla.tf and on TensorFlow (its RESULT line; fit's bars around
    it), each library's run in one fresh interpreter."""
    outputs = {}
    for library in ("nabla", "tensorflow"):
        printed = run_sources(_SOURCES, library)
        for name, text in printed.items():
            line = next(line for line in text.splitlines() if line.startswith("RESULT:"))
            outputs[library, name] = json.loads(line[len("RESULT:"):])
    return outputs


def _both(results, name: str) -> tuple[dict, dict]:
    return results["nabla", name], results["tensorflow", name]


def test_history_params_keep_verbose_as_given_in_fit_evaluate_and_predict(results):
    ours, theirs = _both(results, "params.py")
    assert theirs["auto"]["verbose"] == "auto"
    assert ours == theirs


def test_the_fashion_mnist_classifier_shows_what_tensorflow_shows(results):
    ours, theirs = _both(results, "classifier.py")
    assert ours == theirs


def test_the_wide_and_deep_models_train_evaluate_predict_and_reload_as_in_tensorflow(results):
    ours, theirs = _both(results, "wide_and_deep.py")
    assert theirs["reloaded"] == [True, True]
    assert ours == theirs
