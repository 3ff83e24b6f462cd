"""What a replay would get wrong is refused at capture, with an error that says what to change."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import nabla as nb
from nabla import nn


@pytest.mark.parametrize(
    "body, message",
    [
        (lambda m, x: float((m(x) ** 2).mean()), "reads a tensor's value"),
        (lambda m, x: print(m(x).sum().item()), "reads a tensor's value"),
        (lambda m, x: m(x) if m(x).sum() > 0 else -m(x), "reads a tensor's value"),
        (lambda m, x: m.weight.data.mul_(2), "in place"),
        (lambda m, x: m(x) + nb.random.generator().standard_normal(2), "random numbers"),
        (lambda m, x: nb.manual_seed(3) and m(x) + nb.randn(2), "reseeds"),
        (lambda m, x: nb.random.set_state(nb.random.get_state()) or m(x), "sets the state"),
        (lambda m, x: m(x) + nb.tensor(np.ones(2, np.float32)), "not one of its arguments"),
        (lambda m, x: m(x) + nb.ones(2, requires_grad=True), "requires_grad"),
        (lambda m, x: m(x).register_hook(lambda g: g * 2) or m(x), None),
        (lambda m, x: nb.grad(m(x).sum(), m.weight), "nb.grad"),
    ],
)
def test_what_a_replay_would_get_wrong_is_refused(body, message):
    model = nn.Linear(3, 2)
    step = nb.capture(lambda x: body(model, x))
    if message is None:  # a hook registered on an intermediate fires in backward: refused there
        hooked = nb.capture(lambda x: _backward_with_hook(model, x))
        with pytest.raises(nb.CaptureError, match="hook"):
            hooked(nb.randn(4, 3))
        return
    with pytest.raises(nb.CaptureError, match=message):
        step(nb.randn(4, 3))


def test_a_tensor_made_by_code_that_is_not_recorded_is_refused():
    weight = nb.randn(5, 3)
    step = nb.capture(lambda idx: nn.functional.embedding(idx, weight, padding_idx=0))  # its mask is plain NumPy
    with pytest.raises(nb.CaptureError, match="does not record"):
        step(nb.tensor([0, 1, 4]))


def _backward_with_hook(model, x):
    out = model(x)
    out.register_hook(lambda g: g * 2)
    out.sum().backward()


def test_backward_into_a_graph_made_before_the_step_is_refused():
    enc, head = nn.Linear(3, 4), nn.Linear(4, 1)

    @nb.capture
    def step(h):
        head(h).sum().backward()

    with pytest.raises(nb.CaptureError, match="computed before the step"):
        step(enc(nb.randn(5, 3)))


@pytest.mark.parametrize(
    "body, message",
    [
        (lambda m, x: m(x).sum().backward() or m.weight.grad.sum(), r"\.grad"),
        (lambda m, x: setattr(m.weight, "grad", None), r"\.grad"),
        (lambda m, x: setattr(m.weight, "requires_grad", False), "requires_grad"),
        (lambda m, x: m(x), "graph"),
        (lambda m, x: copy.deepcopy(m.weight), "copies a tensor"),
        (lambda m, x: nn.init.constant_(m.bias, 1.0), "in place"),
        (lambda m, x: nn.utils.vector_to_parameters(nb.zeros(8), m.parameters()), "in place"),
        (lambda m, x: m.to(nb.float64), "Module.to"),
        (lambda m, x: (m(x).detach(), 0.5), "returns a float"),
    ],
)
def test_more_of_what_a_replay_would_get_wrong_is_refused(body, message):
    model = nn.Linear(3, 2)
    with pytest.raises(nb.CaptureError, match=message):
        nb.capture(lambda x: body(model, x))(nb.randn(4, 3))


def test_a_refused_capture_leaves_the_generator_and_batch_norm_as_they_were():
    nb.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Dropout(0.5), nn.BatchNorm1d(4, momentum=None))
    x = nb.randn(5, 3)
    before = nb.random.get_state()
    with pytest.raises(nb.CaptureError, match="BatchNorm"):
        nb.capture(model)(x)
    assert nb.random.get_state() == before
    assert int(model[2].num_batches_tracked.numpy()) == 0


def test_an_optimizer_closure_is_refused():
    model = nn.Linear(3, 1)
    opt = nb.optim.SGD(model.parameters(), lr=0.1)

    @nb.capture
    def step(x):
        def closure():
            opt.zero_grad()
            loss = model(x).sum()
            loss.backward()
            return loss

        opt.step(closure)

    with pytest.raises(nb.CaptureError, match="closure"):
        step(nb.randn(4, 3))
