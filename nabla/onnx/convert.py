"""Operator helpers shared by the Keras-side and the PyTorch-side converters.

Each builds the ONNX form of one kind of computation from plain arrays and
numbers (the converters read them off the layers): an affine map, a
convolution, a pooling, a normalisation, an activation. Shapes: ``out_shape``
is the layer's logical output shape, batch axis first, as nabla computed it.
"""

from __future__ import annotations

import math

import numpy as np

from . import activations
from .graph import ExportError, Graph, Value

#: Physical layout of images in ONNX: (N, C, H, W). For a Keras (N, H, W, C) value this is perm (0, 3, 1, 2).
CHANNELS_FIRST = (0, 3, 1, 2)


def array(t) -> np.ndarray:
    """A weight (a Tensor or Parameter) as a NumPy array."""
    return t.detach().numpy()


def affine(g: Graph, x: Value, weight: np.ndarray, bias, out_shape: tuple, hint: str, transposed: bool) -> Value:
    """``x @ weight + bias`` over the last axis (``weight.T`` when ``transposed``: PyTorch's (out, in) layout).

    Gemm for a batch of vectors, MatMul and Add for more axes.
    """
    x = g.logical(x, hint)
    w = g.const(weight, f"{hint}/weight")
    if x.ndim == 2:
        inputs = [x.name, w] + ([] if bias is None else [g.const(bias, f"{hint}/bias")])
        return Value(g.op("Gemm", inputs, hint, transB=int(transposed)), out_shape, x.dtype)
    if transposed:
        w = g.const(weight.T, f"{hint}/weight_t")
    out = g.op("MatMul", [x.name, w], f"{hint}/matmul")
    if bias is not None:
        out = g.op("Add", [out, g.const(bias, f"{hint}/bias")], hint)
    return Value(out, out_shape, x.dtype)


def conv(g: Graph, x: Value, weight, bias, strides, dilations, pads, out_shape: tuple, perm, hint: str,
         op_type: str = "Conv", **attributes) -> Value:  # fmt: skip
    """ONNX's Conv on a channels-first value; ``weight`` (out, in / group, kh, kw); ``pads`` (top, left, bottom,
    right). ``op_type="ConvTranspose"``: weight (in, out, kh, kw), pads cut off the natural output;
    ``attributes``: ``group``, ``output_padding``."""
    inputs = [x.name, g.const(weight, f"{hint}/kernel")] + ([] if bias is None else [g.const(bias, f"{hint}/bias")])
    name = g.op(
        op_type,
        inputs,
        hint,
        kernel_shape=list(weight.shape[2:]),
        strides=list(strides),
        dilations=list(dilations),
        pads=list(pads),
        **attributes,
    )
    return Value(name, out_shape, x.dtype, perm)


def pool(g: Graph, x: Value, kind: str, kernel, strides, pads, count_pads: bool, out_shape, perm, hint: str) -> Value:
    """MaxPool or AveragePool (``kind``) on a channels-first value; max-pooling's padding never wins.

    ``count_pads``: whether an average counts the padded zeros (PyTorch's default) or only the
    positions inside the image (Keras's "same").
    """
    attributes = {"kernel_shape": list(kernel), "strides": list(strides), "pads": list(pads)}
    if kind == "AveragePool":
        attributes["count_include_pad"] = int(count_pads)
    return Value(g.op(kind, [x.name], hint, **attributes), out_shape, x.dtype, perm)


def same_pads(size: tuple, kernel, strides, dilations=(1, 1)) -> list[int]:
    """Keras/TensorFlow "same" padding of an image of ``size`` (H, W) as ONNX pads (top, left, bottom, right).

    The output is ceil(size / stride); an odd total padding puts the extra row or column after.
    """
    before, after = [], []
    for n, k, s, d in zip(size, kernel, strides, dilations):
        total = max((math.ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0)
        before.append(total // 2)
        after.append(total - total // 2)
    return before + after


def reduce(g: Graph, op_type: str, x: Value, axes: list[int], keepdims: bool, hint: str) -> str:
    """ReduceMean / ReduceMax over physical ``axes``: an attribute up to opset 17, an input from 18 on."""
    if g.opset >= 18:
        return g.op(op_type, [x.name, g.const(np.array(axes, np.int64), f"{hint}/axes")], hint, keepdims=int(keepdims))
    return g.op(op_type, [x.name], hint, axes=list(axes), keepdims=int(keepdims))


def batch_norm(g: Graph, x: Value, gamma, beta, mean, variance, epsilon: float, hint: str) -> Value:
    """Inference-form batch normalisation over physical axis 1: ``(x - mean) / sqrt(var + eps) * gamma + beta``."""
    n = len(mean)
    gamma = np.ones(n, mean.dtype) if gamma is None else gamma
    beta = np.zeros(n, mean.dtype) if beta is None else beta
    consts = [
        g.const(v, f"{hint}/{k}") for k, v in (("gamma", gamma), ("beta", beta), ("mean", mean), ("var", variance))
    ]
    return x.renamed(g.op("BatchNormalization", [x.name, *consts], hint, epsilon=float(epsilon)))


def layer_norm(g: Graph, x: Value, axes: int, gamma, beta, epsilon: float, shape: tuple, hint: str) -> Value:
    """LayerNormalization over the last ``axes`` physical axes (``shape`` their sizes)."""
    scale = g.const(np.ones(shape, x.dtype) if gamma is None else gamma, f"{hint}/gamma")
    inputs = [x.name, scale] + ([] if beta is None else [g.const(beta, f"{hint}/beta")])
    return x.renamed(g.op("LayerNormalization", inputs, hint, axis=-axes, epsilon=float(epsilon)))


def activate(g: Graph, fn, x: Value, who: str, hint: str) -> Value:
    """Apply activation function ``fn`` of layer ``who``; refuses a function with no ONNX form, naming it."""
    emit = activations.emitter_for(fn)
    if emit is None:
        label = getattr(fn, "__name__", type(fn).__name__)
        raise ExportError(
            f"cannot export {who}: its activation {label!r} has no ONNX form here; use one of nabla's named "
            f"activations ({', '.join(sorted(activations.BY_NAME))})"
        )
    return emit(g, x, hint)
