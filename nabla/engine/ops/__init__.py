"""Differentiable operations on Tensors, grouped by kind.

Also builds ``tensor_ns``: the namespace of these functions under NumPy's
names, which the gradient rules run on when a backward pass is recorded
(``create_graph=True``). It mirrors :data:`nabla.engine.backend.numpy_ns`
name for name (tests/engine/test_namespaces.py checks it), so each rule
works on arrays and on Tensors alike.
"""

from types import SimpleNamespace

import numpy as np

from .. import backend
from ..tensor import Tensor
from .activation import (
    elu,
    gelu,
    leaky_relu,
    log_softmax,
    relu,
    sigmoid,
    silu,
    softmax,
    softplus,
    step,
    swish,
    tanh,
)
from .conv import (
    _max_pool,
    avg_pool2d,
    conv2d,
    conv2d_nhwc,
    max_pool2d,
    max_pool2d_nhwc,
    max_pool_grad,
    patches,
    unpatches,
    unwindows,
    windows,
)
from .conv_transpose import conv_transpose2d, conv_transpose2d_nhwc
from .decompositions import (
    cholesky,
    cholesky_inverse,
    eigh,
    lstsq,
    lu_factor,
    matrix_rank,
    pinv,
    qr,
    solve_triangular,
    svd,
)
from .elementwise import (
    abs,
    add,
    astype,
    clamp,
    clip,
    clone,
    cos,
    div,
    equal,
    erf,
    exp,
    expm1,
    greater,
    greater_equal,
    isfinite,
    isnan,
    less,
    less_equal,
    log,
    log1p,
    logical_and,
    logical_not,
    logical_or,
    maximum,
    minimum,
    mul,
    neg,
    not_equal,
    pow,
    sign,
    sin,
    sqrt,
    square,
    sub,
    to_device,
    where,
)
from .inverse import arcsin, arctan, erfinv
from .linalg import dense, det, dot, einsum, inv, linear, matmul, outer, solve
from .loss import (
    _gather,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    huber_loss,
    l1_loss,
    mse_loss,
    nll_loss,
    one_hot,
)
from .reduce import all, any, argmax, argmin, logsumexp, max, mean, min, norm, prod, std, sum, var
from .shape import (
    broadcast_to,
    cat,
    concatenate,
    expand_dims,
    flatten,
    flip,
    getitem,
    index_add,
    index_arrays,
    meshgrid,
    moveaxis,
    pad,
    permute,
    repeat,
    reshape,
    split,
    squeeze,
    stack,
    swapaxes,
    tile,
    transpose,
    unsqueeze,
)

__all__ = [
    "abs",
    "add",
    "all",
    "any",
    "argmax",
    "argmin",
    "astype",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "broadcast_to",
    "cat",
    "clamp",
    "clip",
    "clone",
    "concatenate",
    "cos",
    "cross_entropy",
    "div",
    "dot",
    "einsum",
    "elu",
    "equal",
    "erf",
    "exp",
    "expand_dims",
    "expm1",
    "flatten",
    "flip",
    "gelu",
    "getitem",
    "greater",
    "greater_equal",
    "huber_loss",
    "isfinite",
    "isnan",
    "l1_loss",
    "leaky_relu",
    "less",
    "less_equal",
    "linear",
    "log",
    "log1p",
    "log_softmax",
    "logical_and",
    "logical_not",
    "logical_or",
    "logsumexp",
    "matmul",
    "max",
    "maximum",
    "meshgrid",
    "mean",
    "min",
    "minimum",
    "moveaxis",
    "mse_loss",
    "mul",
    "neg",
    "nll_loss",
    "norm",
    "not_equal",
    "one_hot",
    "outer",
    "pad",
    "permute",
    "pow",
    "prod",
    "relu",
    "repeat",
    "reshape",
    "sigmoid",
    "sign",
    "silu",
    "sin",
    "softmax",
    "softplus",
    "split",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "std",
    "step",
    "sub",
    "sum",
    "swapaxes",
    "swish",
    "tanh",
    "tile",
    "transpose",
    "unsqueeze",
    "var",
    "where",
    "conv2d",
    "max_pool2d",
    "avg_pool2d",
    "windows",
    "unwindows",
]


def _constant(fn):
    """Lift an array function with no gradient (one_hot, zeros...) to return a constant Tensor."""
    return lambda *args, **kwargs: Tensor._make(fn(*[a._data if isinstance(a, Tensor) else a for a in args], **kwargs))


# The convolution's GEMMs on Tensors, for create_graph=True (the NumPy ones are in engine/conv_kernels.py).
def _conv(x, kernel, bias, stride, dilation, apply_relu: bool):
    kh, kw, c, o = kernel.shape
    p = patches(x, (kh, kw), stride, dilation)
    out = matmul(p, reshape(kernel, (kh * kw * c, o)))
    out = out if bias is None else add(out, bias)
    width = _conv_width(x.shape, kernel.shape, stride, dilation)
    return reshape(relu(out) if apply_relu else out, (x.shape[0], -1, width, o))


def _conv_width(x_shape, kernel_shape, stride, dilation) -> int:
    return (x_shape[2] - dilation[1] * (kernel_shape[1] - 1) - 1) // stride[1] + 1


def _conv_kernel_grad(g2, x, kernel_shape, stride, dilation):
    return reshape(matmul(transpose(patches(x, kernel_shape[:2], stride, dilation), (1, 0)), g2), kernel_shape)


def _conv_input_grad(g2, kernel, x_shape, stride, dilation):
    kh, kw, c, o = kernel.shape
    dp = matmul(g2, transpose(reshape(kernel, (kh * kw * c, o)), (1, 0)))
    return unpatches(dp, x_shape, (kh, kw), stride, dilation)


def _take_along_axis(x, index, axis):
    return expand_dims(_gather(x, index=index, axis=axis), axis)


#: nabla's differentiable functions under the names of backend.numpy_ns.
tensor_ns = SimpleNamespace(
    abs=abs,
    add=add,
    all=all,
    any=any,
    argmax=argmax,
    argmin=argmin,
    arcsin=arcsin,
    arctan=arctan,
    broadcast_to=broadcast_to,
    concatenate=concatenate,
    cos=cos,
    einsum=einsum,
    equal=equal,
    exp=exp,
    expand_dims=expand_dims,
    expm1=expm1,
    flip=flip,
    isfinite=isfinite,
    log=log,
    log1p=log1p,
    matmul=matmul,
    max=max,
    maximum=maximum,
    min=min,
    minimum=minimum,
    moveaxis=moveaxis,
    pad=pad,
    prod=prod,
    repeat=repeat,
    reshape=reshape,
    sign=sign,
    sin=sin,
    sqrt=sqrt,
    square=square,
    squeeze=squeeze,
    stack=stack,
    sum=sum,
    swapaxes=swapaxes,
    take_along_axis=_take_along_axis,
    tanh=tanh,
    tile=tile,
    transpose=transpose,
    where=where,
    index_add=index_add,
    softmax=softmax,
    log_softmax=log_softmax,
    sigmoid=sigmoid,
    erf=erf,
    astype=astype,
    arange=_constant(np.arange),
    ones_like=_constant(np.ones_like),
    zeros=_constant(np.zeros),
    zeros_like=_constant(np.zeros_like),
    one_hot=_constant(backend.one_hot),
    keep=lambda g, mask: where(mask, g, 0),
    windows=lambda x, kernel, stride, dilation: windows(x, kernel, stride, dilation),
    unwindows=lambda g, shape, kernel, stride, dilation: unwindows(g, shape, kernel, stride, dilation),
    patches=lambda x, kernel, stride, dilation: patches(x, kernel, stride, dilation),
    unpatches=lambda p, shape, kernel, stride, dilation: unpatches(p, shape, kernel, stride, dilation),
    conv=_conv,
    conv_kernel_grad=_conv_kernel_grad,
    conv_input_grad=_conv_input_grad,
    max_pool=lambda x, kernel, stride: _max_pool(x, kernel=kernel, stride=stride),
    max_pool_grad=max_pool_grad,
    relu_max_pool_grad=lambda g, y, out, kernel, stride: where(y > 0, max_pool_grad(g, y, out, kernel, stride), 0),
    max_pool_choice=_constant(lambda x, out, kernel, stride, dtype: backend.namespace(x).max_pool_choice(
        x, out, kernel, stride, dtype
    )),
    copy=clone,
    inv=inv,
    det=det,
    solve=solve,
    cholesky=cholesky,
    eigh=eigh,
    qr=qr,
    svd=svd,
    getitem=getitem,
    to_device=to_device,
    isnan=isnan,
    less=less,
    less_equal=less_equal,
    greater=greater,
    greater_equal=greater_equal,
    not_equal=not_equal,
    logical_and=logical_and,
    logical_or=logical_or,
    logical_not=logical_not,
)
