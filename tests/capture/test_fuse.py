"""nb.capture(fuse=True): training steps with each optimizer, the wrapper's effects, and the fallbacks.

The reference is the plain replay (nb.capture without fuse), itself bit for bit
eager mode: the fused kernel agrees to 1e-6 (sums in index order, the C
library's exp/tanh/log) and keeps the dtype.
"""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest
from capture_helpers import _train_step
from conftest import require

import nabla as nb
from nabla import nn
from nabla.capture import fuse

TOL = {"rtol": 1e-6, "atol": 1e-6}
OPTIMIZERS = {
    "sgd": lambda ps: nb.optim.SGD(ps, lr=0.1),
    "sgd nesterov, weight decay": lambda ps: nb.optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
    "sgd dampening, maximize": lambda ps: nb.optim.SGD(ps, lr=0.05, momentum=0.8, dampening=0.1, maximize=True),
    "adam": lambda ps: nb.optim.Adam(ps, lr=0.01),
    "adam L2, maximize": lambda ps: nb.optim.Adam(ps, lr=0.01, weight_decay=0.01, maximize=True),
    "adamw amsgrad": lambda ps: nb.optim.AdamW(ps, lr=0.01, weight_decay=0.1, amsgrad=True),
}


def _batches(n=4, batch=8, dtype=np.float32):
    rng = np.random.default_rng(5)
    xs = [rng.standard_normal((batch, 3)).astype(dtype) for _ in range(n)]
    ys = [rng.integers(0, 4, batch) for _ in range(n)]
    return xs, ys


def _run(fuse_: bool, optimizer: str = "sgd", dtype=np.float32, loss=nb.cross_entropy, setup=None):
    """A 3-8-4 tanh MLP trained on four batches under nb.capture(fuse=...): (losses, model, opt, step)."""
    nb.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 4)).to(dtype)
    opt = OPTIMIZERS[optimizer](model.parameters())
    step = nb.capture(_train_step(loss)(model, opt), fuse=fuse_)

    losses = []
    for i, (x, y) in enumerate(zip(*_batches(dtype=dtype))):
        if setup is not None:
            setup(i, opt)
        losses.append(step(nb.from_numpy(x), nb.from_numpy(y)).detach().numpy().copy())
    return losses, model, opt, step


def _close(fused, plain):
    (l1, m1, o1, _), (l2, m2, o2, step) = plain, fused
    np.testing.assert_allclose(l2, l1, **TOL)
    assert o2._step_calls == o1._step_calls  # (the schedulers read it)
    for p, q in zip(m1.parameters(), m2.parameters()):
        assert q.dtype == p.dtype and q.grad.dtype == p.grad.dtype
        np.testing.assert_allclose(q.detach().numpy(), p.detach().numpy(), **TOL)
        np.testing.assert_allclose(q.grad.numpy(), p.grad.numpy(), **TOL)
        s1, s2 = o1.state.get(p, {}), o2.state.get(q, {})
        assert s1.keys() == s2.keys()
        for key in s1:
            np.testing.assert_allclose(s2[key], s1[key], **TOL, err_msg=key)  # moments, buffers, step counts
    return step


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_a_training_step_matches_the_plain_replay(optimizer):
    require("numba")
    step = _close(_run(True, optimizer), _run(False, optimizer))
    assert step.fused.startswith("fused kernel (compiled by Numba in"), step.fused
    assert "def kernel(" in step.code and "fuse=True: fused kernel" in repr(step)


def test_float64_stays_float64():
    require("numba")
    step = _close(_run(True, "adam", np.float64), _run(False, "adam", np.float64))
    assert step.fused.startswith("fused kernel")


def test_the_learning_rate_is_read_at_every_call_and_a_changed_setting_runs_plain():
    require("numba")

    def setup(i, opt):  # a scheduler's lr at every call; then momentum, which the kernel bakes in
        opt.param_groups[0]["lr"] = 0.05 / (i + 1)
        if i == 3:
            opt.param_groups[0]["momentum"] = 0.5

    optimizer = "sgd nesterov, weight decay"
    _close(_run(True, optimizer, setup=setup), _run(False, optimizer, setup=setup))


def _xor(fuse_: bool):
    """Five steps of a 2-5-1 sigmoid network on XOR, BCE + MSE, Module.zero_grad, SGD with momentum."""
    nb.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 5), nn.ReLU(), nn.Linear(5, 1), nn.Sigmoid())
    opt = nb.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)

    @nb.capture(fuse=fuse_)
    def step(x, y):
        model.zero_grad()
        p = model(x)
        loss = nb.binary_cross_entropy(p, y) + 0.5 * nb.mse_loss(p, y)
        loss.backward()
        opt.step()
        with nb.no_grad():
            return loss, loss * 2.0  # a value computed after backward, returned too

    x = nb.from_numpy(np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32))
    y = nb.from_numpy(np.array([[0], [1], [1], [0]], np.float32))
    losses = [[t.detach().numpy().copy() for t in step(x, y)] for _ in range(5)]
    return losses, model, opt, step


def test_binary_cross_entropy_and_mse_with_a_module_zero_grad():
    require("numba")
    step = _close(_xor(True), _xor(False))
    assert step.fused.startswith("fused kernel")


def test_returned_values_are_fresh_arrays_and_grads_are_owned_views():
    require("numba")
    losses, model, _, step = _run(True)
    assert len({id(loss) for loss in losses}) == len(losses) and len({float(v) for v in losses}) == len(losses)
    grads = [p.grad for p in model.parameters()]
    x, y = _batches()[0][0], _batches()[1][0]
    step(nb.from_numpy(x), nb.from_numpy(y))
    assert [p.grad for p in model.parameters()] == grads  # the same tensors: the workspace, rewritten in place


def test_a_failed_check_raises_the_engines_error_and_changes_nothing():
    require("numba")
    model = nn.Linear(2, 1)
    opt = nb.optim.SGD(model.parameters(), lr=0.1)

    @nb.capture(fuse=True)
    def step(x, y, scale):
        opt.zero_grad()
        loss = nb.binary_cross_entropy(nb.sigmoid(model(x)) * scale, y)
        loss.backward()
        opt.step()
        return loss

    x, y = nb.from_numpy(np.ones((3, 2), np.float32)), nb.from_numpy(np.ones((3, 1), np.float32))
    for _ in range(2):
        step(x, y, nb.tensor(1.0))
    assert step.fused.startswith("fused kernel")
    before = [p.detach().numpy().copy() for p in model.parameters()]
    with pytest.raises(ValueError, match="probabilities in \\[0, 1\\]"):
        step(x, y, nb.tensor(3.0))  # sigmoid * 3 > 1
    for p, q in zip(before, model.parameters()):
        np.testing.assert_array_equal(q.detach().numpy(), p)


def test_cross_entropy_targets_out_of_range_raise():
    require("numba")
    _, _, _, step = _run(True)
    with pytest.raises(ValueError, match="out of range"):
        step(nb.from_numpy(_batches()[0][0]), nb.from_numpy(np.full(8, 7)))


def test_accumulating_gradients_across_calls_is_left_to_the_plain_replay():
    require("numba")
    model = nn.Linear(2, 1)
    opt = nb.optim.SGD(model.parameters(), lr=0.1)

    @nb.capture(fuse=True)
    def step(x):
        nb.sum(model(x)).backward()  # no zero_grad: .grad sums over calls
        opt.step()

    step(nb.from_numpy(np.ones((3, 2), np.float32)))
    assert "zero_grad" in step.fused and step.fused.startswith("plain replay")


def test_without_numba_the_step_warns_once_and_runs_the_plain_replay(monkeypatch):
    monkeypatch.setattr(fuse._numba, "njit", None)
    monkeypatch.setattr(fuse._numba, "warned", False)
    monkeypatch.setitem(sys.modules, "numba", None)  # import numba raises ImportError
    with pytest.warns(RuntimeWarning, match="Numba is not installed"):
        fused = _run(True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _run(True)  # once
    plain = _run(False)
    assert "Numba is not installed" in fused[3].fused and "nabla[fast]" in repr(fused[3])
    for a, b in zip(fused[0], plain[0]):
        np.testing.assert_array_equal(a, b)  # the plain replay: bit for bit


def test_fuse_must_be_a_bool():
    with pytest.raises(TypeError, match="fuse must be True or False"):
        nb.capture(lambda: None, fuse="yes")
