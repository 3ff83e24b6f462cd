"""The NumPy kernels of the channels-last convolution: the patch matrix, its adjoint, and the three GEMMs.

:data:`nabla.engine.backend.numpy_ns` offers each under its name, so the primitives in
:mod:`nabla.engine.ops.conv` call them as ``xp.patches(...)``, ``xp.conv(...)``. Everything NumPy-specific
about them (``as_strided`` views, in-place passes, memory layouts) is in these five functions: another
array library would supply the same five (the pooling kernels are in :mod:`nabla.engine.pool_kernels`, the
NCHW ``windows`` view in :mod:`nabla.engine.backend`). Images are channels-last (N, H, W, C) arrays; their
patch matrices are (N*OH*OW, kh*kw*C).
"""

from __future__ import annotations

import math
import os

import numpy as np

from .jit import compiled

_as_strided = np.lib.stride_tricks.as_strided


def _out_size(size: int, k: int, s: int, d: int) -> int:
    return (size - d * (k - 1) - 1) // s + 1


def _channels_last_windows(x, kernel, stride, dilation):
    """The windows of a channels-last (N, H, W, C) image as a strided (N, OH, OW, kh, kw, C) view, no copy."""
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    n, h, w, c = x.shape
    oh, ow = _out_size(h, kh, sh, dh), _out_size(w, kw, sw, dw)
    s = x.strides
    shape, strides = (n, oh, ow, kh, kw, c), (s[0], s[1] * sh, s[2] * sw, s[1] * dh, s[2] * dw, s[3])
    return _as_strided(x, shape, strides, writeable=False)


def patches(x, kernel, stride, dilation, ws=None):
    """The patch matrix of a channels-last (N, H, W, C) image: shape (N*OH*OW, kh*kw*C), a copy (im2col).

    ``P[(n, y, x), (i, j, c)] = x[n, y*sh + i*dh, x*sw + j*dw, c]``: one row per output position, so a
    convolution is one GEMM ``P @ kernel.reshape(kh*kw*C, O)`` whose (N*OH*OW, O) result is already the
    channels-last output. A row copies kh*kw runs of C contiguous channels. ``ws``: where the copy goes
    (a captured step's :class:`nabla.capture.buffers.Buffers`; None: a new array).
    """
    (kh, kw), c = kernel, x.shape[3]
    if c >= 8:
        windows = _channels_last_windows(x, kernel, stride, dilation)
        return _copy(windows, (math.prod(windows.shape[:3]), kh * kw * c), ws)
    # NOTE: with few channels (a first layer on grey or colour images) runs of C elements make a slow
    # copy: the transpose (kh*kw*C, N*OH*OW) is copied instead, in runs of OW, and P is its transposed
    # view (BLAS reads either). W6's first layer (C = 1): 0.69 -> 0.12 ms.
    (sh, sw), (dh, dw) = stride, dilation
    n, h, w, _ = x.shape
    oh, ow = _out_size(h, kh, sh, dh), _out_size(w, kw, sw, dw)
    s = x.strides
    shape, strides = (kh, kw, c, n, oh, ow), (s[1] * dh, s[2] * dw, s[3], s[0], s[1] * sh, s[2] * sw)
    return _copy(_as_strided(x, shape, strides, writeable=False), (kh * kw * c, n * oh * ow), ws).T


def _copy(view, shape, ws):
    """``view`` copied in C order as an array of ``shape`` (``view.reshape(shape)``, which copies a strided
    view), into ``ws``'s memory when given."""
    if ws is None:
        return view.reshape(shape)
    out = ws.empty(shape, view.dtype)
    np.copyto(out.reshape(view.shape), view)
    return out


def _empty(ws, shape, dtype):
    return np.empty(shape, dtype) if ws is None else ws.empty(shape, dtype)


def unpatches(p, shape, kernel, stride, dilation):
    """The adjoint of :func:`patches` (col2im): add each row of ``p`` (N*OH*OW, kh*kw*C) back onto its
    window of a zero channels-last image of ``shape`` (N, H, W, C)."""
    out = np.zeros(shape, dtype=p.dtype)
    _add_patches(p, out, kernel, stride, dilation)
    return out


def _add_patches(p, out, kernel, stride, dilation):
    """Add each row of ``p`` (N*OH*OW, kh*kw*C) onto its window of the (N, H, W, C) array ``out``, in place."""
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    n, h, w, c = out.shape
    oh, ow = _out_size(h, kh, sh, dh), _out_size(w, kw, sw, dw)
    p6 = p.reshape(n, oh, ow, kh, kw, c)
    for i in range(kh):  # kh*kw vectorised adds, each over runs of C contiguous channels
        for j in range(kw):
            rows = slice(i * dh, i * dh + sh * (oh - 1) + 1, sh)
            cols = slice(j * dw, j * dw + sw * (ow - 1) + 1, sw)
            out[:, rows, cols] += p6[:, :, :, i, j]


# --- the convolution's three GEMMs ----------------------------------------------------------------

# NOTE: with 8 or more channels the GEMMs take the patch matrix one block of images at a time, copied into
# one buffer reused across the batch, instead of one patch matrix for the whole batch (9 MB on W6's second
# layer, fresh pages every call): the block is still in cache when its GEMM reads it. Measured on W6 on
# 2 cores (medians of 12 interleaved blocks of 8 steps in one process, quiet machine): 2 MB blocks with one
# BLAS thread, eager 150 -> 121 ms a step, captured 111 -> 103 ms; with two threads 2 MB was level and
# 4 MB 5% faster, 256 KB 17% slower (each GEMM too small to share between the threads). So the block
# grows with the cores BLAS may use: 2 MB a core (a 16-core machine keeps W6's patch matrix whole).
# Blocks sum the kernel gradient in another order than one GEMM: eager mode and a captured replay share
# these kernels, so they agree bit for bit.
_CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
BLOCK_BYTES = (2 << 20) * _CORES


def _image_blocks(x_shape, kernel_shape, out_hw, itemsize: int):
    """Slices of images whose patch rows fill about :data:`BLOCK_BYTES`; None when one block holds the batch
    or the channels are too few for the channels-last patch copy (see :func:`patches`)."""
    kh, kw, c = kernel_shape[:3]
    n = x_shape[0]
    image_bytes = math.prod(out_hw) * kh * kw * c * itemsize
    per_block = max(1, BLOCK_BYTES // max(image_bytes, 1))
    if c < 8 or per_block >= n:
        return None
    return [slice(i, min(i + per_block, n)) for i in range(0, n, per_block)]


def _patch_block(x, images: slice, kernel, stride, dilation, buffer):
    """The patch rows of ``x[images]`` copied into the front of ``buffer``; returns that (rows, kh*kw*C) view."""
    windows = _channels_last_windows(x[images], kernel, stride, dilation)
    rows = buffer[: math.prod(windows.shape[:3])]
    np.copyto(rows.reshape(windows.shape), windows)
    return rows


def conv(x, kernel, bias, stride, dilation, relu: bool, ws=None):
    """x (N, H, W, C) padded, kernel (kh, kw, C, O), bias (O,) or None -> (N, OH, OW, O), ReLU'd if ``relu``.

    One GEMM of the patch matrix by the kernel as a (kh*kw*C, O) matrix (per block of images, see
    :data:`BLOCK_BYTES`); then the bias and the ReLU in one in-place pass over its fresh output (no new
    array for either: W6's first layer, 5.5 MB each). ``ws``: where the output and the patch matrix go (a
    captured step's :class:`nabla.capture.buffers.Buffers`; None: new arrays).
    """
    kh, kw, c, o = kernel.shape
    n, h, w, _ = x.shape
    oh, ow = _out_size(h, kh, stride[0], dilation[0]), _out_size(w, kw, stride[1], dilation[1])
    k2 = kernel.reshape(kh * kw * c, o)
    blocks = _image_blocks(x.shape, kernel.shape, (oh, ow), x.dtype.itemsize)
    out = _empty(ws, (n * oh * ow, o), np.result_type(x, kernel))
    if blocks is None:
        np.dot(patches(x, (kh, kw), stride, dilation, ws), k2, out=out)
    else:
        buffer = _empty(ws, ((blocks[0].stop - blocks[0].start) * oh * ow, kh * kw * c), x.dtype)
        for images in blocks:
            rows = _patch_block(x, images, (kh, kw), stride, dilation, buffer)
            np.dot(rows, k2, out=out[images.start * oh * ow : images.stop * oh * ow])
    fused = out.dtype in (np.float32, np.float64) and (bias is None or bias.dtype == out.dtype)
    if (bias is not None or relu) and fused and _epilogue_loops.kernel:
        _epilogue_loops.kernel(out, out[:0, 0] if bias is None else bias, bias is not None, relu)
    else:
        if bias is not None:
            out += bias
        if relu:
            np.maximum(out, 0, out=out)
    return out.reshape(n, oh, ow, o)


@compiled
def _epilogue_loops(out, bias, has_bias, relu):
    # The bias and ReLU in one pass over the GEMM's (rows, O) output instead of NumPy's two, with the same
    # rounding: v + bias, then np.maximum(v, 0) (NaN and -0.0 kept). On the MNIST convnet's first layer
    # (86,528 x 32 floats) ~2 -> ~0.5 ms.
    for r in range(out.shape[0]):
        for f in range(out.shape[1]):
            v = out[r, f] + bias[f] if has_bias else out[r, f]
            out[r, f] = 0 if relu and not (v >= 0 or v != v) else v


def conv_kernel_grad(g2, x, kernel_shape, stride, dilation, ws=None):
    """The kernel's gradient (kh, kw, C, O): ``P.T @ g2``, g2 the output's gradient as (N*OH*OW, O).

    ``ws`` holds the patch matrix only: the gradient itself becomes a parameter's ``.grad``.
    """
    kh, kw, c, o = kernel_shape
    rows_per_image = g2.shape[0] // x.shape[0]
    oh = _out_size(x.shape[1], kh, stride[0], dilation[0])
    blocks = _image_blocks(x.shape, kernel_shape, (oh, rows_per_image // oh), x.dtype.itemsize)
    if blocks is None:
        return np.dot(patches(x, (kh, kw), stride, dilation, ws).T, g2).reshape(kernel_shape)
    buffer = _empty(ws, ((blocks[0].stop - blocks[0].start) * rows_per_image, kh * kw * c), x.dtype)
    gk = np.zeros((kh * kw * c, o), dtype=np.result_type(x, g2))
    part = np.empty_like(gk)
    for images in blocks:
        rows = _patch_block(x, images, (kh, kw), stride, dilation, buffer)
        np.dot(rows.T, g2[images.start * rows_per_image : images.stop * rows_per_image], out=part)
        gk += part
    return gk.reshape(kernel_shape)


def conv_input_grad(g2, kernel, x_shape, stride, dilation, ws=None):
    """The (padded) input's gradient (N, H, W, C): :func:`unpatches` of ``g2 @ kernel2d.T`` (``ws``: as in
    :func:`conv`); with stride 1 and at most half as many output channels as input ones, a convolution of
    the padded output gradient instead (:func:`_input_grad_as_conv`)."""
    kh, kw, c, o = kernel.shape
    if tuple(stride) == (1, 1) and 2 * o <= c:
        return _input_grad_as_conv(g2, kernel, x_shape, dilation, ws)
    k2t = kernel.reshape(kh * kw * c, o).T
    n = x_shape[0]
    rows_per_image = g2.shape[0] // n
    oh = _out_size(x_shape[1], kh, stride[0], dilation[0])
    blocks = _image_blocks(x_shape, kernel.shape, (oh, rows_per_image // oh), g2.dtype.itemsize)
    dtype = np.result_type(g2, kernel)
    out = np.zeros(x_shape, dtype=dtype) if ws is None else ws.zeros(x_shape, dtype)
    if blocks is None:
        rows = np.dot(g2, k2t, out=_empty(ws, (g2.shape[0], kh * kw * c), dtype))
        _add_patches(rows, out, (kh, kw), stride, dilation)
        return out
    buffer = _empty(ws, ((blocks[0].stop - blocks[0].start) * rows_per_image, kh * kw * c), dtype)
    for images in blocks:
        rows = buffer[: (images.stop - images.start) * rows_per_image]
        np.dot(g2[images.start * rows_per_image : images.stop * rows_per_image], k2t, out=rows)
        _add_patches(rows, out[images], (kh, kw), stride, dilation)
    return out


def _input_grad_as_conv(g2, kernel, x_shape, dilation, ws):
    """Stride 1: ``gx[n, y, x, c] = sum_{i,j,o} g[n, y - i*dh, x - j*dw, o] kernel[i, j, c, o]`` is a convolution
    of ``g`` padded by the kernel's reach ``d*(k-1)`` on each side with the kernel flipped in space and its
    channel axes swapped, (kh, kw, O, C).

    The same products as ``g2 @ kernel2d.T`` then col2im, but its patch matrix has kh*kw*O columns where
    col2im's rows have kh*kw*C: a layer that narrows the channels (a generator's last convolution, 128 -> 1
    with a 7x7 kernel on 64 images of 28x28: backward 2.7-3.4 -> 1.0-1.2 s) moves C/O times less memory.
    The sums run in another order (float rounding differs from the col2im form; eager and captured steps
    share this path).
    """
    kh, kw, c, o = kernel.shape
    (dh, dw), n = dilation, x_shape[0]
    ph, pw = dh * (kh - 1), dw * (kw - 1)
    oh, ow = x_shape[1] - ph, x_shape[2] - pw
    padded_shape, dtype = (n, oh + 2 * ph, ow + 2 * pw, o), np.result_type(g2, kernel)
    padded = np.zeros(padded_shape, dtype) if ws is None else ws.zeros(padded_shape, dtype)
    padded[:, ph : ph + oh, pw : pw + ow] = g2.reshape(n, oh, ow, o)
    flipped = np.ascontiguousarray(kernel[::-1, ::-1].transpose(0, 1, 3, 2))
    return conv(padded, flipped, None, (1, 1), dilation, False, ws)
