"""``keras.ops``' matrix decompositions against Keras 3 (torch backend): values and gradients.

Eigenvectors and singular vectors are defined up to sign and the two libraries may choose differently, so
the cases take sign-free quantities of them (absolute values, ``u diag(s) vh``).
"""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import assert_ops_match, assert_values_match

RNG = np.random.default_rng(5)
A = RNG.uniform(-1, 1, (2, 3, 3)).astype(np.float32)
SPD = (A @ A.transpose(0, 2, 1) + np.diag([1.0, 2.0, 3.0])).astype(np.float32)  # distinct eigenvalues
TALL = RNG.uniform(-1, 1, (2, 5, 3)).astype(np.float32)
WIDE = RNG.uniform(-1, 1, (3, 4)).astype(np.float32)
B = RNG.standard_normal((2, 3, 2)).astype(np.float32)
B5 = RNG.standard_normal((2, 5, 2)).astype(np.float32)
WEIGHTS = RNG.uniform(0.5, 1.5, (3, 3)).astype(np.float32)  # so that the gradient of the sum tells entries apart
FACTOR = np.linalg.cholesky(SPD).astype(np.float32)

CASES = {
    "cholesky": (lambda k, x: k.multiply(k.cholesky(x), WEIGHTS), (SPD,)),
    "cholesky_upper": (lambda k, x: k.multiply(k.linalg.cholesky(x, upper=True), WEIGHTS), (SPD,)),
    "cholesky_inverse": (lambda k, f: k.multiply(k.cholesky_inverse(f), WEIGHTS), (FACTOR,)),
    "eigh_values": (lambda k, x: k.eigh(x)[0], (SPD,)),
    "eigh_vectors": (lambda k, x: k.multiply(k.abs(k.linalg.eigh(x)[1]), WEIGHTS), (SPD,)),
    "qr_q": (lambda k, x: k.qr(x)[0] * 1.5, (TALL,)),
    "qr_r": (lambda k, x: k.multiply(k.linalg.qr(x)[1], WEIGHTS), (TALL,)),
    "qr_wide": (lambda k, x: k.qr(x)[0] + k.sum(k.qr(x)[1]), (WIDE,)),
    "svd_values": (lambda k, x: k.svd(x, compute_uv=False), (TALL,)),
    "svd_square": (lambda k, x: k.multiply(k.abs(k.svd(x)[0]), WEIGHTS), (A,)),
    "svd_reduced": (lambda k, x: k.abs(k.linalg.svd(x, full_matrices=False)[2]), (TALL,)),
    "solve_triangular_lower": (lambda k, a, b: k.solve_triangular(a, b, lower=True), (A + 3 * np.eye(3), B)),
    "solve_triangular_upper_vector": (lambda k, a, b: k.linalg.solve_triangular(a, b[..., 0]), (A + 3 * np.eye(3), B)),
    "lstsq": (lambda k, a, b: k.lstsq(a[0], b[0]), (TALL, B5)),
    "pinv": (lambda k, x: k.pinv(x), (TALL,)),
    "norm_2": (lambda k, x: k.norm(x, ord=2, axis=(0, 1)), (WIDE,)),
    "norm_nuc": (lambda k, x: k.norm(x, ord="nuc", axis=(2, 1), keepdims=True), (TALL,)),
    "norm_minus_2": (lambda k, x: k.linalg.norm(x, ord=-2), (WIDE,)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_decomposition_values_and_gradients_match_keras(name):
    assert_ops_match(*CASES[name], rtol=1e-4, atol=1e-5, grad_rtol=1e-3, grad_atol=1e-4)


@pytest.mark.parametrize(
    "call",
    [
        lambda k: k.matrix_rank(np.array([np.eye(3), np.ones((3, 3))], dtype=np.float32)),
        lambda k: k.linalg.matrix_rank(np.diag([1.0, 1e-3, 0.0]).astype(np.float32), tol=1e-2),
        lambda k: k.lu_factor(A),
        lambda k: k.linalg.lu_factor(WIDE),
        lambda k: k.svd(TALL)[1],
        lambda k: k.qr(TALL, mode="complete")[1],
    ],
)
def test_values_match_keras(call):
    assert_values_match(call, rtol=1e-4, atol=1e-5)


def test_full_svd_reconstructs_a_rectangular_matrix():
    from nabla.keras import ops

    u, s, vh = ops.svd(TALL)
    assert tuple(u.shape) == (2, 5, 5) and tuple(vh.shape) == (2, 3, 3)
    np.testing.assert_allclose(((u[..., :3] * s[:, None]) @ vh).numpy(), TALL, atol=1e-5)
