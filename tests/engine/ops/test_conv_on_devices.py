"""Convolution and pooling against PyTorch on array-api-strict's devices (values and gradients).

The kernels written on the standard (nabla/engine/standard.py: windows stacked from strided slices,
their adjoint, the running maximum and its first-largest gradient) against torch, as the op parity
suite checks NumPy's; device1 refuses np.asarray, so a silent conversion to NumPy fails.
"""

from __future__ import annotations

import numpy as np
import pytest
import reference
from conftest import OTHER_DEVICES
from reference import compare, torch

import nabla as nb

DEVICES = OTHER_DEVICES


@pytest.fixture(params=DEVICES, autouse=True)
def device(request):
    with reference.on_device(request.param):
        yield request.param


CONV = [{}, {"stride": 2}, {"padding": 1}, {"dilation": 2}, {"stride": (2, 1), "padding": (1, 2), "dilation": (1, 2)}]


@pytest.mark.parametrize("kwargs", CONV, ids=str)
def test_conv2d(kwargs):
    F = torch().nn.functional
    compare(
        lambda x, w, b: nb.conv2d(x, w, b, **kwargs),
        torch_fn=lambda x, w, b: F.conv2d(x, w, b, **kwargs),
        shapes=[(2, 3, 7, 8), (4, 3, 3, 3), (4,)],
        dtype=np.float32,
    )


POOL = [{"kernel_size": 2}, {"kernel_size": 3, "stride": 2}, {"kernel_size": (2, 3), "stride": (1, 2), "padding": 1}]


@pytest.mark.parametrize("kwargs", POOL, ids=str)
@pytest.mark.parametrize("name", ["max_pool2d", "avg_pool2d"])
def test_pooling(name, kwargs):
    F = torch().nn.functional
    compare(
        lambda x: getattr(nb.nn.functional, name)(x, **kwargs),
        torch_fn=lambda x: getattr(F, name)(x, **kwargs),
        shapes=[(2, 3, 7, 8)],
        dtype=np.float32,
    )


def test_max_pool_ties_go_to_the_first_largest_element():
    F = torch().nn.functional
    x = np.maximum(np.random.default_rng(0).integers(-2, 2, (2, 3, 7, 8)), 0).astype(np.float32)
    compare(
        lambda t: nb.nn.functional.max_pool2d(t, 3, stride=1),
        torch_fn=lambda t: F.max_pool2d(t, 3, stride=1),
        inputs=[x],
        dtype=np.float32,
    )


@pytest.mark.parametrize("name", ["conv2d", "max_pool2d"])
def test_double_backward_stays_on_the_device(name):
    """create_graph=True through a convolution and a max-pooling: the gradient of the input gradient's squared
    norm with respect to the weights, against PyTorch, computed on the device."""
    th = torch()
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=(2, 3, 6, 6)).astype(np.float32), rng.normal(size=(4, 3, 3, 3)).astype(np.float32)

    def run(lib, x, w):
        conv, pool = (nb.conv2d, nb.nn.functional.max_pool2d) if lib is nb else (th.conv2d, th.nn.functional.max_pool2d)
        y = conv(x, w) if name == "conv2d" else pool(x, 2) * w.sum()
        (gx,) = (nb.grad if lib is nb else th.autograd.grad)((y * y).sum(), [x], create_graph=True)
        (gw,) = (nb.grad if lib is nb else th.autograd.grad)((gx * gx).sum(), [w])
        return gw

    dev = reference.DEVICE["name"]
    ours = run(nb, nb.tensor(x, requires_grad=True, device=dev), nb.tensor(w, requires_grad=True, device=dev))
    theirs = run(th, th.tensor(x, requires_grad=True), th.tensor(w, requires_grad=True))
    assert ours.device == nb.tensor(0.0, device=dev).device
    np.testing.assert_allclose(ours.cpu().numpy(), theirs.detach().cpu().numpy(), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("pool", [2, 3])
def test_relu_convolution_then_pooling_channels_last(pool):
    # ops.max_pool2d_nhwc after conv2d_nhwc(relu=True): one node whose gradient runs on the standard's kernels
    from nabla.engine import ops

    F = torch().nn.functional
    compare(
        lambda x, w, b: ops.max_pool2d_nhwc(
            ops.conv2d_nhwc(x.permute(0, 2, 3, 1), w.permute(2, 3, 1, 0), b, padding=1, relu=True), pool
        ).permute(0, 3, 1, 2),
        torch_fn=lambda x, w, b: F.max_pool2d(F.relu(F.conv2d(x, w, b, padding=1)), pool),
        shapes=[(2, 3, 7, 8), (4, 3, 3, 3), (4,)],
        dtype=np.float32,
    )
