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
from ..graph import skipped_by
from ..tensor import Tensor
from .activation import relu
from .primitive import as_operand, ieee_results, primitive
from .reduce import mean
from .shape import pad, reshape, transpose


def _pair(v, name: str) -> tuple[int, int]:
    pair = (v, v) if isinstance(v, int) else tuple(v)
    if len(pair) != 2 or not all(isinstance(p, int) for p in pair):
        raise ValueError(f"{name} must be an int or a pair of ints, got {v!r}")
    return pair


def _adjoint_pair(gather: str, scatter: str, view: bool):
    """Two linear primitives that are each other's gradient: ``gather(x, kernel, stride, dilation)`` reads
    the windows of an image (a view, or a copy as a patch matrix) and ``scatter(g, shape, kernel, stride,
    dilation)`` adds windows back onto an image of ``shape`` (col2im). ``gather``, ``scatter``: their
    names in the array namespace, whose NumPy kernels are in engine/backend.py and engine/conv_kernels.py."""

    def forward(xp, x, kernel, stride, dilation):
        return getattr(xp, gather)(x, kernel, stride, dilation)

    def adjoint(xp, g, shape, kernel, stride, dilation):
        return getattr(xp, scatter)(g, shape, kernel, stride, dilation)

    def forward_vjp(xp, need, g, out, x, kernel, stride, dilation):
        return (getattr(xp, scatter)(g, x.shape, kernel, stride, dilation),)

    def adjoint_vjp(xp, need, g, out, src, shape, kernel, stride, dilation):
        return (getattr(xp, gather)(g, kernel, stride, dilation),)

    return (
        primitive(gather, view=view, reads=())(forward).defvjp(forward_vjp),
        primitive(scatter)(adjoint).defvjp(adjoint_vjp),
    )


_windows, _unwindows = _adjoint_pair("windows", "unwindows", view=True)
_patches, _unpatches = _adjoint_pair("patches", "unpatches", view=False)


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


def patches(x, kernel_size, stride=1, dilation=1) -> Tensor:
    """The patch matrix (im2col) of a channels-last image: (N, H, W, C) -> (N*OH*OW, kh*kw*C), a copy.

    ``P[(n, y, x), (i, j, c)] = x[n, y*s + i*d, x*s + j*d, c]`` (no padding).
    """
    x = as_operand(x)
    kernel, stride, dilation = _pair(kernel_size, "kernel_size"), _pair(stride, "stride"), _pair(dilation, "dilation")
    return _patches(x, kernel=kernel, stride=stride, dilation=dilation)


def unpatches(p, shape, kernel_size, stride=1, dilation=1) -> Tensor:
    """The adjoint of :func:`patches` (col2im): sums the rows of ``p`` back into an image of ``shape`` (N, H, W, C)."""
    kernel, stride, dilation = _pair(kernel_size, "kernel_size"), _pair(stride, "stride"), _pair(dilation, "dilation")
    return _unpatches(as_operand(p), shape=tuple(shape), kernel=kernel, stride=stride, dilation=dilation)


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
    The work is done channels-last (:func:`conv2d_nhwc`) on transposed views: the result is an
    (N, O, OH, OW) view of channels-last memory, as PyTorch's ``channels_last`` format, which the layers
    after it (ReLU, pooling, the next convolution) read in that order.
    """
    x, weight = _operands(x, weight, "(N, C, H, W)", 1, "weight", 1, "conv2d")
    x, weight = transpose(x, (0, 2, 3, 1)), transpose(weight, (2, 3, 1, 0))  # views: NHWC and (kh, kw, C, O)
    out = _convolve(x, weight, bias, stride, padding, dilation, False, "conv2d")
    return transpose(out, (0, 3, 1, 2))


def conv2d_nhwc(x, kernel, bias=None, stride=1, padding=0, dilation=1, relu: bool = False) -> Tensor:
    """2-D cross-correlation on channels-last images, Keras's layout, with an optional fused ReLU.

    Shape: x (N, H, W, C), kernel (kh, kw, C, O), bias (O,) -> (N, OH, OW, O);
    ``out[n, y, x, o] = act(bias[o] + sum_{i,j,c} xpad[n, y*s + i*d, x*s + j*d, c] * kernel[i, j, c, o])``
    with act ReLU when ``relu`` is true (the identity otherwise). ``padding``: an int or a pair of
    ints, zeros on both sides, or a pair of (before, after) pairs (Keras's "same" pads one more after).
    One GEMM of the patch matrix (:func:`patches`) by the kernel seen as a (kh*kw*C, O) matrix; the
    bias and the ReLU are one in-place pass over its output.
    """
    x, kernel = _operands(x, kernel, "(N, H, W, C)", 3, "kernel", 2, "conv2d_nhwc")
    return _convolve(x, kernel, bias, stride, padding, dilation, relu, "conv2d_nhwc")


def _operands(x, kernel, layout: str, x_axis: int, kernel_name: str, kernel_axis: int, who: str):
    """Tensors of an image and a kernel whose channel counts (at ``x_axis`` and ``kernel_axis``) agree."""
    x, kernel = as_operand(x), as_operand(kernel)
    if x.ndim != 4:
        raise ValueError(f"{who}: expected an {layout} input, got shape {x.shape}")
    if kernel.ndim != 4 or kernel.shape[kernel_axis] != x.shape[x_axis]:
        raise ValueError(
            f"{who}: the input has {x.shape[x_axis]} channels (shape {x.shape}) but the {kernel_name} of shape "
            f"{kernel.shape} expects {kernel.shape[kernel_axis] if kernel.ndim == 4 else '?'}"
        )
    return x, kernel


def _convolve(x, kernel, bias, stride, padding, dilation, relu, who):
    """Check the geometry, pad, and run the convolution primitive on x (N, H, W, C), kernel (kh, kw, C, O)."""
    (sh, sw), (dh, dw) = _pair(stride, "stride"), _pair(dilation, "dilation")
    if _is_pair_of_pairs(padding):
        pads = [tuple(p) for p in padding]
    else:
        pads = [(p, p) for p in _pair(padding, "padding")]
    for axis, (before, after) in enumerate(pads):
        size = x.shape[1 + axis] + before + after
        _output_size(size, kernel.shape[axis], (sh, sw)[axis], 0, (dh, dw)[axis], who)
    if bias is not None:
        bias = as_operand(bias)
        if bias.shape != (kernel.shape[3],):
            raise ValueError(f"{who}: the bias must have shape ({kernel.shape[3]},), got {bias.shape}")
    if any(p != (0, 0) for p in pads):
        x = pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    conv = _conv2d_relu if relu else _conv2d
    return conv(x, kernel, bias, stride=(sh, sw), dilation=(dh, dw))


def _is_pair_of_pairs(padding) -> bool:
    pairs = isinstance(padding, (tuple, list)) and len(padding) == 2
    return pairs and all(isinstance(p, (tuple, list)) and len(p) == 2 for p in padding)


def _conv_reads(need):
    """The input a gradient reads: the kernel for the input's, the input (its patches) for the kernel's."""
    return tuple(([1] if need[0] else []) + ([0] if need[1] else []))


@primitive("conv2d", reads=_conv_reads)
@ieee_results  # (an infinite pixel makes NaN of Inf * 0 in the GEMM: IEEE's answer, as PyTorch's, silently)
def _conv2d(xp, x, kernel, bias, stride, dilation):
    """x (N, H, W, C) padded, kernel (kh, kw, C, O), bias (O,) or None -> (N, OH, OW, O).

    One GEMM of the (N*OH*OW, kh*kw*C) patch matrix by the kernel as a (kh*kw*C, O) matrix: the forward
    pass and both gradients are single GEMMs whose results are channels-last. On W6 (batch 64) this
    layout was 1.0 ms a step faster in the GEMMs and 1.3 ms in the patch copies than the
    (C*kh*kw, N*OH*OW) matrix of an NCHW im2col.
    """
    return xp.conv(x, kernel, bias, stride, dilation, False)


@primitive("conv2d_relu", reads=lambda need: _conv_reads(need) + ("out",))
@ieee_results
def _conv2d_relu(xp, x, kernel, bias, stride, dilation):
    """:func:`_conv2d` then ReLU, in the same pass over the GEMM's output as the bias."""
    return xp.conv(x, kernel, bias, stride, dilation, True)


def _conv_vjp(xp, need, g, out, x, kernel, bias, stride, dilation, relu=False):
    # NOTE: the patch matrix is rebuilt here instead of being kept from the forward pass: it is
    # kh*kw times the input (9x for 3x3 kernels), and keeping the input instead cut the benchmark
    # CNN's step peak from 26.9 to ~17 MiB (PyTorch: 15.8) for one more patch copy per step (0.4 ms).
    if relu:
        g = xp.keep(g, out > 0)
    g2 = xp.reshape(g, (-1, kernel.shape[3]))  # (N*OH*OW, O)
    gx = xp.conv_input_grad(g2, kernel, x.shape, stride, dilation) if need[0] else None
    gk = xp.conv_kernel_grad(g2, x, kernel.shape, stride, dilation) if need[1] else None
    gb = xp.sum(g2, axis=0) if need[2] else None
    return gx, gk, gb


_conv2d.defvjp(_conv_vjp)
_conv2d_relu.defvjp(lambda xp, need, g, out, *args, **params: _conv_vjp(xp, need, g, out, *args, **params, relu=True))


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


_TO_NCHW, _TO_NHWC = (0, 3, 1, 2), (0, 2, 3, 1)


def max_pool2d_nhwc(x, pool_size, stride=None) -> Tensor:
    """Largest value of each window of channels-last images, no padding (Keras's ``MaxPooling2D``):
    (N, H, W, C) -> (N, OH, OW, C), :func:`max_pool2d`'s rule on the channels-first view.

    Where ``x`` is, in the graph, the output of ``conv2d_nhwc(..., relu=True)`` (a Keras ``Conv2D`` with a
    ReLU before the pooling), the pooling is recorded as one node from the convolution's inputs instead of a
    node on ``x``: its gradient is the pool's and the ReLU's in one pass (``relu_max_pool_grad``: the gradient
    of each window where its maximum is > 0), then the convolution's. The values and gradients are the
    unfused ones bit for bit; the MNIST convnet's first block (128x26x26x32) no longer writes and reads back
    an 11 MB gradient between the two rules. ``x`` itself stays as it was, so another use of it (a second
    branch, a feature-map picture) has its own gradient, which adds up with this one in the convolution's
    inputs; and when ``x``'s own gradient is asked for later (``retain_grad``, a hook, ``tape.gradient(loss,
    conv_output)`` as Grad-CAM does), the fused node turns back into the plain pooling node on ``x``
    (:func:`nabla.engine.graph.unfuse`).
    """
    x = as_operand(x)
    if x.ndim != 4:
        raise ValueError(f"max_pool2d_nhwc: expected an (N, H, W, C) input, got shape {x.shape}")
    pool = _pair(pool_size, "pool_size")
    stride = pool if stride is None else _pair(stride, "stride")
    for axis in (0, 1):
        _output_size(x.shape[1 + axis], pool[axis], stride[axis], 0, 1, "max_pool2d_nhwc")
    node = x._node
    # (node.origins: every input the convolution's gradient reads is there, none a placeholder)
    if not _fusable(x) or node.prim is not _conv2d_relu or node.origins is not None:
        return _max_pool_nhwc(x, pool=pool, stride=stride)
    conv_x, kernel, bias = node.inputs
    geometry = {"stride": node.params["stride"], "dilation": node.params["dilation"]}
    out = _conv2d_relu_max_pool(conv_x, kernel, bias, x.detach(), **geometry, pool=pool, pool_stride=stride)
    if out._node is not None:
        skipped_by(node, out._node, _unfuse_conv2d_relu_max_pool)
    return out


@primitive("max_pool_nhwc", reads=(0, "out"))
def _max_pool_nhwc(xp, x, pool, stride):
    """x (N, H, W, C) -> (N, OH, OW, C): :func:`_max_pool` on the channels-first view (no copy)."""
    return xp.transpose(xp.max_pool(xp.transpose(x, _TO_NCHW), pool, stride), _TO_NHWC)


@_max_pool_nhwc.defvjp
def _(xp, need, g, out, x, pool, stride):
    nchw = [xp.transpose(a, _TO_NCHW) for a in (g, x, out)]
    return (xp.transpose(xp.max_pool_grad(*nchw, pool, stride), _TO_NHWC),)


@primitive("conv2d_relu_max_pool", reads=lambda need: _conv_reads(need) + (3, "out"))
def _conv2d_relu_max_pool(xp, x, kernel, bias, y, stride, dilation, pool, pool_stride):
    """The max pooling of ``y = relu(conv(x, kernel) + bias)`` (y: the ``conv2d_relu`` node's output, an input
    here that takes no gradient), differentiated in x, kernel and bias: channels-last (N, OH, OW, O) ->
    (N, PH, PW, O)."""
    return _max_pool_nhwc.forward(xp, y, pool, pool_stride)


@_conv2d_relu_max_pool.defvjp
def _(xp, need, g, out, x, kernel, bias, y, stride, dilation, pool, pool_stride):
    gy = xp.relu_max_pool_grad(
        xp.transpose(g, _TO_NCHW), xp.transpose(y, _TO_NCHW), xp.transpose(out, _TO_NCHW), pool, pool_stride
    )
    return (*_conv_vjp(xp, need[:3], xp.transpose(gy, _TO_NHWC), None, x, kernel, bias, stride, dilation), None)


def _unfuse_conv2d_relu_max_pool(fused, conv_node) -> None:
    """Rewrite a ``conv2d_relu_max_pool`` node into the ``max_pool_nhwc`` node on the convolution's output
    (the tensor of ``conv_node``, its data and version those of the node's input ``y``)."""
    y, params = fused.inputs[3], fused.params
    operand = Tensor._make(y._data, conv_node, y._version)
    fused.become(_max_pool_nhwc, operand, fused.versions[3], {"pool": params["pool"], "stride": params["pool_stride"]})


def max_pool_grad(g: Tensor, x: Tensor, out: Tensor, kernel, stride) -> Tensor:
    """max-pool's VJP on Tensors (for ``create_graph``): linear in ``g``, the choice of maxima held fixed.

    The one-hot choice of each window, (N, C, kh, kw, OH, OW), times ``g``,
    added back onto the image through :func:`unwindows` (whose own gradient
    is known), so the result is differentiable in ``g``.
    """
    mask = Tensor._make(backend.namespace(x._data).max_pool_choice(x._data, out._data, kernel, stride, g.dtype))
    spread = reshape(g, out.shape[:2] + (1, 1) + out.shape[2:]) * mask
    return unwindows(spread, x.shape, kernel, stride)


def max_pool2d(x, kernel_size, stride=None, padding=0) -> Tensor:
    """Largest value of each window (stride defaults to the kernel size; padding counts as -inf).

    Shape: (N, C, H, W) -> (N, C, OH, OW), ``OH = (H + 2p - kh) // s + 1``.
    The gradient goes to the first largest element of each window, as in
    PyTorch; a window holding NaN outputs NaN and sends its gradient to its
    first NaN (PyTorch: its last).

    Where ``x = relu(z)`` in the graph and there is no padding (``nn.ReLU`` then ``nn.MaxPool2d``, as the
    convnets of the course stack them), the pooling is recorded as one node on ``z``, whose gradient is the
    pool's and the ReLU's in one pass (``relu_max_pool_grad``), as :func:`max_pool2d_nhwc` does after a ReLU
    convolution: the same numbers, one full-size gradient fewer written and read back. Asking for ``x``'s
    own gradient later turns it back into the plain node (:func:`nabla.engine.graph.unfuse`).
    """
    x, k, s, p = _pool_geometry(x, kernel_size, stride, padding, "max_pool2d")
    node = x._node
    if p != (0, 0) or not _fusable(x) or node.prim is not relu:
        return _max_pool(_pad_image(x, p, -math.inf), kernel=k, stride=s)
    z = node.inputs[0]
    replaced = node.origins is not None and node.origins[0] is not None
    if replaced:
        # ReLU's rule reads only its output, so its node keeps a placeholder of a large z. Only z's place in the
        # graph is needed here (no rule reads z's values): the edge to it is a stand-in over x's memory, as a
        # placeholder would be an array a captured step could not name.
        z = Tensor._make(x._data, z._node, z._version)
    out = _relu_max_pool(z, x.detach(), kernel=k, stride=s)
    if out._node is not None:
        skipped_by(node, out._node, _unfuse_relu_max_pool)
        if replaced:  # (grad_fn.next_inputs and graph pictures show the real z while it lives)
            out._node.origins = (node.origins[0], None)
    return out


def _fusable(x: Tensor) -> bool:
    """Whether a node may take ``x``'s gradient past ``x``'s node: no hook or retained grad asks for it yet, the
    node is not freed (by a backward pass: the plain pooling records, its backward raises), and its inputs
    still require grad as when it was recorded (a fused node's needs come from them, the plain one's from it)."""
    node = x._node
    return (
        node is not None
        and node.inputs is not None
        and node.hooks is None
        and node.retain is None
        and x._hooks is None
        and all(n == (isinstance(t, Tensor) and t._rg) for t, n in zip(node.inputs, node.need))
    )


@primitive("relu_max_pool", reads=(1, "out"))
def _relu_max_pool(xp, z, y, kernel, stride):
    """The max pooling of ``y = relu(z)`` (y an input that takes no gradient), differentiated in z:
    (N, C, H, W) -> (N, C, OH, OW)."""
    return xp.max_pool(y, kernel, stride)


@_relu_max_pool.defvjp
def _(xp, need, g, out, z, y, kernel, stride):
    return xp.relu_max_pool_grad(g, y, out, kernel, stride), None


def _unfuse_relu_max_pool(fused, relu_node) -> None:
    """Rewrite a ``relu_max_pool`` node into the ``max_pool`` node on ReLU's output."""
    y = fused.inputs[1]
    fused.become(_max_pool, Tensor._make(y._data, relu_node, y._version), fused.versions[1], fused.params)


def avg_pool2d(x, kernel_size, stride=None, padding=0) -> Tensor:
    """Mean of each window (stride defaults to the kernel size; zero padding is counted, as PyTorch's default).

    The mean runs over the window axes of the strided windows view, so no window is copied.
    """
    x, k, s, p = _pool_geometry(x, kernel_size, stride, padding, "avg_pool2d")
    return mean(windows(_pad_image(x, p), k, s), axis=(2, 3))
