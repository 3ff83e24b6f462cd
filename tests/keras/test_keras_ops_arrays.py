"""``nabla.keras.ops``'s array functions, reductions, sorting and indexing against Keras 3 (torch backend)."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import assert_ops_match, assert_values_match

RNG = np.random.default_rng(2)
X = RNG.standard_normal((3, 4)).astype(np.float32)
SQUARE = RNG.standard_normal((4, 4)).astype(np.float32)
CUBE = RNG.standard_normal((2, 3, 4)).astype(np.float32)
V = RNG.standard_normal(5).astype(np.float32)
K = RNG.standard_normal(3).astype(np.float32)
WITH_ZERO = np.array([[1.5, 0.0, -2.0, 0.5], [2.0, -1.0, 0.0, 0.0], [0.5, 3.0, 1.0, -1.0]], dtype=np.float32)
W4 = np.array([1.0, 2.0, 0.5, 3.0], dtype=np.float32)
RAMP = np.arange(1.0, 13.0, dtype=np.float32).reshape(3, 4)  # weights that make a gradient tell where values went
STEPS = np.arange(1.0, 26.0, dtype=np.float32)

CASES = {
    "average": (lambda k, x: k.average(x, axis=1), (X,)),
    "average_weights": (lambda k, x: k.average(x, axis=1, weights=W4), (X,)),
    "average_weights_2d": (lambda k, x, w: k.average(x, axis=-1, weights=w), (X, RAMP)),
    "cumprod": (lambda k, x: k.multiply(k.cumprod(x, axis=1), RAMP), (WITH_ZERO,)),
    "cumprod_flat": (lambda k, x: k.cumprod(x * 0.9), (X,)),
    "cumsum_axis0": (lambda k, x: k.multiply(k.cumsum(x, axis=0), RAMP), (X,)),
    "diff": (lambda k, x: k.multiply(k.diff(x), RAMP[:, :3]), (X,)),
    "diff2_axis0": (lambda k, x: k.diff(x, n=2, axis=0), (X,)),
    "diag_vector": (lambda k, v: k.multiply(k.diag(v), STEPS.reshape(5, 5)), (V,)),
    "diag_vector_k": (lambda k, v: k.diag(v, k=-2), (V,)),
    "diag_matrix": (lambda k, x: k.diag(x, k=1), (X,)),
    "diagonal": (lambda k, x: k.diagonal(x, offset=-1, axis1=1, axis2=2), (CUBE,)),
    "diagflat": (lambda k, x: k.diagflat(x[:2, :2], k=1), (X,)),
    "trace": (lambda k, x: k.trace(x), (SQUARE,)),
    "trace_axes": (lambda k, x: k.trace(x, offset=1, axis1=1, axis2=2), (CUBE,)),
    "fliplr": (lambda k, x: k.multiply(k.fliplr(x), RAMP), (X,)),
    "flipud": (lambda k, x: k.multiply(k.flipud(x), RAMP), (X,)),
    "roll": (lambda k, x: k.multiply(k.roll(x, 1, axis=1), RAMP), (X,)),
    "roll_flat": (lambda k, x: k.multiply(k.roll(x, -5), RAMP), (X,)),
    "roll_axes": (lambda k, x: k.multiply(k.roll(x, (1, 2), axis=(0, 1)), RAMP), (X,)),
    "meshgrid": (lambda k, v, w: k.meshgrid(v, w)[0] * 2 + k.meshgrid(v, w)[1], (V, K)),
    "meshgrid_ij": (lambda k, v, w: k.meshgrid(v, w, indexing="ij")[1] * k.meshgrid(v, w, indexing="ij")[0], (V, K)),
    "copy": (lambda k, x: k.copy(x) * 2, (X,)),
    "array_split": (lambda k, v: k.array_split(v, 3)[0] * 2 + k.array_split(v, 3)[2][0], (V,)),
    "dstack": (lambda k, x, y: k.dstack([x, y * 2]), (X, X)),
    "vstack_matrices": (lambda k, x, y: k.multiply(k.vstack([x, y]), STEPS[:6, None]), (X, X)),
    "swapaxes": (lambda k, x: k.multiply(k.swapaxes(x, 0, 2), STEPS[:4, None, None]), (CUBE,)),
    "moveaxis": (lambda k, x: k.multiply(k.moveaxis(x, 0, -1), STEPS[:2]), (CUBE,)),
    "take_flat": (lambda k, x: k.take(x, np.array([[0, 5], [5, 11]])), (X,)),
    "where": (lambda k, x, y: k.where(x > y, x * 2, y), (X, X.T.reshape(3, 4))),
    "get_item": (lambda k, x: k.get_item(x, (slice(1, None), np.array([0, 2, 2]))), (X,)),
    "slice": (lambda k, x: k.multiply(k.slice(x, (1, 1), (2, 3)), RAMP[:2, :3]), (X,)),
    "slice_update": (lambda k, x, u: k.multiply(k.slice_update(x, (1, 2), u), RAMP), (X, X[:2, :2] * 3)),
    "scatter": (lambda k, v: k.multiply(k.scatter(np.array([[0, 1], [2, 3], [0, 1]]), v[:3], (3, 4)), RAMP), (V,)),
    "scatter_update": (lambda k, x, v: k.multiply(k.scatter_update(x, np.array([[0, 1], [2, 3]]), v[:2]), RAMP),
                       (X, V)),
    "sort_axis0": (lambda k, x: k.multiply(k.sort(x, axis=0), RAMP), (X,)),
    "top_k": (lambda k, x: k.multiply(k.top_k(x, 3)[0], RAMP[:, :3]), (X,)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_op_values_and_gradients_match_keras(name):
    assert_ops_match(*CASES[name])


SORTED = np.array([0.5, 1.0, 1.0, 2.5, 4.0], dtype=np.float32)


@pytest.mark.parametrize(
    "call",
    [
        lambda k: k.count_nonzero(WITH_ZERO),
        lambda k: k.count_nonzero(WITH_ZERO, axis=1),
        lambda k: k.tri(3, 4, k=1),
        lambda k: k.tri(3, dtype="int32"),
        lambda k: k.zeros_like(k.empty((2, 3))),  # (empty's values are whatever they are)
        lambda k: k.zeros_like(k.empty_like(X)),
        lambda k: k.full_like(X, 2.5),
        lambda k: k.identity(3),
        lambda k: k.eye(3, 4, k=1),
        lambda k: k.array([[1.0, 2.0]]),
        lambda k: k.array(np.array([1, 2], dtype=np.int32)),
        lambda k: k.geomspace(1.0, 1000.0, 4),
        lambda k: k.logspace(0.0, 2.0, 3),
        lambda k: k.logspace(0.0, 3.0, 4, base=2, endpoint=False),
        lambda k: k.searchsorted(SORTED, np.array([1.0, 3.0, 5.0], dtype=np.float32)),
        lambda k: k.searchsorted(SORTED, np.array([1.0, 3.0], dtype=np.float32), side="right"),
        lambda k: k.digitize(np.array([0.2, 1.0, 3.0, 9.0], dtype=np.float32), SORTED),
        lambda k: k.bincount(np.array([0, 1, 1, 3])),
        lambda k: k.bincount(np.array([0, 1, 1, 3]), minlength=6),
        lambda k: k.bincount(np.array([0, 1, 1, 3]), weights=np.array([0.5, 1.0, 2.0, 1.0], dtype=np.float32)),
        lambda k: k.argsort(X, axis=0),
        lambda k: k.nonzero(WITH_ZERO),
        lambda k: k.where(WITH_ZERO),
        lambda k: k.unique(np.array([3, 1, 3, 2, 1])),
        lambda k: k.unique(np.array([3, 1, 3, 2, 1]), return_inverse=True, return_counts=True),
        lambda k: k.array_split(np.arange(7.0, dtype=np.float32), 3)[1],
        lambda k: k.dstack([np.arange(3.0, dtype=np.float32), np.ones(3, dtype=np.float32)]),
        lambda k: k.triu(np.arange(9).reshape(3, 3) % 2 == 0),  # (a boolean triangle stays boolean)
        lambda k: k.triu(np.arange(9).reshape(3, 3) % 2 == 0, 1),
        lambda k: k.tril(np.arange(9).reshape(3, 3) % 2 == 0, -1),
    ],
)
def test_values_of_non_differentiable_and_creation_ops_match_keras(call):
    assert_values_match(call, rtol=1e-6)


def test_average_with_weights_over_all_axes_is_numpys_number():
    from nabla.keras import ops

    got = ops.average(X, weights=RAMP)  # (Keras's torch backend returns a vector here: see average's docstring)
    assert got.shape == () and got.dtype == np.float32
    np.testing.assert_allclose(got.numpy(), np.average(X, weights=RAMP), rtol=1e-6)
    np.testing.assert_allclose(ops.average(X, axis=0, weights=W4[:3]).numpy(), np.average(X, 0, W4[:3]), rtol=1e-6)
    assert ops.average(np.array([1, 2])).dtype == np.float32


def test_argpartition_puts_the_kth_value_in_its_sorted_place():
    from nabla.keras import ops

    order = ops.convert_to_numpy(ops.argpartition(X, 2, axis=1))
    assert order.dtype == np.int32
    picked = np.take_along_axis(X, order, axis=1)
    np.testing.assert_array_equal(picked[:, 2], np.sort(X, axis=1)[:, 2])
    assert (picked[:, :2] <= picked[:, 2:3]).all() and (picked[:, 3:] >= picked[:, 2:3]).all()


SIGNAL = RNG.standard_normal(7).astype(np.float32)
SEGMENTS = np.array([0, 0, 2, 1, 2])

MORE = {
    "correlate_valid": (lambda k, a, v: k.correlate(a, v), (SIGNAL, K)),
    "correlate_same": (lambda k, a, v: k.multiply(k.correlate(a, v, mode="same"), STEPS[:7]), (SIGNAL, K)),
    "correlate_full": (lambda k, a, v: k.multiply(k.correlate(a, v, mode="full"), STEPS[:9]), (SIGNAL, K)),
    "correlate_longer_second": (lambda k, a, v: k.multiply(k.correlate(v, a, mode="full"), STEPS[:9]), (SIGNAL, K)),
    "ravel": (lambda k, x: k.multiply(k.ravel(x), STEPS[:12]), (X,)),
    "unstack": (lambda k, x: k.unstack(x, axis=1)[2] * 2 + k.unstack(x, axis=1)[0], (X,)),
    "hsplit": (lambda k, x: k.multiply(k.hsplit(x, 2)[1], RAMP[:, :2]), (X,)),
    "vsplit": (lambda k, x: k.multiply(k.vsplit(x, 3)[2], RAMP[:1]), (X,)),
    "dsplit": (lambda k, x: k.dsplit(x, 2)[1], (CUBE,)),
    "rot90": (lambda k, x: k.multiply(k.rot90(x), RAMP.T), (X,)),
    "rot90_k3": (lambda k, x: k.multiply(k.rot90(x, k=3, axes=(1, 2)), STEPS[:3]), (CUBE,)),
    "rot90_k2": (lambda k, x: k.multiply(k.rot90(x, k=2), RAMP), (X,)),
    "kron": (lambda k, x, y: k.multiply(k.kron(x[:2, :2], y[:2, :3]), STEPS[:6]), (X, X)),
    "ptp": (lambda k, x: k.ptp(x, axis=1), (X,)),
    "median": (lambda k, x: k.median(x, axis=1), (X,)),
    "median_all": (lambda k, x: k.median(x), (CUBE,)),
    "quantile": (lambda k, x: k.quantile(x, 0.3, axis=0, keepdims=True), (X,)),
    "quantile_list": (lambda k, x: k.multiply(k.quantile(x, np.array([0.25, 0.9]), axis=1), RAMP[:2, :3]), (X,)),
    "percentile": (lambda k, x: k.percentile(x, 75.0, axis=(1, 2)), (CUBE,)),
    "segment_sum": (lambda k, x: k.multiply(k.segment_sum(x[:, :3], SEGMENTS[:3]), STEPS[:3]), (X,)),
    "segment_max": (lambda k, v: k.segment_max(v, SEGMENTS, num_segments=3), (V,)),
}


@pytest.mark.parametrize("name", sorted(MORE))
def test_more_ops_match_keras(name):
    assert_ops_match(*MORE[name])


@pytest.mark.parametrize(
    "call",
    [
        lambda k: k.quantile(X, 0.3, axis=1, method="lower"),
        lambda k: k.quantile(CUBE, np.array([0.1, 0.6]), axis=1, keepdims=True),
        lambda k: k.median(CUBE, axis=(0, 2), keepdims=True),
        lambda k: k.quantile(X, 0.3, axis=1, method="higher"),
        lambda k: k.quantile(X, 0.5, axis=1, method="nearest"),
        lambda k: k.quantile(X, 0.3, axis=1, method="midpoint"),
        lambda k: k.in_top_k(np.array([0, 3, 1]), X, 2),
        lambda k: k.isin(np.array([1, 2, 3, 4]), np.array([2, 4])),
    ],
)
def test_more_values_match_keras(call):
    assert_values_match(call, rtol=1e-5, atol=1e-6)
