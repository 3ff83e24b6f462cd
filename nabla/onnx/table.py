"""Which layer class exports how: the one table the exporter dispatches on.

A converter is ``converter(graph, layer, x, out_shape) -> Value`` (see
:mod:`nabla.onnx.graph`). Layers that only act while training (dropout, noise,
augmentation) are the identity at inference and export as nothing. The
containers (``nn.Sequential`` and the Keras-style ``Sequential``) are walked:
their layers export one after the other.

The lookup is by exact class: a subclass may compute something else in its
``call``/``forward``, so it is refused until a converter is registered for it
with :func:`register`.
"""

from __future__ import annotations

from collections.abc import Callable

from nabla import layers, models, nn

from . import keras_layers as k
from . import nn_modules as t
from .graph import Graph, Value


def identity(graph: Graph, layer, x: Value, out_shape: tuple) -> Value:
    """The converter of a layer that is the identity at inference (dropout, noise, augmentation)."""
    return x


#: The containers whose layers are exported one after the other.
CONTAINERS = (nn.Sequential, models.Sequential)

_BUILT_IN: dict[type, Callable] = {
    # Keras-style layers
    layers.Dense: k.dense,
    layers.Activation: k.activation,
    layers.Flatten: k.flatten,
    layers.Conv2D: k.conv2d,
    layers.Conv2DTranspose: k.conv2d_transpose,
    layers.DepthwiseConv2D: k.depthwise_conv2d,
    layers.SeparableConv2D: k.separable_conv2d,
    layers.MaxPooling2D: k.max_pooling2d,
    layers.AveragePooling2D: k.average_pooling2d,
    layers.BatchNormalization: k.batch_normalization,
    layers.LayerNormalization: k.layer_normalization,
    layers.GlobalAveragePooling1D: k.global_average_pooling,
    layers.GlobalAveragePooling2D: k.global_average_pooling,
    layers.GlobalMaxPooling1D: k.global_max_pooling,
    layers.GlobalMaxPooling2D: k.global_max_pooling,
    layers.Reshape: k.reshape,
    layers.Permute: k.permute,
    layers.Add: k.add,
    layers.Subtract: k.subtract,
    layers.Multiply: k.multiply,
    layers.Average: k.average,
    layers.Maximum: k.maximum,
    layers.Minimum: k.minimum,
    layers.Concatenate: k.concatenate,
    layers.Masking: k.masking,
    layers.InputLayer: identity,
    layers.Dropout: identity,
    layers.GaussianNoise: identity,
    layers.GaussianDropout: identity,
    layers.RandomTranslation: identity,
    # (the activation and augmentation layers of TF's tutorials; the others of keras-layers have no ONNX form yet)
    **dict.fromkeys((layers.RandomFlip, layers.RandomRotation, layers.RandomZoom, layers.RandomContrast,
                     layers.RandomBrightness, layers.SpatialDropout1D, layers.SpatialDropout2D, layers.SpatialDropout3D,
                     layers.AlphaDropout, layers.ActivityRegularization, layers.Identity), identity),  # fmt: skip
    layers.LeakyReLU: t.leaky_relu,
    layers.ELU: t.elu,
    # PyTorch-side modules
    nn.Linear: t.linear,
    nn.Conv2d: t.conv2d,
    nn.MaxPool2d: t.max_pool2d,
    nn.AvgPool2d: t.avg_pool2d,
    nn.BatchNorm1d: t.batch_norm,
    nn.BatchNorm2d: t.batch_norm,
    nn.LayerNorm: t.layer_norm,
    nn.Embedding: t.embedding,
    nn.Flatten: t.flatten,
    nn.Identity: identity,
    nn.Dropout: identity,
    nn.ReLU: t.relu,
    nn.Sigmoid: t.sigmoid,
    nn.Tanh: t.tanh,
    nn.SiLU: t.silu,
    nn.Step: t.step,
    nn.LeakyReLU: t.leaky_relu,
    nn.ELU: t.elu,
    nn.GELU: t.gelu,
    nn.Softplus: t.softplus,
    nn.Softmax: t.softmax,
    nn.LogSoftmax: t.log_softmax,
}

_registered: dict[type, Callable] = {}


def register(layer_class: type, converter: Callable) -> None:
    """Export layers of ``layer_class`` (one of your own) with ``converter(graph, layer, x, out_shape) -> Value``.

    For a layer that only acts while training, ``nabla.onnx.register(MyNoise, nabla.onnx.identity)``.
    A converter adds nodes with ``graph.op(op_type, input_names, name_hint, **attributes)`` and
    constants with ``graph.const(array, name_hint)``, and returns the output as
    ``Value(name, out_shape, dtype)``. Registering a class again replaces its converter.
    """
    if not isinstance(layer_class, type) or not callable(converter):
        raise TypeError(f"register: give a layer class and a converter function, got {layer_class!r} and {converter!r}")
    _registered[layer_class] = converter


def converter_for(layer_class: type) -> Callable | None:
    """The converter of layers of exactly ``layer_class`` (yours first), or None if it has no ONNX form."""
    return _registered.get(layer_class) or _BUILT_IN.get(layer_class)


def exportable() -> list[str]:
    """The names of the classes that export, for error messages."""
    return sorted({cls.__name__ for cls in (*_BUILT_IN, *_registered, *CONTAINERS)})
