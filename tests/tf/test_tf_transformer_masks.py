"""The Transformer lab's masks (Deep Learning Specialization, course 5, week 4) against TensorFlow: the
look-ahead mask from ``tf.linalg.band_part``, other bands, its gradient; and ``tf.keras`` layers (LSTM,
Dropout while training) called on tf.Tensors, whose ``.device`` is TensorFlow's name of the CPU."""

from __future__ import annotations

import numpy as np
import pytest
from tf_parity import compare

import nabla.tf

X = np.random.default_rng(4).uniform(-1, 1, (2, 4, 5))


@pytest.mark.parametrize("lower, upper", [(-1, 0), (0, -1), (0, 0), (1, 2), (-1, -1), (2, 0), (0, 5), (4, 0)])
def test_band_part_matches_tensorflow(lower, upper):
    compare(lambda tf, x: tf.linalg.band_part(x, lower, upper), inputs=[X])


def test_the_look_ahead_mask():
    mask = nabla.tf.linalg.band_part(nabla.tf.ones((1, 3, 3)), -1, 0)
    assert mask.dtype == nabla.tf.float32
    np.testing.assert_array_equal(mask.numpy(), np.tril(np.ones((1, 3, 3))))
    with pytest.raises(nabla.tf.errors.InvalidArgumentError, match="at least a matrix"):
        nabla.tf.linalg.band_part(nabla.tf.ones(3), -1, 0)
    with pytest.raises(nabla.tf.errors.InvalidArgumentError, match="num_upper must be negative or at most"):
        nabla.tf.linalg.band_part(nabla.tf.ones((4, 5)), 0, 7)  # (TensorFlow refuses it too)


def test_keras_layers_run_on_tf_tensors_whose_device_is_tensorflow_s_name():
    x = nabla.tf.ones((2, 3, 4))
    assert x.device.endswith("device:CPU:0")
    assert nabla.tf.keras.layers.LSTM(2)(x).shape == (2, 2)
    dropped = nabla.tf.keras.layers.Dropout(0.5)(x, training=True).numpy()
    assert set(np.unique(dropped)) <= {0.0, 2.0} and dropped.dtype == np.float32
