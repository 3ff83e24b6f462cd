"""``tf.linalg``'s inverses, solves and decompositions against TensorFlow: values, dtypes and gradients
(float64 and float32). Sign-free quantities of eigen- and singular vectors (their absolute values)."""

from __future__ import annotations

import numpy as np
import pytest
from tf_parity import compare

RNG = np.random.default_rng(7)
A = RNG.uniform(-1, 1, (2, 3, 3)) + 3 * np.eye(3)
SPD = A @ A.transpose(0, 2, 1) + np.diag([1.0, 2.0, 3.0])
TALL = RNG.uniform(-1, 1, (2, 5, 3))
WIDE = RNG.uniform(-1, 1, (3, 5))
B = RNG.uniform(-1, 1, (2, 3, 2))
B5 = RNG.uniform(-1, 1, (2, 5, 2))

CASES = {
    "inv": (lambda tf, a: tf.linalg.inv(a), [A]),
    "inv_adjoint": (lambda tf, a: tf.linalg.inv(a, adjoint=True), [A]),
    "det": (lambda tf, a: tf.linalg.det(a), [A]),
    "logdet": (lambda tf, a: tf.linalg.logdet(a), [SPD]),
    "solve": (lambda tf, a, b: tf.linalg.solve(a, b), [A, B]),
    "solve_adjoint": (lambda tf, a, b: tf.linalg.solve(a, b, adjoint=True), [A, B]),
    "triangular_solve": (lambda tf, a, b: tf.linalg.triangular_solve(a, b), [A, B]),
    "triangular_solve_upper_adjoint": (
        lambda tf, a, b: tf.linalg.triangular_solve(a, b, lower=False, adjoint=True),
        [A, B],
    ),
    "cholesky": (lambda tf, a: tf.linalg.cholesky(a), [SPD]),
    "eigh_values": (lambda tf, a: tf.linalg.eigh(a)[0], [SPD]),
    "eigh_vectors": (lambda tf, a: tf.abs(tf.linalg.eigh(a)[1]), [SPD]),
    "eigvalsh": (lambda tf, a: tf.linalg.eigvalsh(a), [SPD]),
    "qr_q": (lambda tf, a: tf.abs(tf.linalg.qr(a)[0]), [TALL]),
    "qr_r": (lambda tf, a: tf.abs(tf.linalg.qr(a)[1]), [TALL]),
    "svd_s": (lambda tf, a: tf.linalg.svd(a)[0], [TALL]),
    "svd_u": (lambda tf, a: tf.abs(tf.linalg.svd(a)[1]), [TALL]),
    "svd_v": (lambda tf, a: tf.abs(tf.linalg.svd(a)[2]), [WIDE]),
    "svd_values_only": (lambda tf, a: tf.linalg.svd(a, compute_uv=False), [WIDE]),
    "pinv": (lambda tf, a: tf.linalg.pinv(a), [TALL]),
    "lstsq_tall": (lambda tf, a, b: tf.linalg.lstsq(a, b), [TALL, B5]),
    "lstsq_regularised": (lambda tf, a, b: tf.linalg.lstsq(a, b, l2_regularizer=0.1), [TALL, B5]),
    "lstsq_wide": (lambda tf, a, b: tf.linalg.lstsq(a, b), [WIDE, B5[0, :3]]),
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_tensorflow(name, dtype):
    fn, inputs = CASES[name]
    loose = dict(rtol=1e-4, atol=1e-4) if dtype == np.float32 else dict(rtol=1e-8, atol=1e-9)
    compare(fn, inputs=[a.astype(dtype) for a in inputs], **loose)
