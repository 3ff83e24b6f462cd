"""The NumPy kernels of convolution and pooling: sliding windows, patch matrices and their adjoints, max-pooling.

:data:`nabla.engine.backend.numpy_ns` offers each under its name, so the primitives in
:mod:`nabla.engine.ops.conv` call them as ``xp.patches(...)``, ``xp.max_pool(...)``... Everything
NumPy-specific about images (``as_strided`` views, in-place ``out=`` passes, memory layouts) is here and
nowhere else: another array library would supply these few functions.

Layouts: :func:`windows` and the pooling kernels take images as (N, C, H, W) arrays of any memory layout
(a channels-last array seen through a transposed view included: they then read and write in
channels-last order); :func:`patches`, :func:`unpatches` and the convolution's GEMMs (:func:`conv`...)
work on channels-last (N, H, W, C) images and their (N*OH*OW, channels) matrices.
"""

from __future__ import annotations

import math

import numpy as np

_as_strided = np.lib.stride_tricks.as_strided


def _out_size(size: int, k: int, s: int, d: int) -> int:
    return (size - d * (k - 1) - 1) // s + 1


def windows(x, kernel, stride, dilation):
    """Sliding windows of an (N, C, H, W) array as a strided view, no copy (im2col's first half).

    Returns shape (N, C, kh, kw, OH, OW): element [n, c, i, j, y, x] is
    ``x[n, c, y*sh + i*dh, x*sw + j*dw]``. Read-only: it aliases x.
    """
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    n, c, h, w = x.shape
    oh, ow = _out_size(h, kh, sh, dh), _out_size(w, kw, sw, dw)
    s = x.strides
    return _as_strided(
        x, (n, c, kh, kw, oh, ow), (s[0], s[1], s[2] * dh, s[3] * dw, s[2] * sh, s[3] * sw), writeable=False
    )


def unwindows(g, shape, kernel, stride, dilation):
    """The adjoint of :func:`windows`: add each window's values back onto an (N, C, H, W) array of zeros."""
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    n, c, h, w = shape
    if g.strides[1] > g.strides[0]:
        # g is channel-major in memory, as a convolution's GEMM leaves it: the sum is laid out the same way,
        # so the adds below read and write in one order (2.9 -> 1.8 ms on the benchmark CNN's second layer),
        # and the layers before it in backward (ReLU, pooling) get their gradient in their own layout.
        out = np.zeros((c, n, h, w), dtype=g.dtype).transpose(1, 0, 2, 3)
    else:
        out = np.zeros(shape, dtype=g.dtype)
    oh, ow = g.shape[-2:]
    for i in range(kh):  # a loop over the kernel's kh*kw offsets only; each step is one vectorised add
        for j in range(kw):
            rows = slice(i * dh, i * dh + sh * (oh - 1) + 1, sh)
            cols = slice(j * dw, j * dw + sw * (ow - 1) + 1, sw)
            out[:, :, rows, cols] += g[:, :, i, j]
    return out


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


def _pool_views(x, kernel, stride):
    """The kh*kw strided views ``x[:, :, i::sh, j::sw]`` cut to the (OH, OW) windows, in window order (row-major).

    View k holds element k of every window: the pooling loops below run over
    the kernel's offsets, each step one vectorised operation on (N, C, OH, OW).
    """
    (kh, kw), (sh, sw) = kernel, stride
    oh, ow = (x.shape[2] - kh) // sh + 1, (x.shape[3] - kw) // sw + 1
    return [
        x[:, :, i : i + sh * (oh - 1) + 1 : sh, j : j + sw * (ow - 1) + 1 : sw] for i in range(kh) for j in range(kw)
    ]


def max_pool(x, kernel, stride):
    """Largest element of each window of an (N, C, H, W) array; NaN wins, as in PyTorch.

    A running ``np.maximum`` over the kernel's offsets: kh*kw - 1 passes over
    the output, where an argmax over a windows axis first copies every window
    (4x slower on the benchmark CNN).
    """
    views = _pool_views(x, kernel, stride)
    out = np.maximum(views[0], views[1]) if len(views) > 1 else views[0].copy()
    for v in views[2:]:
        np.maximum(out, v, out=out)
    return out


def max_pool_hits(x, out, kernel, stride):
    """For each window offset, the windows whose maximum is taken from that offset (a bool (N, C, OH, OW) array).

    Each window gets exactly one hit: its first largest element in row-major
    order, as PyTorch chooses on ties; a window holding NaN picks its first NaN.
    """
    nan = bool(np.isnan(out).any()) if out.dtype.kind == "f" else False
    views = _pool_views(x, kernel, stride)
    free = None  # the windows not yet assigned (None: all; the first and last offsets skip a pass each)
    for k, v in enumerate(views):
        hit = v == out
        if nan:
            hit |= v != v
        if free is None:
            free = np.logical_not(hit)
        else:
            hit &= free
            if k < len(views) - 1:
                free ^= hit  # hit is a subset of free: this clears the windows just assigned
        yield hit


def max_pool_grad(g, x, out, kernel, stride):
    """The VJP of :func:`max_pool`: each window's gradient goes to its first largest element."""
    # gx takes x's memory layout (channels-last under Keras's layers and after a convolution): no strided writes.
    overlap = stride[0] < kernel[0] or stride[1] < kernel[1]  # then windows share elements, whose gradients add
    if tuple(stride) == tuple(kernel):
        # The windows tile the image but for its last rows and columns when the size is not a multiple of the
        # stride: the loop below writes every other element once, so only that strip is zeroed.
        gx = np.empty_like(x, dtype=g.dtype)
        gx[:, :, out.shape[2] * kernel[0] :] = 0
        gx[:, :, :, out.shape[3] * kernel[1] :] = 0
    else:
        gx = np.zeros_like(x, dtype=g.dtype)
    for gv, hit in zip(_pool_views(gx, kernel, stride), max_pool_hits(x, out, kernel, stride)):
        # NOTE: a multiply by the mask, not ufunc(where=hit): on the benchmark CNN's first pool, 0.2 ms vs 3.5 ms;
        # by the mask's bytes as uint8, not as bool: NumPy casts bool to float slowly (1.77 -> 0.73 ms an offset).
        hit = hit.view(np.uint8)
        if overlap:
            gv += g * hit
        else:
            np.multiply(g, hit, out=gv)
    return gx


def max_pool_choice(x, out, kernel, stride, dtype):
    """The hits of :func:`max_pool_hits` as a one-hot (N, C, kh, kw, OH, OW) array of ``dtype``."""
    hits = np.stack(list(max_pool_hits(x, out, kernel, stride)), axis=2)
    return hits.reshape(out.shape[:2] + tuple(kernel) + out.shape[2:]).astype(dtype)
