"""MaxPooling2D and AveragePooling2D against loops over windows and PyTorch.

Each layer runs in float64 on channels-last data; the torch reference permutes the data (and the kernel)
to PyTorch's layouts. Forward values and the gradients of ``sum(out * w)`` for a random ``w`` with respect
to the input and to every weight must agree (see layer_reference.py).
"""

from __future__ import annotations

import inspect
import math
from contextlib import nullcontext

import numpy as np
import pytest
from keras_compare import compare_with_keras
from keras_reference import keras_on_torch
from layer_reference import TOL, check_layer, inputs, nchw, nhwc, tf_same_padding
from reference import torch

from nabla import layers
from nabla.layers import (
    AveragePooling2D,
    MaxPooling2D,
)


def pool_reference(x: np.ndarray, size: int, stride: int, padding: str, reduce) -> np.ndarray:
    """Pooling by loops over windows; "same" windows are cut to the image (padding never counts)."""
    n, height, width, c = x.shape

    def windows(length):
        if padding == "valid":
            return [(i * stride, i * stride + size) for i in range((length - size) // stride + 1)]
        before = tf_same_padding(length, size, stride)[0]
        starts = [i * stride - before for i in range(math.ceil(length / stride))]
        return [(max(s, 0), min(s + size, length)) for s in starts]

    rows = [[reduce(x[:, a:b, c0:c1], axis=(1, 2)) for c0, c1 in windows(width)] for a, b in windows(height)]
    return np.array(rows).transpose(2, 0, 1, 3)


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("size, stride", [(2, None), (3, 1), (3, 2), (2, 1)])
@pytest.mark.parametrize("cls, reduce", [(MaxPooling2D, np.max), (AveragePooling2D, np.mean)])
def test_pooling_matches_window_loops(cls, reduce, size, stride, padding):
    x = inputs(2, 7, 6, 3)
    out = cls(size, strides=stride, padding=padding, dtype="float64")(x)
    expected = pool_reference(x, size, stride or size, padding, reduce)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.numpy(), expected, **TOL)


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_max_pooling_matches_torch(padding):
    th = torch()
    F = th.nn.functional
    layer = MaxPooling2D(3, strides=2, padding=padding, dtype="float64")

    def reference(t, p):
        t = nchw(t)
        if padding == "same":
            top, bottom = tf_same_padding(7, 3, 2)
            left, right = tf_same_padding(6, 3, 2)
            t = F.pad(t, (left, right, top, bottom), value=-math.inf)
        return nhwc(F.max_pool2d(t, 3, 2))

    check_layer(layer, inputs(2, 7, 6, 3), reference)


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_average_pooling_matches_torch(padding):
    """With "same" and symmetric padding, Keras's mean equals torch's ``count_include_pad=False``."""
    th = torch()
    F = th.nn.functional
    layer = AveragePooling2D(3, strides=1, padding=padding, dtype="float64")
    pad = 1 if padding == "same" else 0
    check_layer(
        layer,
        inputs(2, 5, 6, 3),
        lambda t, p: nhwc(F.avg_pool2d(nchw(t), 3, 1, padding=pad, count_include_pad=False)),
    )


def test_average_pooling_same_leaves_padding_out_of_the_mean():
    x = np.arange(9, dtype=np.float64).reshape(1, 3, 3, 1)
    out = AveragePooling2D(2, padding="same", dtype="float64")(x).numpy()[0, :, :, 0]
    np.testing.assert_allclose(out, [[(0 + 1 + 3 + 4) / 4, (2 + 5) / 2], [(6 + 7) / 2, 8.0]])


@pytest.mark.parametrize("name", ["GlobalMaxPooling2D", "GlobalMaxPooling1D"])
def test_global_max_pooling_gradient_matches_keras_on_a_large_batch(name):
    """keras-io's DCGAN discriminator (batch 128 of 7x7x128 maps): the gradient per (sample, channel), 4096
    values and more, reaches the image through the broadcast that the compiled ReLU-gradient loop cannot
    take (it once returned the (batch, 1, 1, C) gradient unbroadcast: a reshape error in backward)."""
    keras = keras_on_torch()
    shape = (64, 3, 3, 64) if name.endswith("2D") else (64, 5, 64)
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    compare_with_keras(getattr(layers, name)(), getattr(keras.layers, name)(), x)


POOLING = [f"{kind}Pooling{d}" for kind in ("Average", "Max", "GlobalAverage", "GlobalMax") for d in ("1D", "2D")]


@pytest.mark.parametrize("name", POOLING + ["AvgPool1D", "AvgPool2D", "MaxPool1D", "MaxPool2D"])
def test_constructor_arguments_and_defaults_are_keras_3s(name):
    """Keras 3's signature (what is required, each default); AveragePooling has no default pool_size there."""
    keras = keras_on_torch()
    ours, theirs = (inspect.signature(getattr(m, name)).parameters for m in (layers, keras.layers))
    for param in theirs.values():
        if param.name in ("name", "kwargs"):  # (nabla takes name= among the Layer's keyword arguments)
            continue
        assert param.name in ours and ours[param.name].default == param.default, (name, param.name)
    with pytest.raises(TypeError, match="pool_size") if "Av" in name and "Global" not in name else nullcontext():
        getattr(layers, name)()
