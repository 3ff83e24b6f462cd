"""Idioms from TensorFlow's own tutorials (tensorflow/docs: site/en/tutorials/keras and customization), each run
on nabla.tf and on TensorFlow and compared: where a sweep of the notebooks found the two apart."""

from __future__ import annotations

import numpy as np
from material import run_sources
from tf_parity import same, tensorflow


def test_a_one_feature_normalizer_given_input_shape_keeps_the_datas_rank():
    """regression.ipynb: ``Normalization(input_shape=[1,], axis=None)`` adapted on a column (a (n,) array) is
    built from the data, as Keras builds it, so a column in is a column out (not a (1, n) row)."""
    column = np.random.default_rng(0).uniform(46, 230, 50).astype(np.float32)

    def normalize(tf):
        layer = tf.keras.layers.Normalization(input_shape=[1], axis=None)
        built_early = layer.built
        layer.adapt(column)
        return built_early, layer(column[:4]).numpy(), layer(column[:4, None]).numpy(), tuple(layer.mean.shape)

    same(normalize)


def test_a_loss_object_on_float64_arrays_computes_in_float32():
    """A ``tf.keras.losses`` object called on NumPy's float64 arrays (as learners check a loss by hand) converts
    them to float32, Keras's floatx, as Keras 3 does: a float32 loss."""
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.uniform(size=(6, 3)), rng.uniform(0.1, 0.9, size=(6, 3))
    labels = rng.integers(0, 3, 6)

    def losses(tf):
        k = tf.keras.losses
        return [
            k.MeanSquaredError()(y_true, y_pred).numpy(),
            k.MeanAbsoluteError()(y_true, y_pred, sample_weight=np.ones(6)).numpy(),
            k.BinaryCrossentropy()(y_true.round(), y_pred).numpy(),
            k.SparseCategoricalCrossentropy(from_logits=True)(labels, y_pred).numpy(),
            k.MeanSquaredError()(y_true.tolist(), y_pred.tolist()).numpy(),
        ]

    same(losses)



SCHEDULE = """
import numpy as np
import tensorflow as tf

schedule = tf.keras.optimizers.schedules.InverseTimeDecay(0.001, decay_steps=20 * 1000, decay_rate=1)
print(schedule(tf.linspace(0.0, 100000.0, 7)))
print(schedule(np.linspace(0, 100000, 7)).numpy())
"""


def test_a_schedule_of_a_tensor_of_steps_prints_as_tensorflows():
    """overfit_and_underfit.ipynb plots ``InverseTimeDecay(0.001, ...)(steps)``: a float32 tensor of rates, a
    ``tf.Tensor`` (printed as TensorFlow prints it) when the steps are one. (Run in fresh interpreters: tf.keras
    is Keras 3 on TensorFlow there.)"""
    tensorflow()
    ours = run_sources({"schedule": SCHEDULE}, "nabla")["schedule"]
    assert ours == run_sources({"schedule": SCHEDULE}, "tensorflow")["schedule"]
