"""A run is reproducible: the same seed gives the same training, bit for bit."""

from __future__ import annotations

import math

import numpy as np
from autograd_helpers import _grad_mode_restored  # noqa: F401  (a fixture)

import nabla as nb

# --- determinism ----------------------------------------------------------------------------


def _train(seed: int, steps: int = 5, lr: float = 0.1):
    nb.manual_seed(seed)
    params = [nb.randn(3, 8, requires_grad=True), nb.zeros(8, requires_grad=True), nb.randn(8, 2, requires_grad=True)]
    x, y = nb.randn(16, 3), nb.randint(0, 2, (16,))
    losses = []
    for _ in range(steps):
        w1, b1, w2 = params
        loss = nb.cross_entropy((x @ w1 + b1).tanh() @ w2, y)
        for p in params:
            p.grad = None
        loss.backward()
        with nb.no_grad():
            for p in params:
                p -= lr * p.grad
        losses.append(loss.item())
    return losses, [p.detach().numpy().copy() for p in params]


def test_training_is_bit_identical_after_the_same_seed():
    losses1, params1 = _train(7)
    losses2, params2 = _train(7)
    assert losses1 == losses2
    for a, b in zip(params1, params2):
        assert a.dtype == np.float32
        np.testing.assert_array_equal(a, b)
    losses3, _ = _train(8)
    assert losses3 != losses1
    assert losses1[-1] < losses1[0]
    assert all(math.isfinite(v) for v in losses1)
