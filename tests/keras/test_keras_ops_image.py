"""``keras.ops.image.extract_patches`` against Keras 3 (PyTorch backend: values and gradients) and
``tf.image.extract_patches`` against TensorFlow: keras-io's vision transformers cut their images with them."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require
from keras_reference import assert_ops_match, assert_values_match

import nabla.keras as keras
import nabla.tf as tf

IMAGES = np.random.default_rng(0).standard_normal((2, 9, 8, 3)).astype(np.float32)
GEOMETRIES = [
    {"size": 3},  # keras-io's ViT: side by side, the last partial row and column left out
    {"size": (2, 3), "strides": 1, "padding": "same"},
    {"size": 2, "strides": (3, 2), "dilation_rate": 2},
]


@pytest.mark.parametrize("kwargs", GEOMETRIES, ids=["tiling", "overlapping-same", "dilated"])
@pytest.mark.parametrize("batched", [True, False], ids=["batch", "one-image"])
def test_extract_patches_matches_keras(kwargs, batched):
    images = IMAGES if batched else IMAGES[0]
    # (squared: each element's gradient counts the patches it is in, and is 0 for the ones left out)
    assert_ops_match(lambda ops, x: ops.image.extract_patches(x, **kwargs) ** 2, [images])


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
@pytest.mark.parametrize("size", [(12, 5), (4, 8)], ids=["up-down", "down"])
def test_resize_matches_keras(interpolation, size):
    assert_ops_match(lambda ops, x: ops.image.resize(x, size, interpolation=interpolation) ** 2, [IMAGES])


def test_resize_of_one_integer_image_matches_keras():
    image = (np.arange(9 * 8 * 3) * 7 % 256).astype(np.uint8).reshape(9, 8, 3)
    # (uint8 back, rounded; a value that lands on .5 may round either way in float32 sums of another order)
    assert_values_match(lambda ops: ops.image.resize(image, (6, 6)), atol=1.0)


@pytest.mark.parametrize("padding", ["VALID", "SAME"])
@pytest.mark.parametrize("sizes, strides, rates", [([1, 4, 4, 1], [1, 4, 4, 1], [1, 1, 1, 1]),
                                                   ([1, 3, 2, 1], [1, 2, 1, 1], [1, 2, 1, 1])])  # fmt: skip
def test_tf_extract_patches_matches_tensorflow(sizes, strides, rates, padding):
    real = require("tensorflow")
    want = real.image.extract_patches(IMAGES, sizes, strides, rates, padding).numpy()
    got = tf.image.extract_patches(IMAGES, sizes, strides, rates, padding).numpy()
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


def test_bad_arguments_say_what_is_expected():
    with pytest.raises(ValueError, match=r"\(H, W, C\) or \(N, H, W, C\)"):
        keras.ops.image.extract_patches(IMAGES[0, 0], 2)
    with pytest.raises(ValueError, match=r"sizes must be \[1, rows, cols, 1\]"):
        tf.image.extract_patches(IMAGES, [2, 2], [1, 2, 2, 1], [1, 1, 1, 1], "VALID")
    with pytest.raises(NotImplementedError, match="'bilinear' or 'nearest'"):
        keras.ops.image.resize(IMAGES, (4, 4), interpolation="bicubic")
    with pytest.raises(AttributeError, match="keras.ops.image"):
        keras.ops.image.no_such_op  # noqa: B018
