"""What the tests of nb.capture share: batches, eager and captured twins, exact comparisons."""

from __future__ import annotations

import numpy as np

import nabla as nb
from nabla import nn

RNG = np.random.default_rng(0)


def _batches(n, batch, features, classes=None, dtype=np.float32):
    rng = np.random.default_rng(1)
    xs = [rng.standard_normal((batch, features)).astype(dtype) for _ in range(n)]
    if classes is None:
        ys = [(rng.random((batch, 1)) > 0.5).astype(dtype) for _ in range(n)]
    else:
        ys = [rng.integers(0, classes, batch) for _ in range(n)]
    return xs, ys


def _twins(build, make_step, xs, ys, wrap=nb.from_numpy):
    """Train an eager and a captured copy; return both loss lists and both models."""
    results = []
    for captured in (False, True):
        nb.manual_seed(0)
        model, opt = build()
        step = make_step(model, opt)
        if captured:
            step = nb.capture(step)
        nb.manual_seed(1)
        losses = [step(wrap(x), wrap(y)) for x, y in zip(xs, ys)]
        results.append(([_value(loss) for loss in losses], model, step))
    return results


def _value(out):
    if isinstance(out, nb.Tensor):
        return out.detach().numpy().copy()
    if isinstance(out, dict):
        return {k: _value(v) for k, v in out.items()}
    return tuple(_value(o) for o in out)


def _same(a, b):
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            _same(a[k], b[k])
    elif isinstance(a, tuple):
        for p, q in zip(a, b, strict=True):
            _same(p, q)
    else:
        np.testing.assert_array_equal(a, b)


def _assert_twins(results):
    (eager, m1, _), (replay, m2, step) = results
    assert len(eager) == len(replay)
    for a, b in zip(eager, replay):
        _same(a, b)
    for p, q in zip(m1.parameters(), m2.parameters()):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())
        assert q.dtype == p.dtype
    return step


def _linear_sgd(n_in: int, n_out: int, lr: float):
    """A builder of one linear layer and its SGD optimizer, for :func:`_twins`."""

    def build():
        model = nn.Linear(n_in, n_out)
        return model, nb.optim.SGD(model.parameters(), lr=lr)

    return build


def _train_step(loss_fn):
    def make(model, opt):
        def step(x, y):
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            return loss

        return step

    return make
