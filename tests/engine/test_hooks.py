"""Gradient hooks (register_hook), against PyTorch."""

from __future__ import annotations

import pytest
from autograd_helpers import (
    _grad_mode_restored,  # noqa: F401  (a fixture)
    close,
    pair,
    rand,
)
from reference import torch

import nabla as nb

# --- hooks -----------------------------------------------------------------------------------


def test_hook_on_a_leaf_sees_the_summed_gradient_once():
    (x, tx) = pair(rand(3))[0]
    seen, tseen = [], []
    x.register_hook(lambda g: seen.append(g.detach().numpy().copy()))
    tx.register_hook(lambda g: tseen.append(g.detach().numpy().copy()))
    (x * 2 + x.exp()).sum().backward()
    (tx * 2 + tx.exp()).sum().backward()
    assert len(seen) == len(tseen) == 1
    close(seen[0], tseen[0])


def test_hook_on_a_non_leaf_sees_its_gradient():
    (x, tx) = pair(rand(3))[0]
    h, th_ = x.sin(), tx.sin()
    seen, tseen = [], []
    h.register_hook(lambda g: seen.append(g.numpy().copy()))
    th_.register_hook(lambda g: tseen.append(g.numpy().copy()))
    (h * h + h).sum().backward()
    (th_ * th_ + th_).sum().backward()
    assert len(seen) == len(tseen) == 1
    close(seen[0], tseen[0])


def test_hooks_can_replace_the_gradient_in_order():
    (x, tx) = pair(rand(3))[0]
    h, th_ = x * 3, tx * 3
    for t in (x, h, tx, th_):
        t.register_hook(lambda g: g + 1)
        t.register_hook(lambda g: g * 2)
    h.retain_grad()
    th_.retain_grad()
    (h.exp()).sum().backward()
    (th_.exp()).sum().backward()
    close(h.grad, th_.grad)  # retain_grad sees the hooked gradient
    close(x.grad, tx.grad)


def test_hook_returning_none_keeps_the_gradient():
    x = nb.ones(2, requires_grad=True)
    x.register_hook(lambda g: None)
    (x * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_removed_hook_is_not_called():
    x = nb.ones(2, requires_grad=True)
    h = x * 1
    calls = []
    hx = x.register_hook(lambda g: calls.append("x") or g * 10)
    hh = h.register_hook(lambda g: calls.append("h") or g * 10)
    (h * 2).sum().backward(retain_graph=True)
    assert x.grad.tolist() == [200.0, 200.0] and calls == ["h", "x"]
    hx.remove()
    hh.remove()
    hh.remove()  # removing twice is harmless
    x.grad = None
    (h * 2).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0] and calls == ["h", "x"]


def test_hooks_run_in_nb_grad_like_torch():
    th = torch()
    (x, tx) = pair(rand(3))[0]
    x.register_hook(lambda g: g * 10)
    tx.register_hook(lambda g: g * 10)
    h, th_ = x * 2, tx * 2
    h.register_hook(lambda g: g - 1)
    th_.register_hook(lambda g: g - 1)
    close(nb.grad((h * h).sum(), x)[0], th.autograd.grad((th_ * th_).sum(), tx)[0])
    h, th_ = x * 2, tx * 2
    h.register_hook(lambda g: g - 1)
    th_.register_hook(lambda g: g - 1)
    close(nb.grad((h * h).sum(), h)[0], th.autograd.grad((th_ * th_).sum(), th_)[0])


def test_hook_on_a_tensor_without_grad_is_an_error():
    with pytest.raises(RuntimeError, match="does not require grad"):
        nb.ones(2).register_hook(lambda g: g)
