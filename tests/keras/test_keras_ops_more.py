"""``nabla.keras.ops``'s NaN-ignoring reductions, attention, distances and loops against Keras 3 (torch backend)."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import assert_ops_match, assert_values_match

RNG = np.random.default_rng(4)
X = RNG.standard_normal((3, 4)).astype(np.float32)
HOLES = X.copy()
HOLES[0, 1] = HOLES[2, 3] = HOLES[2, 0] = np.nan
Q = RNG.standard_normal((2, 5, 4, 3)).astype(np.float32)  # (B, T, N, H)
KV = RNG.standard_normal((2, 6, 2, 3)).astype(np.float32)  # (B, S, K, H): two query heads per key head
MASK = RNG.random((2, 1, 5, 6)) > 0.3
STEPS = np.arange(1.0, 13.0, dtype=np.float32)

CASES = {
    "nansum": (lambda k, x: k.nansum(k.add(x, HOLES), axis=1), (X,)),
    "nanmean": (lambda k, x: k.nanmean(k.add(x, HOLES), axis=0), (X,)),
    "nanprod": (lambda k, x: k.nanprod(k.add(x, HOLES)), (X,)),
    "nanvar": (lambda k, x: k.nanvar(k.add(x, HOLES), axis=1, keepdims=True), (X,)),
    "nanstd": (lambda k, x: k.nanstd(k.add(x, HOLES), axis=1), (X,)),
    "nanmax": (lambda k, x: k.nanmax(k.add(x, HOLES), axis=1), (X,)),
    "nanmin": (lambda k, x: k.nanmin(k.add(x, HOLES)), (X,)),
    "nancumsum": (lambda k, x: k.multiply(k.nancumsum(k.add(x, HOLES), axis=1), STEPS[:4]), (X,)),
    "nancumprod": (lambda k, x: k.multiply(k.nancumprod(k.add(x, HOLES), axis=1), STEPS[:4]), (X,)),
    "cdist": (lambda k, x, y: k.cdist(x, y), (X, X[:2] * 2)),
    "attention": (lambda k, q, kk, v: k.dot_product_attention(q, kk, v), (Q, KV, KV * 0.5)),
    "attention_masked": (lambda k, q, kk: k.dot_product_attention(q, kk, kk, mask=MASK, scale=0.7), (Q, KV)),
    "attention_causal": (lambda k, q: k.dot_product_attention(q, q, q, is_causal=True), (Q,)),
    "attention_bias": (
        lambda k, q, b: k.dot_product_attention(q, q, q, bias=b),
        (Q, RNG.standard_normal((1, 4, 5, 5)).astype(np.float32)),
    ),
    "scan": (lambda k, x: k.scan(lambda c, r: (c * r, c + r), k.ones((4,)), x)[1], (X,)),
    "scan_reverse": (lambda k, x: k.scan(lambda c, r: (c + r, c * r), k.zeros((4,)), x, reverse=True)[1], (X,)),
    "map": (lambda k, x: k.map(lambda r: k.sum(r * r), x), (X,)),
    "switch": (lambda k, x: k.switch(1, [lambda a: a * 2, lambda a: k.sin(a)], x), (X,)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_op_values_and_gradients_match_keras(name):
    assert_ops_match(*CASES[name], grad_rtol=2e-4)


@pytest.mark.parametrize(
    "call",
    [
        lambda k: k.nanargmax(HOLES, axis=1),
        lambda k: k.nanargmin(HOLES),
        lambda k: k.nanmax(np.array([[np.nan, np.nan], [1.0, np.nan]], dtype=np.float32), axis=1),
        lambda k: k.saturate_cast(np.array([-300.0, 12.7, 300.0], dtype=np.float32), "uint8"),
        lambda k: k.saturate_cast(np.array([-3e9, 5, 3e9], dtype=np.int64), "int32"),
    ],
)
def test_values_match_keras(call):
    assert_values_match(call)


INTS = np.array([12, 7, -5, 0, 255])
SHIFTS = np.array([1, 2, 0, 3, 1])

LAST = {
    "segment_min": (lambda k, v: k.segment_min(v, np.array([0, 0, 2, 1, 2]), num_segments=3), (X[:2].ravel()[:5],)),
    "trapezoid": (lambda k, y: k.trapezoid(y, dx=0.5), (X,)),
    "trapezoid_x": (lambda k, y, x: k.trapezoid(y, x, axis=0), (X, np.sort(X[:, 0]))),
    "corrcoef": (lambda k, x: k.multiply(k.corrcoef(x), RNG_W), (X,)),
    "psnr": (lambda k, x, y: k.psnr(x, y, 2.0), (X, X * 0.9)),
}
RNG_W = np.triu(np.ones((3, 3), dtype=np.float32), 1)  # (the off-diagonal: the diagonal is 1 whatever x is)


@pytest.mark.parametrize("name", sorted(LAST))
def test_last_ops_match_keras(name):
    assert_ops_match(*LAST[name], grad_rtol=2e-4)


@pytest.mark.parametrize(
    "call",
    [
        lambda k: k.bitwise_and(INTS, SHIFTS),
        lambda k: k.bitwise_or(INTS, SHIFTS),
        lambda k: k.bitwise_xor(INTS, SHIFTS),
        lambda k: k.bitwise_not(INTS),
        lambda k: k.bitwise_invert(INTS),
        lambda k: k.left_shift(INTS, SHIFTS),
        lambda k: k.bitwise_right_shift(INTS, SHIFTS),
        lambda k: k.gcd(INTS, SHIFTS + 4),
        lambda k: k.lcm(INTS, SHIFTS + 4),
        lambda k: k.hamming(6),
        lambda k: k.hanning(5),
        lambda k: k.blackman(7),
        lambda k: k.bartlett(5),
        lambda k: k.kaiser(6, 4.0),
        lambda k: k.unravel_index(np.array([3, 7, 11]), (3, 4)),
        lambda k: k.vander(X[0]),
        lambda k: k.vander(X[0], N=3, increasing=True),
    ],
)
def test_integer_and_window_ops_match_keras(call):
    assert_values_match(call, rtol=1e-5, atol=1e-6)


def test_vander_is_differentiable():  # (Keras's torch backend builds it in place: no gradient to compare with)
    import nabla as nb
    from nabla.keras import ops

    x = nb.tensor(X[0], requires_grad=True)
    ops.sum(ops.vander(x)).backward()  # d/dx (x^3 + x^2 + x + 1)
    np.testing.assert_allclose(x.grad.numpy(), 3 * X[0] ** 2 + 2 * X[0] + 1, rtol=1e-5)
