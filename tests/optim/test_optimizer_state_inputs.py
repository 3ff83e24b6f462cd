"""Optimizer.load_state_dict on state dicts read from damaged or foreign files: one ValueError naming the entry.

A checkpoint comes back from ``nb.load`` as plain dicts, lists, numbers, strings and arrays, whatever
the file held. Every wrong layout must be a ``ValueError`` that says which entry is wrong, raised
before anything changes; never a ``TypeError``/``KeyError``/``AttributeError`` from inside, and never
a silently accepted string or huge step that breaks the next ``step()``.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

import nabla as nb
from nabla import optim


def trained(cls=optim.Adam):
    p = nb.ones(3, requires_grad=True)
    opt = cls([p], lr=0.1)
    (p * p).sum().backward()
    opt.step()
    return p, opt


def changed(edit):
    state = copy.deepcopy(trained()[1].state_dict())
    edit(state)
    return state


@pytest.mark.parametrize(
    "state, match",
    [
        (None, r"expects a dict with 'state' and 'param_groups' entries, got None"),
        ({"state": {}, "param_groups": "x"}, r"'param_groups' must be a list of dicts, got 'x'"),
        ({"state": {}, "param_groups": [1]}, r"param_groups\[0\] must be a dict with a 'params' list, got 1"),
        (changed(lambda s: s["param_groups"][0].pop("params")), r"param_groups\[0\] must be a dict with a 'params'"),
        (changed(lambda s: s["param_groups"][0].update(params=["a"])), r"\['params'\]: expected a parameter index"),
        (changed(lambda s: s["param_groups"][0].update(params=[2**70])), r"expected a parameter index .*got 1180"),
        (changed(lambda s: s.update(state=[1])), r"'state' must be a dict of parameter index -> dict, got \[1\]"),
        (changed(lambda s: s.update(state={"x": {}})), r"'state': expected a parameter index .*got 'x'"),
        (changed(lambda s: s.update(state={0: 5})), r"state\[0\] must be a dict of names to values, got 5"),
        (changed(lambda s: s["state"][0].update(exp_avg="abc")), r"state 'exp_avg' must be an array .*got 'abc'"),
        (changed(lambda s: s["state"][0].update(exp_avg=np.ones(4))), r"'exp_avg' has shape \(4,\)"),
        (changed(lambda s: s["state"][0].update(step="abc")), r"state 'step' must be a count .*got 'abc'"),
        (changed(lambda s: s["state"][0].update(step=10**30)), r"state 'step' must be a count"),
        (changed(lambda s: s["state"][0].update(step=-1)), r"state 'step' must be a count"),
        (changed(lambda s: s["state"][0].update(step=True)), r"state 'step' must be a count"),
        (changed(lambda s: s["state"][0].update(step=2.5)), r"state 'step' must be a count"),
    ],
)
def test_a_wrong_layout_is_one_value_error_naming_the_entry_and_changes_nothing(state, match):
    p, opt = trained()
    before = copy.deepcopy(opt.state_dict())
    with pytest.raises(ValueError, match=match) as info:
        opt.load_state_dict(state)
    assert "Adam.load_state_dict" in str(info.value) and "\n" not in str(info.value)
    after = opt.state_dict()
    assert after["param_groups"] == before["param_groups"]
    for key, value in before["state"][0].items():
        np.testing.assert_array_equal(after["state"][0][key], value)


def test_what_a_file_round_trip_gives_still_loads(tmp_path):
    """String indices (JSON keys), a float step (PyTorch's), Tensors and lists all load; training continues alike."""
    p, opt = trained()
    state = opt.state_dict()
    nb.save(state, tmp_path / "opt.st")
    again = nb.load(tmp_path / "opt.st")
    again["state"] = {str(k): {**v, "step": float(v["step"]), "exp_avg": nb.tensor(v["exp_avg"])}
                      for k, v in again["state"].items()}  # fmt: skip
    q, other = trained()
    other.load_state_dict(again)
    for a, b in ((p, opt), (q, other)):
        b.zero_grad()
        (a * a).sum().backward()
        b.step()
    np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())


def scheduler(cls=optim.lr_scheduler.StepLR, **options):
    _, opt = trained()
    return cls(opt, **options)


@pytest.mark.parametrize(
    "state, match",
    [
        (None, r"StepLR.load_state_dict expects a dict .*got None"),
        ({"get_lr": "x"}, r"unknown entry 'get_lr'; expected entries of \["),
        ({"last_epoch": "x"}, r"entry 'last_epoch' must be a number like 0, got 'x'"),
        ({"last_epoch": True}, r"entry 'last_epoch' must be a number like 0, got True"),
        ({"base_lrs": ["a"]}, r"entry 'base_lrs' must be a list like \[0.1\], got \['a'\]"),
        ({"base_lrs": 0.1}, r"entry 'base_lrs' must be a list like \[0.1\], got 0.1"),
    ],
)
def test_a_scheduler_state_of_another_layout_is_refused_and_changes_nothing(state, match):
    s = scheduler(step_size=2)
    before = s.state_dict()
    with pytest.raises(ValueError, match=match):
        s.load_state_dict(state)
    assert s.state_dict() == before


@pytest.mark.parametrize(
    "cls, options",
    [
        (optim.lr_scheduler.MultiStepLR, {"milestones": [1, 3]}),
        (optim.lr_scheduler.ReduceLROnPlateau, {"patience": 1}),
        (optim.lr_scheduler.OneCycleLR, {"max_lr": 0.5, "total_steps": 10}),
        (optim.lr_scheduler.CosineAnnealingLR, {"T_max": 5}),
    ],
)
def test_scheduler_states_round_trip_through_a_file(tmp_path, cls, options):
    s = scheduler(cls, **options)
    for _ in range(3):
        s.optimizer.step()
        s.step(1.0) if cls is optim.lr_scheduler.ReduceLROnPlateau else s.step()
    nb.save(s.state_dict(), tmp_path / "s.st")
    fresh = scheduler(cls, **options)
    fresh.load_state_dict(nb.load(tmp_path / "s.st"))
    assert fresh.state_dict() == s.state_dict()
