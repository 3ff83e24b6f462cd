"""nabla.optim.lr_scheduler against torch.optim.lr_scheduler: the same lr (and momentum) at every step."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from reference import json_and_arrays, torch

import nabla as nb
from nabla.optim import lr_scheduler

STEPS = 60


def decay(epoch):
    return 0.95**epoch


def inverse(epoch):
    return 1.0 / (epoch + 1)


SCHEDULES = [
    ("StepLR", dict(step_size=7, gamma=0.5)),
    ("MultiStepLR", dict(milestones=[5, 12, 12, 30], gamma=0.3)),
    ("ExponentialLR", dict(gamma=0.93)),
    ("CosineAnnealingLR", dict(T_max=20, eta_min=1e-3)),
    ("CosineAnnealingLR", dict(T_max=7)),
    ("LinearLR", dict(start_factor=0.25, total_iters=10)),
    ("LinearLR", dict(start_factor=1.0, end_factor=0.1, total_iters=40)),
    ("LambdaLR", dict(lr_lambda=decay)),
    ("LambdaLR", dict(lr_lambda=[inverse, decay])),
    ("OneCycleLR", dict(max_lr=[0.5, 0.2], total_steps=STEPS)),
    ("OneCycleLR", dict(max_lr=0.3, total_steps=STEPS, anneal_strategy="linear", pct_start=0.25)),
    (
        "OneCycleLR",
        dict(max_lr=0.3, epochs=6, steps_per_epoch=10, three_phase=True, div_factor=10.0, final_div_factor=100.0),
    ),
    ("OneCycleLR", dict(max_lr=0.3, total_steps=STEPS, cycle_momentum=False)),
]


def schedule_id(case) -> str:
    return case[0] + "-" + "-".join(f"{k}={getattr(v, '__name__', v)}" for k, v in case[1].items())


def optimizers(name="SGD", **options):
    """The same two-group optimizer in nabla and torch, with gradients to step on."""
    th = torch()
    options.setdefault("lr", 0.1)
    nb_params = [nb.tensor(np.ones(3), requires_grad=True), nb.tensor(np.ones(2), requires_grad=True)]
    th_params = [th.ones(3, dtype=th.float64, requires_grad=True), th.ones(2, dtype=th.float64, requires_grad=True)]
    nb_opt = getattr(nb.optim, name)([{"params": nb_params[:1]}, {"params": nb_params[1:], "lr": 0.05}], **options)
    th_opt = getattr(th.optim, name)([{"params": th_params[:1]}, {"params": th_params[1:], "lr": 0.05}], **options)
    for p in nb_params:
        p.grad = nb.ones(p.shape, dtype=nb.float64)
    for p in th_params:
        p.grad = th.ones(p.shape, dtype=th.float64)
    return nb_opt, th_opt


def momenta(opt):
    return [g["betas"][0] if "betas" in g else g.get("momentum") for g in opt.param_groups]


def assert_close(ours, theirs, what):
    np.testing.assert_allclose(
        np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float), rtol=1e-12, atol=1e-15, err_msg=what
    )


@pytest.mark.parametrize("case", SCHEDULES, ids=schedule_id)
def test_lr_sequence_matches_torch(case):
    name, options = case
    nb_opt, th_opt = optimizers()
    ours = getattr(lr_scheduler, name)(nb_opt, **options)
    theirs = getattr(torch().optim.lr_scheduler, name)(th_opt, **options)
    assert_close(ours.get_last_lr(), theirs.get_last_lr(), "lr after construction")
    seen = []
    for step in range(STEPS):
        nb_opt.step()
        th_opt.step()
        ours.step()
        theirs.step()
        assert_close(ours.get_last_lr(), theirs.get_last_lr(), f"lr at step {step}")
        assert_close([g["lr"] for g in nb_opt.param_groups], [g["lr"] for g in th_opt.param_groups], f"step {step}")
        seen.append(ours.get_last_lr()[0])
    assert len(set(seen)) > 1, "the schedule never changed the lr"


@pytest.mark.parametrize("anneal_strategy", ["cos", "linear"])
@pytest.mark.parametrize("three_phase", [False, True], ids=["two-phase", "three-phase"])
@pytest.mark.parametrize(
    "opt",
    [
        ("SGD", dict(momentum=0.9)),
        ("SGD", dict()),
        ("Adam", dict()),
        ("AdamW", dict()),
        ("RMSprop", dict(momentum=0.5)),
    ],
    ids=lambda o: o[0] + ("-momentum" if o[1] else ""),
)
def test_one_cycle_momentum_matches_torch(opt, three_phase, anneal_strategy):
    name, options = opt
    nb_opt, th_opt = optimizers(name, **options)
    kwargs = dict(max_lr=0.3, total_steps=40, three_phase=three_phase, anneal_strategy=anneal_strategy)
    kwargs.update(base_momentum=[0.8, 0.7], max_momentum=0.9)
    ours = lr_scheduler.OneCycleLR(nb_opt, **kwargs)
    theirs = torch().optim.lr_scheduler.OneCycleLR(th_opt, **kwargs)
    assert_close(momenta(nb_opt), momenta(th_opt), "momentum after construction")
    seen = set()
    for step in range(40):
        nb_opt.step()
        th_opt.step()
        ours.step()
        theirs.step()
        assert_close(momenta(nb_opt), momenta(th_opt), f"momentum at step {step}")
        assert_close(ours.get_last_lr(), theirs.get_last_lr(), f"lr at step {step}")
        seen.add(momenta(nb_opt)[0])
    assert len(seen) > 10
    if "betas" in nb_opt.defaults:
        assert [g["betas"][1] for g in nb_opt.param_groups] == [0.999, 0.999]
    # The cycled momentum is used by the updates: the parameters agree too.
    for group, th_group in zip(nb_opt.param_groups, th_opt.param_groups):
        for p, q in zip(group["params"], th_group["params"]):
            np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-10)
    with pytest.raises(ValueError, match="tried to step 41 times.*total_steps=40"):
        ours.step()


def test_chained_schedulers_match_torch():
    """Recursive forms compose: a warm-up and an exponential decay on the same optimizer."""
    th = torch()
    nb_opt, th_opt = optimizers()
    ours = [lr_scheduler.LinearLR(nb_opt, start_factor=0.1, total_iters=5), lr_scheduler.ExponentialLR(nb_opt, 0.9)]
    theirs = [
        th.optim.lr_scheduler.LinearLR(th_opt, start_factor=0.1, total_iters=5),
        th.optim.lr_scheduler.ExponentialLR(th_opt, 0.9),
    ]
    for step in range(30):
        nb_opt.step()
        th_opt.step()
        for a, b in zip(ours, theirs):
            a.step()
            b.step()
        assert_close(ours[1].get_last_lr(), theirs[1].get_last_lr(), f"step {step}")


# Improving with noise for 30 epochs, then a noisy plateau.
METRICS = [float(m) for m in 1.0 / (1.0 + 0.1 * np.minimum(np.arange(60), 30)) + 0.05 * np.sin(np.arange(60) * 1.3)]

PLATEAU = [
    dict(patience=4),  # other options at their defaults
    dict(factor=0.5, patience=2, cooldown=1),
    dict(factor=0.5, patience=0, threshold=0.0),
    dict(mode="max", threshold=0.01, threshold_mode="abs", patience=1, factor=0.3),
    dict(mode="max", patience=3, threshold=0.1),
    dict(min_lr=[0.01, 0.02], patience=0, factor=0.5),
    dict(eps=0.006, factor=0.9, patience=0),  # group 1 reduced, group 2's change too small
    dict(threshold_mode="abs", threshold=0.05, patience=3, cooldown=2, min_lr=1e-3),
]


@pytest.mark.parametrize("options", PLATEAU, ids=lambda o: "-".join(f"{k}={v}" for k, v in o.items()))
def test_reduce_on_plateau_matches_torch(options):
    nb_opt, th_opt = optimizers()
    ours = lr_scheduler.ReduceLROnPlateau(nb_opt, **options)
    theirs = torch().optim.lr_scheduler.ReduceLROnPlateau(th_opt, **options)
    changes = 0
    for epoch, metric in enumerate(METRICS):
        nb_opt.step()
        th_opt.step()
        before = ours.get_last_lr()
        ours.step(nb.tensor(metric, dtype=nb.float64) if epoch % 2 else metric)  # a tensor or a number
        theirs.step(metric)
        changes += ours.get_last_lr() != before
        assert_close(ours.get_last_lr(), theirs.get_last_lr(), f"epoch {epoch}")
        assert (ours.best, ours.num_bad_epochs, ours.cooldown_counter) == (
            theirs.best,
            theirs.num_bad_epochs,
            theirs.cooldown_counter,
        ), f"epoch {epoch}"
    assert changes > 0, "the lr was never reduced: the metrics do not test anything"


# --- checkpoints ----------------------------------------------------------------------------------


def run(opt, sched, steps, metrics=None):
    lrs = []
    for i in range(steps):
        opt.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[i])
        lrs.append(sched.get_last_lr())
    return lrs


RESUMABLE = SCHEDULES + [("ReduceLROnPlateau", dict(factor=0.5, patience=1, cooldown=2))]


@pytest.mark.parametrize("case", RESUMABLE, ids=schedule_id)
def test_state_dict_resume(case):
    name, options = case
    opt_options = dict(momentum=0.9) if name == "OneCycleLR" else {}
    metrics = METRICS if name == "ReduceLROnPlateau" else None
    opt, _ = optimizers(**opt_options)
    sched = getattr(lr_scheduler, name)(opt, **options)
    straight = run(opt, sched, STEPS, metrics)

    opt1, _ = optimizers(**opt_options)
    sched1 = getattr(lr_scheduler, name)(opt1, **options)
    first = run(opt1, sched1, 25, metrics)
    opt_state, sched_state = json_and_arrays(opt1.state_dict()), json_and_arrays(sched1.state_dict())

    # PyTorch's order: build the optimizer and the scheduler, then load both states.
    opt2, _ = optimizers(**opt_options)
    sched2 = getattr(lr_scheduler, name)(opt2, **options)
    opt2.load_state_dict(opt_state)
    sched2.load_state_dict(sched_state)
    second = run(opt2, sched2, STEPS - 25, None if metrics is None else metrics[25:])
    assert first + second == straight
    assert momenta(opt2) == momenta(opt)
    sched_state["last_epoch"] = -5
    assert sched2.last_epoch == STEPS, "the loaded state dict must not alias the scheduler"


def test_lambda_lr_state_dict_keeps_functions_out():
    class Warmup:
        def __init__(self, n):
            self.n = n

        def __call__(self, epoch):
            return min(1.0, (epoch + 1) / self.n)

    opt, _ = optimizers()
    sched = lr_scheduler.LambdaLR(opt, [decay, Warmup(4)])
    state = sched.state_dict()
    assert state["lr_lambdas"] == [None, {"n": 4}]
    json.dumps(state)
    other = lr_scheduler.LambdaLR(optimizers()[0], [decay, Warmup(10)])
    other.load_state_dict(state)
    assert other.lr_lambdas[0] is decay and other.lr_lambdas[1].n == 4


def test_resume_with_last_epoch():
    """Built with last_epoch > 0 (groups holding initial_lr), the schedule continues from there."""
    th = torch()
    for name, options in [("CosineAnnealingLR", dict(T_max=20)), ("ExponentialLR", dict(gamma=0.9))]:
        nb_opt, th_opt = optimizers()
        for opt in (nb_opt, th_opt):
            for group in opt.param_groups:
                group["initial_lr"] = group["lr"]
        ours = getattr(lr_scheduler, name)(nb_opt, last_epoch=10, **options)
        theirs = getattr(th.optim.lr_scheduler, name)(th_opt, last_epoch=10, **options)
        for step in range(15):
            nb_opt.step()
            th_opt.step()
            ours.step()
            theirs.step()
            assert_close(ours.get_last_lr(), theirs.get_last_lr(), f"{name} step {step}")
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.StepLR(optimizers()[0], step_size=3, last_epoch=4)


# --- errors and warnings ------------------------------------------------------------------------------


def test_warns_when_scheduler_steps_before_optimizer():
    opt, _ = optimizers()
    sched = lr_scheduler.StepLR(opt, step_size=2)
    with pytest.warns(UserWarning, match="before optimizer.step"):
        sched.step()
    opt2, _ = optimizers()
    sched2 = lr_scheduler.StepLR(opt2, step_size=2)
    opt2.step()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sched2.step()


BAD = [
    ("StepLR", dict(step_size=0), ValueError, r"step_size must be a positive integer, got 0"),
    ("MultiStepLR", dict(milestones=[2.5]), TypeError, r"milestones must be integers"),
    ("CosineAnnealingLR", dict(T_max=0), ValueError, r"T_max must be a positive integer, got 0"),
    ("LinearLR", dict(start_factor=0.0), ValueError, r"start_factor must be in \(0, 1\], got 0\.0"),
    ("LinearLR", dict(end_factor=1.5), ValueError, r"end_factor must be in \[0, 1\], got 1\.5"),
    ("LambdaLR", dict(lr_lambda=[decay]), ValueError, r"lr_lambda has 1 values but the optimizer has 2"),
    ("LambdaLR", dict(lr_lambda=0.5), TypeError, r"lr_lambda must be a function"),
    ("OneCycleLR", dict(max_lr=0.1), ValueError, r"give total_steps, or both epochs and steps_per_epoch"),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=-3), ValueError, r"total_steps must be a positive integer, got -3"),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=10, pct_start=1.5), ValueError, r"pct_start .* got 1\.5"),
    ("OneCycleLR", dict(max_lr=0.1, total_steps=10, anneal_strategy="exp"), ValueError, r"got 'exp'"),
    ("OneCycleLR", dict(max_lr=[0.1], total_steps=10), ValueError, r"max_lr has 1 values"),
    ("ReduceLROnPlateau", dict(factor=1.0), ValueError, r"factor must be in \[0, 1\), got 1\.0"),
    ("ReduceLROnPlateau", dict(mode="avg"), ValueError, r"mode must be 'min' or 'max', got 'avg'"),
    ("ReduceLROnPlateau", dict(threshold_mode="pct"), ValueError, r"got 'pct'"),
    ("ReduceLROnPlateau", dict(patience=-1), ValueError, r"patience must be an integer >= 0, got -1"),
    ("ReduceLROnPlateau", dict(min_lr=[0.1]), ValueError, r"min_lr has 1 values"),
]


@pytest.mark.parametrize("case", BAD, ids=lambda c: c[0] + "-" + "-".join(f"{k}={v}" for k, v in c[1].items()))
def test_bad_arguments(case):
    name, options, error, match = case
    with pytest.raises(error, match=match):
        getattr(lr_scheduler, name)(optimizers()[0], **options)


def test_needs_a_bound_optimizer():
    with pytest.raises(RuntimeError, match="no parameters yet"):
        lr_scheduler.StepLR(nb.optim.SGD(lr=0.1), step_size=3)
    with pytest.raises(RuntimeError, match="no parameters yet"):
        lr_scheduler.ReduceLROnPlateau(nb.optim.Adam())
    with pytest.raises(TypeError, match="needs an nb.optim optimizer, got list"):
        lr_scheduler.ExponentialLR([], gamma=0.9)
    with pytest.raises(ValueError, match="Adagrad has neither"):
        lr_scheduler.OneCycleLR(nb.optim.Adagrad([nb.zeros(1, requires_grad=True)]), max_lr=0.1, total_steps=5)


def test_reduce_on_plateau_state_dict_is_json():
    opt, _ = optimizers()
    sched = lr_scheduler.ReduceLROnPlateau(opt)
    state = json.loads(json.dumps(sched.state_dict()))
    assert state["best"] == math.inf
