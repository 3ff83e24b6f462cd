"""Decisions made in Python from tensor values (derive, recompute, masks): recomputed at every replay,
and a replay whose decision goes the other way hands its call to eager mode.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from capture_helpers import _assert_twins, _batches, _linear_sgd, _train_step, _twins

import nabla as nb
from nabla import nn


def test_a_label_out_of_range_in_a_later_batch_raises_as_eager():
    model = nn.Linear(2, 3)
    step = nb.capture(lambda x, y: nb.cross_entropy(model(x), y).detach())
    step(nb.randn(4, 2), nb.tensor([0, 1, 2, 0]))
    with pytest.raises(ValueError, match="out of range"):
        step(nb.randn(4, 2), nb.tensor([0, 1, 5, 0]))


def test_a_boolean_mask_selecting_a_different_count_gives_the_eager_numbers():
    rng = np.random.default_rng(1)
    ys = []
    for i in range(4):
        y = rng.standard_normal((6, 1)).astype(np.float32)
        y[: 1 + i] = np.nan  # a different number of missing labels in every batch
        ys.append(y)
    xs = [rng.standard_normal((6, 3)).astype(np.float32) for _ in ys]

    build = _linear_sgd(3, 1, lr=0.1)

    def masked_mse(pred, y):
        mask = ~nb.isnan(y)
        return nb.mse_loss(pred[mask], y[mask])

    _assert_twins(_twins(build, _train_step(masked_mse), xs, ys))


def test_a_decision_after_a_backward_makes_the_step_run_eagerly():
    # Two micro-batches; an ignored label in the second one of a later call. A replay that found out only
    # after the first backward could not hand the call to eager mode without applying that backward twice.
    rng = np.random.default_rng(2)
    batches = []
    for i in range(3):
        y2 = rng.integers(0, 4, 6)
        y2[0] = -1 if i == 1 else y2[0]
        batches.append((rng.standard_normal((6, 3)).astype(np.float32), rng.integers(0, 4, 6),
                        rng.standard_normal((6, 3)).astype(np.float32), y2))  # fmt: skip
    weights = []
    for captured in (False, True):
        nb.manual_seed(0)
        model = nn.Linear(3, 4)
        step = _two_micro_batches(model, nb.optim.SGD(model.parameters(), lr=0.1))
        if captured:
            step = nb.capture(step)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for b in batches:
                step(*map(nb.from_numpy, b))
        weights.append(model.weight.detach().numpy().copy())
    np.testing.assert_array_equal(*weights)
    assert any("runs eagerly" in str(w.message) for w in caught)


def _two_micro_batches(model, opt):
    def step(x1, y1, x2, y2):
        for x, y in ((x1, y1), (x2, y2)):
            nb.cross_entropy(model(x), y, ignore_index=-1).backward()
        opt.step()
        opt.zero_grad()

    return step


def test_tensors_read_by_glue_are_read_at_every_call():
    threshold = nb.tensor([0.0, 0.0, 0.0])
    step = nb.capture(lambda x: nb.where(x > threshold, x, 0.0))
    x = nb.tensor([-1.0, 1.0, 2.0])
    np.testing.assert_array_equal(step(x).numpy(), [0.0, 1.0, 2.0])
    threshold.data = nb.tensor([0.0, 1.5, 1.5])  # a new array, not a change in place
    np.testing.assert_array_equal(step(x).numpy(), [0.0, 0.0, 2.0])


def test_where_reads_a_mask_made_before_the_step_at_every_call():
    mask = nb.tensor([True, False, True])
    step = nb.capture(lambda x: nb.where(mask, x, 0.0))
    x = nb.tensor([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(step(x).numpy(), [1.0, 0.0, 3.0])
    mask.data = nb.tensor([False, True, True])
    np.testing.assert_array_equal(step(x).numpy(), [0.0, 2.0, 3.0])


def test_a_weighted_mean_over_targets_replays_without_falling_back():
    xs, ys = _batches(5, 10, 4, classes=3)
    weight = nb.tensor([1.0, 2.0, 0.5])

    build = _linear_sgd(4, 3, lr=0.1)

    loss = lambda out, y: nb.nll_loss(nb.log_softmax(out, axis=1), y, weight=weight)  # noqa: E731
    step = _assert_twins(_twins(build, _train_step(loss), xs, ys))
    assert "_mean_factors" in step.code and "_checked" not in step.code


def test_a_comparison_of_a_full_reduction_is_recomputed_by_every_replay():
    # NumPy answers a comparison of 0-d arrays with a scalar (np.False_): held as a 0-d array, it is a value
    # of the step (a masked loss's "no real step" test, sum(mask) == 0, inside fit's captured step).
    step = nb.capture(lambda x: nb.where(x.sum() == 0.0, 1.0, x.sum()))
    for x in (np.ones(3, np.float32), np.zeros(3, np.float32), np.full(3, 2.0, np.float32)):
        assert float(step(nb.tensor(x))) == (1.0 if x.sum() == 0 else x.sum())
