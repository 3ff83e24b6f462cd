"""The graph's lifetime: what a node keeps alive, and that backward frees it (with its memory)."""

from __future__ import annotations

import gc
import warnings
import weakref

import numpy as np
import pytest
from autograd_helpers import _grad_mode_restored  # noqa: F401  (a fixture)
from reference import torch

import nabla as nb
from nabla.engine.ops.primitive import primitive

# --- the graph is released --------------------------------------------------------------------


def test_second_backward_raises_unless_graph_retained():
    x = nb.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp().sum()
    y.backward()
    with pytest.raises(RuntimeError, match="second time.*retain_graph=True"):
        y.backward()
    z = x.exp().sum()
    z.backward(retain_graph=True)
    z.backward()
    np.testing.assert_allclose(x.grad.numpy(), 3 * np.exp([1.0, 2.0]), rtol=1e-6)


def test_second_backward_through_a_shared_freed_part_raises():
    x = nb.tensor([1.0, 2.0], requires_grad=True)
    h = x.exp()
    h.sum().backward()
    with pytest.raises(RuntimeError, match="second time"):
        (h * 2).sum().backward()


def test_backward_frees_the_node_saved_values():
    x = nb.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    y = (h * h).sum()
    assert y.grad_fn.next_inputs[0] is not None
    y.backward()
    assert y.grad_fn.next_inputs == () and h.grad_fn.next_inputs == ()
    assert y.grad_fn.out is None and h.grad_fn.out is None


def test_intermediates_are_released_after_backward(no_gc):
    x = nb.randn(100, requires_grad=True)
    h = x.exp()
    z = h * h.sin()
    loss = z.sum()
    refs = [weakref.ref(h), weakref.ref(z), weakref.ref(h._data), weakref.ref(z._data), weakref.ref(h.grad_fn)]
    loss.backward()
    del h, z
    assert [r() for r in refs] == [None] * len(refs), "the graph kept intermediates alive after backward"
    assert loss.grad_fn is not None and x.grad is not None  # what the user holds is still there


def test_retained_graph_keeps_intermediates_until_the_output_is_dropped(no_gc):
    x = nb.randn(100, requires_grad=True)
    h = x.exp()
    loss = (h * h).sum()
    refs = [weakref.ref(h), weakref.ref(h._data)]
    loss.backward(retain_graph=True)
    del h
    assert all(r() is not None for r in refs)  # the retained graph still needs them
    del loss
    assert [r() for r in refs] == [None, None], "a reference cycle keeps the graph alive"


def test_a_graph_never_backpropagated_is_freed_without_gc(no_gc):
    x = nb.randn(10, requires_grad=True)
    h = x.tanh()
    out = (h @ h) * h.mean()
    refs = [weakref.ref(h), weakref.ref(out), weakref.ref(out.grad_fn)]
    del h, out
    assert [r() for r in refs] == [None] * 3


def test_hooks_and_retain_grad_create_no_cycles(no_gc):
    x = nb.randn(10, requires_grad=True)
    h = x * 2
    h.retain_grad()
    handle = h.register_hook(lambda g: g * 1)
    x.register_hook(lambda g: g)
    refs = [weakref.ref(h), weakref.ref(h.grad_fn)]
    (h * h).sum().backward()
    handle.remove()
    del h
    assert [r() for r in refs] == [None, None]


# --- what the graph keeps alive ---------------------------------------------------------------


def _mlp_loss(x, w1, w2, y):
    """Linear -> ReLU -> dropout-like mask -> Linear -> tanh -> cross-entropy: big activations, every declared op."""
    h = nb.relu(nb.linear(x, w1)) * nb.tensor(np.tile([1.0, 0.0, 2.0], 128 * 64 // 3 + 1)[: 128 * 64].reshape(128, 64))
    return nb.cross_entropy(nb.tanh(h @ w2.T) + 0.5, y, reduction="sum") + nb.sigmoid(h).sum()


def test_nodes_keep_only_what_their_gradient_reads_and_give_torchs_gradients():
    """A large input a VJP does not read (ReLU's, an addition's) is not kept by the node: the graph holds less
    and the gradients, first and second order, are unchanged (against torch)."""
    th = torch()
    rng = np.random.default_rng(0)
    x, w1, w2 = rng.standard_normal((128, 20)), rng.standard_normal((64, 20)) * 0.3, rng.standard_normal((10, 64)) * 0.3
    y = rng.integers(0, 10, 128)
    ours = [nb.tensor(a, requires_grad=True) for a in (w1, w2)]
    theirs = [th.tensor(a, requires_grad=True) for a in (w1, w2)]
    loss = _mlp_loss(nb.tensor(x), *ours, y)
    g1 = nb.grad(loss, ours, create_graph=True)
    hvp = nb.grad(sum((g * g).sum() for g in g1), ours)
    mask = th.tensor(np.tile([1.0, 0.0, 2.0], 128 * 64 // 3 + 1)[: 128 * 64].reshape(128, 64))
    h = th.relu(th.tensor(x) @ theirs[0].T) * mask
    expected = th.nn.functional.cross_entropy(th.tanh(h @ theirs[1].T) + 0.5, th.tensor(y), reduction="sum")
    expected = expected + th.sigmoid(h).sum()
    t1 = th.autograd.grad(expected, theirs, create_graph=True)
    thvp = th.autograd.grad(sum((g * g).sum() for g in t1), theirs)
    np.testing.assert_allclose(loss.item(), expected.item(), rtol=1e-10)
    for a, b in zip(list(g1) + list(hvp), list(t1) + list(thvp)):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-9, atol=1e-12)


def test_an_input_the_gradient_does_not_read_is_freed_before_backward():
    x = nb.tensor(np.ones((64, 64), dtype=np.float32), requires_grad=True)
    h = x * 2.0
    kept = weakref.ref(h._data)
    out = nb.relu(h).sum()  # relu's rule reads its output only
    del h
    gc.collect()
    assert kept() is None
    out.backward()
    assert x.grad.tolist() == np.full((64, 64), 2.0).tolist()


def test_logsumexp_of_only_minus_infinity_is_minus_infinity_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = nb.logsumexp(nb.tensor([[-np.inf, -np.inf], [0.0, -np.inf]]), axis=1)
    assert out.tolist() == [-np.inf, 0.0]


def test_assigning_a_grad_of_the_wrong_kind_fails_at_once():
    """As PyTorch: the error comes at the assignment, not later inside an optimizer."""
    w = nb.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match="Tensor or None"):
        w.grad = np.zeros(2, dtype=np.float32)
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        w.grad = nb.zeros(3)
    with pytest.raises(ValueError, match="dtype float32"):
        w.grad = nb.zeros(2, dtype=nb.float64)
    w.grad = nb.ones(2)
    nb.optim.SGD([w], lr=0.5).step()
    assert w.tolist() == [0.5, 1.5]


def test_next_inputs_are_the_users_tensors_even_where_the_node_keeps_a_placeholder():
    x = nb.tensor(np.arange(2048.0), requires_grad=True)
    h = x * 2.0
    y = (h + 1.0).sum()  # the addition's rule reads no values: its node keeps a placeholder for h
    (inner,) = y.grad_fn.next_inputs
    assert inner.grad_fn.next_inputs[0] is h


def test_a_users_gradient_rule_returning_an_array_it_keeps_never_becomes_a_grad():
    """nabla's own rules return fresh arrays, which .grad adopts; a user's primitive is not trusted to."""

    @primitive("constant_slope")
    def slope_op(xp, x, slope):
        return x * 1.0

    @slope_op.defvjp
    def _(xp, need, g, out, x, slope):
        return (slope,)  # the kept array itself

    slope = np.full(4, 0.5)
    x = nb.tensor(np.arange(4.0), requires_grad=True)
    slope_op(x, slope=slope).sum().backward()
    slope_op(x, slope=slope).sum().backward()  # accumulates into x.grad in place
    assert slope.tolist() == [0.5] * 4 and x.grad.tolist() == [1.0] * 4


@pytest.mark.parametrize("loss", ["cross_entropy", "nll_loss"])
def test_reusing_the_target_array_after_the_forward_pass_does_not_change_the_gradient(loss):
    xv = np.random.default_rng(0).standard_normal((4, 3))
    fn = nb.cross_entropy if loss == "cross_entropy" else (lambda x, t: nb.nll_loss(nb.log_softmax(x, axis=1), t))
    x, fresh = nb.tensor(xv, requires_grad=True), nb.tensor(xv, requires_grad=True)
    target = np.array([0, 1, 2, 0])
    out = fn(x, target)
    target[:] = 2
    out.backward()
    fn(fresh, np.array([0, 1, 2, 0])).backward()
    np.testing.assert_array_equal(x.grad.numpy(), fresh.grad.numpy())
