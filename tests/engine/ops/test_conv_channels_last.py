"""The channels-last convolution (engine/ops/conv.py, kernels in engine/conv_kernels.py) against PyTorch.

``conv2d`` (NCHW) and ``conv2d_nhwc`` (Keras's layout, optional fused ReLU) share one primitive: a GEMM
over the (N*OH*OW, kh*kw*C) patch matrix. Checked here: values and the three gradients against
``torch.nn.functional.conv2d`` over strides, paddings (symmetric, and Keras's "same" with one more
after), dilations, few channels (the transposed patch layout) and many, inputs of either memory
layout, batches taken one block of images at a time (a small ``BLOCK_BYTES`` forces blocks, with an
uneven last one), the input's gradient taken as a convolution where the layer narrows the channels;
second derivatives; float32 staying float32. (A captured step replays them bit for bit:
tests/capture/test_capture_conv_channels_last.py.)
"""

from __future__ import annotations

import numpy as np
import pytest

import nabla as nb
from nabla.engine import ops

torch = pytest.importorskip("torch")
F = torch.nn.functional

GEOMETRIES = [  # (C, O, kernel, stride, padding, dilation)
    (1, 4, (3, 3), (1, 1), (0, 0), (1, 1)),
    (3, 5, (3, 2), (2, 1), (1, 0), (1, 1)),
    (8, 6, (3, 3), (1, 1), (1, 1), (1, 1)),
    (9, 4, (2, 3), (2, 2), (0, 1), (2, 1)),
    (16, 3, (1, 1), (1, 1), (0, 0), (1, 1)),
    (10, 2, (3, 3), (3, 2), (2, 2), (2, 2)),
    # stride 1, at most half as many outputs as inputs: the input's gradient as a convolution of the padded
    # output gradient with the flipped kernel (conv_kernels._input_grad_as_conv)
    (12, 2, (3, 3), (1, 1), (1, 1), (2, 2)),
    (8, 1, (5, 3), (1, 1), (2, 1), (1, 1)),
    (24, 12, (2, 4), (1, 1), (0, 2), (1, 3)),
]


def _data(c, o, kernel, seed=0, n=2, hw=(9, 8)):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c, *hw)).astype(np.float32)
    w = rng.standard_normal((o, c, *kernel)).astype(np.float32)
    b = rng.standard_normal(o).astype(np.float32)
    return x, w, b


def _torch_run(x, w, b, relu=False, **geometry):
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    out = F.conv2d(tx, tw, tb, **geometry)
    out = F.relu(out) if relu else out
    g = torch.tensor(np.random.default_rng(9).standard_normal(out.shape).astype(np.float32))
    (out * g).sum().backward()
    return out.detach().numpy(), tx.grad.numpy(), tw.grad.numpy(), tb.grad.numpy(), g.numpy()


def _close(a, b):
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5 * max(1.0, float(np.abs(b).max())))


@pytest.mark.parametrize("c, o, kernel, stride, padding, dilation", GEOMETRIES)
@pytest.mark.parametrize("channels_last_memory", [False, True])
def test_conv2d_nchw_matches_torch(c, o, kernel, stride, padding, dilation, channels_last_memory):
    x, w, b = _data(c, o, kernel)
    ref_out, ref_gx, ref_gw, ref_gb, g = _torch_run(x, w, b, stride=stride, padding=padding, dilation=dilation)
    if channels_last_memory:  # the same values, laid out as a convolution's output leaves them
        x = np.ascontiguousarray(x.transpose(0, 2, 3, 1)).transpose(0, 3, 1, 2)
    tx, tw, tb = (nb.tensor(a, requires_grad=True) for a in (x, w, b))
    out = nb.conv2d(tx, tw, tb, stride=stride, padding=padding, dilation=dilation)
    (out * nb.tensor(g)).sum().backward()
    assert out.dtype == tx.grad.dtype == tw.grad.dtype == tb.grad.dtype == nb.float32
    _close(out.detach().numpy(), ref_out)
    _close(tx.grad.numpy(), ref_gx)
    _close(tw.grad.numpy(), ref_gw)
    _close(tb.grad.numpy(), ref_gb)


@pytest.mark.parametrize("c, o, kernel, stride, padding, dilation", GEOMETRIES)
@pytest.mark.parametrize("relu", [False, True])
def test_conv2d_nhwc_matches_torch(c, o, kernel, stride, padding, dilation, relu):
    x, w, b = _data(c, o, kernel, seed=1)
    ref = _torch_run(x, w, b, relu=relu, stride=stride, padding=padding, dilation=dilation)
    x_nhwc, kernel_hwio = np.ascontiguousarray(x.transpose(0, 2, 3, 1)), np.ascontiguousarray(w.transpose(2, 3, 1, 0))
    tx, tk, tb = (nb.tensor(a, requires_grad=True) for a in (x_nhwc, kernel_hwio, b))
    out = ops.conv2d_nhwc(tx, tk, tb, stride, padding, dilation, relu=relu)
    assert out.shape == ref[0].transpose(0, 2, 3, 1).shape and out.dtype == nb.float32
    (out * nb.tensor(ref[4].transpose(0, 2, 3, 1))).sum().backward()
    _close(out.detach().numpy(), ref[0].transpose(0, 2, 3, 1))
    _close(tx.grad.numpy(), ref[1].transpose(0, 2, 3, 1))
    _close(tk.grad.numpy(), ref[2].transpose(2, 3, 1, 0))
    _close(tb.grad.numpy(), ref[3])


@pytest.mark.parametrize("c, o, kernel, stride, padding, dilation", [g for g in GEOMETRIES if g[0] >= 8])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_blocked_patch_matrix_matches_torch(monkeypatch, c, o, kernel, stride, padding, dilation, dtype):
    """Batches of 7 images in blocks of 2 (2, 2, 2, 1): the three GEMMs per block give torch's numbers."""
    from nabla.engine import conv_kernels

    x, w, b = _data(c, o, kernel, seed=7, n=7)
    ref = _torch_run(x, w, b, relu=True, stride=stride, padding=padding, dilation=dilation)
    ph, pw = padding
    padded = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    oh, ow = ref[0].shape[2:]
    monkeypatch.setattr(conv_kernels, "BLOCK_BYTES", 2 * oh * ow * np.prod(kernel) * c * np.dtype(dtype).itemsize)
    blocks = conv_kernels._image_blocks(
        padded.transpose(0, 2, 3, 1).shape, (*kernel, c), (oh, ow), np.dtype(dtype).itemsize
    )
    assert len(blocks) == 4
    x_nhwc, kernel_hwio = np.ascontiguousarray(x.transpose(0, 2, 3, 1)), np.ascontiguousarray(w.transpose(2, 3, 1, 0))
    tx, tk, tb = (nb.tensor(a.astype(dtype), requires_grad=True) for a in (x_nhwc, kernel_hwio, b))
    out = ops.conv2d_nhwc(tx, tk, tb, stride, padding, dilation, relu=True)
    (out * nb.tensor(ref[4].transpose(0, 2, 3, 1).astype(dtype))).sum().backward()
    assert out.dtype == tx.grad.dtype == tk.grad.dtype == nb.tensor(np.zeros(1, dtype)).dtype
    _close(out.detach().numpy(), ref[0].transpose(0, 2, 3, 1))
    _close(tx.grad.numpy(), ref[1].transpose(0, 2, 3, 1))
    _close(tk.grad.numpy(), ref[2].transpose(2, 3, 1, 0))
    _close(tb.grad.numpy(), ref[3])


def test_conv2d_nhwc_asymmetric_padding_is_keras_same():
    """Keras's "same" with an even kernel pads one more after: ((0, 1), (0, 1)) for 2x2, stride 1."""
    x, w, b = _data(3, 4, (2, 2), seed=2, hw=(5, 6))
    ref = F.conv2d(F.pad(torch.tensor(x), (0, 1, 0, 1)), torch.tensor(w), torch.tensor(b)).numpy()
    out = ops.conv2d_nhwc(x.transpose(0, 2, 3, 1), w.transpose(2, 3, 1, 0), b, padding=((0, 1), (0, 1)))
    assert out.shape == (2, 5, 6, 4)
    _close(out.numpy(), ref.transpose(0, 2, 3, 1))


def test_conv2d_nhwc_without_bias_and_with_a_frozen_input():
    x, w, _ = _data(8, 3, (3, 3), seed=3)
    ref_out = F.conv2d(torch.tensor(x), torch.tensor(w)).numpy()
    tk = nb.tensor(w.transpose(2, 3, 1, 0), requires_grad=True)
    out = ops.conv2d_nhwc(x.transpose(0, 2, 3, 1), tk)
    out.sum().backward()
    _close(out.detach().numpy(), ref_out.transpose(0, 2, 3, 1))
    tw = torch.tensor(w, requires_grad=True)
    F.conv2d(torch.tensor(x), tw).sum().backward()
    _close(tk.grad.numpy(), tw.grad.numpy().transpose(2, 3, 1, 0))


@pytest.mark.parametrize("relu", [False, True])
def test_second_derivatives_match_torch(relu):
    """create_graph=True: the gradient rule runs on Tensors (patches/unpatches are each other's adjoints)."""
    x, w, b = _data(8, 3, (3, 3), seed=4, hw=(6, 5))
    x = x + 0.5  # pre-activations away from ReLU's kink
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    out = F.conv2d(tx, tw, torch.tensor(b), padding=1)
    out = F.relu(out) if relu else out
    (gx,) = torch.autograd.grad((out**2).sum(), tx, create_graph=True)
    (gx**2).sum().backward()

    nx = nb.tensor(x.transpose(0, 2, 3, 1), requires_grad=True)
    nk = nb.tensor(w.transpose(2, 3, 1, 0), requires_grad=True)
    nout = ops.conv2d_nhwc(nx, nk, b, padding=1, relu=relu)
    (ngx,) = nb.grad((nout**2).sum(), nx, create_graph=True)
    (ngx**2).sum().backward()
    _close(ngx.detach().numpy(), gx.detach().numpy().transpose(0, 2, 3, 1))
    _close(nx.grad.numpy(), tx.grad.numpy().transpose(0, 2, 3, 1))
    _close(nk.grad.numpy(), tw.grad.numpy().transpose(2, 3, 1, 0))


@pytest.mark.parametrize("c", [2, 8])
def test_patches_and_unpatches_are_adjoint(c):
    """<patches(x), p> == <x, unpatches(p)>, for both layouts of the patch matrix."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 7, 6, c))
    p_shape = ops.patches(x, (3, 2), stride=(2, 1), dilation=(1, 2)).shape
    p = rng.standard_normal(p_shape)
    left = (ops.patches(x, (3, 2), (2, 1), (1, 2)).numpy() * p).sum()
    right = (x * ops.unpatches(p, x.shape, (3, 2), (2, 1), (1, 2)).numpy()).sum()
    assert np.isclose(left, right, rtol=1e-12)


def test_float64_stays_float64():
    x, w, b = (a.astype(np.float64) for a in _data(8, 3, (3, 3), seed=6))
    out = ops.conv2d_nhwc(nb.tensor(x.transpose(0, 2, 3, 1)), w.transpose(2, 3, 1, 0), b, relu=True)
    assert out.dtype == nb.float64


def test_conv2d_nhwc_rejects_wrong_inputs():
    with pytest.raises(ValueError, match="channels"):
        ops.conv2d_nhwc(np.zeros((1, 5, 5, 3), np.float32), np.zeros((3, 3, 2, 4), np.float32))
    with pytest.raises(ValueError, match=r"\(N, H, W, C\)"):
        ops.conv2d_nhwc(np.zeros((5, 5, 3), np.float32), np.zeros((3, 3, 3, 4), np.float32))
    with pytest.raises(ValueError, match="too small"):
        ops.conv2d_nhwc(np.zeros((1, 2, 2, 3), np.float32), np.zeros((3, 3, 3, 4), np.float32))
