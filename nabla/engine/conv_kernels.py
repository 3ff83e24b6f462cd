"""The NumPy kernels of the channels-last convolution: the patch matrix, its adjoint, and the three GEMMs.

:data:`nabla.engine.backend.numpy_ns` offers each under its name, so the primitives in
:mod:`nabla.engine.ops.conv` call them as ``xp.patches(...)``, ``xp.conv(...)``. Everything NumPy-specific
about them (``as_strided`` views, in-place passes, memory layouts) is in these five functions: another
array library would supply the same five (the pooling kernels and the NCHW ``windows`` view are in
:mod:`nabla.engine.backend`). Images are channels-last (N, H, W, C) arrays; their patch matrices are
(N*OH*OW, kh*kw*C).
"""

from __future__ import annotations

import math

import numpy as np

_as_strided = np.lib.stride_tricks.as_strided


def _out_size(size: int, k: int, s: int, d: int) -> int:
    return (size - d * (k - 1) - 1) // s + 1


def patches(x, kernel, stride, dilation):
    """The patch matrix of a channels-last (N, H, W, C) image: shape (N*OH*OW, kh*kw*C), a copy (im2col).

    ``P[(n, y, x), (i, j, c)] = x[n, y*sh + i*dh, x*sw + j*dw, c]``: one row per output position, so a
    convolution is one GEMM ``P @ kernel.reshape(kh*kw*C, O)`` whose (N*OH*OW, O) result is already the
    channels-last output. A row copies kh*kw runs of C contiguous channels.
    """
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    n, h, w, c = x.shape
    oh, ow = _out_size(h, kh, sh, dh), _out_size(w, kw, sw, dw)
    s = x.strides
    if c >= 8:
        shape, strides = (n, oh, ow, kh, kw, c), (s[0], s[1] * sh, s[2] * sw, s[1] * dh, s[2] * dw, s[3])
    else:
        # NOTE: with few channels (a first layer on grey or colour images) runs of C elements make a slow
        # copy: the transpose (kh*kw*C, N*OH*OW) is copied instead, in runs of OW, and P is its transposed
        # view (BLAS reads either). W6's first layer (C = 1): 0.69 -> 0.12 ms.
        shape, strides = (kh, kw, c, n, oh, ow), (s[1] * dh, s[2] * dw, s[3], s[0], s[1] * sh, s[2] * sw)
    p = _as_strided(x, shape, strides, writeable=False).reshape(math.prod(shape[:3]), -1)
    return p if c >= 8 else p.T


def unpatches(p, shape, kernel, stride, dilation):
    """The adjoint of :func:`patches` (col2im): add each row of ``p`` (N*OH*OW, kh*kw*C) back onto its
    window of a zero channels-last image of ``shape`` (N, H, W, C)."""
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    n, h, w, c = shape
    oh, ow = _out_size(h, kh, sh, dh), _out_size(w, kw, sw, dw)
    p6 = p.reshape(n, oh, ow, kh, kw, c)
    out = np.zeros(shape, dtype=p.dtype)
    for i in range(kh):  # kh*kw vectorised adds, each over runs of C contiguous channels
        for j in range(kw):
            rows = slice(i * dh, i * dh + sh * (oh - 1) + 1, sh)
            cols = slice(j * dw, j * dw + sw * (ow - 1) + 1, sw)
            out[:, rows, cols] += p6[:, :, :, i, j]
    return out


# --- the convolution's three GEMMs ----------------------------------------------------------------


def conv(x, kernel, bias, stride, dilation, relu: bool):
    """x (N, H, W, C) padded, kernel (kh, kw, C, O), bias (O,) or None -> (N, OH, OW, O), ReLU'd if ``relu``.

    One GEMM of the patch matrix by the kernel as a (kh*kw*C, O) matrix; then the bias and the ReLU in
    one in-place pass over its fresh output (no new array for either: W6's first layer, 5.5 MB each).
    """
    kh, kw, c, o = kernel.shape
    n, h, w, _ = x.shape
    oh, ow = _out_size(h, kh, stride[0], dilation[0]), _out_size(w, kw, stride[1], dilation[1])
    p = patches(x, (kh, kw), stride, dilation)
    out = np.dot(p, kernel.reshape(kh * kw * c, o))
    if bias is not None:
        out += bias
    if relu:
        np.maximum(out, 0, out=out)
    return out.reshape(n, oh, ow, o)


def conv_kernel_grad(g2, x, kernel_shape, stride, dilation):
    """The kernel's gradient (kh, kw, C, O): ``P.T @ g2``, g2 the output's gradient as (N*OH*OW, O)."""
    kh, kw, c, _ = kernel_shape
    p = patches(x, (kh, kw), stride, dilation)
    return np.dot(p.T, g2).reshape(kernel_shape)


def conv_input_grad(g2, kernel, x_shape, stride, dilation):
    """The (padded) input's gradient (N, H, W, C): :func:`unpatches` of ``g2 @ kernel2d.T``."""
    kh, kw, c, o = kernel.shape
    dp = np.dot(g2, kernel.reshape(kh * kw * c, o).T)  # (N*OH*OW, kh*kw*C)
    return unpatches(dp, x_shape, (kh, kw), stride, dilation)
