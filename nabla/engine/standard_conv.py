"""The channels-last convolution's kernels on the Python array API standard (CuPy, array-api-strict...).

The same five functions as NumPy's :mod:`nabla.engine.conv_kernels`, with the same shapes and the same
arithmetic, written with standard functions only: the standard has no strided views, so the patch matrix
is stacked from the kernel's kh*kw strided slices (each a copy of (N, OH, OW, C)), and its adjoint adds
them back slice by slice. :func:`nabla.engine.standard.namespace` binds them to a library and device.
Images are channels-last (N, H, W, C) arrays; their patch matrices are (N*OH*OW, kh*kw*C).
"""

from __future__ import annotations


def _out_size(size: int, k: int, s: int, d: int) -> int:
    return (size - d * (k - 1) - 1) // s + 1


def _offsets(shape, kernel, stride, dilation):
    """For each kernel offset (i, j), row-major, the (rows, cols) slices of an (N, H, W, C) image it reads:
    the (N, OH, OW, C) slice whose element [n, y, x, c] is ``image[n, y*sh + i*dh, x*sw + j*dw, c]``."""
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    oh, ow = _out_size(shape[1], kh, sh, dh), _out_size(shape[2], kw, sw, dw)
    return [
        (slice(i * dh, i * dh + sh * (oh - 1) + 1, sh), slice(j * dw, j * dw + sw * (ow - 1) + 1, sw))
        for i in range(kh)
        for j in range(kw)
    ]


def patches(api, x, kernel, stride, dilation):
    """The patch matrix (N*OH*OW, kh*kw*C) of an (N, H, W, C) image: ``P[(n, y, x), (i, j, c)] =
    x[n, y*sh + i*dh, x*sw + j*dw, c]``, as NumPy's; the kh*kw slices stacked on a new axis before C."""
    slices = [x[:, rows, cols, :] for rows, cols in _offsets(x.shape, kernel, stride, dilation)]
    n, oh, ow, c = slices[0].shape
    return api.reshape(api.stack(slices, axis=3), (n * oh * ow, len(slices) * c))


def unpatches(api, zeros, p, shape, kernel, stride, dilation):
    """The adjoint of :func:`patches` (col2im): each row of ``p`` added back onto its window of zeros of
    ``shape`` (N, H, W, C), one kernel offset at a time."""
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    n, h, w, c = shape
    oh, ow = _out_size(h, kh, sh, dh), _out_size(w, kw, sw, dw)
    offsets = _offsets(shape, kernel, stride, dilation)
    out = zeros(shape, p.dtype)
    p5 = api.reshape(p, (n, oh, ow, len(offsets), c))
    for k, (rows, cols) in enumerate(offsets):
        out[:, rows, cols, :] = out[:, rows, cols, :] + p5[:, :, :, k, :]
    return out


def conv(api, x, kernel, bias, stride, dilation, relu: bool):
    """x (N, H, W, C) padded, kernel (kh, kw, C, O), bias (O,) or None -> (N, OH, OW, O), ReLU'd if ``relu``:
    one GEMM of the patch matrix by the kernel as a (kh*kw*C, O) matrix, then the bias and the ReLU."""
    kh, kw, c, o = kernel.shape
    n, h, w, _ = x.shape
    oh, ow = _out_size(h, kh, stride[0], dilation[0]), _out_size(w, kw, stride[1], dilation[1])
    out = api.matmul(patches(api, x, (kh, kw), stride, dilation), api.reshape(kernel, (kh * kw * c, o)))
    if bias is not None:
        out = out + bias
    if relu:
        out = api.maximum(out, api.zeros_like(out))  # (maximum: NaN stays NaN, as NumPy's in-place ReLU)
    return api.reshape(out, (n, oh, ow, o))


def conv_kernel_grad(api, g2, x, kernel_shape, stride, dilation):
    """The kernel's gradient (kh, kw, C, O): ``P.T @ g2``, g2 the output's gradient as (N*OH*OW, O)."""
    p = patches(api, x, kernel_shape[:2], stride, dilation)
    return api.reshape(api.matmul(api.matrix_transpose(p), g2), tuple(kernel_shape))


def conv_input_grad(api, zeros, g2, kernel, x_shape, stride, dilation):
    """The (padded) input's gradient (N, H, W, C): :func:`unpatches` of ``g2 @ kernel2d.T``."""
    kh, kw, c, o = kernel.shape
    dp = api.matmul(g2, api.matrix_transpose(api.reshape(kernel, (kh * kw * c, o))))
    return unpatches(api, zeros, dp, tuple(x_shape), (kh, kw), stride, dilation)
