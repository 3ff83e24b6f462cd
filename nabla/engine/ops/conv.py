"""Convolution and pooling over (N, C, H, W) images, by im2col.

The sliding windows of the input are taken as a strided view (no copy), laid
out as a matrix once, and multiplied by the kernel matrix: one BLAS call
does the whole convolution. The windows' VJP adds each window's gradient
back onto the image ("col2im"); the two are each other's adjoints, so each
is the other's gradient rule and second derivatives work.
"""

from __future__ import annotations

import math

from .. import backend
from ..tensor import Tensor
from .primitive import as_operand, primitive
from .reduce import mean
from .shape import pad, reshape


def _pair(v, name: str) -> tuple[int, int]:
    pair = (v, v) if isinstance(v, int) else tuple(v)
    if len(pair) != 2 or not all(isinstance(p, int) for p in pair):
        raise ValueError(f"{name} must be an int or a pair of ints, got {v!r}")
    return pair


@primitive("windows", view=True, reads=())
def _windows(xp, x, kernel, stride, dilation):
    return xp.windows(x, kernel, stride, dilation)


@_windows.defvjp
def _(xp, need, g, out, x, kernel, stride, dilation):
    return (xp.unwindows(g, x.shape, kernel, stride, dilation),)


@primitive("unwindows")
def _unwindows(xp, g, shape, kernel, stride, dilation):
    return xp.unwindows(g, shape, kernel, stride, dilation)


@_unwindows.defvjp
def _(xp, need, g, out, src, shape, kernel, stride, dilation):
    return (xp.windows(g, kernel, stride, dilation),)


def windows(x, kernel_size, stride=1, dilation=1) -> Tensor:
    """Sliding windows: (N, C, H, W) -> (N, C, kh, kw, OH, OW), a view of x (no padding)."""
    x = as_operand(x)
    if x.ndim != 4:
        raise ValueError(f"windows: expected an (N, C, H, W) input, got shape {x.shape}")
    kernel, stride, dilation = _pair(kernel_size, "kernel_size"), _pair(stride, "stride"), _pair(dilation, "dilation")
    return _windows(x, kernel=kernel, stride=stride, dilation=dilation)


def unwindows(g, shape, kernel_size, stride=1, dilation=1) -> Tensor:
    """The adjoint of :func:`windows` (col2im): sums windows back into an image of ``shape``."""
    kernel, stride, dilation = _pair(kernel_size, "kernel_size"), _pair(stride, "stride"), _pair(dilation, "dilation")
    return _unwindows(as_operand(g), shape=tuple(shape), kernel=kernel, stride=stride, dilation=dilation)


def _pad_image(x: Tensor, padding, value: float = 0.0) -> Tensor:
    ph, pw = _pair(padding, "padding")
    return pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), value=value) if ph or pw else x


def _output_size(size: int, k: int, s: int, p: int, d: int, who: str) -> int:
    out = (size + 2 * p - d * (k - 1) - 1) // s + 1
    if out <= 0:
        raise ValueError(f"{who}: an input of size {size} is too small for kernel {k} (padding {p}, dilation {d})")
    return out


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1) -> Tensor:
    """2-D cross-correlation (what deep learning calls convolution), PyTorch's NCHW layout.

    ``out[n, o, y, x] = bias[o] + sum_{c,i,j} weight[o, c, i, j] * xpad[n, c, y*s + i*d, x*s + j*d]``

    Shape: x (N, C, H, W), weight (O, C, kh, kw), bias (O,) -> (N, O, OH, OW)
    with ``OH = (H + 2p - d(kh - 1) - 1) // s + 1``.
    """
    x, weight = as_operand(x), as_operand(weight)
    if x.ndim != 4:
        raise ValueError(f"conv2d: expected an (N, C, H, W) input, got shape {x.shape}")
    if weight.ndim != 4 or weight.shape[1] != x.shape[1]:
        raise ValueError(
            f"conv2d: the input has {x.shape[1]} channels (shape {x.shape}) but the weight of shape "
            f"{weight.shape} expects {weight.shape[1] if weight.ndim == 4 else '?'}"
        )
    (sh, sw), (ph, pw), (dh, dw) = _pair(stride, "stride"), _pair(padding, "padding"), _pair(dilation, "dilation")
    _output_size(x.shape[2], weight.shape[2], sh, ph, dh, "conv2d")
    _output_size(x.shape[3], weight.shape[3], sw, pw, dw, "conv2d")
    if bias is not None:
        bias = as_operand(bias)
        if bias.shape != (weight.shape[0],):
            raise ValueError(f"conv2d: the bias must have shape ({weight.shape[0]},), got {bias.shape}")
    return _conv2d(_pad_image(x, (ph, pw)), weight, bias, stride=(sh, sw), dilation=(dh, dw))


def _im2col(xp, x, kernel, stride, dilation):
    """The windows of a padded (N, C, H, W) input as one (C*kh*kw, N*OH*OW) matrix (a copy), and (N, OH, OW)."""
    w = xp.windows(x, kernel, stride, dilation)  # (N, C, kh, kw, OH, OW), a view
    n, c, kh, kw, oh, ow = w.shape
    return xp.reshape(xp.transpose(w, (1, 2, 3, 0, 4, 5)), (c * kh * kw, n * oh * ow)), (n, oh, ow)


@primitive("conv2d", reads=(0, 1))
def _conv2d(xp, x, weight, bias, stride, dilation):
    """Cross-correlation of a padded input with (O, C, kh, kw) kernels, plus a bias (O,) or None: im2col,
    then one GEMM.

    The (C*kh*kw, N*OH*OW) layout makes the forward pass and both gradients single GEMMs. (A
    batched (N, CKK, L) layout built the weight gradient as an (N, O, CKK) array summed afterwards.)
    The bias is added in the same node, in place on the GEMM's output, and its gradient is a row sum
    of the output gradient the weight's GEMM reads anyway: on the benchmark CNN a separate add node cost
    an array the size of the output and a strided sum over (N, OH, OW).
    """
    cols, (n, oh, ow) = _im2col(xp, x, weight.shape[2:], stride, dilation)
    out = xp.matmul(xp.reshape(weight, (weight.shape[0], -1)), cols)  # (O, N*OH*OW)
    if bias is not None:
        out += xp.reshape(bias, (-1, 1))  # in place: out is fresh
    return xp.transpose(xp.reshape(out, (weight.shape[0], n, oh, ow)), (1, 0, 2, 3))  # (N, O, OH, OW), a view


@_conv2d.defvjp
def _(xp, need, g, out, x, weight, bias, stride, dilation):
    # NOTE: the im2col matrix is rebuilt here instead of being kept from the forward pass: it is
    # kh*kw times the input (9x for 3x3 kernels), and keeping the input instead cut the benchmark
    # CNN's step peak from 26.9 to ~17 MiB (PyTorch: 15.8) for one more im2col copy per step.
    o, c, kh, kw = weight.shape
    g2 = xp.reshape(xp.transpose(g, (1, 0, 2, 3)), (o, -1))  # (O, N*OH*OW)
    gx = gw = None
    if need[1]:
        cols, _ = _im2col(xp, x, (kh, kw), stride, dilation)
        gw = xp.reshape(xp.matmul(g2, xp.transpose(cols, (1, 0))), weight.shape)
        del cols  # before the input's gradient allocates a matrix of the same size
    if need[0]:
        n, _, oh, ow = g.shape
        dcols = xp.matmul(xp.transpose(xp.reshape(weight, (o, -1)), (1, 0)), g2)  # (C*kh*kw, N*OH*OW)
        dwin = xp.transpose(xp.reshape(dcols, (c, kh, kw, n, oh, ow)), (3, 0, 1, 2, 4, 5))
        gx = xp.unwindows(dwin, x.shape, (kh, kw), stride, dilation)
    gb = xp.sum(g2, axis=1) if need[2] else None
    return gx, gw, gb


def _pool_geometry(x, kernel_size, stride, padding, who: str):
    """Check a pooling call; return (x, kernel, stride, padding) with pairs of ints."""
    x = as_operand(x)
    if x.ndim != 4:
        raise ValueError(f"{who}: expected an (N, C, H, W) input, got shape {x.shape}")
    k = _pair(kernel_size, "kernel_size")
    s = k if stride is None else _pair(stride, "stride")
    p = _pair(padding, "padding")
    if p[0] > k[0] // 2 or p[1] > k[1] // 2:
        raise ValueError(f"{who}: padding {p} must be at most half the kernel size {k}")
    for axis in (0, 1):
        _output_size(x.shape[2 + axis], k[axis], s[axis], p[axis], 1, who)
    return x, k, s, p


@primitive("max_pool", reads=(0, "out"))
def _max_pool(xp, x, kernel, stride):
    return xp.max_pool(x, kernel, stride)


@_max_pool.defvjp
def _(xp, need, g, out, x, kernel, stride):
    return (xp.max_pool_grad(g, x, out, kernel, stride),)


def max_pool_grad(g: Tensor, x: Tensor, out: Tensor, kernel, stride) -> Tensor:
    """max-pool's VJP on Tensors (for ``create_graph``): linear in ``g``, the choice of maxima held fixed.

    The one-hot choice of each window, (N, C, kh, kw, OH, OW), times ``g``,
    added back onto the image through :func:`unwindows` (whose own gradient
    is known), so the result is differentiable in ``g``.
    """
    mask = backend.max_pool_choice(x._data, out._data, kernel, stride, g.dtype)
    spread = reshape(g, out.shape[:2] + (1, 1) + out.shape[2:]) * mask
    return unwindows(spread, x.shape, kernel, stride)


def max_pool2d(x, kernel_size, stride=None, padding=0) -> Tensor:
    """Largest value of each window (stride defaults to the kernel size; padding counts as -inf).

    Shape: (N, C, H, W) -> (N, C, OH, OW), ``OH = (H + 2p - kh) // s + 1``.
    The gradient goes to the first largest element of each window, as in
    PyTorch; a window holding NaN outputs NaN and sends its gradient to its
    first NaN (PyTorch: its last).
    """
    x, k, s, p = _pool_geometry(x, kernel_size, stride, padding, "max_pool2d")
    return _max_pool(_pad_image(x, p, -math.inf), kernel=k, stride=s)


def avg_pool2d(x, kernel_size, stride=None, padding=0) -> Tensor:
    """Mean of each window (stride defaults to the kernel size; zero padding is counted, as PyTorch's default).

    The mean runs over the window axes of the strided windows view, so no window is copied.
    """
    x, k, s, p = _pool_geometry(x, kernel_size, stride, padding, "avg_pool2d")
    return mean(windows(_pad_image(x, p), k, s), axis=(2, 3))
