"""ONNX forms of the Keras-style layers (``nabla.layers``), on channels-last values.

Every converter is ``(graph, layer, x, out_shape) -> Value``; ``x`` carries
its layout (see :mod:`nabla.onnx.graph`), ``out_shape`` is the layer's
output shape as nabla computed it. Kernels come in Keras's layouts (Dense
(in, units), Conv2D (kh, kw, in, filters)) and are rearranged for ONNX here.
A merging layer's ``x`` is the list of its inputs' Values.
"""

from __future__ import annotations

import numpy as np

from nabla.keras.layers.convolutional_transpose import keras_crops

from . import convert
from .convert import CHANNELS_FIRST, array
from .graph import Graph, Value


def _who(layer) -> str:
    return f"{type(layer).__name__} '{layer.name}'"


def _bias(layer):
    return array(layer.bias) if layer.use_bias else None


def dense(g: Graph, layer, x: Value, out_shape: tuple) -> Value:
    """``activation(x @ kernel + bias)``: Gemm (MatMul and Add above two axes)."""
    y = convert.affine(g, x, array(layer.kernel), _bias(layer), out_shape, layer.name, transposed=False)
    return convert.activate(g, layer.activation, y, _who(layer), f"{layer.name}/activation")


def activation(g: Graph, layer, x: Value, out_shape: tuple) -> Value:
    return convert.activate(g, layer.activation, x, _who(layer), layer.name)


def flatten(g: Graph, layer, x: Value, out_shape: tuple) -> Value:
    """(N, d1, d2, ...) -> (N, d1 * d2 * ...) in Keras's order: channels-last images are flattened as such."""
    x = g.logical(x, layer.name)
    return Value(g.op("Flatten", [x.name], layer.name, axis=1), out_shape, x.dtype)


def conv2d(g: Graph, layer, x: Value, out_shape: tuple) -> Value:
    x = g.laid_out(x, CHANNELS_FIRST, layer.name)
    kernel = array(layer.kernel).transpose(3, 2, 0, 1)  # (kh, kw, in, out) -> (out, in, kh, kw)
    if layer.padding == "same":
        pads = convert.same_pads(x.shape[1:3], layer.kernel_size, layer.strides, layer.dilation_rate)
    else:
        pads = [0, 0, 0, 0]
    y = convert.conv(
        g, x, kernel, _bias(layer), layer.strides, layer.dilation_rate, pads, out_shape, CHANNELS_FIRST, layer.name
    )
    return convert.activate(g, layer.activation, y, _who(layer), f"{layer.name}/activation")


def conv2d_transpose(g: Graph, layer, x: Value, out_shape: tuple) -> Value:
    """ConvTranspose with Keras's crops of the natural output as ``pads``; a negative crop after (zeros added
    there, as in Keras's "valid" with a stride beyond the kernel) as ``output_padding``."""
    x = g.laid_out(x, CHANNELS_FIRST, layer.name)
    kernel = array(layer.kernel).transpose(3, 2, 0, 1)  # (kh, kw, out, in) -> (in, out, kh, kw)
    extra = layer.output_padding or (None, None)
    crops = [keras_crops(k, s, d, layer.padding, p)
             for k, s, d, p in zip(layer.kernel_size, layer.strides, layer.dilation_rate, extra)]  # fmt: skip
    pads = [before for before, _ in crops] + [max(after, 0) for _, after in crops]
    y = convert.conv(g, x, kernel, _bias(layer), layer.strides, layer.dilation_rate, pads, out_shape, CHANNELS_FIRST,
                     layer.name, "ConvTranspose", output_padding=[max(-after, 0) for _, after in crops])  # fmt: skip
    return convert.activate(g, layer.activation, y, _who(layer), f"{layer.name}/activation")


def _depthwise(g: Graph, layer, x: Value, kernel, bias, out_shape: tuple, hint: str) -> Value:
    """A grouped Conv, one group per input channel: (kh, kw, C, M) -> weight (C * M, 1, kh, kw)."""
    kh, kw, c, m = kernel.shape
    weight = kernel.transpose(2, 3, 0, 1).reshape(c * m, 1, kh, kw)  # output channel c * M + m, as nabla's
    pads = convert.same_pads(x.shape[1:3], layer.kernel_size, layer.strides, layer.dilation_rate) \
        if layer.padding == "same" else [0] * 4  # fmt: skip
    return convert.conv(g, x, weight, bias, layer.strides, layer.dilation_rate, pads, out_shape, CHANNELS_FIRST,
                        hint, group=c)  # fmt: skip


def depthwise_conv2d(g: Graph, layer, x: Value, out_shape: tuple) -> Value:
    x = g.laid_out(x, CHANNELS_FIRST, layer.name)
    y = _depthwise(g, layer, x, array(layer.kernel), _bias(layer), out_shape, layer.name)
    return convert.activate(g, layer.activation, y, _who(layer), f"{layer.name}/activation")


def separable_conv2d(g: Graph, layer, x: Value, out_shape: tuple) -> Value:
    """The depthwise Conv (no bias), then a 1x1 Conv with the bias."""
    x = g.laid_out(x, CHANNELS_FIRST, layer.name)
    depth = layer.pointwise_kernel.shape[2]
    y = _depthwise(g, layer, x, array(layer.depthwise_kernel), None, (*out_shape[:3], depth), f"{layer.name}/depthwise")
    pointwise = array(layer.pointwise_kernel).transpose(3, 2, 0, 1)
    y = convert.conv(g, y, pointwise, _bias(layer), (1, 1), (1, 1), [0] * 4, out_shape, CHANNELS_FIRST, layer.name)
    return convert.activate(g, layer.activation, y, _who(layer), f"{layer.name}/activation")


def _pooling(kind: str):
    def pooling(g: Graph, layer, x: Value, out_shape: tuple) -> Value:
        x = g.laid_out(x, CHANNELS_FIRST, layer.name)
        pads = convert.same_pads(x.shape[1:3], layer.pool_size, layer.strides) if layer.padding == "same" else [0] * 4
        # Keras's "same" average leaves the padding out of the mean.
        return convert.pool(
            g, x, kind, layer.pool_size, layer.strides, pads, False, out_shape, CHANNELS_FIRST, layer.name
        )

    return pooling


max_pooling2d = _pooling("MaxPool")
average_pooling2d = _pooling("AveragePool")


def masking(g: Graph, layer, x: Value, out_shape: tuple) -> Value:
    """``x * any(x != mask_value, axis=-1)``: the padded steps set to 0, as the layer's output at inference.

    The mask itself is not an output: the layers that would read it (the recurrent ones) have no ONNX form.
    """
    x = g.logical(x, layer.name)
    equal = g.op("Equal", [x.name, g.scalar(layer.mask_value, x, f"{layer.name}/mask_value")], f"{layer.name}/equal")
    real = g.op("Not", [equal], f"{layer.name}/real")
    real = Value(g.op("Cast", [real], f"{layer.name}/cast", to=g.onnx.helper.np_dtype_to_tensor_dtype(x.dtype)),
                 x.shape, x.dtype)  # fmt: skip
    keep = convert.reduce(g, "ReduceMax", real, [x.ndim - 1], True, f"{layer.name}/keep")
    return g.binary("Mul", x, keep, layer.name)


def batch_normalization(g: Graph, layer, x: Value, out_shape: tuple) -> Value:
    """Inference form, with the moving statistics; the feature axis is moved to ONNX's axis 1 if need be."""
    x = g.axis_at(x, layer.axis, 1, layer.name)
    gamma = array(layer.gamma) if layer.scale else None
    beta = array(layer.beta) if layer.center else None
    mean, variance = array(layer.moving_mean), array(layer.moving_variance)
    return convert.batch_norm(g, x, gamma, beta, mean, variance, layer.epsilon, layer.name)


def layer_normalization(g: Graph, layer, x: Value, out_shape: tuple) -> Value:
    """Over the feature axis alone, moved last if need be (ONNX normalises over trailing axes)."""
    x = g.axis_at(x, layer.axis, -1, layer.name)
    gamma = array(layer.gamma) if layer.scale else None
    beta = array(layer.beta) if layer.center else None
    return convert.layer_norm(g, x, 1, gamma, beta, layer.epsilon, (x.shape[layer.axis],), layer.name)


def _global_pooling(op_type: str):
    def global_pooling(g: Graph, layer, x: Value, out_shape: tuple) -> Value:
        """The mean or max over every axis between the batch and the channels, wherever they are stored."""
        axes = sorted(x.physical_axis(a) for a in range(1, x.ndim - 1))
        y = convert.reduce(g, op_type, x, axes, layer.keepdims, layer.name)
        # without keepdims only the batch and the channels remain, in that order
        return Value(y, out_shape, x.dtype, x.perm if layer.keepdims else None)

    return global_pooling


global_average_pooling = _global_pooling("ReduceMean")
global_max_pooling = _global_pooling("ReduceMax")


def reshape(g: Graph, layer, x: Value, out_shape: tuple) -> Value:
    """Each sample to the target shape, in nabla's (row-major, channels-last) order; 0 keeps the batch size."""
    x = g.logical(x, layer.name)
    shape = g.const(np.array([0, *out_shape[1:]], dtype=np.int64), f"{layer.name}/shape")
    return Value(g.op("Reshape", [x.name, shape], layer.name), out_shape, x.dtype)


def permute(g: Graph, layer, x: Value, out_shape: tuple) -> Value:
    """One Transpose from however ``x`` is stored to the permuted order (the batch axis stays first)."""
    order = (0, *layer.dims)
    moves = [x.physical_axis(axis) for axis in order]
    return Value(g.op("Transpose", [x.name], layer.name, perm=moves), out_shape, x.dtype)


def _same_layout(g: Graph, xs: list, hint: str) -> list:
    """The inputs of a merge stored alike: as they are if they agree (shapes and layouts), else nabla's order."""
    if len({(x.perm, x.shape[1:]) for x in xs}) == 1:
        return xs
    return [g.logical(x, f"{hint}/{i}") for i, x in enumerate(xs)]


def _merge(op_type: str, variadic: bool = True):
    def merge(g: Graph, layer, xs: list, out_shape: tuple) -> Value:
        """An elementwise merge: ONNX's variadic op (Sum, Mean, Max, Min) or a chain of binary ones."""
        xs = _same_layout(g, xs, layer.name)
        if variadic:
            name = g.op(op_type, [x.name for x in xs], layer.name)
        else:
            name = xs[0].name
            for x in xs[1:]:
                name = g.op(op_type, [name, x.name], layer.name)
        return Value(name, out_shape, xs[0].dtype, xs[0].perm)

    return merge


add = _merge("Sum")
subtract = _merge("Sub", variadic=False)
multiply = _merge("Mul", variadic=False)
average = _merge("Mean")
maximum = _merge("Max")
minimum = _merge("Min")


def concatenate(g: Graph, layer, xs: list, out_shape: tuple) -> Value:
    if len({x.perm for x in xs}) > 1:
        xs = [g.logical(x, f"{layer.name}/{i}") for i, x in enumerate(xs)]
    axis = xs[0].physical_axis(layer.axis)
    return Value(g.op("Concat", [x.name for x in xs], layer.name, axis=axis), out_shape, xs[0].dtype, xs[0].perm)
