"""The backward walk, rule by rule, against PyTorch where a value is involved.

backward and its ``gradient=``; accumulation; retain_grad; ``nb.grad``; deep graphs.
"""

from __future__ import annotations

import sys

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

# --- backward ---------------------------------------------------------------------------


def test_backward_on_a_scalar_matches_torch():
    (x, tx), (w, tw) = pair(rand(3, 4), rand(4, 2, seed=1))
    ((x @ w).tanh() * x.sum()).mean().backward()
    ((tx @ tw).tanh() * tx.sum()).mean().backward()
    close(x.grad, tx.grad)
    close(w.grad, tw.grad)


def test_backward_of_a_leaf_itself():
    x = nb.tensor(3.0, requires_grad=True)
    x.backward()
    assert x.grad.item() == 1.0


def test_backward_on_a_non_scalar_needs_gradient():
    y = nb.ones(2, 3, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match=r"only be implied for a scalar output, got shape \(2, 3\)"):
        y.backward()
    z = nb.ones(1, 1, requires_grad=True) * 2  # one element: implied, as in torch
    z.backward()


@pytest.mark.parametrize("as_", ["tensor", "array", "list"])
def test_backward_with_gradient_matches_torch(as_):
    th = torch()
    (x, tx) = pair(rand(2, 3))[0]
    v = rand(2, 3, seed=5)
    gradient = {"tensor": nb.tensor(v), "array": v, "list": v.tolist()}[as_]
    (x.exp() * 2).backward(gradient=gradient)
    (tx.exp() * 2).backward(gradient=th.tensor(v))
    close(x.grad, tx.grad)


def test_backward_gradient_on_a_scalar_scales():
    (x, tx) = pair(rand(3))[0]
    (x**2).sum().backward(gradient=nb.tensor(2.5, dtype=nb.float64))
    (tx**2).sum().backward(gradient=torch().tensor(2.5, dtype=torch().float64))
    close(x.grad, tx.grad)


def test_backward_gradient_of_another_dtype_gives_the_input_dtype():
    x = nb.tensor([1.0, 2.0], requires_grad=True)  # float32
    (x * 3).backward(gradient=np.array([1.0, 1.0]))  # float64 array
    assert x.grad.dtype == nb.float32 and x.grad.tolist() == [3.0, 3.0]


def test_backward_gradient_shape_mismatch_is_an_error():
    y = nb.ones(2, 3, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match=r"gradient has shape \(3, 2\) but the output has shape \(2, 3\)"):
        y.backward(gradient=nb.ones(3, 2))


def test_backward_without_a_graph_is_an_error():
    with pytest.raises(RuntimeError, match="does not require grad"):
        (nb.ones(2) * 2).sum().backward()
    x = nb.ones(2, requires_grad=True)
    with nb.no_grad():
        y = (x * 2).sum()
    with pytest.raises(RuntimeError, match="no_grad"):
        y.backward()


# --- accumulation and retain_grad ---------------------------------------------------------


def test_leaf_gradients_accumulate_until_cleared():
    (x, tx) = pair(rand(3))[0]
    for _ in range(3):
        (x.sin() * x).sum().backward()
        (tx.sin() * tx).sum().backward()
    close(x.grad, tx.grad)
    x.grad = None
    tx.grad = None
    (x * 2).sum().backward()
    (tx * 2).sum().backward()
    close(x.grad, tx.grad)
    assert x.grad.tolist() == [2.0, 2.0, 2.0]


def test_grad_returned_by_backward_is_not_aliased_with_inputs():
    x = nb.tensor([1.0, 2.0], requires_grad=True)
    v = nb.tensor([1.0, 1.0])
    x.backward(gradient=v)
    x.backward(gradient=v)  # accumulates in place into x.grad, not into v
    assert v.tolist() == [1.0, 1.0] and x.grad.tolist() == [2.0, 2.0]


def test_a_gradient_array_reaching_several_places_is_never_shared_by_two_grads():
    """.grad adopts a VJP's fresh array without a copy: never one that two leaves, the caller or a hook also hold."""
    a, b = nb.tensor([1.0, 2.0], requires_grad=True), nb.tensor([3.0, 4.0], requires_grad=True)
    seed = nb.tensor([1.0, 1.0])
    (a + b).backward(gradient=seed)
    a.grad += 10.0
    assert b.grad.tolist() == [1.0, 1.0] and seed.tolist() == [1.0, 1.0]
    a.grad = b.grad = None
    ((a + b) * 2).sum().backward()  # add's VJP hands mul's fresh gradient array to both leaves
    a.grad += 10.0
    assert b.grad.tolist() == [2.0, 2.0]
    kept = []
    c = nb.tensor([1.0, 2.0], requires_grad=True)
    c.register_hook(lambda g: kept.append(g * 2) or kept[-1])
    (c * 3).sum().backward()
    c.grad += 1.0
    assert kept[0].tolist() == [6.0, 6.0] and c.grad.tolist() == [7.0, 7.0]
    w = nb.tensor([1.0, 2.0], requires_grad=True)
    h = w + 1.0  # add's VJP passes h's gradient, which the hook saw, on to w unchanged
    h.register_hook(lambda g: kept.append(g) or None)
    (h * 3).sum().backward()
    w.grad += 1.0
    assert kept[1].tolist() == [3.0, 3.0] and w.grad.tolist() == [4.0, 4.0]


def _slices_through_time(x, w, lib):
    """An RNN's pattern: a sequence sliced one step at a time (``x[:, t]``), each slice into a recurrence."""
    h = x[:, 0] * 0
    for t in range(x.shape[1]):
        h = lib.tanh(x[:, t] @ w + h)
    return h


def test_gradients_of_many_slices_of_one_value_match_torch():
    """Basic indexing's gradients are added in place into the gradient so far (an RNN's backward was O(T^2)):
    the same numbers as torch, for a leaf, for a computed value, overlapping slices, a mask and an int index."""
    th = torch()
    (x, tx), (w, tw) = pair(rand(3, 9, 4), rand(4, 4, seed=1))
    _slices_through_time(x, w, nb).sum().backward()
    _slices_through_time(tx, tw, th).sum().backward()
    close(x.grad, tx.grad)
    close(w.grad, tw.grad)
    (x, tx), (w, tw) = pair(rand(3, 9, 4), rand(4, 4, seed=1))
    mask = rand(9, 4, seed=2) > 0
    for a, lib in ((x, nb), (tx, th)):
        y = a * 2  # a computed value: its gradient so far lives in the walk, not in a .grad
        parts = [y[:, 1:5], y[:, 3:8], y[:, ::2], y[2], y[..., 1], y[1][mask] if lib is nb else y[1][th.tensor(mask)]]
        sum((p * (k + 1)).sum() + (p * p).sum() for k, p in enumerate(parts)).backward()
    close(x.grad, tx.grad)


def test_a_gradient_array_held_by_two_values_is_never_added_into_in_place():
    """add's rule hands one array to both inputs: a slice's gradient added later into one of them in place
    would change the other's. The walk adds in place only into arrays it made and holds alone."""
    th = torch()
    (a, ta), (b, tb) = pair(rand(4, 3), rand(4, 3, seed=1))
    for p, q, lib in ((a, b, nb), (ta, tb, th)):
        early = p[1] * 3 + q[2:].sum()  # slices made first: their rules run after the sum's
        (lib.tanh(early).sum() + ((p + q) * (p + q).sum()).sum()).backward()
    close(a.grad, ta.grad)
    close(b.grad, tb.grad)
    (a, ta), (b, tb) = pair(rand(4, 3), rand(4, 3, seed=1))
    for p, q in ((a, b), (ta, tb)):
        u, v = p * 1, q * 1
        early = u[0] * 2 + v[1:3].sum(0)
        s = u + v  # s's gradient reaches u and v as one array
        (early.sum() ** 2 + (s * s).sum()).backward()
    close(a.grad, ta.grad)
    close(b.grad, tb.grad)


def test_value_used_twice_gets_both_contributions():
    (x, tx), (w, tw) = pair(rand(4), rand(4, seed=1))
    y = x * w + x.exp() * x - (x / w) + x
    ty = tx * tw + tx.exp() * tx - (tx / tw) + tx
    (y * y).sum().backward()
    (ty * ty).sum().backward()
    close(x.grad, tx.grad)
    close(w.grad, tw.grad)


def test_the_same_tensor_as_both_operands():
    (x, tx) = pair(rand(3))[0]
    (x * x + x @ x).sum().backward()
    (tx * tx + tx @ tx).sum().backward()
    close(x.grad, tx.grad)


@pytest.mark.parametrize(
    "f",
    [
        lambda h, lib: h * lib.sigmoid(h),
        lambda h, lib: lib.sigmoid(h) * h,
        lambda h, lib: h + h.tanh(),
        lambda h, lib: h.exp().sin() * h + h,
        lambda h, lib: (h * 2).tanh() * h.sin() - h,
    ],
    ids=["h*sigmoid(h)", "sigmoid(h)*h", "h+tanh(h)", "sin(exp(h))*h+h", "tanh(2h)*sin(h)-h"],
)
def test_a_value_whose_consumers_depend_on_each_other(f):
    # h feeds several consumers, one upstream of another: all must be done before h's own rule runs.
    th = torch()
    (x, tx), (w, tw) = pair(rand(3, 4), rand(4, 2, seed=1))
    f(x @ w, nb).sum().backward()
    f(tx @ tw, th).sum().backward()
    close(x.grad, tx.grad)
    close(w.grad, tw.grad)


_DAG_UNARY = [lambda t: t.tanh(), lambda t: t.sin(), lambda t: t.sigmoid(), lambda t: t * 0.5]
_DAG_BINARY = [lambda a, b: a * b, lambda a, b: a + b, lambda a, b: a - b * 0.5]


@pytest.mark.parametrize("seed", range(20))
def test_random_graphs_match_torch(seed):
    """Random DAGs where values are reused at different depths: checks the order of the backward walk."""
    rng = np.random.default_rng(seed)
    pairs = pair(rand(3, seed=seed), rand(3, seed=seed + 50))
    nodes = list(pairs)
    for _ in range(30):
        if rng.random() < 0.4:
            f = _DAG_UNARY[rng.integers(len(_DAG_UNARY))]
            (a, ta) = nodes[rng.integers(len(nodes))]
            nodes.append((f(a), f(ta)))
        else:
            f = _DAG_BINARY[rng.integers(len(_DAG_BINARY))]
            (a, ta), (b, tb) = (nodes[i] for i in rng.integers(len(nodes), size=2))
            nodes.append((f(a, b), f(ta, tb)))
    picks = rng.choice(len(nodes), size=4, replace=False)
    loss = sum((nodes[i][0] * (k + 1)).sum() for k, i in enumerate(picks))
    tloss = sum((nodes[i][1] * (k + 1)).sum() for k, i in enumerate(picks))
    loss.backward()
    tloss.backward()
    for n, t in pairs:
        if t.grad is None:
            assert n.grad is None
        else:
            close(n.grad, t.grad)


def test_broadcast_gradients_are_summed_back():
    (a, ta), (b, tb), (c, tc) = pair(rand(3, 1), rand(1, 4, seed=1), rand(4, seed=2))
    ((a * b + c) ** 2).sum().backward()
    ((ta * tb + tc) ** 2).sum().backward()
    for n, t in [(a, ta), (b, tb), (c, tc)]:
        close(n.grad, t.grad)


def test_intermediate_results_have_no_grad():
    x = nb.ones(3, requires_grad=True)
    h = x * 2
    (h * h).sum().backward()
    assert h.grad is None
    assert x.grad is not None


def test_retain_grad_matches_torch_and_accumulates():
    (x, tx) = pair(rand(2, 3))[0]
    h, th_ = x.tanh(), tx.tanh()
    h.retain_grad()
    th_.retain_grad()
    loss, tloss = (h * h * x).sum() + h.sum(), (th_ * th_ * tx).sum() + th_.sum()
    loss.backward(retain_graph=True)
    tloss.backward(retain_graph=True)
    close(h.grad, th_.grad)
    loss.backward()
    tloss.backward()
    close(h.grad, th_.grad)
    close(x.grad, tx.grad)


def test_retain_grad_on_leaves_and_on_tensors_without_grad():
    x = nb.ones(2, requires_grad=True)
    x.retain_grad()  # a no-op on a leaf
    (x * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]
    with pytest.raises(RuntimeError, match="does not require grad"):
        nb.ones(2).retain_grad()


def test_retain_grad_is_filled_by_nb_grad_as_in_torch():
    th = torch()
    (x, tx) = pair(rand(3))[0]
    h, th_ = x * 2, tx * 2
    h.retain_grad()
    th_.retain_grad()
    nb.grad((h.exp()).sum(), x)
    th.autograd.grad((th_.exp()).sum(), tx)
    close(h.grad, th_.grad)
    assert x.grad is None and tx.grad is None


# --- nb.grad ---------------------------------------------------------------------------------


def test_grad_matches_torch_and_leaves_dot_grad_alone():
    th = torch()
    (x, tx), (w, tw) = pair(rand(3, 4), rand(4, seed=1))
    gx, gw = nb.grad(((x @ w).sin() ** 2).sum(), [x, w])
    tgx, tgw = th.autograd.grad(((tx @ tw).sin() ** 2).sum(), [tx, tw])
    close(gx, tgx)
    close(gw, tgw)
    assert x.grad is None and w.grad is None
    assert not gx.requires_grad


def test_grad_of_a_single_input_is_a_tuple():
    x = nb.tensor([1.0, 2.0], requires_grad=True)
    result = nb.grad((x * x).sum(), x)
    assert isinstance(result, tuple) and len(result) == 1
    assert result[0].tolist() == [2.0, 4.0]


def test_grad_with_respect_to_a_non_leaf():
    th = torch()
    (x, tx) = pair(rand(5))[0]
    h, th_ = x.exp(), tx.exp()
    (gh,) = nb.grad((h.sin() * x).sum(), h)
    (tgh,) = th.autograd.grad((th_.sin() * tx).sum(), th_)
    close(gh, tgh)


def test_grad_with_several_outputs_and_grad_outputs():
    th = torch()
    (x, tx) = pair(rand(3))[0]
    v1, v2 = rand(3, seed=3), rand(3, seed=4)
    (gx,) = nb.grad([x.exp(), x * x], x, grad_outputs=[nb.tensor(v1), nb.tensor(v2)])
    (tgx,) = th.autograd.grad([tx.exp(), tx * tx], tx, grad_outputs=[th.tensor(v1), th.tensor(v2)])
    close(gx, tgx)


def test_grad_unused_inputs():
    x = nb.ones(2, requires_grad=True)
    u = nb.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="input 1 was not used.*allow_unused=True"):
        nb.grad((x * 2).sum(), [x, u])
    gx, gu = nb.grad((x * 2).sum(), [x, u], allow_unused=True)
    assert gx.tolist() == [2.0, 2.0] and gu is None


def test_grad_errors():
    x = nb.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="every input must require grad"):
        nb.grad((x * 2).sum(), [x, nb.ones(2)])
    with pytest.raises(RuntimeError, match="scalar output"):
        nb.grad(x * 2, x)
    with pytest.raises(RuntimeError, match="does not require grad"):
        nb.grad(nb.ones(2).sum(), x)


def test_grad_frees_the_graph_unless_retained():
    x = nb.ones(2, requires_grad=True)
    y = (x * x).sum()
    nb.grad(y, x)
    with pytest.raises(RuntimeError, match="second time"):
        nb.grad(y, x)
    z = (x * x).sum()
    nb.grad(z, x, retain_graph=True)
    (g,) = nb.grad(z, x)
    assert g.tolist() == [2.0, 2.0]


# --- deep graphs ----------------------------------------------------------------------------


def test_backward_through_a_chain_of_100000_operations():
    assert sys.getrecursionlimit() < 100_000
    x = nb.tensor(1.0, dtype=nb.float64, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.00001
    y.backward()
    np.testing.assert_allclose(x.grad.item(), 1.00001**100_000, rtol=1e-9)
    del y  # freeing the (already released) chain must not recurse either


def test_a_deep_unreleased_graph_is_freed_without_recursion_error():
    x = nb.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(50_000):
        y = y + 1.0
    del y


def test_create_graph_through_a_deep_chain():
    th = torch()
    (x, tx) = pair(0.7)[0]
    y, ty = x, tx
    for _ in range(3000):
        y, ty = (y * 0.999).sin(), (ty * 0.999).sin()
    (g,) = nb.grad(y, x, create_graph=True)
    (tg,) = th.autograd.grad(ty, tx, create_graph=True)
    (g2,) = nb.grad(g, x)
    (tg2,) = th.autograd.grad(tg, tx)
    close(g, tg)
    close(g2, tg2)
