"""max_pool2d against PyTorch on the inputs the channels-last convolution hands it.

The pooling kernels (engine/pool_kernels.py) read and write in the input's memory order, so a
convolution's channels-last output is pooled without a copy; a tiling pool (stride = kernel) zeroes
only the strip its windows leave out. Checked: values and gradients on both memory layouts, sizes
that are and are not multiples of the stride, and ties (ReLU's zeros: the first maximum takes it all).
"""

from __future__ import annotations

import numpy as np
import pytest

import nabla as nb

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("hw", [(6, 8), (7, 9), (11, 11)])
@pytest.mark.parametrize("kernel, stride", [(2, None), (3, 3), ((2, 3), (2, 3)), (3, 2)])
@pytest.mark.parametrize("channels_last_memory", [False, True])
def test_max_pool2d_matches_torch(hw, kernel, stride, channels_last_memory):
    rng = np.random.default_rng(0)
    x = np.maximum(rng.standard_normal((2, 5, *hw)).astype(np.float32), 0)  # many ties at 0
    g = rng.standard_normal(torch.nn.functional.max_pool2d(torch.tensor(x), kernel, stride).shape).astype(np.float32)
    tx = torch.tensor(x, requires_grad=True)
    ref = torch.nn.functional.max_pool2d(tx, kernel, stride)
    (ref * torch.tensor(g)).sum().backward()
    if channels_last_memory:
        x = np.ascontiguousarray(x.transpose(0, 2, 3, 1)).transpose(0, 3, 1, 2)
    nx = nb.tensor(x, requires_grad=True)
    out = nb.max_pool2d(nx, kernel, stride)
    (out * nb.tensor(g)).sum().backward()
    assert out.dtype == nx.grad.dtype == nb.float32
    np.testing.assert_array_equal(out.detach().numpy(), ref.detach().numpy())
    # (overlapping windows add their gradients in another order than PyTorch: equal to rounding)
    np.testing.assert_allclose(nx.grad.numpy(), tx.grad.numpy(), rtol=1e-6, atol=1e-6)
