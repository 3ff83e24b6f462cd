"""``nabla.keras.ops``'s normalization, pooling, convolution and linear algebra against Keras 3 (torch backend)."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import assert_ops_match, assert_values_match

RNG = np.random.default_rng(3)
IMAGES = RNG.standard_normal((2, 5, 6, 3)).astype(np.float32)  # (N, H, W, C)
SEQUENCES = RNG.standard_normal((2, 7, 3)).astype(np.float32)  # (N, steps, C)
KERNEL = RNG.standard_normal((3, 2, 3, 4)).astype(np.float32)  # (kh, kw, C, O)
KERNEL_1D = RNG.standard_normal((3, 3, 2)).astype(np.float32)  # (k, C, O)
C3 = RNG.uniform(0.5, 1.5, 3).astype(np.float32)
X = RNG.standard_normal((3, 4)).astype(np.float32)
MATRICES = (RNG.uniform(-1, 1, (2, 3, 3)) + 3 * np.eye(3)).astype(np.float32)  # far from singular
B = RNG.standard_normal((2, 3, 2)).astype(np.float32)
TIMES = STEPS = np.arange(1.0, 13.0, dtype=np.float32)  # weights that make a gradient tell where values went

CASES = {
    "batch_normalization": (
        lambda k, x, m, v: k.batch_normalization(x, m, v, axis=-1, offset=C3 - 1, scale=C3),
        (IMAGES, C3 - 1, C3),
    ),
    "batch_normalization_axis1": (lambda k, x, m: k.batch_normalization(x, m[:2], C3[:2], axis=0), (X[:2], C3)),
    "layer_normalization": (lambda k, x: k.multiply(k.layer_normalization(x), X), (X,)),
    "layer_normalization_affine": (lambda k, x, g: k.layer_normalization(x, g, g * 2, epsilon=1e-3), (X, X[0])),
    "rms_normalization": (lambda k, x, s: k.multiply(k.rms_normalization(x, s), X), (X, X[1])),
    "average_pool": (lambda k, x: k.multiply(k.average_pool(x, 2), TIMES[:3]), (IMAGES,)),
    "average_pool_1d": (lambda k, x: k.average_pool(x, 2, 1), (SEQUENCES,)),
    "average_pool_first": (lambda k, x: k.average_pool(x, (2, 3), data_format="channels_first"), (IMAGES,)),
    "max_pool": (lambda k, x: k.multiply(k.max_pool(x, 2), TIMES[:3]), (IMAGES,)),
    "max_pool_same": (lambda k, x: k.max_pool(x, 3, 2, "same"), (IMAGES,)),
    "max_pool_1d": (lambda k, x: k.max_pool(x, 3, 2, "same"), (SEQUENCES,)),
    "conv": (lambda k, x, w: k.conv(x, w), (IMAGES, KERNEL)),
    "conv_same_strided": (lambda k, x, w: k.conv(x, w, strides=2, padding="same"), (IMAGES, KERNEL)),
    "conv_dilated": (lambda k, x, w: k.conv(x, w, padding="same", dilation_rate=2), (IMAGES, KERNEL)),
    "conv_first": (
        lambda k, x, w: k.conv(x, w[:, :, :2], padding="same", data_format="channels_first"),
        (IMAGES[:, :2], KERNEL),
    ),
    "conv_1d": (lambda k, x, w: k.conv(x, w, padding="same"), (SEQUENCES, KERNEL_1D)),
    "depth_to_space": (lambda k, x: k.multiply(k.depth_to_space(x, 2), TIMES[:2]), (IMAGES[..., :1].repeat(8, -1),)),
    "depth_to_space_first": (
        lambda k, x: k.depth_to_space(x, 2, data_format="channels_first"),
        (IMAGES[:, :4],),
    ),
    "space_to_depth": (lambda k, x: k.multiply(k.space_to_depth(x[:, :4], 2), STEPS[:12]), (IMAGES,)),
    "det": (lambda k, a: k.det(a), (MATRICES,)),
    "inv": (lambda k, a: k.multiply(k.inv(a), TIMES[:3]), (MATRICES,)),
    "solve": (lambda k, a, b: k.multiply(k.solve(a, b), TIMES[:2]), (MATRICES, B)),
    "linalg.det": (lambda k, a: k.linalg.det(a), (MATRICES,)),
    "linalg.inv": (lambda k, a: k.linalg.inv(a), (MATRICES,)),
    "linalg.solve": (lambda k, a, b: k.linalg.solve(a, b), (MATRICES, B)),
    "logdet": (lambda k, a: k.logdet(a), (MATRICES,)),
    "slogdet": (lambda k, a: k.slogdet(a)[1] + k.slogdet(a)[0], (MATRICES,)),
    "norm_matrix_fro": (lambda k, x: k.norm(x, axis=(0, 1)), (X,)),
    "norm_matrix_1": (lambda k, x: k.norm(x, ord=1), (X,)),
    "norm_matrix_inf": (lambda k, a: k.linalg.norm(a, ord=np.inf, axis=(1, 2)), (MATRICES,)),
    "norm_vector_inf": (lambda k, x: k.norm(x, ord=np.inf, axis=1), (X,)),
    "norm_vector_3": (lambda k, x: k.norm(x, ord=3, axis=0, keepdims=True), (X,)),
    "norm_all": (lambda k, a: k.norm(a), (MATRICES,)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_op_values_and_gradients_match_keras(name):
    assert_ops_match(*CASES[name], grad_rtol=2e-4)


@pytest.mark.parametrize(
    "call",
    [
        lambda k: k.norm(X, ord=0, axis=1),
        lambda k: k.norm(X, ord=-np.inf, axis=1),
        lambda k: k.slogdet(-MATRICES[0])[0],
    ],
)
def test_values_match_keras(call):
    assert_values_match(call, rtol=1e-5)


def test_average_pool_same_leaves_the_padding_out_of_the_mean_as_tensorflow():
    # Keras 3's torch backend counts some padded zeros here; TensorFlow (and Keras's JAX backend) do not.
    from conftest import require

    import nabla as nb
    from nabla.keras import ops

    tf = require("tensorflow")
    weights = np.arange(18.0, dtype=np.float32).reshape(1, 3, 3, 2)
    x = tf.Variable(IMAGES[..., :2])
    with tf.GradientTape() as tape:
        want = tf.nn.avg_pool2d(x, 3, 2, "SAME")
        total = tf.reduce_sum(want * weights)
    ours = nb.tensor(IMAGES[..., :2], requires_grad=True)
    got = ops.average_pool(ours, 3, 2, "same")
    (got * weights).sum().backward()
    np.testing.assert_allclose(got.detach().numpy(), want.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours.grad.numpy(), tape.gradient(total, x).numpy(), rtol=1e-5, atol=1e-6)


def test_eig_says_why_it_is_not_offered():
    from nabla.keras import ops

    for namespace in (ops, ops.linalg):
        with pytest.raises(AttributeError, match="complex and nabla has no complex dtype: .* use keras.ops.eigh"):
            namespace.eig  # noqa: B018


@pytest.mark.parametrize(
    "call",
    [
        lambda k: k.multi_hot(np.array([[0, 2], [1, 1]]), 4),
        lambda k: k.multi_hot(np.array([0, 3]), 5),
    ],
)
def test_multi_hot_matches_keras(call):
    assert_values_match(call)


def test_the_new_ops_record_a_step_of_a_functional_model():
    import nabla.keras as keras

    inputs = keras.Input(shape=(6, 3))
    pooled = keras.ops.max_pool(keras.ops.cosh(inputs), 2)  # (elementwise.py and nn.py)
    outputs = keras.ops.linalg.norm(keras.ops.cumprod(pooled, axis=1), axis=-1)  # (reductions.py, linalg.py)
    model = keras.Model(inputs, outputs)
    x = SEQUENCES[:, :6]
    want = np.linalg.norm(np.cumprod(np.cosh(x).reshape(2, 3, 2, 3).max(axis=2), axis=1), axis=-1)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(model(x)), want, rtol=1e-5)
