"""The engine's Numba loops (nabla/engine/jit.py) against the NumPy forms they replace, bit for bit.

Max pooling's forward and gradient (engine/pool_kernels.py), ReLU's gradient (``backend.keep``) and the
convolution's bias and ReLU (engine/conv_kernels.py) take a compiled pass when Numba is installed; the
NumPy forms stay where it is not (and for other layouts and dtypes). Both must give the same numbers:
windows that tile the image, overlap or leave gaps, both memory layouts, float32 and float64, ties (the
first maximum takes the gradient), NaN (the first NaN), signed zeros, and a gradient holding Inf or NaN
(which reaches only the chosen element, as np.where gives it).
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require

from nabla.engine import backend, conv_kernels, pool_kernels
from nabla.engine.jit import compiled

# (kernel, stride): tiling, overlapping, leaving gaps, a window of one element
GEOMETRIES = [
    ((2, 2), (2, 2)),
    ((3, 3), (3, 3)),
    ((3, 3), (2, 2)),
    ((3, 3), (1, 1)),
    ((2, 3), (3, 2)),
    ((1, 1), (1, 1)),
]


def _image(dtype, channels_last: bool, seed: int = 0):
    rng = np.random.default_rng(seed)
    x = rng.integers(-3, 3, (3, 4, 9, 8)).astype(dtype)  # small integers: many ties
    x[0, 0, 0, 0] = x[2, 1, 5, 5] = x[2, 1, 5, 6] = np.nan
    x[1, 2, 3, 4] = -0.0
    if channels_last:
        x = np.ascontiguousarray(x.transpose(0, 2, 3, 1)).transpose(0, 3, 1, 2)
    return x


@pytest.mark.parametrize("kernel, stride", GEOMETRIES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("channels_last", [False, True])
def test_compiled_max_pool_matches_numpy(kernel, stride, dtype, channels_last):
    require("numba")
    x = _image(dtype, channels_last)
    ref = pool_kernels._numpy_max_pool(x, kernel, stride)
    out = pool_kernels.max_pool(x, kernel, stride)
    np.testing.assert_array_equal(out, ref)
    assert out.dtype == dtype and out.strides == ref.strides  # the input's layout, as NumPy's form keeps it
    g = np.random.default_rng(1).standard_normal(ref.shape).astype(dtype)
    ref_grad = pool_kernels._numpy_max_pool_grad(g, x, ref, kernel, stride)
    grad = pool_kernels.max_pool_grad(g, x, out, kernel, stride)
    np.testing.assert_array_equal(grad, ref_grad)
    assert grad.dtype == dtype and grad.strides == x.strides


@pytest.mark.parametrize("kernel, stride", [((2, 2), (2, 2)), ((3, 3), (1, 1))])
@pytest.mark.parametrize("path", ["numpy", "compiled"])
def test_an_infinite_gradient_reaches_only_the_chosen_element(kernel, stride, path):
    if path == "compiled":
        require("numba")
    x = np.arange(2 * 2 * 6 * 6, dtype=np.float32).reshape(2, 2, 6, 6)  # each window's maximum: its last element
    forward = pool_kernels._numpy_max_pool if path == "numpy" else pool_kernels.max_pool
    backward = pool_kernels._numpy_max_pool_grad if path == "numpy" else pool_kernels.max_pool_grad
    out = forward(x, kernel, stride)
    g = np.ones_like(out)
    g[0, 0, 0, 0], g[1, 1, -1, -1] = np.inf, np.nan
    grad = backward(g, x, out, kernel, stride)
    chosen = pool_kernels.max_pool_choice(x, out, kernel, stride, np.float32)  # (N, C, kh, kw, OH, OW)
    expected = np.zeros_like(x)
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            rows = slice(i, i + stride[0] * (out.shape[2] - 1) + 1, stride[0])
            cols = slice(j, j + stride[1] * (out.shape[3] - 1) + 1, stride[1])
            expected[:, :, rows, cols] += np.where(chosen[:, :, i, j] == 1, g, 0)
    np.testing.assert_array_equal(grad, expected)
    assert np.isinf(grad).sum() == 1 and np.isnan(grad).sum() == 1


@pytest.mark.parametrize("channels_last", [False, True])
def test_compiled_relu_gradient_matches_where(channels_last):
    require("numba")
    rng = np.random.default_rng(0)
    shape = (4, 8, 16, 16)  # above the size where keep takes the compiled loop
    g, out = (rng.standard_normal(shape).astype(np.float32) for _ in range(2))
    g[0, 0, 0, :3] = [np.inf, -np.inf, np.nan]
    out[0, 0, 0, :3] = -1  # dropped: an exact 0, not Inf * 0
    if channels_last:
        g, out = (np.ascontiguousarray(a.transpose(0, 2, 3, 1)).transpose(0, 3, 1, 2) for a in (g, out))
    kept = backend.keep(g, out > 0)
    np.testing.assert_array_equal(kept, np.where(out > 0, g, np.float32(0)))
    assert kept.dtype == np.float32 and kept.strides == g.strides


@pytest.mark.parametrize("channels", [1, 16])
@pytest.mark.parametrize("with_bias", [True, False])
@pytest.mark.parametrize("relu", [True, False])
def test_compiled_convolution_epilogue_matches_numpy(monkeypatch, channels, with_bias, relu):
    require("numba")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 7, 6, channels)).astype(np.float32)
    x[0, 0, 0, 0], x[1, 2, 2, 0] = np.nan, np.inf
    kernel = rng.standard_normal((3, 3, channels, 5)).astype(np.float32)
    kernel[0, 0, 0, 0] = 0.0  # with a zero input patch, -0.0 sums must keep their sign through ReLU as NumPy does
    bias = rng.standard_normal(5).astype(np.float32) if with_bias else None
    out = conv_kernels.conv(x, kernel, bias, (1, 2), (1, 1), relu)
    monkeypatch.setattr(conv_kernels._epilogue_loops, "_kernel", None)  # the NumPy passes
    ref = conv_kernels.conv(x, kernel, bias, (1, 2), (1, 1), relu)
    np.testing.assert_array_equal(out, ref)
    np.testing.assert_array_equal(np.signbit(out), np.signbit(ref))
    assert out.dtype == np.float32


def test_infinite_pixels_give_nan_silently():
    import warnings

    import nabla as nb

    x = np.ones((1, 1, 4, 4), np.float32)
    x[0, 0, 1, 1], x[0, 0, 1, 2] = np.inf, -np.inf  # in every 3x3 window: Inf - Inf
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # NumPy's "invalid value encountered in dot" would fail here
        out = nb.nn.functional.conv2d(nb.tensor(x), nb.ones((2, 1, 3, 3))).numpy()
    assert out.shape == (1, 2, 2, 2) and np.isnan(out).all()  # PyTorch: NaN too


@pytest.mark.parametrize("dtype", [np.float16, np.float64])
def test_relu_gradient_of_other_float_dtypes(dtype):
    rng = np.random.default_rng(1)
    g, out = (rng.standard_normal((64, 128)).astype(dtype) for _ in range(2))  # above the compiled loop's size
    kept = backend.keep(g, out > 0)
    np.testing.assert_array_equal(kept, np.where(out > 0, g, dtype(0)))
    assert kept.dtype == dtype


def test_keep_broadcasts_a_gradient_over_a_larger_mask():
    """max's gradient over reduced axes: a (N, 1, 1, C) gradient kept where a (N, H, W, C) mask holds, as
    np.where broadcasts it (the compiled loop takes equal shapes only; 64 * 64 is its size threshold)."""
    rng = np.random.default_rng(0)
    g = rng.standard_normal((64, 1, 1, 64)).astype(np.float32)
    mask = rng.standard_normal((64, 3, 3, 64)) > 0
    np.testing.assert_array_equal(backend.keep(g, mask), np.where(mask, g, np.float32(0)))


def test_a_loop_without_numba_has_no_kernel(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "numba", None)  # import numba raises ImportError
    loops = compiled(lambda a: None)
    assert loops.kernel is None


def test_max_over_several_axes_sends_its_gradient_back_as_torch():
    # keep()'s gradient of shape (32, 1, 1, 128) broadcasts against the (32, 4, 4, 128) mask: the compiled loop
    # (same shapes only) gave an array of the gradient's shape (a DCGAN discriminator's GlobalMaxPooling2D)
    import nabla as nb

    torch = require("torch")
    x = np.random.default_rng(0).standard_normal((32, 4, 4, 128)).astype(np.float32)
    mine = nb.tensor(x, requires_grad=True)
    (nb.max(mine, axis=(1, 2)) * 2.0).sum().backward()
    theirs = torch.tensor(x, requires_grad=True)
    (torch.amax(theirs, dim=(1, 2)) * 2.0).sum().backward()
    np.testing.assert_array_equal(mine.grad.numpy(), theirs.grad.numpy())


@pytest.mark.parametrize("shape", [(86528, 32), (4096, 17), (70000, 2), (65536, 1)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("keepdims", [False, True])
def test_compiled_column_sum_matches_numpy(shape, dtype, keepdims):
    require("numba")
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(shape) * 10.0 ** rng.uniform(-4, 4, shape)).astype(dtype)  # rounding matters
    x[0, 0] = -0.0
    got = backend.sum_(x, axis=0, keepdims=keepdims)
    ref = np.add.reduce(x, axis=0, keepdims=keepdims)
    np.testing.assert_array_equal(got, ref)
    np.testing.assert_array_equal(np.signbit(got), np.signbit(ref))
    assert got.dtype == dtype and got.shape == ref.shape


@pytest.mark.parametrize("kernel, stride", GEOMETRIES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("channels_last", [False, True])
@pytest.mark.parametrize("path", ["numpy", "compiled"])
def test_relu_max_pool_grad_is_relus_gradient_of_the_pools(kernel, stride, dtype, channels_last, path, monkeypatch):
    # One pass for the pool's gradient and ReLU's (a window passes its gradient when its maximum is > 0)
    # against the two rules one after the other: the pool's gradient, then keep(., y > 0).
    if path == "compiled":
        require("numba")
    else:
        monkeypatch.setattr(pool_kernels._gradient_loops, "_kernel", None)
    y = np.maximum(_image(dtype, channels_last), 0)  # a ReLU's output: ties at 0, NaN, no negatives
    out = pool_kernels._numpy_max_pool(y, kernel, stride)
    g = np.random.default_rng(2).standard_normal(out.shape).astype(dtype)
    g[0, 0, 0, 0] = np.inf  # (a window whose maximum is NaN: its Inf gradient must not reach the image)
    with np.errstate(invalid="ignore"):  # (keep's product meets Inf * 0 first, then takes np.where)
        expected = backend.keep(pool_kernels._numpy_max_pool_grad(g, y, out, kernel, stride), y > 0)
    grad = pool_kernels.relu_max_pool_grad(g, y, out, kernel, stride)
    np.testing.assert_array_equal(grad, expected)
    assert grad.dtype == dtype and not np.isinf(grad).any()
