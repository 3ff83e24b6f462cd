"""ONNX forms of the Keras-style layers (``nabla.layers``), on channels-last values.

Every converter is ``(graph, layer, x, out_shape) -> Value``; ``x`` carries
its layout (see :mod:`nabla.onnx.graph`), ``out_shape`` is the layer's
output shape as nabla computed it. Kernels come in Keras's layouts (Dense
(in, units), Conv2D (kh, kw, in, filters)) and are rearranged for ONNX here.
"""

from __future__ import annotations

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
