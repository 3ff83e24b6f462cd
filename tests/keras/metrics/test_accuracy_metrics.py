"""The accuracies: thresholds, label shapes, sequences, top-k ties, batches weighted by size."""

from __future__ import annotations

import numpy as np
import pytest

from nabla import metrics as M


def test_top_k_keras_k3_and_default():
    y_true, y_pred = [[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]
    np.testing.assert_array_equal(M.top_k_categorical_accuracy(y_true, y_pred, k=3), [1.0, 1.0])
    assert M.TopKCategoricalAccuracy()(y_true, y_pred) == 1.0  # k=5 > 3 classes: always in


def test_binary_accuracy_threshold_and_multi_output_samples():
    m = M.BinaryAccuracy(threshold=0.0)  # logits
    m.update_state([1, 0, 1], [2.0, -1.0, -0.5])
    assert float(m.result()) == pytest.approx(2 / 3)
    # Two outputs per sample: each sample counts the fraction it got right, weights per sample.
    per_sample = M.binary_accuracy([[1, 0], [1, 1]], [[0.9, 0.8], [0.7, 0.6]])
    np.testing.assert_allclose(per_sample, [0.5, 1.0])
    m = M.BinaryAccuracy()
    m.update_state([[1, 0], [1, 1]], [[0.9, 0.8], [0.7, 0.6]], sample_weight=[3, 1])
    assert float(m.result()) == pytest.approx((3 * 0.5 + 1 * 1.0) / 4)


def test_threshold_is_strict():
    # Keras: positive when y_pred > threshold, so exactly 0.5 is negative.
    assert M.BinaryAccuracy()([0], [0.5]) == 1.0
    assert M.Precision()([1, 0], [0.5, 0.5]) == 0.0


def test_sparse_labels_shapes_and_errors():
    y_pred = np.array([[0.2, 0.7, 0.1], [0.6, 0.3, 0.1], [0.1, 0.2, 0.7]])
    for labels in ([1, 0, 0], [[1], [0], [0]], np.array([1.0, 0.0, 0.0])):
        assert float(M.SparseCategoricalAccuracy()(labels, y_pred)) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match=r"integers in \[0, 3\)"):
        M.SparseCategoricalAccuracy().update_state([1, 0, 3], y_pred)
    with pytest.raises(ValueError, match=r"integers in \[0, 3\)"):
        M.SparseTopKCategoricalAccuracy(k=2).update_state([1, -1, 0], y_pred)
    with pytest.raises(ValueError, match="one class index per sample"):
        M.SparseCategoricalAccuracy().update_state([[0, 1, 0]] * 3, y_pred)


def test_sequence_outputs_average_per_sample():
    # (N, T, C) scores with (N, T) labels: each sample scores the fraction of its steps right.
    y_pred = np.zeros((2, 2, 3))
    y_pred[0, 0, 1] = y_pred[0, 1, 2] = y_pred[1, 0, 0] = y_pred[1, 1, 0] = 1.0
    labels = np.array([[1, 0], [0, 0]])
    np.testing.assert_allclose(M.sparse_categorical_accuracy(labels, y_pred), [0.5, 1.0])


def test_top_k_ties_count_as_in():
    # As tf.math.in_top_k: a label tied with the k-th score is in the top k.
    y_pred = [[0.4, 0.4, 0.2], [0.5, 0.3, 0.2]]
    np.testing.assert_array_equal(M.sparse_top_k_categorical_accuracy([1, 1], y_pred, k=1), [1.0, 0.0])
    np.testing.assert_array_equal(M.sparse_top_k_categorical_accuracy([2, 2], y_pred, k=2), [0.0, 0.0])
    with pytest.raises(ValueError, match="positive integer"):
        M.TopKCategoricalAccuracy(k=0)


def test_categorical_accuracy_on_logits_equals_on_probabilities():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(50, 4))
    probs = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    onehot = np.eye(4)[rng.integers(0, 4, 50)]
    assert M.CategoricalAccuracy()(onehot, logits) == M.CategoricalAccuracy()(onehot, probs)


def test_accuracy_weights_batches_by_their_size():
    m = M.BinaryAccuracy()
    m.update_state([1, 1, 1], [0.9, 0.9, 0.9])  # 3 right
    m.update_state([1], [0.1])  # 1 wrong
    assert float(m.result()) == 0.75  # not (1.0 + 0.0) / 2


def test_binary_accuracy_compares_soft_labels_as_keras(keras):
    """Label smoothing's soft targets: Keras compares y_true as it is, so 0.9 matches neither class."""
    y_true = np.array([[0.9], [0.1], [1.0], [0.0], [0.9]], np.float32)
    y_pred = np.array([[0.8], [0.2], [0.7], [0.6], [0.3]], np.float32)
    reference, metric = keras.metrics.BinaryAccuracy(), M.BinaryAccuracy()
    reference.update_state(y_true, y_pred)
    metric.update_state(y_true, y_pred)
    assert float(metric.result()) == pytest.approx(float(reference.result())) == pytest.approx(0.2)
