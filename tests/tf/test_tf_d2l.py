"""What "Dive into Deep Learning" (d2l.ai, TensorFlow tab) leans on, checked against TensorFlow.

Each case is an idiom the book's TensorFlow code (and its inlined ``d2l`` helpers) uses that nabla.tf once
got wrong: the same code runs on both libraries and must give the same values, gradients and errors.
"""

from __future__ import annotations

import numpy as np
import pytest
from tf_keras_reference import tf_keras
from tf_parity import assert_same, compare, run_both, tensorflow

import nabla.tf as ntf


def test_boolean_mask_takes_a_numeric_mask_as_its_nonzero_entries():
    # d2l's cross_entropy picks each row's label probability with tf.one_hot's float mask
    compare(lambda tf, x: tf.boolean_mask(x, tf.one_hot([0, 2, 1], depth=4)), shapes=[(3, 4)])
    compare(lambda tf, x: tf.boolean_mask(x, tf.constant([[0, 2, 0], [-1, 0, 0]])), shapes=[(2, 3)])
    compare(lambda tf, x: tf.boolean_mask(x, tf.constant([1.0, 0.0]), axis=1), shapes=[(3, 2, 2)])


def test_boolean_mask_refuses_a_string_mask_as_tensorflow_does():
    ours, theirs = run_both(lambda tf: tf.boolean_mask(tf.constant([1.0, 2.0]), tf.constant(["a", "b"])))
    assert isinstance(ours, TypeError) and "mask must be bool or numeric" in str(ours)
    assert isinstance(theirs, Exception)


@pytest.mark.parametrize("name", ["MeanSquaredError", "MeanAbsoluteError", "Huber", "BinaryCrossentropy"])
def test_a_loss_differentiates_through_its_first_argument_too(name):
    # d2l's concise linear regression calls loss(net(X), y): the prediction in y_true's place
    rng = np.random.default_rng(0)
    w0, x, y = rng.normal(size=(3, 1)), rng.normal(size=(6, 3)), rng.uniform(0.1, 0.9, size=(6, 1))

    def grads(tf, keras):
        w = tf.Variable(w0.astype(np.float32))
        with tf.GradientTape() as tape:
            pred = tf.sigmoid(tf.matmul(x.astype(np.float32), w))
            loss = getattr(keras.losses, name)()(pred, y.astype(np.float32))
        return loss, tape.gradient(loss, w)

    ours, theirs = grads(ntf, ntf.keras), grads(tensorflow(), tf_keras())
    assert_same(ours, theirs)
    assert type(ours[0]) is ntf.Tensor  # (a tf.Tensor came in, as y_pred: a tf.Tensor comes out)
