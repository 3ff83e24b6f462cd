"""``tf.nn.max_pool`` and ``tf.nn.avg_pool`` against TensorFlow: values, dtypes, gradients, refusals."""

from __future__ import annotations

import numpy as np
import pytest
from tf_parity import compare, random_inputs, tensorflow

import nabla.tf as ntf

WINDOWS = [
    ((2, 7, 9, 6), 2, 2, "VALID"),
    ((2, 7, 9, 6), 3, 2, "SAME"),
    ((2, 7, 9, 6), [2, 3], [1, 2], "SAME"),
    ((1, 8, 5, 2), (1, 3, 3, 1), (1, 2, 2, 1), "SAME"),
    ((2, 9, 4), 3, 2, "SAME"),  # 1-D: (batch, steps, channels)
    ((1, 4, 5, 6, 2), 2, [1, 2, 2], "VALID"),  # 3-D
]


@pytest.mark.parametrize("shape, ksize, strides, padding", WINDOWS)
@pytest.mark.parametrize("op", ["max_pool", "avg_pool"])
def test_pool_matches_tensorflow(op, shape, ksize, strides, padding):
    # (TensorFlow's 3-D pooling gradient needs the data_format given: it reads None otherwise)
    data_format = "NDHWC" if len(shape) == 5 else None
    compare(lambda tf, x: getattr(tf.nn, op)(x, ksize, strides, padding, data_format=data_format), shapes=[shape],
            dtype=np.float32)  # fmt: skip


def test_max_pool_over_channels_matches_tensorflow():
    # Géron's chapter 14 depthwise pooling (TensorFlow has no gradient of it: values only)
    compare(lambda tf, x: tf.nn.max_pool(x, (1, 1, 1, 3), (1, 1, 1, 3), "VALID"), shapes=[(2, 5, 6, 9)], grad=False)


def test_max_pool_keeps_integers_and_channels_first():
    tf = tensorflow()
    x = np.arange(2 * 3 * 4 * 5, dtype=np.int32).reshape(2, 3, 4, 5)
    for data_format, ksize in (("NHWC", 2), ("NCHW", 2)):
        ours = ntf.nn.max_pool(ntf.constant(x), ksize, 1, "SAME", data_format=data_format)
        assert ours.dtype == ntf.int32
        if data_format == "NHWC":  # (TensorFlow's CPU kernels pool NHWC only)
            np.testing.assert_array_equal(ours.numpy(), tf.nn.max_pool(tf.constant(x), ksize, 1, "SAME").numpy())
        else:
            transposed = tf.nn.max_pool(tf.constant(x.transpose(0, 2, 3, 1)), ksize, 1, "SAME").numpy()
            np.testing.assert_array_equal(ours.numpy(), transposed.transpose(0, 3, 1, 2))


@pytest.mark.parametrize(
    "call",
    [
        lambda tf, x: tf.nn.max_pool(x, 2, 2, "same"),  # upper-case names only
        lambda tf, x: tf.nn.max_pool(x, [2, 2, 2, 1], 1, "VALID"),  # a batch window
        lambda tf, x: tf.nn.avg_pool(tf.cast(x, tf.int32), 2, 2, "VALID"),  # floats only
        lambda tf, x: tf.nn.max_pool(x, 9, 1, "VALID"),  # a window larger than the input
    ],
)
def test_pool_refuses_what_tensorflow_refuses(call):
    (x,) = random_inputs([(1, 5, 5, 3)], np.float32)
    for module in (tensorflow(), ntf):
        with pytest.raises(Exception) as error:
            call(module, x)
        assert error.type.__name__ in ("ValueError", "InvalidArgumentError", "UnimplementedError")
