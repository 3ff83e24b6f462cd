"""``tf.nn.conv2d`` (NHWC images, HWIO filters) against TensorFlow: values, dtypes, gradients, refusals."""

from __future__ import annotations

import numpy as np
import pytest
from tf_parity import compare, random_inputs, tensorflow

import nabla.tf as ntf


@pytest.mark.parametrize(
    "image, kernel, strides, padding, dilations",
    [
        ((2, 7, 6, 3), (3, 2, 3, 4), 1, "SAME", None),
        ((2, 7, 6, 3), (3, 2, 3, 4), 2, "SAME", None),
        ((1, 8, 9, 2), (3, 3, 2, 2), [2, 1], "VALID", None),
        ((1, 8, 9, 2), (3, 3, 2, 2), [1, 3, 2, 1], "SAME", None),
        ((1, 8, 9, 2), (2, 3, 2, 3), 1, "SAME", 2),
        ((1, 6, 5, 1), (3, 3, 1, 2), 1, [[0, 0], [1, 2], [0, 1], [0, 0]], None),
    ],
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_conv2d_matches_tensorflow(image, kernel, strides, padding, dilations, dtype):
    # (TensorFlow's CPU kernels have no gradient of a dilated convolution: values only there)
    compare(lambda tf, x, w: tf.nn.conv2d(x, w, strides, padding, dilations=dilations),
            shapes=[image, kernel], dtype=dtype, grad=dilations is None)  # fmt: skip


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(padding="same"),  # TensorFlow takes upper-case names only
        dict(padding="SAME", filters_depth=2),  # grouped convolution
        dict(padding="SAME", strides=[2, 1, 1, 1]),  # a batch stride
    ],
)
def test_conv2d_refuses_what_tensorflow_refuses(kwargs):
    tf = tensorflow()
    x, w = random_inputs([(1, 5, 5, 3), (3, 3, kwargs.pop("filters_depth", 3), 2)], np.float32)
    for module in (tf, ntf):
        with pytest.raises(Exception) as error:
            module.nn.conv2d(x, w, **{"strides": 1, **kwargs})
        assert error.type.__name__ in ("ValueError", "InvalidArgumentError", "UnimplementedError")


def test_conv2d_reads_numpy_filters_in_the_images_dtype():
    # Géron ch. 14: tf.nn.conv2d(images, np.zeros([7, 7, 3, 2]), ...) + biases, float32 images and float64 filters
    tf = tensorflow()
    images, filters = random_inputs([(2, 6, 7, 3), (3, 3, 3, 2)], np.float32)
    filters = filters.astype(np.float64)
    theirs = tf.nn.conv2d(tf.constant(images), filters, strides=1, padding="SAME")
    ours = ntf.nn.conv2d(ntf.constant(images), filters, strides=1, padding="SAME")
    assert ours.dtype == ntf.float32 and theirs.dtype == tf.float32
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    "image, kernel, strides, padding, dilations",
    [
        ((2, 7, 6, 3), (3, 3, 3, 1), [1, 1, 1, 1], "SAME", None),  # Géron ch. 14's images and 3x3 filters
        ((2, 7, 6, 3), (3, 2, 3, 2), [1, 2, 2, 1], "SAME", None),
        ((1, 8, 9, 2), (3, 3, 2, 3), [1, 2, 2, 1], "VALID", None),
        ((1, 8, 9, 2), (2, 3, 2, 2), [1, 1, 1, 1], "SAME", [2, 2]),
    ],
)
def test_depthwise_conv2d_matches_tensorflow(image, kernel, strides, padding, dilations):
    compare(lambda tf, x, w: tf.nn.depthwise_conv2d(x, w, strides, padding, dilations=dilations),
            shapes=[image, kernel], dtype=np.float32, grad=dilations is None)  # fmt: skip


def test_depthwise_conv2d_refuses_unequal_strides_as_tensorflow():
    tf = tensorflow()
    x, w = random_inputs([(1, 8, 9, 2), (3, 3, 2, 1)], np.float32)
    for lib in (ntf, tf):
        with pytest.raises(lib.errors.InvalidArgumentError):
            lib.nn.depthwise_conv2d(x, w, [1, 2, 1, 1], "VALID")
