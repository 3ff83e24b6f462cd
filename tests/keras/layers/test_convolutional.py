"""Conv2D against PyTorch and by hand.

Each layer runs in float64 on channels-last data; the torch reference permutes the data (and the kernel)
to PyTorch's layouts. Forward values and the gradients of ``sum(out * w)`` for a random ``w`` with respect
to the input and to every weight must agree (see layer_reference.py).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from layer_reference import check_layer, inputs, nchw, nhwc, tf_same_padding
from reference import torch

from nabla.layers import (
    Conv2D,
    MaxPooling2D,
)


@pytest.mark.parametrize(
    "kernel, strides, padding, dilation",
    [
        (3, 1, "valid", 1),
        (3, 2, "valid", 1),
        ((2, 3), (2, 1), "valid", 1),
        (3, 1, "valid", 2),
        (3, 1, "same", 1),
        (2, 1, "same", 1),  # even kernel: the extra pixel of padding goes after
        (3, 2, "same", 1),
        ((2, 3), (3, 2), "same", 1),
        (3, 1, "same", 2),
    ],
)
def test_conv2d_matches_torch(kernel, strides, padding, dilation):
    th = torch()
    F = th.nn.functional
    x = inputs(2, 7, 6, 3)
    layer = Conv2D(4, kernel, strides=strides, padding=padding, dilation_rate=dilation, dtype="float64")
    kh, kw = (kernel, kernel) if isinstance(kernel, int) else kernel
    sh, sw = (strides, strides) if isinstance(strides, int) else strides

    def reference(t, p):
        t = nchw(t)
        if padding == "same":
            top, bottom = tf_same_padding(7, kh, sh, dilation)
            left, right = tf_same_padding(6, kw, sw, dilation)
            t = F.pad(t, (left, right, top, bottom))
        weight = p["kernel"].permute(3, 2, 0, 1)  # (kh, kw, in, out) -> (out, in, kh, kw)
        return nhwc(F.conv2d(t, weight, p["bias"], stride=(sh, sw), dilation=dilation))

    out = check_layer(layer, x, reference)
    assert layer.kernel.shape == (kh, kw, 3, 4)
    if padding == "same":
        assert out.shape[1:3] == (math.ceil(7 / sh), math.ceil(6 / sw))


def test_conv2d_same_padding_by_hand():
    """A 2x2 kernel of ones on a 3x3 image, "same": the padding row and column come after the image."""
    layer = Conv2D(1, 2, padding="same", kernel_initializer="ones", dtype="float64")
    x = np.arange(9, dtype=np.float64).reshape(1, 3, 3, 1)
    expected = np.array([[8, 12, 7], [20, 24, 13], [13, 15, 8]], dtype=np.float64)
    np.testing.assert_array_equal(layer(x).detach().numpy()[0, :, :, 0], expected)


def test_conv2d_rejects_wrong_inputs():
    with pytest.raises(ValueError, match="padding must be 'valid' or 'same'"):
        Conv2D(2, 3, padding="full")
    with pytest.raises(ValueError, match="filters must be a positive integer, got 0"):
        Conv2D(0, 3)
    with pytest.raises(ValueError, match=r"strides must be a positive int or a pair of them, got \(2, 0\)"):
        Conv2D(2, 3, strides=(2, 0))
    with pytest.raises(ValueError, match="pool_size must be a positive int or a pair of them, got 0"):
        MaxPooling2D(0)
    layer = Conv2D(2, 3)
    with pytest.raises(ValueError, match=r"needs \(batch, height, width, channels\)"):
        layer(np.ones((2, 5, 5), dtype=np.float32))
    layer(np.ones((1, 5, 5, 3), dtype=np.float32))
    with pytest.raises(ValueError, match=r"expects \(batch, H, W, 3\)"):
        layer(np.ones((1, 5, 5, 4), dtype=np.float32))
