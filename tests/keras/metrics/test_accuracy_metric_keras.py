"""``Accuracy`` (exact match) and ``Sum`` against Keras 3, and the custom training walkthrough's use of them."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch
from metric_reference import check_streaming, keras_value, random_batches

import nabla.tf as tf
from nabla.keras import metrics as M


def _ids(rng):
    return rng.integers(0, 3, 10), rng.integers(0, 3, 10)


def _ids_2d(rng):
    return rng.integers(0, 2, (10, 3)).astype(np.float32), rng.integers(0, 2, (10, 3)).astype(np.float32)


@pytest.mark.parametrize("make", [_ids, _ids_2d])
@pytest.mark.parametrize("weighted", [False, True])
def test_accuracy_matches_keras(make, weighted):
    keras = keras_on_torch()
    ours, theirs = M.Accuracy(), keras.metrics.Accuracy()
    assert ours.name == theirs.name
    check_streaming(ours, theirs, random_batches(make, seed=7, weighted=weighted))


def test_sum_matches_keras():
    keras = keras_on_torch()
    rng = np.random.default_rng(8)
    ours, theirs = M.Sum(), keras.metrics.Sum()
    for values, weight in [(rng.random(5), None), (rng.random((4, 3)), rng.random(4)), (rng.random(6), rng.random(6))]:
        ours.update_state(values, sample_weight=weight)
        theirs.update_state(values.astype(np.float32), sample_weight=weight)
        np.testing.assert_allclose(ours.result(), keras_value(theirs.result()), rtol=1e-5)
    ours.reset_state()
    assert float(ours.result()) == 0.0 and ours.name == theirs.name


def test_custom_training_walkthrough_idiom():
    # TensorFlow's tutorial: predictions are argmax ids, compared with integer labels.
    test_accuracy = tf.keras.metrics.Accuracy()
    logits = tf.constant([[0.1, 2.0, 0.3], [1.0, 0.2, 0.1], [0.0, 0.1, 3.0], [0.5, 0.4, 0.3]])
    prediction = tf.argmax(logits, axis=1, output_type=tf.int64)
    test_accuracy(prediction, tf.constant([1, 0, 1, 0]))
    assert f"{test_accuracy.result():.3%}" == "75.000%"
