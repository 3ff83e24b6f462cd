"""nb.capture replays the channels-last convolution (fused ReLU, pooling on NHWC memory) bit for bit."""

from __future__ import annotations

import numpy as np
from capture_helpers import _assert_twins, _train_step, _twins

import nabla as nb
from nabla import nn
from nabla.engine import ops


def test_captured_channels_last_cnn_is_bit_identical():
    """A Keras-layout CNN (NHWC convolutions with fused ReLU, pooling on NHWC memory) under nb.capture."""
    rng = np.random.default_rng(7)
    xs = [rng.standard_normal((4, 9, 9, 2)).astype(np.float32) for _ in range(3)]
    ys = [rng.integers(0, 3, 4) for _ in range(3)]

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.k1 = nn.Parameter(nb.randn(3, 3, 2, 8) * 0.3)
            self.b1 = nn.Parameter(nb.zeros(8))
            self.k2 = nn.Parameter(nb.randn(3, 3, 8, 9) * 0.2)
            self.head = nn.Linear(9, 3)  # 9x9 -> pool -> 4x4 -> 3x3 conv, stride 2 -> 1x1

        def forward(self, x):
            h = ops.conv2d_nhwc(x, self.k1, self.b1, padding=((1, 1), (1, 1)), relu=True)
            h = nb.max_pool2d(h.permute(0, 3, 1, 2), 2)  # (4, 8, 4, 4) on channels-last memory
            h = ops.conv2d_nhwc(h.permute(0, 2, 3, 1), self.k2, stride=2, dilation=1)
            return self.head(nb.relu(h).reshape(4, -1))

    def build():
        model = Net()
        return model, nb.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

    _assert_twins(_twins(build, _train_step(nb.cross_entropy), xs, ys))
