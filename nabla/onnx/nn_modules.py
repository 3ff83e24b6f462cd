"""ONNX forms of the PyTorch-side modules (``nabla.nn``), on channels-first values.

Every converter is ``(graph, module, x, out_shape) -> Value``, as for the
Keras-side layers; weights come in PyTorch's layouts (Linear (out, in),
Conv2d (out, in, kh, kw)), which are ONNX's.
"""

from __future__ import annotations

import numpy as np

from . import activations, convert
from .convert import array
from .graph import ExportError, Graph, Value


def _hint(module) -> str:
    return type(module).__name__.lower()


def linear(g: Graph, module, x: Value, out_shape: tuple) -> Value:
    bias = None if module.bias is None else array(module.bias)
    return convert.affine(g, x, array(module.weight), bias, out_shape, _hint(module), transposed=True)


def conv2d(g: Graph, module, x: Value, out_shape: tuple) -> Value:
    x = g.logical(x, _hint(module))
    pads = list(module.padding) * 2
    bias = None if module.bias is None else array(module.bias)
    return convert.conv(
        g, x, array(module.weight), bias, module.stride, module.dilation, pads, out_shape, None, _hint(module)
    )


def _pooling(kind: str):
    def pooling(g: Graph, module, x: Value, out_shape: tuple) -> Value:
        # nabla's average pooling counts the padded zeros, as PyTorch's default does.
        x = g.logical(x, _hint(module))
        pads = list(module.padding) * 2
        return convert.pool(g, x, kind, module.kernel_size, module.stride, pads, True, out_shape, None, _hint(module))

    return pooling


max_pool2d = _pooling("MaxPool")
avg_pool2d = _pooling("AveragePool")


def batch_norm(g: Graph, module, x: Value, out_shape: tuple) -> Value:
    if module.running_mean is None:
        raise ExportError(
            f"cannot export {module!r}: without running statistics (track_running_stats=False) it normalises "
            "each batch by that batch's own statistics, which has no fixed inference form; train it with "
            "track_running_stats=True"
        )
    x = g.axis_at(x, 1, 1, _hint(module))
    weight = None if module.weight is None else array(module.weight)
    bias = None if module.bias is None else array(module.bias)
    mean, var = array(module.running_mean), array(module.running_var)
    return convert.batch_norm(g, x, weight, bias, mean, var, module.eps, _hint(module))


def layer_norm(g: Graph, module, x: Value, out_shape: tuple) -> Value:
    x = g.logical(x, _hint(module))
    shape = module.normalized_shape
    weight = None if module.weight is None else array(module.weight)
    bias = None if module.bias is None else array(module.bias)
    return convert.layer_norm(g, x, len(shape), weight, bias, module.eps, shape, _hint(module))


def embedding(g: Graph, module, x: Value, out_shape: tuple) -> Value:
    """Rows of the table picked by integer indices: Gather on axis 0 (negative indices count from the end)."""
    table = array(module.weight)
    name = g.op("Gather", [g.const(table, "embedding/weight"), x.name], _hint(module), axis=0)
    return Value(name, out_shape, table.dtype)


def flatten(g: Graph, module, x: Value, out_shape: tuple) -> Value:
    """Axes ``start_dim..end_dim`` merged: ONNX's Flatten for the usual (N, rest), a Reshape otherwise."""
    x = g.logical(x, "flatten")
    start, end = module.start_dim % x.ndim, module.end_dim % x.ndim
    if start == 0:
        raise ExportError(f"cannot export {module!r}: it merges the batch axis, which the export keeps symbolic")
    if (start, end) == (1, x.ndim - 1):
        return Value(g.op("Flatten", [x.name], "flatten", axis=1), out_shape, x.dtype)
    shape = g.const(np.array([0, *out_shape[1:]], dtype=np.int64), "flatten/shape")  # 0: keep the batch size
    return Value(g.op("Reshape", [x.name, shape], "flatten"), out_shape, x.dtype)


def _activation(emit, **params):
    """The converter of an activation module: ``emit`` with the module's attributes named by ``params``."""

    def convert_activation(g: Graph, module, x: Value, out_shape: tuple) -> Value:
        return emit(g, x, _hint(module), **{arg: getattr(module, attr) for arg, attr in params.items()})

    return convert_activation


relu = _activation(activations.relu)
sigmoid = _activation(activations.sigmoid)
tanh = _activation(activations.tanh)
silu = _activation(activations.silu)
step = _activation(activations.step)
leaky_relu = _activation(activations.leaky_relu, negative_slope="negative_slope")
elu = _activation(activations.elu, alpha="alpha")
gelu = _activation(activations.gelu, approximate="approximate")
softplus = _activation(activations.softplus, beta="beta", threshold="threshold")
softmax = _activation(activations.softmax, axis="dim")
log_softmax = _activation(activations.log_softmax, axis="dim")
