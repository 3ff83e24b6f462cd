"""TensorFlow 2's "quickstart for beginners" (tensorflow.org/tutorials/quickstart/beginner) with only the import
rule applied, on random data shaped like MNIST (``load_data`` patched: 60000 -> 2000 images, labels that the
images determine, so that the model can learn them)."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest
from material import import_rule

import nabla.keras as nk

QUICKSTART = """
import tensorflow as tf
print("TensorFlow version:", tf.__version__)

mnist = tf.keras.datasets.mnist

(x_train, y_train), (x_test, y_test) = mnist.load_data()
x_train, x_test = x_train / 255.0, x_test / 255.0

model = tf.keras.models.Sequential([
  tf.keras.layers.Flatten(input_shape=(28, 28)),
  tf.keras.layers.Dense(128, activation='relu'),
  tf.keras.layers.Dropout(0.2),
  tf.keras.layers.Dense(10)
])

predictions = model(x_train[:1]).numpy()
predictions

tf.nn.softmax(predictions).numpy()

loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

loss_fn(y_train[:1], predictions).numpy()

model.compile(optimizer='adam',
              loss=loss_fn,
              metrics=['accuracy'])

model.fit(x_train, y_train, epochs=5)

model.evaluate(x_test,  y_test, verbose=2)

probability_model = tf.keras.Sequential([
  model,
  tf.keras.layers.Softmax()
])

probability_model(x_test[:5])
"""


def fake_mnist():
    """uint8 images of MNIST's shape whose label is the band of rows that holds the most ink."""
    rng = np.random.default_rng(0)

    def split(n):
        labels = rng.integers(0, 10, n).astype(np.uint8)
        images = rng.integers(0, 60, (n, 28, 28)).astype(np.uint8)
        for i, label in enumerate(labels):
            images[i, 2 + 2 * label : 4 + 2 * label] += 150
        return images, labels

    return split(2000), split(500)


@pytest.fixture
def mnist(monkeypatch):
    monkeypatch.setattr(nk.datasets.mnist, "load_data", lambda *args, **kwargs: fake_mnist())


def run(source: str) -> tuple[dict, str]:
    namespace: dict = {"__name__": "__quickstart__"}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(import_rule(source), "quickstart.py", "exec"), namespace)  # noqa: S102 - the tutorial's code
    return namespace, printed.getvalue()


def test_the_quickstart_runs_with_the_import_rule(mnist):
    ns, printed = run(QUICKSTART)
    assert "TensorFlow version:" in printed and "Epoch 5/5" in printed
    model, probability_model, x_test, y_test = ns["model"], ns["probability_model"], ns["x_test"], ns["y_test"]
    assert model.count_params() == 784 * 128 + 128 + 128 * 10 + 10
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert accuracy > 0.9  # the labels are in the images: the network learns them in 5 epochs
    probabilities = probability_model.predict(x_test[:5], verbose=0)
    logits = model.predict(x_test[:5], verbose=0)
    expected = np.exp(logits - logits.max(axis=1, keepdims=True))
    np.testing.assert_allclose(probabilities, expected / expected.sum(axis=1, keepdims=True), rtol=1e-5)
    assert probabilities.shape == (5, 10) and np.allclose(probabilities.sum(axis=1), 1)


def test_the_quickstarts_last_call_is_inference_as_in_keras(mnist):
    """In Keras (and TF), ``model(x)`` without ``training=`` runs in inference mode: the Dropout inside is off."""
    ns, _ = run(QUICKSTART.replace("model.fit(x_train, y_train, epochs=5)", "model.fit(x_train, y_train, epochs=1)"))
    called = np.asarray(ns["probability_model"](ns["x_test"][:5]))
    np.testing.assert_allclose(called, ns["probability_model"].predict(ns["x_test"][:5], verbose=0), rtol=1e-5)
