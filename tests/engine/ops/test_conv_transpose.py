"""The transposed convolution (engine/ops/conv_transpose.py) against ``torch.nn.functional.conv_transpose2d``.

Values and the three gradients over strides, symmetric and asymmetric paddings, output paddings (read
from the cut border, and zeros beyond the natural output), dilations; second derivatives (it is composed
of primitives, so autograd differentiates it to any order); float32 staying float32; bad arguments.
"""

from __future__ import annotations

import numpy as np
import pytest

import nabla as nb
from nabla.engine import ops
from nabla.nn import functional as nF  # noqa: N812

torch = pytest.importorskip("torch")
F = torch.nn.functional

GEOMETRIES = [  # (C, O, kernel, stride, padding, output_padding, dilation)
    (3, 4, (3, 3), 1, 0, 0, 1),
    (2, 5, (3, 2), (2, 3), (1, 0), (1, 2), 1),
    (4, 2, (2, 3), 2, 1, 1, (2, 1)),
    (8, 3, (1, 1), 3, 0, 2, 1),  # stride beyond the kernel: zeros between the scattered pixels
    (1, 6, (4, 4), 2, 1, 0, 1),  # the DCGAN upsampling block
]


def _close(a, b):
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5 * max(1.0, float(np.abs(b).max())))


def _run_both(c, o, kernel, stride, padding, output_padding, dilation, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, c, 5, 4)).astype(np.float32)
    w = rng.standard_normal((c, o, *kernel)).astype(np.float32)
    b = rng.standard_normal(o).astype(np.float32)
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    ref = F.conv_transpose2d(tx, tw, tb, stride, padding, output_padding, 1, dilation)
    g = rng.standard_normal(ref.shape).astype(np.float32)
    (ref * torch.tensor(g)).sum().backward()
    nx, nw, nb_ = (nb.tensor(a, requires_grad=True) for a in (x, w, b))
    out = nF.conv_transpose2d(nx, nw, nb_, stride, padding, output_padding, dilation)
    (out * nb.tensor(g)).sum().backward()
    return (out, nx, nw, nb_), (ref, tx, tw, tb)


@pytest.mark.parametrize("c, o, kernel, stride, padding, output_padding, dilation", GEOMETRIES)
def test_conv_transpose2d_matches_torch(c, o, kernel, stride, padding, output_padding, dilation):
    ours, theirs = _run_both(c, o, kernel, stride, padding, output_padding, dilation)
    assert ours[0].shape == tuple(theirs[0].shape)
    assert ours[0].dtype == ours[1].grad.dtype == ours[2].grad.dtype == nb.float32
    _close(ours[0].detach().numpy(), theirs[0].detach().numpy())
    for mine, ref in zip(ours[1:], theirs[1:]):
        _close(mine.grad.numpy(), ref.grad.numpy())


def test_asymmetric_padding_and_zeros_beyond_the_natural_output():
    """((top, bottom), (left, right)) crops (Keras's "same"); output_padding past the natural size adds zeros."""
    rng = np.random.default_rng(1)
    x, k = rng.standard_normal((1, 3, 4, 2)), rng.standard_normal((3, 3, 2, 2))
    natural = ops.conv_transpose2d_nhwc(x, k, stride=2).numpy()  # (1, 7, 9, 2)
    out = ops.conv_transpose2d_nhwc(x, k, stride=2, padding=((1, 0), (2, 1)), output_padding=(1, 2)).numpy()
    assert natural.shape == (1, 7, 9, 2) and out.shape == (1, 7, 8, 2)
    np.testing.assert_array_equal(out[:, :6, :7], natural[:, 1:, 2:])  # the bottom crop is read back, and more
    np.testing.assert_array_equal(out[:, 6], 0.0)
    np.testing.assert_array_equal(out[:, :, 7], 0.0)


def test_second_derivatives_match_torch():
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal((2, 3, 4, 5)), rng.standard_normal((3, 2, 3, 3))
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    (gx,) = torch.autograd.grad((F.conv_transpose2d(tx, tw, stride=2, padding=1) ** 2).sum(), tx, create_graph=True)
    (gx**2).sum().backward()
    nx, nw = nb.tensor(x, requires_grad=True), nb.tensor(w, requires_grad=True)
    (ngx,) = nb.grad((nF.conv_transpose2d(nx, nw, stride=2, padding=1) ** 2).sum(), nx, create_graph=True)
    (ngx**2).sum().backward()
    _close(ngx.detach().numpy(), gx.detach().numpy())
    _close(nx.grad.numpy(), tx.grad.numpy())
    _close(nw.grad.numpy(), tw.grad.numpy())


def test_gradcheck_in_float64():
    rng = np.random.default_rng(3)
    x, k, b = (nb.tensor(rng.standard_normal(s), requires_grad=True) for s in ((1, 3, 2, 2), (2, 2, 3, 2), (3,)))
    pads = ((0, 1), (0, 0))
    assert nb.gradcheck(lambda x, k, b: ops.conv_transpose2d_nhwc(x, k, b, stride=(2, 1), padding=pads), x, k, b)


def test_bad_arguments_are_refused_with_the_values():
    x, k = np.zeros((1, 3, 3, 2)), np.zeros((2, 2, 4, 2))
    with pytest.raises(ValueError, match=r"input has 3 channels .* kernel of shape \(2, 2, 4, 2\)"):
        ops.conv_transpose2d_nhwc(np.zeros((1, 3, 3, 3)), k)
    with pytest.raises(ValueError, match="must be >= 0"):
        ops.conv_transpose2d_nhwc(x, k, padding=-1)
    with pytest.raises(ValueError, match="leaves nothing of the 4x4 output"):
        ops.conv_transpose2d_nhwc(x, k, padding=2)
    with pytest.raises(ValueError, match=r"bias must have shape \(4,\)"):
        ops.conv_transpose2d_nhwc(x, k, np.zeros(2))
