"""In-place changes and version counters: refused or caught, never a silently wrong gradient."""

from __future__ import annotations

import numpy as np
import pytest
from autograd_helpers import (
    _grad_mode_restored,  # noqa: F401  (a fixture)
    close,
    pair,
    rand,
)
from reference import torch

import nabla as nb

# --- in-place modification ------------------------------------------------------------------


@pytest.mark.parametrize(
    "modify",
    [
        lambda t: t.__iadd__(1),
        lambda t: t.__isub__(1),
        lambda t: t.__imul__(2),
        lambda t: t.__itruediv__(2),
        lambda t: t.add_(1),
        lambda t: t.sub_(nb.ones(3)),
        lambda t: t.mul_(2),
        lambda t: t.zero_(),
        lambda t: t.fill_(3.0),
        lambda t: t.clamp_(0, 1),
        lambda t: t.copy_(nb.zeros(3)),
        lambda t: t.__setitem__(0, 1.0),
    ],
)
def test_in_place_on_a_tensor_requiring_grad_is_refused_in_grad_mode(modify):
    x = nb.tensor([1.0, 2.0, 3.0], requires_grad=True)
    augmented = modify.__code__.co_names[0].startswith("__i")  # `y += 1` on y = x * 2 rebinds: below
    for target in (x,) if augmented else (x, x * 2):  # a leaf and an intermediate
        with pytest.raises(RuntimeError, match=r"in-place operation on a tensor that requires grad.*no_grad"):
            modify(target)
    assert x.tolist() == [1.0, 2.0, 3.0]


def test_augmented_assignment_on_an_intermediate_rebinds_as_in_tensorflow():
    """``loss += sum(model.losses)`` (Keras's TensorFlow training-loop guide): a new tensor, the gradient
    through the sum as PyTorch's in-place one; the old tensor is untouched (TensorFlow's are immutable)."""
    ((x, tx),) = pair([[1.0, 2.0], [3.0, 4.0]])
    y = (x * 2).sum(axis=1)
    old = y
    y += (x**2).sum()
    y *= 3.0
    y -= x[:, 0]
    y /= 2.0
    ty = (tx * 2).sum(dim=1)
    ty += (tx**2).sum()
    ty *= 3.0
    ty -= tx[:, 0]
    ty /= 2.0
    close(y, ty)
    assert y is not old and old.tolist() == [6.0, 14.0]
    y.sum().backward()
    ty.sum().backward()
    close(x.grad, tx.grad)


def test_augmented_assignment_error_is_clear():
    x = nb.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError) as excinfo:
        x += 1
    assert "\n" not in str(excinfo.value)


def test_in_place_under_no_grad_works_and_bumps_the_version():
    x = nb.tensor([1.0, 2.0, 3.0], requires_grad=True)
    before = x._version.v
    with nb.no_grad():
        x += 1
        x.mul_(2)
        x[0] = -1.0
    assert x.tolist() == [-1.0, 6.0, 8.0]
    assert x._version.v == before + 3
    assert x.requires_grad and x.is_leaf


def test_in_place_on_tensors_without_grad_is_allowed_in_grad_mode():
    t = nb.zeros(3)
    t += 1
    t[1] = 5.0
    t.add_(nb.ones(3), alpha=2.0)
    assert t.tolist() == [3.0, 7.0, 3.0]


def _raises_on_backward(nb_loss, th_loss=None):
    with pytest.raises(RuntimeError, match="modified in place after it was used"):
        nb_loss.backward()
    if th_loss is not None:
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            th_loss.backward()


def test_modifying_a_saved_leaf_before_backward_raises_like_torch():
    th = torch()
    (w, tw), (x, tx) = pair(rand(3), rand(3, seed=1))
    loss, tloss = (w * x).sum(), (tw * tx).sum()
    with nb.no_grad():
        w -= 1
    with th.no_grad():
        tw -= 1
    _raises_on_backward(loss, tloss)


def test_modifying_an_operand_that_no_gradient_rule_reads_is_allowed_like_torch():
    # w * c with c constant: w's gradient is c, and no rule reads w, so torch does not save it and
    # an in-place change of w changes no gradient: both give c.
    th = torch()
    (w, tw), (c, tc) = pair(rand(3), rand(3, seed=1))
    c.requires_grad_(False)
    tc.requires_grad_(False)
    loss, tloss = (w * c).sum(), (tw * tc).sum()
    with nb.no_grad():
        w -= 1
    with th.no_grad():
        tw -= 1
    loss.backward()
    tloss.backward()
    close(w.grad, tw.grad)


def test_modifying_a_constant_operand_before_backward_raises_like_torch():
    (w, tw) = pair(rand(3))[0]
    (c, tc) = pair(rand(3, seed=1), requires_grad=False)[0]
    loss, tloss = (w * c).sum(), (tw * tc).sum()
    c += 1
    tc += 1
    _raises_on_backward(loss, tloss)


def test_modifying_an_output_that_backward_reuses_raises_like_torch():
    th = torch()
    (x, tx) = pair(rand(3))[0]
    y, ty = x.exp(), tx.exp()  # exp's gradient reuses its output
    loss, tloss = (y * 2).sum(), (ty * 2).sum()
    with nb.no_grad():
        y += 1
    with th.no_grad():
        ty += 1
    _raises_on_backward(loss, tloss)


@pytest.mark.parametrize(
    "view",
    [
        lambda w: w.reshape(3, 2),
        lambda w: w.T,
        lambda w: w.transpose(1, 0),
        lambda w: w[0],
        lambda w: w[:, 1:],
        lambda w: w.flatten(),
    ],
    ids=["reshape", "T", "transpose", "index", "slice", "flatten"],
)
def test_views_share_the_version_counter(view):
    th = torch()
    base = np.arange(6.0).reshape(2, 3)
    (w, tw) = pair(base)[0]
    # The graph saved a view; the base is modified.
    v, tv = view(w), view(tw)
    loss, tloss = (v * v).sum(), (tv * tv).sum()
    with nb.no_grad():
        w += 1
    with th.no_grad():
        tw += 1
    _raises_on_backward(loss, tloss)
    # The graph saved the base; a view is modified.
    (w, tw) = pair(base)[0]
    v, tv = view(w), view(tw)
    loss, tloss = (w * w).sum(), (tw * tw).sum()
    with nb.no_grad():
        v.mul_(2)
    with th.no_grad():
        tv.mul_(2)
    # the view wrote into the base
    assert not np.array_equal(w.detach().numpy(), base)
    np.testing.assert_array_equal(w.detach().numpy(), tw.detach().numpy())
    _raises_on_backward(loss, tloss)


def test_detach_shares_memory_and_version_counter():
    (w, tw) = pair(rand(3))[0]
    loss, tloss = (w * w).sum(), (tw * tw).sum()
    d, td = w.detach(), tw.detach()
    d[0] = 5.0  # allowed in grad mode: d does not require grad
    td[0] = 5.0
    assert w.detach()[0].item() == 5.0
    _raises_on_backward(loss, tloss)


def test_unmodified_graph_still_backpropagates_after_unrelated_in_place_changes():
    (w, tw) = pair(rand(3))[0]
    other = nb.ones(3)
    loss, tloss = (w * w).sum(), (tw * tw).sum()
    other += 1
    loss.backward()
    tloss.backward()
    close(w.grad, tw.grad)


@pytest.mark.parametrize("made", ["from_a_constant", "under_no_grad"])
def test_views_made_without_a_graph_share_the_version_counter(made):
    # A view saved by the graph whose base changes later: as in torch, all views share one counter.
    w = nb.tensor([1.0, 2.0, 3.0], requires_grad=True)
    if made == "from_a_constant":
        base = nb.tensor([1.0, 2.0, 3.0])
        v = base.reshape(3)[::-1]
    else:
        base = nb.tensor([1.0, 2.0, 3.0], requires_grad=True)
        with nb.no_grad():
            v = base[::-1]
    loss = (w * v).sum()
    with nb.no_grad():
        base += 1
    _raises_on_backward(loss)


def test_in_place_changes_raise_exactly_where_a_gradient_rule_reads_the_value_like_torch():
    """ReLU's rule reads its output, not its input: changing the input is harmless, the output is not."""
    th = torch()
    for change in ("input", "output"):
        (x, tx) = pair(rand(64, 64))[0]
        h, th_h = x * 2.0, tx * 2.0
        r, th_r = nb.relu(h), th.relu(th_h)
        loss, tloss = (r * r).sum(), (th_r * th_r).sum()
        target, th_target = (h, th_h) if change == "input" else (r, th_r)
        with nb.no_grad():
            target += 1.0
        with th.no_grad():
            th_target += 1.0
        if change == "input":
            loss.backward()
            tloss.backward()
            close(x.grad, tx.grad)
        else:
            _raises_on_backward(loss, tloss)


def test_a_reshape_that_copies_has_its_own_version_counter_like_torch():
    """x.T.reshape(-1) must copy; changing x afterwards does not touch the copy a product saved."""
    th = torch()
    (x, tx), (w, tw) = pair(rand(2, 3), rand(6, seed=1))
    loss, tloss = (w * x.T.reshape(-1)).sum(), (tw * tx.T.reshape(-1)).sum()
    with nb.no_grad():
        x += 1.0
    with th.no_grad():
        tx += 1.0
    loss.backward()
    tloss.backward()
    close(w.grad, tw.grad)
    assert x.reshape(-1)._version is x._version  # a true view still shares it
