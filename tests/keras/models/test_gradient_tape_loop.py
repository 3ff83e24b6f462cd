"""The textbook's loop: a subclassed layer with ``add_weight``, ``tf.GradientTape`` and ``apply_gradients``.

``nabla.tf.keras`` is ``nabla.keras``; the gradients the tape gives for ``model.trainable_variables`` are
compared with Keras 3's (PyTorch backend) for the same weights.
"""

from __future__ import annotations

import numpy as np
from keras_reference import keras_on_torch

import nabla.tf as tf

RNG = np.random.default_rng(7)
X = RNG.standard_normal((16, 3)).astype(np.float32)
Y = X.sum(axis=1, keepdims=True).astype(np.float32)


def model_of(k, matmul):
    class NaiveDense(k.layers.Layer):
        def __init__(self, units):
            super().__init__()
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal")
            self.b = self.add_weight(shape=(self.units,), initializer="zeros")

        def call(self, x):
            return matmul(x, self.w) + self.b

    return k.Sequential([NaiveDense(8), k.layers.Activation("relu"), NaiveDense(1)])


def test_tape_gradients_of_keras_weights_match_keras_and_training_converges():
    reference_keras = keras_on_torch()
    reference = model_of(reference_keras, reference_keras.ops.matmul)
    model = model_of(tf.keras, tf.matmul)
    reference(X), model(X)
    model.set_weights(reference.get_weights())

    loss = reference_keras.losses.MeanSquaredError()(Y, reference(X))
    loss.backward()
    want = [v.value.grad.numpy() for v in reference.trainable_variables]
    with tf.GradientTape() as tape:
        loss = tf.keras.losses.MeanSquaredError()(Y, model(X))
    grads = tape.gradient(loss, model.trainable_variables)
    assert len(grads) == len(want) == 4
    for g, w in zip(grads, want):
        np.testing.assert_allclose(g.numpy(), w, rtol=1e-5, atol=1e-6)

    optimizer = tf.keras.optimizers.SGD(learning_rate=0.05)
    first = float(loss)
    for _ in range(60):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(X) - Y))
        optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
    assert float(loss) < 0.2 * first
