"""nb.capture(fuse=True), the parity sweep: every operation the fused kernel compiles, against the plain replay.

Each operation gets its own parameters, so that each parameter's gradient
checks one gradient rule; a fixed random weighting of each output makes the
gradients reaching it differ per element. The reference is the plain replay
(nb.capture without fuse), itself bit for bit eager mode (test_capture_parity):
the fused kernel agrees to 1e-6, not bit for bit (sums in index order, the C
library's exp/tanh/log), and float32 stays float32.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require

import nabla as nb
from nabla.engine.ops.linalg import dense

TOL = {"rtol": 1e-6, "atol": 1e-6}


def _sweep(rng):
    """(name, parameters, a function of (x, y, labels, parameters) returning the op's output)."""

    def param(*shape, low=-1.0, high=1.0):
        return nb.nn.Parameter(nb.from_numpy(rng.uniform(low, high, shape).astype(np.float32)))

    a = lambda: param(4, 3)  # noqa: E731
    return [
        ("add broadcast", [a(), param(3)], lambda x, y, t, p: p[0] + p[1]),
        ("sub broadcast", [a(), param(4, 1)], lambda x, y, t, p: p[0] - p[1]),
        ("mul", [a(), a()], lambda x, y, t, p: p[0] * p[1]),
        ("div", [a(), param(4, 3, low=1.0, high=2.0)], lambda x, y, t, p: p[0] / p[1]),
        ("python numbers", [a()], lambda x, y, t, p: (p[0] * 2.5 + 1.0) - 0.5),
        ("neg", [a()], lambda x, y, t, p: -p[0]),
        ("exp", [a()], lambda x, y, t, p: nb.exp(p[0])),
        ("square", [a()], lambda x, y, t, p: nb.square(p[0])),
        ("relu", [a()], lambda x, y, t, p: nb.relu(p[0])),
        ("leaky_relu", [a()], lambda x, y, t, p: nb.leaky_relu(p[0], 0.2)),
        ("tanh", [a()], lambda x, y, t, p: nb.tanh(p[0])),
        ("sigmoid", [param(4, 3, low=-30, high=30)], lambda x, y, t, p: nb.sigmoid(p[0])),
        ("sum", [a()], lambda x, y, t, p: nb.sum(p[0])),
        ("mean", [a()], lambda x, y, t, p: nb.mean(p[0])),
        ("linear", [param(3, 2), param(3)], lambda x, y, t, p: nb.linear(x, p[0], p[1])),
        ("linear without bias", [param(5, 2)], lambda x, y, t, p: nb.linear(x, p[0])),
        ("dense (Keras layout)", [param(2, 3), param(3)], lambda x, y, t, p: dense(x, p[0], p[1])),
        ("binary_cross_entropy", [param(4, 1)], lambda x, y, t, p: nb.binary_cross_entropy(nb.sigmoid(p[0]), y)),
        (
            "binary_cross_entropy_with_logits",
            [param(4, 1, low=-5, high=5)],
            lambda x, y, t, p: nb.binary_cross_entropy_with_logits(p[0], y, reduction="sum"),
        ),
        ("cross_entropy", [param(4, 3, low=-3, high=3)], lambda x, y, t, p: nb.cross_entropy(p[0], t)),
        ("mse_loss", [a()], lambda x, y, t, p: nb.mse_loss(p[0], nb.zeros(4, 3))),
    ]


def _train(fuse: bool, steps: int = 3):
    """SGD steps of the sweep under nb.capture(fuse=...): (the step, each step's per-op outputs, the parameters
    and their gradients after the last step, the sweep)."""
    rng = np.random.default_rng(7)
    sweep = _sweep(rng)
    x = nb.from_numpy(rng.standard_normal((4, 2)).astype(np.float32))
    y = nb.from_numpy((rng.random((4, 1)) > 0.5).astype(np.float32))
    t = nb.from_numpy(np.array([0, 2, 1, 2]))
    with nb.no_grad():  # each output's weighting: a constant read by reference
        weights = [nb.from_numpy(rng.standard_normal(fn(x, y, t, ps).shape).astype(np.float32)) for _, ps, fn in sweep]
    params = [p for _, ps, _ in sweep for p in ps]
    opt = nb.optim.SGD(params, lr=0.1)

    @nb.capture(fuse=fuse)
    def step(x, y, t):
        opt.zero_grad()
        outs = [nb.sum(fn(x, y, t, ps) * w) for (_, ps, fn), w in zip(sweep, weights)]
        total = outs[0]
        for o in outs[1:]:
            total = total + o
        total.backward()
        opt.step()
        return tuple(outs)

    history = [[o.detach().numpy().copy() for o in step(x, y, t)] for _ in range(steps)]
    return step, history, [p.detach().numpy().copy() for p in params], [p.grad.numpy().copy() for p in params], sweep


def test_every_supported_operation_matches_the_plain_replay():
    require("numba")
    plain, fused = _train(False), _train(True)
    step = fused[0]
    assert step.fused.startswith("fused kernel"), step.fused
    names = [name for name, *_ in fused[4]]
    for k, (a, b) in enumerate(zip(plain[1], fused[1])):
        for name, p, q in zip(names, a, b, strict=True):
            assert q.dtype == np.float32
            np.testing.assert_allclose(q, p, **TOL, err_msg=f"{name}, output at step {k}")
    owners = [name for name, ps, _ in fused[4] for _ in ps]
    for name, p, q in zip(owners, plain[2], fused[2], strict=True):
        assert q.dtype == np.float32
        np.testing.assert_allclose(q, p, **TOL, err_msg=f"{name}: parameters after the updates")
    for name, p, q in zip(owners, plain[3], fused[3], strict=True):
        assert q.dtype == np.float32
        np.testing.assert_allclose(q, p, **TOL, err_msg=f"{name}: gradient")


def _one_weight_run(op, fuse: bool):
    """Three SGD steps of ``sum(op(w) * w)`` under nb.capture(fuse=...): (losses, final w, the step)."""
    w = nb.nn.Parameter(nb.from_numpy(np.linspace(-1, 1, 12, dtype=np.float32).reshape(4, 3)))
    opt = nb.optim.SGD([w], lr=0.1)
    nb.manual_seed(0)

    @nb.capture(fuse=fuse)
    def step():
        opt.zero_grad()
        loss = nb.sum(op(w) * w)
        loss.backward()
        opt.step()
        return loss

    return [step().detach().numpy() for _ in range(3)], w.detach().numpy().copy(), step


@pytest.mark.parametrize("name", ["softmax", "dropout"])
def test_an_unsupported_operation_falls_back_to_the_plain_replay(name):
    require("numba")
    op = (lambda v: nb.softmax(v, axis=1)) if name == "softmax" else nb.nn.Dropout(0.5)
    plain_losses, plain_w, _ = _one_weight_run(op, False)
    losses, w, step = _one_weight_run(op, True)
    assert step.fused.startswith("plain replay:") and ("'softmax'" in step.fused or "random" in step.fused)
    assert "plain replay" in repr(step)
    np.testing.assert_array_equal(losses, plain_losses)  # the plain replay itself: bit for bit
    np.testing.assert_array_equal(w, plain_w)
