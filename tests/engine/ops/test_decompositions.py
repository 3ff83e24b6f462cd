"""The matrix decompositions and what is composed from them, against PyTorch: values, dtypes, gradients
(float32 and float64, batched), on NumPy and on the other devices of the parity sweep; Hessian-vector products
through ``create_graph=True``; LU against SciPy.

Eigenvectors and singular vectors are defined up to sign, and the two libraries may pick different signs:
the tests compare sign-free quantities (``|V|``, ``|U|``), whose losses have well-defined gradients.
"""

from __future__ import annotations

import numpy as np
import pytest
import reference
from conftest import OTHER_DEVICES
from reference import compare
from reference import torch as torch_module

import nabla as nb
from nabla.engine import ops


@pytest.fixture(params=["cpu", *OTHER_DEVICES], autouse=True)
def device(request):
    with reference.on_device(request.param):
        yield request.param


@pytest.fixture(params=[np.float32, np.float64], ids=["f32", "f64"])
def dtype(request):
    return request.param


def rand(*shape, seed=0):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, size=shape)


def _tol(dtype):
    return dict(rtol=1e-4, atol=1e-4) if dtype == np.float32 else {}


def _spd(shape, seed=0):
    """Symmetric positive definite, with well-separated eigenvalues."""
    a = rand(*shape, seed=seed)
    return a @ np.swapaxes(a, -1, -2) + np.diag(np.arange(1.0, shape[-1] + 1))


SHAPES = [(4, 4), (2, 3, 3)]
RECTANGLES = [(5, 3), (3, 3), (2, 3, 5)]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_cholesky(shape, dtype):
    th = torch_module()
    compare(ops.cholesky, inputs=[_spd(shape).astype(dtype)], torch_fn=th.linalg.cholesky, dtype=dtype,
            **_tol(dtype))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_eigh_values_and_sign_free_vectors(shape, dtype):
    th = torch_module()
    a = _spd(shape).astype(dtype)
    compare(lambda x: ops.eigh(x)[0], inputs=[a], torch_fn=lambda x: th.linalg.eigh(x)[0], dtype=dtype, **_tol(dtype))
    compare(lambda x: abs(ops.eigh(x)[1]), inputs=[a], torch_fn=lambda x: th.linalg.eigh(x)[1].abs(), dtype=dtype,
            **_tol(dtype))


@pytest.mark.parametrize("shape", RECTANGLES, ids=str)
def test_qr_reduced(shape, dtype):
    th = torch_module()
    a = rand(*shape).astype(dtype)  # (LAPACK's Householder QR in both: the same signs)
    for i in (0, 1):
        compare(lambda x, i=i: ops.qr(x)[i], inputs=[a], torch_fn=lambda x, i=i: th.linalg.qr(x)[i], dtype=dtype,
                **_tol(dtype))


@pytest.mark.parametrize("shape", RECTANGLES, ids=str)
def test_svd_values_and_sign_free_vectors(shape, dtype):
    th = torch_module()
    a = rand(*shape).astype(dtype)
    compare(lambda x: ops.svd(x)[1], inputs=[a], torch_fn=th.linalg.svdvals, dtype=dtype, **_tol(dtype))
    for i in (0, 2):
        compare(lambda x, i=i: abs(ops.svd(x)[i]), inputs=[a],
                torch_fn=lambda x, i=i: th.linalg.svd(x, full_matrices=False)[i].abs(), dtype=dtype, **_tol(dtype))


@pytest.mark.parametrize("lower", [True, False], ids=["lower", "upper"])
def test_solve_triangular_reads_one_triangle(lower, dtype):
    th = torch_module()
    a = (rand(2, 4, 4) + 4 * np.eye(4)).astype(dtype)  # the other triangle is not zero: it must be ignored
    b = rand(2, 4, 3, seed=1).astype(dtype)
    compare(lambda x, y: ops.solve_triangular(x, y, lower=lower), inputs=[a, b],
            torch_fn=lambda x, y: th.linalg.solve_triangular(x, y, upper=not lower), dtype=dtype, **_tol(dtype))


@pytest.mark.parametrize("upper", [False, True], ids=["lower", "upper"])
def test_cholesky_inverse(upper, dtype):
    th = torch_module()
    factor = np.linalg.cholesky(_spd((2, 3, 3)))
    factor = (np.swapaxes(factor, -1, -2) if upper else factor).astype(dtype)
    compare(lambda f: ops.cholesky_inverse(f, upper=upper), inputs=[factor],
            torch_fn=lambda f: th.cholesky_inverse(f, upper=upper), dtype=dtype, **_tol(dtype))


@pytest.mark.parametrize("shape", RECTANGLES, ids=str)
def test_pinv(shape, dtype):
    th = torch_module()
    compare(ops.pinv, inputs=[rand(*shape).astype(dtype)], torch_fn=th.linalg.pinv, dtype=dtype, **_tol(dtype))


def test_lstsq_of_a_tall_full_rank_matrix(dtype):
    th = torch_module()
    a, b = rand(6, 3).astype(dtype), rand(6, 2, seed=1).astype(dtype)
    compare(ops.lstsq, inputs=[a, b], torch_fn=lambda x, y: th.linalg.lstsq(x, y).solution, dtype=dtype,
            **_tol(dtype))


def test_pinv_drops_the_zero_singular_value_and_keeps_finite_gradients():
    a = np.array([[1.0, 2.0], [2.0, 4.0], [0.0, 0.0]], dtype=np.float32)  # rank 1 (float32: every device has it)
    x = nb.tensor(a, requires_grad=True, device=reference.DEVICE["name"])
    p = ops.pinv(x)
    np.testing.assert_allclose(p.cpu().numpy(), np.linalg.pinv(a), atol=1e-6)
    p.sum().backward()
    assert np.isfinite(x.grad.cpu().numpy()).all()


def test_matrix_rank_counts_singular_values_above_the_tolerance():
    a = np.array([np.eye(3), np.ones((3, 3)), np.diag([1.0, 1e-3, 0.0])], dtype=np.float32)
    a = nb.tensor(a, device=reference.DEVICE["name"])
    rank = ops.matrix_rank(a)
    assert rank.dtype == np.int32
    np.testing.assert_array_equal(rank.cpu().numpy(), [3, 1, 2])
    np.testing.assert_array_equal(ops.matrix_rank(a, tol=1e-2).cpu().numpy(), [3, 1, 1])


@pytest.mark.parametrize("shape", [(4, 4), (3, 5), (5, 3), (2, 4, 4)], ids=str)
def test_lu_factor_packs_as_scipy(shape):
    linalg = pytest.importorskip("scipy.linalg")
    a = rand(*shape, seed=3).astype(np.float32)
    lu, pivots = ops.lu_factor(nb.tensor(a, device=reference.DEVICE["name"]))
    assert pivots.dtype == np.int32
    for i in np.ndindex(shape[:-2]):
        want_lu, want_pivots = linalg.lu_factor(a[i])
        np.testing.assert_allclose(lu.cpu().numpy()[i], want_lu, rtol=1e-5, atol=1e-6)
        np.testing.assert_array_equal(pivots.cpu().numpy()[i], want_pivots)


@pytest.mark.parametrize(
    "fn, error, match",
    [
        (lambda: ops.cholesky(np.ones((2, 3))), ValueError, r"cholesky: expected square"),
        (lambda: ops.qr(np.ones((2, 2)), mode="r"), ValueError, r"qr: mode must be"),
        (lambda: ops.svd(np.ones(3)), ValueError, r"svd: expected matrices"),
        (lambda: ops.svd(nb.tensor(rand(3, 2), requires_grad=True), full_matrices=True)[1].sum().backward(),
         ValueError, r"full_matrices=True has no gradient"),
        (lambda: ops.qr(nb.tensor(rand(3, 2), requires_grad=True), mode="complete")[0].sum().backward(),
         ValueError, r"mode='complete' has no gradient"),
    ],
)
def test_errors_name_the_op(fn, error, match, device):
    if device != "cpu":
        pytest.skip("the messages do not depend on the device")
    with pytest.raises(error, match=match):
        fn()


# --- second order: Hessian-vector products through the rules run on Tensors ------------------------------


def _hvp_like_torch(nb_loss, th_loss, array):
    th = torch_module()
    x, tx = nb.tensor(array, requires_grad=True), th.tensor(array, requires_grad=True)
    v = rand(*array.shape, seed=9)
    (g,) = nb.grad(nb_loss(x), [x], create_graph=True)
    (tg,) = th.autograd.grad(th_loss(tx), [tx], create_graph=True)
    np.testing.assert_allclose(g.detach().numpy(), tg.detach().numpy(), rtol=1e-8, atol=1e-10)
    (h,) = nb.grad((g * nb.tensor(v)).sum(), [x])
    (th_h,) = th.autograd.grad((tg * th.tensor(v)).sum(), [tx])
    np.testing.assert_allclose(h.numpy(), th_h.numpy(), rtol=1e-7, atol=1e-9)


def _second_order_cases(lib):
    """name -> (loss of x through the decomposition, input); ``lib`` is nabla's ops or torch.linalg (even powers
    of eigen- and singular vectors are sign-free; QR has the same signs in both)."""
    return {
        "cholesky": (lambda x: (lib.cholesky(x) ** 3).sum(), _spd((3, 3))),
        "eigh": (lambda x: (lib.eigh(x)[0] ** 3).sum() + (lib.eigh(x)[1] ** 4).sum(), _spd((3, 3))),
        "qr": (lambda x: (lib.qr(x)[1] ** 3).sum() + (lib.qr(x)[0] ** 3).sum(), rand(4, 3)),
        "svd": (lambda x: (lib.svd(x, full_matrices=False)[1] ** 3).sum()
                + (lib.svd(x, full_matrices=False)[0] ** 4).sum(), rand(4, 3)),
    }


@pytest.mark.parametrize("name", ["cholesky", "eigh", "qr", "svd"])
def test_second_order(name, device):
    if device != "cpu":
        pytest.skip("second order runs the rules on Tensors: the same on every device")
    nb_loss, array = _second_order_cases(ops)[name]
    th_loss, _ = _second_order_cases(torch_module().linalg)[name]
    _hvp_like_torch(nb_loss, th_loss, array)
