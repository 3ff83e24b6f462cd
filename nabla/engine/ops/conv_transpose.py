"""Transposed convolution ("deconvolution"): the adjoint of :func:`.conv.conv2d_nhwc` in its input.

A convolution reads each output pixel from a window of the input; its transpose scatters each input
pixel, weighted by the kernel, onto a window of the output. Composed from primitives that already have
gradient rules (a GEMM, then :func:`.conv.unpatches`, the col2im that is the convolution's own input
gradient), so autograd differentiates it, to any order, with no rule of its own.
"""

from __future__ import annotations

from ..tensor import Tensor
from .conv import _is_pair_of_pairs, _operands, _pair, unpatches
from .elementwise import add
from .linalg import matmul
from .primitive import as_operand
from .shape import pad, reshape, transpose


def conv_transpose2d_nhwc(x, kernel, bias=None, stride=1, padding=0, dilation=1, output_padding=0) -> Tensor:
    """Transposed 2-D convolution on channels-last images (Keras's layout).

    Shape: x (N, H, W, C), kernel (kh, kw, O, C), bias (O,) -> (N, OH, OW, O) with
    ``OH = (H - 1) * sh + dh * (kh - 1) + 1 - top - bottom + output_padding``.

    The full ("natural") output is ``unpatches(x.reshape(N*H*W, C) @ kernel.reshape(kh*kw*O, C).T)``:
    the input's gradient of a convolution with this kernel, whose output would be x. Then ``padding`` is
    cut off its borders (an int, a pair, or ``((top, bottom), (left, right))``: PyTorch's meaning of
    ``padding`` for a transposed convolution) and ``output_padding`` rows/columns given back at the
    bottom/right (read from the natural output where it was cut, zeros beyond it), as
    ``torch.nn.functional.conv_transpose2d``.
    """
    x, kernel = _operands(x, kernel, "(N, H, W, C)", 3, "kernel", 3, "conv_transpose2d_nhwc")
    (sh, sw), (dh, dw) = _pair(stride, "stride"), _pair(dilation, "dilation")
    crops = [tuple(p) for p in padding] if _is_pair_of_pairs(padding) else [(p, p) for p in _pair(padding, "padding")]
    extra = _pair(output_padding, "output_padding")
    kh, kw, o, c = kernel.shape
    n, h, w, _ = x.shape
    full = ((h - 1) * sh + dh * (kh - 1) + 1, (w - 1) * sw + dw * (kw - 1) + 1)
    if min(min(p) for p in crops) < 0 or min(extra) < 0:
        raise ValueError(f"conv_transpose2d_nhwc: padding and output_padding must be >= 0, got {padding!r} and "
                         f"{output_padding!r}")  # fmt: skip
    sizes = [full[i] - sum(crops[i]) + extra[i] for i in (0, 1)]
    if min(sizes) <= 0:
        raise ValueError(f"conv_transpose2d_nhwc: padding {padding!r} leaves nothing of the {full[0]}x{full[1]} output")
    columns = matmul(reshape(x, (n * h * w, c)), transpose(reshape(kernel, (kh * kw * o, c)), (1, 0)))
    out = unpatches(columns, (n, *full, o), (kh, kw), (sh, sw), (dh, dw))
    ends = [min(full[i], crops[i][0] + sizes[i]) for i in (0, 1)]  # output_padding reads what was cut, if any
    out = out[:, crops[0][0] : ends[0], crops[1][0] : ends[1], :]
    zeros = [sizes[i] - (ends[i] - crops[i][0]) for i in (0, 1)]  # and zeros beyond the natural output
    if zeros[0] or zeros[1]:
        out = pad(out, ((0, 0), (0, zeros[0]), (0, zeros[1]), (0, 0)))
    if bias is not None:
        bias = as_operand(bias)
        if bias.shape != (o,):
            raise ValueError(f"conv_transpose2d_nhwc: the bias must have shape ({o},), got {bias.shape}")
        out = add(out, bias)
    return out


def conv_transpose2d(x, weight, bias=None, stride=1, padding=0, output_padding=0, dilation=1) -> Tensor:
    """Transposed 2-D convolution, PyTorch's NCHW layout: ``torch.nn.functional.conv_transpose2d`` (groups 1).

    Shape: x (N, C, H, W), weight (C, O, kh, kw), bias (O,) -> (N, O, OH, OW); see
    :func:`conv_transpose2d_nhwc`, which does the work on transposed views.
    """
    x, weight = _operands(x, weight, "(N, C, H, W)", 1, "weight", 0, "conv_transpose2d")
    out = conv_transpose2d_nhwc(transpose(x, (0, 2, 3, 1)), transpose(weight, (2, 3, 1, 0)), bias, stride, padding,
                                dilation, output_padding)  # fmt: skip
    return transpose(out, (0, 3, 1, 2))
