"""``nabla.keras.ops``'s elementwise math against Keras 3's ``keras.ops`` (torch backend): values and gradients."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import assert_ops_match, assert_values_match, keras_on_torch

from nabla.keras import ops

RNG = np.random.default_rng(1)
X = RNG.uniform(-2, 2, (3, 4)).astype(np.float32)
Y = RNG.uniform(-2, 2, (3, 4)).astype(np.float32)
UNIT = RNG.uniform(-0.9, 0.9, (3, 4)).astype(np.float32)  # inside (-1, 1)
ABOVE_ONE = (np.abs(X) + 1.2).astype(np.float32)
AXES = np.array([[1.0, -1.0, 0.0, -2.0], [0.0, 0.0, 3.0, -0.5]], dtype=np.float32)  # points on the axes

# name -> (function of the ops module, differentiable inputs)
CASES = {
    "arcsin": (lambda k, x: k.arcsin(x), (UNIT,)),
    "arccos": (lambda k, x: k.arccos(x), (UNIT,)),
    "arctan": (lambda k, x: k.arctan(x), (X,)),
    "arctan2": (lambda k, y, x: k.arctan2(y, x), (Y, X)),
    "arctan2_axes": (lambda k, x: k.arctan2(x[0] + 0.0 * x[1], x[1]) + k.arctan2(x[1], x[0]), (AXES,)),
    "sinh": (lambda k, x: k.sinh(x), (X,)),
    "cosh": (lambda k, x: k.cosh(x), (X,)),
    "arcsinh": (lambda k, x: k.arcsinh(x * 5), (X,)),
    "arccosh": (lambda k, x: k.arccosh(x), (ABOVE_ONE,)),
    "arctanh": (lambda k, x: k.arctanh(x), (UNIT,)),
    "cbrt": (lambda k, x: k.cbrt(x), (X,)),
    "exp2": (lambda k, x: k.exp2(x), (X,)),
    "log10": (lambda k, x: k.log10(x), (ABOVE_ONE,)),
    "fabs": (lambda k, x: k.fabs(x), (X,)),
    "deg2rad": (lambda k, x: k.deg2rad(x * 90), (X,)),
    "rad2deg": (lambda k, x: k.rad2deg(x), (X,)),
    "erfc": (lambda k, x: k.erfc(x), (X,)),
    "erfinv": (lambda k, x: k.erfinv(x), (UNIT,)),
    "logaddexp": (lambda k, x, y: k.logaddexp(x * 30, y), (X, Y)),
    "logaddexp2": (lambda k, x, y: k.logaddexp2(x, y), (X, Y)),
    "hypot": (lambda k, x, y: k.hypot(x, y), (X, Y)),
    "fmod": (lambda k, x, y: k.fmod(x * 3, y), (X, Y)),
    "mod": (lambda k, x, y: k.mod(x * 3, y), (X, Y)),
    "divide_no_nan": (lambda k, x, y: k.divide_no_nan(x, y * (y > 0)), (X, Y)),
    "nan_to_num": (lambda k, x: k.nan_to_num(k.log(x), nan=-1.0) + k.nan_to_num(x / (x > 0), neginf=-2.0), (X,)),
    "sign": (lambda k, x: k.sign(x) * x, (X,)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_op_values_and_gradients_match_keras(name):
    assert_ops_match(*CASES[name])


@pytest.mark.parametrize(
    "call",
    [
        lambda k: k.trunc(X * 3),
        lambda k: k.floor_divide(X * 3, Y),
        lambda k: k.floor_divide(np.array([7, -7, 9]), np.array([2, 2, -4])),
        lambda k: k.fmod(np.array([7, -7, 9]), np.array([2, 2, -4])),
        lambda k: k.mod(np.array([7, -7, 9]), np.array([2, 2, -4])),
        lambda k: k.isclose(X, X + 1e-6),
        lambda k: k.isclose(X, Y, atol=1.0),
        lambda k: k.allclose(X, X + 1e-9),
        lambda k: k.isinf(np.array([1.0, np.inf, -np.inf, np.nan])),
        lambda k: k.isposinf(np.array([1.0, np.inf, -np.inf])),
        lambda k: k.isneginf(np.array([1.0, np.inf, -np.inf])),
        lambda k: k.signbit(np.array([1.0, -0.0, -2.0])),
        lambda k: k.logical_xor(X > 0, Y > 0),
        lambda k: k.arcsin(np.array([0, 1])),  # integers become floats
        lambda k: k.erfinv(np.array([-1.0, 0.0, 1.0], dtype=np.float32)),
        lambda k: k.nan_to_num(np.array([np.nan, np.inf, -np.inf, 1.0], dtype=np.float32)),
    ],
)
def test_values_of_non_differentiable_ops_match_keras(call):
    assert_values_match(call)


MORE = {
    "vdot": (lambda k, x, y: k.vdot(x[0], y[1]), (X, Y)),
    "inner": (lambda k, x, y: k.inner(x, y), (X, Y)),
    "tensordot": (lambda k, x, y: k.tensordot(x, y, axes=([0], [0])), (X, Y)),
    "tensordot_2": (lambda k, x, y: k.tensordot(x, k.reshape(y, (3, 4, 1)), axes=2), (X, Y)),
    "cross": (lambda k, x, y: k.cross(x[:2, :3], y[:2, 1:]), (X, Y)),  # ((3, 3) confuses Keras's torch backend)
    "fmax": (lambda k, x, y: k.fmax(x, y), (X, Y)),
    "fmin": (lambda k, x, y: k.fmin(x, y), (X, Y)),
    "sinc": (lambda k, x: k.sinc(x * (x > 0)), (X,)),
    "select": (lambda k, x, y: k.select([x > 1, x < -1], [x, y * 2], 0.5), (X, Y)),
}


@pytest.mark.parametrize("name", sorted(MORE))
def test_more_ops_match_keras(name):
    assert_ops_match(*MORE[name])


def test_heaviside_matches_keras():  # (no gradient in either: torch has none)
    assert_values_match(lambda k: k.heaviside(X * (X > 0.5), Y))


def test_fmax_and_fmin_ignore_a_nan():
    a, b = np.array([np.nan, 1.0, np.nan], dtype=np.float32), np.array([2.0, np.nan, np.nan], dtype=np.float32)
    assert_values_match(lambda k: k.fmax(a, b))
    assert_values_match(lambda k: k.fmin(a, b))


@pytest.mark.parametrize(
    "a, b",
    [
        (np.array([[1, 2], [3, 4]]), np.array([[0.5, -1.0], [2.0, 0.25]], np.float32)),
        (np.array([[0.5, -1.0], [2.0, 0.25]], np.float32), np.array([[1, 2], [3, 4]], np.int32)),
        (np.array([1, 2, 3]), np.array([[1.5], [2.0], [-1.0]], np.float32)),
    ],
    ids=["int64@float32", "float32@int32", "vector@float32"],
)
def test_matmul_of_integers_and_floats_takes_the_float_dtype_as_keras(a, b):
    keras = keras_on_torch()
    want = keras.ops.convert_to_numpy(keras.ops.matmul(a, b))
    got = ops.matmul(a, b).numpy()
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-6)
