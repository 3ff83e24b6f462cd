"""``tf.keras.metrics`` objects as TensorFlow's "quickstart for experts" and custom training loops use them,
through nabla.tf and through TensorFlow with the same code: ``metric(values)``, ``metric(labels,
predictions)``, ``result()`` formatted, scaled, ``.numpy()``-ed and ``float()``-ed, ``reset_state()``."""

from __future__ import annotations

import numpy as np
import pytest
from tf_parity import tensorflow

import nabla.tf


def quickstart_loop(tf) -> list:
    """Two epochs of the quickstart's metric bookkeeping over fixed losses and predictions."""
    train_loss = tf.keras.metrics.Mean(name="train_loss")
    train_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name="train_accuracy")
    rng = np.random.default_rng(0)
    printed = []
    for epoch in range(2):
        train_loss.reset_state()
        train_accuracy.reset_state()
        for _ in range(3):
            labels = tf.constant(rng.integers(0, 4, 8))
            predictions = tf.nn.softmax(tf.constant(rng.normal(size=(8, 4)).astype(np.float32)))
            loss = tf.reduce_mean(tf.keras.losses.sparse_categorical_crossentropy(labels, predictions))
            train_loss(loss)
            train_accuracy(labels, predictions)
        printed.append(
            f"Epoch {epoch + 1}, Loss: {train_loss.result():0.2f}, Accuracy: {train_accuracy.result() * 100:0.2f}"
        )
        printed.append((train_accuracy.result().numpy().dtype.name, float(train_loss.result())))
    weighted = tf.keras.metrics.Mean()
    weighted.update_state(tf.constant([1.0, 2.0, 3.0]), sample_weight=tf.constant([1.0, 0.0, 1.0]))
    printed.append((weighted.name, weighted.result().numpy().item()))
    return printed


def test_quickstart_metric_loop_prints_as_tensorflow():
    ours, theirs = quickstart_loop(nabla.tf), quickstart_loop(tensorflow())
    assert [p for p in ours if isinstance(p, str)] == [p for p in theirs if isinstance(p, str)]
    for mine, reference in zip(ours[1:4:2], theirs[1:4:2]):
        assert mine[0] == reference[0] == "float32" and mine[1] == pytest.approx(reference[1], rel=1e-6)
    assert ours[-1] == theirs[-1] == ("mean", 2.0)


@pytest.mark.parametrize("keywords", [False, True])
def test_a_loss_object_on_tensorflow_tensors_gives_a_tensor_printed_as_tensorflow_s(keywords):
    # The custom-training walkthrough: print("Loss test: {}".format(loss_object(y_true=y, y_pred=y_))).
    from tf_keras_reference import tf_keras

    def loss(tf, keras):
        loss_object = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        y, y_ = tf.constant([0, 2, 1]), tf.constant([[1.0, 2.0, 0.5], [0.1, 0.2, 3.0], [2.0, 0.0, -1.0]])
        return loss_object(y_true=y, y_pred=y_) if keywords else loss_object(y, y_)

    ours, theirs = loss(nabla.tf, nabla.tf.keras), loss(tensorflow(), tf_keras())
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)
    assert type(ours) is nabla.tf.Tensor
    same_value = tensorflow().constant(ours.numpy())  # (the printing compared; the values may differ in the last bit)
    for text in ("Loss test: {}", "{:.3f}", "{!r}", "{!s}"):
        assert text.format(ours) == text.format(same_value)
