"""The Deep Learning Specialization's "TensorFlow introduction" lab (course 2, week 3), its graders' idioms
run as TensorFlow code on TensorFlow and, with the import rule, on nabla.tf: the exact-class checks against
``tensorflow.python``'s ``EagerTensor`` and ``ResourceVariable``, ``tf.keras.activations`` and
``tf.keras.metrics.CategoricalAccuracy`` called on tf.Tensors printing as tf.Tensors."""

from __future__ import annotations

import numpy as np
import pytest
from material import run_sources
from tf_parity import tensorflow

import nabla.tf

GRADERS = """
import numpy as np
import tensorflow as tf
from tensorflow.python.framework.ops import EagerTensor
from tensorflow.python.ops.resource_variable_ops import ResourceVariable

np.random.seed(1)
X = tf.constant(np.random.randn(3, 1), name="X")
W = tf.Variable(np.random.randn(4, 3), name="W")
b = tf.Variable(np.random.randn(4, 1), name="b")
Y = tf.add(tf.matmul(W, X), b)
z = tf.keras.activations.sigmoid(tf.cast(0, tf.float32))
r = tf.keras.activations.relu(tf.constant([-1.0, 2.0]))
init = tf.Variable(tf.keras.initializers.GlorotNormal(seed=1)(shape=(2, 3)))
print(type(Y) == EagerTensor, type(W) == ResourceVariable, type(init) == ResourceVariable)
print(type(z) == EagerTensor, type(r) == EagerTensor, type(X) != ResourceVariable)
print(Y)
print(z, r)
"""

ACCURACY = """
import numpy as np
import tensorflow as tf

accuracy = tf.keras.metrics.CategoricalAccuracy()
rng = np.random.default_rng(0)
for epoch in range(2):
    accuracy.reset_state()
    for _ in range(2):
        labels = tf.one_hot(tf.constant(rng.integers(0, 6, 8)), 6)
        logits = tf.transpose(tf.constant(rng.normal(size=(6, 8)).astype(np.float32)))
        accuracy.update_state(labels, logits)
    print("Train accuracy:", accuracy.result())
print(accuracy(tf.constant([[0.0, 1.0]]), tf.constant([[0.3, 0.7]])))
"""


@pytest.fixture(scope="module")
def printed():
    tensorflow()
    sources = {"graders": GRADERS, "accuracy": ACCURACY}
    return run_sources(sources, "nabla"), run_sources(sources, "tensorflow")


@pytest.mark.parametrize("name", ["graders", "accuracy"])
def test_the_lab_prints_what_tensorflow_prints(printed, name):
    ours, theirs = (p[name] for p in printed)
    assert ours == theirs
    assert "tf.Tensor(" in ours and "False" not in ours


def test_a_metric_fed_arrays_by_fit_returns_nablas_tensor():
    """fit feeds NumPy arrays: the metric's result stays nabla's own tensor there."""
    accuracy = nabla.tf.keras.metrics.CategoricalAccuracy()
    accuracy.update_state(nabla.tf.constant([[0.0, 1.0]]), nabla.tf.constant([[0.3, 0.7]]))
    accuracy.update_state(np.array([[1.0, 0.0]]), np.array([[0.3, 0.7]]))
    assert type(accuracy.result()) is nabla.Tensor and float(accuracy.result()) == pytest.approx(0.5)
