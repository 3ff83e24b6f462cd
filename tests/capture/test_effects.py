"""Effects a replay repeats: optimizers' and schedulers' steps, gradient clipping, in-place updates."""

from __future__ import annotations

import numpy as np
from capture_helpers import _assert_twins, _batches, _linear_sgd, _train_step, _twins

import nabla as nb
from nabla import nn


def test_a_value_returned_by_gradient_clipping_is_the_replays_own():
    xs, ys = _batches(5, 8, 3, classes=2)

    build = _linear_sgd(3, 2, lr=0.5)

    def make(model, opt):
        def step(x, y):
            opt.zero_grad()
            loss = nb.cross_entropy(model(x), y)
            loss.backward()
            norm = nn.utils.clip_grad_norm_(model.parameters(), 0.5)
            opt.step()
            return {"loss": loss, "norm": norm}

        return step

    results = _twins(build, make, xs, ys)
    _assert_twins(results)
    assert len({float(r["norm"]) for r in results[1][0]}) == len(xs)


def test_an_optimizer_of_the_user_may_make_tensors_from_arrays():
    class SignSGD(nb.optim.Optimizer):
        def __init__(self, params, lr):
            super().__init__(params, {"lr": lr})

        def step(self, closure=None):
            with nb.no_grad():
                for p in self.param_groups[0]["params"]:
                    p -= self.param_groups[0]["lr"] * nb.tensor(np.sign(p.grad.numpy()))

    xs, ys = _batches(4, 6, 3, classes=2)

    def build():
        model = nn.Linear(3, 2)
        return model, SignSGD(model.parameters(), lr=0.01)

    _assert_twins(_twins(build, _train_step(nb.cross_entropy), xs, ys))
