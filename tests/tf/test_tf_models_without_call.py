"""Models whose own steps call their parts and that define no ``call`` (keras-io's knowledge distillation,
its DCGAN): ``fit(x, y)`` and ``evaluate`` run their ``train_step`` and ``test_step`` as TensorFlow's Keras 3
does, without calling the model itself (there is nothing to call), their compiled metrics built at the first
update. Each snippet runs on TensorFlow and on nabla (the import rule), one interpreter per library
(:func:`material.run_sources`); the printouts must agree.
"""

from __future__ import annotations

import pytest
from material import run_sources
from tf_parity import tensorflow

DISTILLER = """
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

class Distiller(keras.Model):
    def __init__(self, student, teacher):
        super().__init__()
        self.student, self.teacher = student, teacher

    def train_step(self, data):
        x, y = data
        teacher_predictions = self.teacher(x, training=False)
        with tf.GradientTape() as tape:
            student_predictions = self.student(x, training=True)
            student_loss = self.loss_fn(y, student_predictions)
            distillation_loss = keras.losses.KLDivergence()(
                tf.nn.softmax(teacher_predictions / 3.0, axis=1), tf.nn.softmax(student_predictions / 3.0, axis=1)
            )
            loss = 0.1 * student_loss + 0.9 * distillation_loss
        gradients = tape.gradient(loss, self.student.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.student.trainable_variables))
        results = self.compute_metrics(x, y, student_predictions)
        results.update({"student_loss": student_loss, "distillation_loss": distillation_loss})
        return results

    def test_step(self, data):
        x, y = data
        y_prediction = self.student(x, training=False)
        results = self.compute_metrics(x, y, y_prediction)
        results.update({"student_loss": self.loss_fn(y, y_prediction)})
        return results

rng = np.random.default_rng(0)
x = rng.normal(size=(32, 4)).astype("float32")
y = rng.integers(0, 3, 32)
teacher, student = (keras.Sequential([keras.Input((4,)), layers.Dense(3)]) for _ in range(2))
for seed, model in enumerate((teacher, student)):
    w = np.random.default_rng(seed + 1)
    model.set_weights([w.normal(scale=0.5, size=v.shape).astype("float32") for v in model.get_weights()])
distiller = Distiller(student, teacher)
distiller.loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
distiller.compile(
    optimizer=keras.optimizers.SGD(learning_rate=0.1), metrics=[keras.metrics.SparseCategoricalAccuracy()]
)
def show(logs):
    print({k: round(float(v), 4) for k, v in sorted(logs.items()) if k != "loss"})
show(distiller.evaluate(x, y, batch_size=8, verbose=0, return_dict=True))
history = distiller.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
show({k: v[-1] for k, v in history.history.items()})
show(distiller.evaluate(x, y, batch_size=8, verbose=0, return_dict=True))
print(np.round(student.get_weights()[0], 4).tolist())
"""


@pytest.fixture(scope="module")
def printouts():
    tensorflow()  # (skips locally without TensorFlow, fails in CI)
    sources = {"distiller": DISTILLER}
    return run_sources(sources, "nabla"), run_sources(sources, "tensorflow")


def test_a_distiller_without_call_fits_and_evaluates_as_tensorflows_keras(printouts):
    ours, theirs = printouts
    assert ours["distiller"] == theirs["distiller"]
