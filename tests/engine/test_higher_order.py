"""Higher-order gradients (create_graph=True) against PyTorch: Hessian-vector products, penalties."""

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

# --- higher-order gradients ---------------------------------------------------------------------


def _hvp_both(nb_loss_fn, th_loss_fn, arrays, ints=()):
    """Hessian-vector products of a loss in nabla and torch, both via grad(create_graph=True)."""
    th = torch()
    pairs = pair(*arrays)
    params, tparams = [p for p, _ in pairs], [t for _, t in pairs]
    vs = [rand(*a.shape, seed=100 + i) for i, a in enumerate(arrays)]
    loss = nb_loss_fn(*params, *[nb.tensor(i) for i in ints])
    tloss = th_loss_fn(*tparams, *[th.tensor(i) for i in ints])
    close(loss, tloss)
    grads = nb.grad(loss, params, create_graph=True)
    tgrads = th.autograd.grad(tloss, tparams, create_graph=True)
    for g, tg in zip(grads, tgrads):
        close(g, tg)
    assert all(g.requires_grad for g in grads)
    dot = sum((g * nb.tensor(v)).sum() for g, v in zip(grads, vs))
    tdot = sum((tg * th.tensor(v)).sum() for tg, v in zip(tgrads, vs))
    hv = nb.grad(dot, params, allow_unused=True)
    thv = th.autograd.grad(tdot, tparams, allow_unused=True)
    for h, th_h in zip(hv, thv):
        if th_h is None:
            assert h is None or not h.detach().numpy().any()
        else:
            close(h, th_h)
    # the same through backward(create_graph=True) and .grad
    for p in params:
        p.grad = None
    nb_loss_fn(*params, *[nb.tensor(i) for i in ints]).backward(create_graph=True)
    for p, g in zip(params, grads):
        close(p.grad, g)
    dot = sum((p.grad * nb.tensor(v)).sum() for p, v in zip(params, vs))
    hv2 = nb.grad(dot, params, allow_unused=True)
    for h, h2 in zip(hv, hv2):
        if h is not None:
            close(h2, h)
    return hv


def test_hvp_tanh_mlp_with_cross_entropy():
    F = torch().nn.functional
    arrays = [rand(6, 4, seed=1), rand(4, 5, seed=2), rand(5, seed=3), rand(5, 3, seed=4), rand(3, seed=5)]
    y = np.array([0, 2, 1, 1, 0, 2])

    def f(x, w1, b1, w2, b2, y):
        return nb.cross_entropy((x @ w1 + b1).tanh() @ w2 + b2, y)

    def tf(x, w1, b1, w2, b2, y):
        return F.cross_entropy((x @ w1 + b1).tanh() @ w2 + b2, y)

    _hvp_both(f, tf, arrays, ints=(y,))


def test_hvp_sigmoid_mlp_with_bce_with_logits():
    th = torch()
    F = th.nn.functional
    arrays = [rand(8, 3, seed=6), rand(3, 4, seed=7), rand(4, seed=8), rand(4, 1, seed=9), rand(1, seed=10)]
    target = (rand(8, 1, seed=11) > 0).astype(np.float64)

    def f(x, w1, b1, w2, b2):
        logits = nb.sigmoid(x @ w1 + b1) @ w2 + b2
        return nb.binary_cross_entropy_with_logits(logits, nb.tensor(target))

    def tf(x, w1, b1, w2, b2):
        logits = th.sigmoid(x @ w1 + b1) @ w2 + b2
        return F.binary_cross_entropy_with_logits(logits, th.tensor(target))

    _hvp_both(f, tf, arrays)


def test_hvp_relu_matmul_broadcast_mean_getitem():
    th = torch()
    arrays = [rand(7, 3, seed=12), rand(3, 6, seed=13), rand(6, seed=14), rand(1, 4, seed=15), rand(6, 2, seed=16)]

    def body(relu, x, w, b, s, w2):
        h = relu(x @ w + b)
        z = h[:, 1:5] * s
        return (z**2).mean() + (h[[0, 2, 2, 5]] ** 3).sum() * 0.1 + ((h @ w2).tanh() * x[:, :1]).mean()

    _hvp_both(lambda *a: body(nb.relu, *a), lambda *a: body(th.relu, *a), arrays)


def test_gradient_penalty_backpropagates_like_torch():
    th = torch()
    (x, tx), (w1, tw1), (b1, tb1), (w2, tw2) = pair(
        rand(5, 3, seed=20), rand(3, 4, seed=21), rand(4, seed=22), rand(4, 1, seed=23)
    )

    def critic(x, w1, b1, w2):
        return (x @ w1 + b1).tanh() @ w2

    (gx,) = nb.grad(critic(x, w1, b1, w2).sum(), x, create_graph=True)
    (tgx,) = th.autograd.grad(critic(tx, tw1, tb1, tw2).sum(), tx, create_graph=True)
    close(gx, tgx)
    penalty = ((nb.norm(gx, axis=1) - 1) ** 2).mean()
    tpenalty = ((tgx.norm(dim=1) - 1) ** 2).mean()
    close(penalty, tpenalty)
    penalty.backward()
    tpenalty.backward()
    for n, t in [(x, tx), (w1, tw1), (b1, tb1), (w2, tw2)]:
        close(n.grad, t.grad)


@pytest.mark.parametrize(
    "f, d3",
    [
        (lambda x: x.sin(), lambda x: -np.cos(x)),
        (lambda x: x**4, lambda x: 24 * x),
        (lambda x: x.exp() * x, lambda x: np.exp(x) * (x + 3)),
        (lambda x: x.tanh(), lambda x: -2 * (1 - np.tanh(x) ** 2) * (1 - 3 * np.tanh(x) ** 2)),
    ],
    ids=["sin", "x^4", "x*exp", "tanh"],
)
def test_third_derivative(f, d3):
    th = torch()
    a = np.array([-1.3, -0.2, 0.4, 2.0])
    (x, tx) = pair(a)[0]
    g, tg = f(x).sum(), f(tx).sum()
    for _ in range(3):
        (g,) = nb.grad(g.sum(), x, create_graph=True)
        (tg,) = th.autograd.grad(tg.sum(), tx, create_graph=True)
    close(g, tg)
    np.testing.assert_allclose(g.detach().numpy(), d3(a), rtol=1e-10, atol=1e-12)


_TORCH_CYCLE_WARNING = "ignore:Using backward\\(\\) with create_graph=True:UserWarning"


@pytest.mark.filterwarnings(_TORCH_CYCLE_WARNING)
def test_second_backward_with_create_graph_then_first_order():
    (a, ta), (b, tb) = pair(rand(3), rand(3, seed=1))
    (a + b).sum().backward(create_graph=True)
    (ta + tb).sum().backward(create_graph=True)
    (a * 2).sum().backward()  # adds into a.grad in place; b.grad must not change
    (ta * 2).sum().backward()
    close(a.grad, ta.grad)
    close(b.grad, tb.grad)


@pytest.mark.filterwarnings(_TORCH_CYCLE_WARNING)
def test_create_graph_grad_of_grad_via_backward():
    th = torch()
    (x, tx) = pair(rand(4))[0]
    (x**3).sum().backward(create_graph=True)
    (tx**3).sum().backward(create_graph=True)
    assert x.grad.requires_grad and tx.grad.requires_grad
    (g2,) = nb.grad(x.grad.sum(), x)
    (tg2,) = th.autograd.grad(tx.grad.sum(), tx)
    close(g2, tg2)
