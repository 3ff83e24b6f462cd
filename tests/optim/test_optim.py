"""nabla.optim against torch.optim: the same model, the same start, the same numbers after 50 steps.

The model is a 4-8-3 tanh MLP written with nb.linear / torch.nn.functional.linear;
each step recomputes the loss, back-propagates and steps, in both libraries.
"""

from __future__ import annotations

import numpy as np
import pytest
from reference import json_and_arrays, torch

import nabla as nb

OPTIMIZERS = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"]

# (optimizer, options): every option that changes the update, alone and combined.
CASES = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.1, weight_decay=0.01)),
    ("SGD", dict(lr=0.02, momentum=0.8, dampening=0.1, weight_decay=0.05, maximize=True)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.95), eps=1e-6)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("Adam", dict(lr=0.01, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, maximize=True)),
    ("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.05, maximize=True)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
    ("AdamW", dict(lr=0.01, weight_decay=0.1, maximize=True)),
    ("RMSprop", dict()),
    ("RMSprop", dict(lr=0.005, alpha=0.9)),
    ("RMSprop", dict(lr=0.005, centered=True)),
    ("RMSprop", dict(lr=0.005, momentum=0.9)),
    ("RMSprop", dict(lr=0.005, centered=True, momentum=0.5, weight_decay=0.01)),
    ("RMSprop", dict(lr=0.005, maximize=True, eps=1e-6)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05)),
    ("Adagrad", dict(lr=0.1, initial_accumulator_value=0.1)),
    ("Adagrad", dict(lr=0.1, weight_decay=0.1, eps=1e-6)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.5, weight_decay=0.01, maximize=True)),
]

# Per-group options: the first layer gets its own lr (and another option), the second the defaults.
GROUP_CASES = [
    ("SGD", dict(lr=0.05, momentum=0.9), dict(lr=0.2, momentum=0.5)),
    ("SGD", dict(lr=0.05), dict(lr=0.01, weight_decay=0.1)),
    ("Adam", dict(lr=0.01), dict(lr=0.05, amsgrad=True)),
    ("AdamW", dict(lr=0.01), dict(lr=0.003, weight_decay=0.5, betas=(0.5, 0.9))),
    ("RMSprop", dict(lr=0.005, centered=True), dict(lr=0.02, momentum=0.9, centered=False)),
    ("Adagrad", dict(lr=0.1), dict(lr=0.3, lr_decay=0.1)),
]


def case_id(case) -> str:
    return case[0] + "-" + "-".join(f"{k}={v}" for k, v in case[1].items())


# --- the model, in both libraries ---------------------------------------------------


def problem(dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(16, 4)).astype(dtype)
    y = rng.normal(size=(16, 3)).astype(dtype)
    labels = rng.integers(0, 3, size=16)
    weights = [rng.normal(scale=0.5, size=s).astype(dtype) for s in [(8, 4), (8,), (3, 8), (3,)]]
    return x, y, labels, weights


def nb_loss(params, x, y, labels, kind="mse"):
    w1, b1, w2, b2 = params
    out = nb.linear(nb.tanh(nb.linear(x, w1, b1)), w2, b2)
    return nb.mse_loss(out, y) if kind == "mse" else nb.cross_entropy(out, labels)


def th_loss(params, x, y, labels, kind="mse"):
    F = torch().nn.functional
    w1, b1, w2, b2 = params
    out = F.linear(torch().tanh(F.linear(x, w1, b1)), w2, b2)
    return F.mse_loss(out, y) if kind == "mse" else F.cross_entropy(out, labels)


def groups_of(params, group_options):
    """Group 0: first layer with its own options; group 1: second layer with the defaults."""
    if group_options is None:
        return params
    return [dict(params=params[:2], **group_options), dict(params=params[2:])]


def train_both(name, options, group_options=None, steps=50, dtype=np.float64, loss="mse"):
    th = torch()
    x, y, labels, weights = problem(dtype)
    nb_params = [nb.tensor(w, requires_grad=True) for w in weights]
    th_params = [th.tensor(w, requires_grad=True) for w in weights]
    nb_opt = getattr(nb.optim, name)(groups_of(nb_params, group_options), **options)
    th_opt = getattr(th.optim, name)(groups_of(th_params, group_options), **options)
    nb_x, nb_y, nb_l = nb.tensor(x), nb.tensor(y), nb.tensor(labels)
    th_x, th_y, th_l = th.tensor(x), th.tensor(y), th.tensor(labels)
    for _ in range(steps):
        nb_opt.zero_grad()
        nb_loss(nb_params, nb_x, nb_y, nb_l, loss).backward()
        nb_opt.step()
        th_opt.zero_grad()
        th_loss(th_params, th_x, th_y, th_l, loss).backward()
        th_opt.step()
    return nb_params, th_params, nb_opt, th_opt


def assert_params_match(nb_params, th_params, rtol=1e-7, atol=1e-9):
    for i, (a, b) in enumerate(zip(nb_params, th_params)):
        assert a.dtype == b.detach().numpy().dtype, f"parameter {i}: dtype {a.dtype}"
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=rtol, atol=atol, err_msg=f"param {i}")


# --- parity with torch ------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_matches_torch_after_50_steps(case):
    name, options = case
    nb_params, th_params, _, _ = train_both(name, options)
    start = problem()[3]
    assert any(not np.allclose(p.detach().numpy(), w) for p, w in zip(nb_params, start)), "nothing moved"
    assert_params_match(nb_params, th_params)


@pytest.mark.parametrize("case", GROUP_CASES, ids=lambda c: c[0] + "-" + "-".join(f"{k}={v}" for k, v in c[2].items()))
def test_parameter_groups_match_torch(case):
    name, options, group_options = case
    nb_params, th_params, nb_opt, _ = train_both(name, options, group_options)
    assert nb_opt.param_groups[0]["lr"] == group_options["lr"]
    assert nb_opt.param_groups[1]["lr"] == options["lr"]
    assert_params_match(nb_params, th_params)


@pytest.mark.parametrize("name", ["SGD", "Adam", "Adagrad"])
def test_cross_entropy_model_matches_torch(name):
    options = {"lr": 0.05, "momentum": 0.9} if name == "SGD" else {"lr": 0.05}
    nb_params, th_params, _, _ = train_both(name, options, loss="ce")
    assert_params_match(nb_params, th_params)


@pytest.mark.parametrize("case", CASES[1::2], ids=case_id)
def test_state_matches_torch(case):
    """The state has PyTorch's keys and values, and the groups PyTorch's hyper-parameters."""
    nb_params, th_params, nb_opt, th_opt = train_both(*case, steps=7)
    ours, theirs = nb_opt.state_dict(), th_opt.state_dict()
    assert sorted(ours["state"]) == sorted(theirs["state"])
    for i, state in ours["state"].items():
        expected = theirs["state"][i]
        assert sorted(state) == sorted(k for k, v in expected.items() if v is not None)
        for key, value in state.items():
            if key == "step":
                assert value == int(expected[key].item()) == 7
            else:
                np.testing.assert_allclose(value, expected[key].numpy(), rtol=1e-8, atol=1e-12, err_msg=key)
    for group, expected in zip(ours["param_groups"], theirs["param_groups"]):
        for key, value in group.items():
            assert key in expected, f"group key {key!r} is not one of torch's"
            want = list(expected[key]) if isinstance(expected[key], tuple) else expected[key]
            assert value == want, key


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_defaults_match_torch(name):
    th = torch()
    ours = getattr(nb.optim, name)([nb.zeros(2, requires_grad=True)])
    theirs = getattr(th.optim, name)([th.zeros(2, requires_grad=True)])
    for key, value in ours.defaults.items():
        want = theirs.defaults[key]
        assert value == (tuple(want) if isinstance(want, tuple) else want), key


# --- dtypes, in-place updates, bookkeeping -------------------------------------------------------

FLOAT32_CASES = [
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.01)),
    ("AdamW", dict(lr=0.01, maximize=True)),
    ("RMSprop", dict(lr=0.005, centered=True, momentum=0.5, weight_decay=0.01)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1, weight_decay=0.01)),
]


@pytest.mark.parametrize("case", FLOAT32_CASES, ids=case_id)
def test_float32_stays_float32(case):
    nb_params, th_params, nb_opt, _ = train_both(*case, steps=20, dtype=np.float32)
    for p in nb_params:
        assert p.dtype == np.float32
        for key, value in nb_opt.state[p].items():
            if isinstance(value, np.ndarray):
                assert value.dtype == np.float32, key
    assert_params_match(nb_params, th_params, rtol=1e-4, atol=1e-5)


def test_numpy_scalar_hyperparameters_do_not_upcast():
    w = nb.tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    opt = nb.optim.Adam([w], lr=np.float64(0.1), betas=(np.float64(0.9), 0.99), eps=np.float64(1e-8))
    for _ in range(3):
        opt.zero_grad()
        (w * w).sum().backward()
        opt.step()
    assert w.dtype == np.float32 and opt.state[w]["exp_avg"].dtype == np.float32
    assert type(opt.param_groups[0]["lr"]) is float


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_sgd_on_a_parameter_larger_than_a_block_matches_torch(momentum):
    """SGD adds -lr * d in blocks of 32K elements (no full-size temporary)."""
    th = torch()
    w0 = np.random.default_rng(0).standard_normal((281, 250))  # 70,250 elements: not a multiple of 32K
    ours, theirs = nb.tensor(w0, requires_grad=True), th.tensor(w0, requires_grad=True)
    opt, topt = nb.optim.SGD([ours], lr=0.1, momentum=momentum), th.optim.SGD([theirs], lr=0.1, momentum=momentum)
    for _ in range(3):
        opt.zero_grad()
        topt.zero_grad()
        (ours * ours * ours).sum().backward()
        (theirs * theirs * theirs).sum().backward()
        opt.step()
        topt.step()
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("case", FLOAT32_CASES, ids=case_id)
def test_updates_in_place_and_bump_version(case):
    name, options = case
    x, y, labels, weights = problem()
    params = [nb.tensor(w, requires_grad=True) for w in weights]
    opt = getattr(nb.optim, name)(params, **options)
    arrays = [p._data for p in params]
    for step in range(3):
        opt.zero_grad()
        nb_loss(params, nb.tensor(x), nb.tensor(y), None).backward()
        versions = [p._version.v for p in params]
        opt.step()
        assert [p._version.v for p in params] == [v + 1 for v in versions]
        assert all(p._data is a for p, a in zip(params, arrays)), "parameters must be updated in place"
        if step == 0:
            state_arrays = {(i, k): v for i, p in enumerate(params) for k, v in opt.state[p].items()}
    for (i, key), value in state_arrays.items():
        if isinstance(value, np.ndarray):
            assert opt.state[params[i]][key] is value, f"state {key} was replaced instead of updated in place"


def test_step_makes_earlier_graph_stale():
    """The version bump lets autograd refuse a backward through values the step overwrote."""
    x, y, labels, weights = problem()
    params = [nb.tensor(w, requires_grad=True) for w in weights]
    opt = nb.optim.SGD(params, lr=0.1)
    nb_loss(params, nb.tensor(x), nb.tensor(y), None).backward()
    loss = nb_loss(params, nb.tensor(x), nb.tensor(y), None)
    opt.step()
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_parameters_without_grad_are_skipped(name):
    th = torch()
    x, y, labels, weights = problem()
    unused = np.arange(3.0)
    nb_params = [nb.tensor(w, requires_grad=True) for w in weights] + [nb.tensor(unused, requires_grad=True)]
    th_params = [th.tensor(w, requires_grad=True) for w in weights] + [th.tensor(unused, requires_grad=True)]
    options = {"lr": 0.05, "weight_decay": 0.1}  # weight decay would move the unused one if it were stepped
    nb_opt = getattr(nb.optim, name)(nb_params, **options)
    th_opt = getattr(th.optim, name)(th_params, **options)
    for _ in range(5):
        nb_opt.zero_grad()
        nb_loss(nb_params[:4], nb.tensor(x), nb.tensor(y), None).backward()
        nb_opt.step()
        th_opt.zero_grad()
        th_loss(th_params[:4], th.tensor(x), th.tensor(y), None).backward()
        th_opt.step()
    np.testing.assert_array_equal(nb_params[4].detach().numpy(), unused)
    assert nb_params[4] not in nb_opt.state
    assert_params_match(nb_params, th_params)


def test_zero_grad():
    w = nb.tensor(np.ones(3), requires_grad=True)
    opt = nb.optim.SGD([w], lr=0.1)
    (w * w).sum().backward()
    grad_array = w.grad._data
    opt.zero_grad(set_to_none=False)
    assert w.grad._data is grad_array
    np.testing.assert_array_equal(w.grad.numpy(), np.zeros(3))
    opt.zero_grad()
    assert w.grad is None
    opt.zero_grad()  # no gradient: nothing to do


@pytest.mark.parametrize("make", [lambda ps: nb.optim.SGD(ps, lr=0.1), lambda ps: nb.optim.Adam(ps)])
def test_a_gradient_of_another_shape_is_refused(make):
    w = nb.tensor(np.ones(3, np.float32), requires_grad=True)
    (w * w).sum().backward()
    w.data = nb.ones(4)  # replaced after backward
    with pytest.raises(RuntimeError, match=r"shape \(4,\) has a gradient of shape \(3,\)"):
        make([w]).step()


def test_a_subclass_update_is_called_by_plain_sgd():
    """SGD's fast loop for plain groups must not bypass an ``_update`` a subclass defines."""

    class ClippedSGD(nb.optim.SGD):
        def _update(self, param, grad, state, group):
            state["calls"] = state.get("calls", 0) + 1
            super()._update(param, np.clip(grad, -0.1, 0.1), state, group)

    w = nb.tensor([1.0, -1.0], requires_grad=True)
    opt = ClippedSGD([w], lr=1.0)
    (w * nb.tensor([5.0, -5.0])).sum().backward()
    opt.step()
    np.testing.assert_allclose(w.detach().numpy(), [0.9, -0.9])
    assert opt.state[w]["calls"] == 1


def test_closure_matches_torch():
    th = torch()
    x, y, labels, weights = problem()
    nb_params = [nb.tensor(w, requires_grad=True) for w in weights]
    th_params = [th.tensor(w, requires_grad=True) for w in weights]
    nb_opt = nb.optim.SGD(nb_params, lr=0.1, momentum=0.9)
    th_opt = th.optim.SGD(th_params, lr=0.1, momentum=0.9)

    def nb_closure():
        nb_opt.zero_grad()
        loss = nb_loss(nb_params, nb.tensor(x), nb.tensor(y), None)
        loss.backward()
        return loss

    def th_closure():
        th_opt.zero_grad()
        loss = th_loss(th_params, th.tensor(x), th.tensor(y), None)
        loss.backward()
        return loss

    for _ in range(20):
        nb_value = nb_opt.step(nb_closure)
        th_value = th_opt.step(th_closure)
        np.testing.assert_allclose(nb_value.item(), th_value.item(), rtol=1e-10)
    with nb.no_grad():  # the closure runs with gradients on even inside no_grad
        nb_opt.step(nb_closure)
    th_opt.step(th_closure)
    assert_params_match(nb_params, th_params)


# --- checkpoints -----------------------------------------------------------------------------------


RESUME_CASES = [
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.5, weight_decay=0.01)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("AdamW", dict(lr=0.01, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.005, centered=True, momentum=0.5)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05, initial_accumulator_value=0.1)),
]


def nb_train(opt, params, steps, data):
    x, y = data
    for _ in range(steps):
        opt.zero_grad()
        nb_loss(params, x, y, None).backward()
        opt.step()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", RESUME_CASES, ids=case_id)
def test_state_dict_resume_is_exact(case, dtype):
    name, options = case
    x, y, labels, weights = problem(dtype)
    data = (nb.tensor(x), nb.tensor(y))
    group_options = {"lr": options["lr"] * 2}

    straight = [nb.tensor(w, requires_grad=True) for w in weights]
    opt = getattr(nb.optim, name)(groups_of(straight, group_options), **options)
    nb_train(opt, straight, 20, data)

    first = [nb.tensor(w, requires_grad=True) for w in weights]
    opt1 = getattr(nb.optim, name)(groups_of(first, group_options), **options)
    nb_train(opt1, first, 10, data)
    saved = json_and_arrays(opt1.state_dict())
    saved_params = [p.detach().numpy().copy() for p in first]

    resumed = [nb.tensor(w, requires_grad=True) for w in saved_params]
    opt2 = getattr(nb.optim, name)(groups_of(resumed, {"lr": 123.0}), lr=456.0)  # hyper-parameters come from the dict
    opt2.load_state_dict(saved)
    assert opt2.param_groups[0]["lr"] == options["lr"] * 2 and opt2.param_groups[1]["lr"] == options["lr"]
    nb_train(opt2, resumed, 10, data)
    for a, b in zip(straight, resumed):
        assert b.dtype == dtype
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    for p in resumed:
        for value in opt2.state[p].values():
            assert not isinstance(value, np.ndarray) or value.dtype == dtype


def test_state_dict_is_plain_data_and_a_snapshot():
    x, y, labels, weights = problem()
    params = [nb.tensor(w, requires_grad=True) for w in weights]
    opt = nb.optim.Adam(params, lr=0.01, amsgrad=True)
    nb_train(opt, params, 3, (nb.tensor(x), nb.tensor(y)))
    sd = opt.state_dict()
    assert sorted(sd) == ["param_groups", "state"]
    assert list(sd["state"]) == [0, 1, 2, 3]
    assert sd["param_groups"][0]["params"] == [0, 1, 2, 3]
    assert sd["param_groups"][0]["betas"] == [0.9, 0.999]
    json_and_arrays(sd)  # asserts every leaf is plain data
    before = sd["state"][0]["exp_avg"].copy()
    nb_train(opt, params, 2, (nb.tensor(x), nb.tensor(y)))
    np.testing.assert_array_equal(sd["state"][0]["exp_avg"], before)  # later steps do not change it
    assert sd["state"][0]["step"] == 3


def test_load_state_dict_copies():
    x, y, labels, weights = problem()
    params = [nb.tensor(w, requires_grad=True) for w in weights]
    opt = nb.optim.SGD(params, lr=0.1, momentum=0.9)
    nb_train(opt, params, 2, (nb.tensor(x), nb.tensor(y)))
    sd = opt.state_dict()
    other = nb.optim.SGD([nb.tensor(w, requires_grad=True) for w in weights], lr=0.1, momentum=0.9)
    other.load_state_dict(sd)
    loaded = other.state[other.param_groups[0]["params"][0]]["momentum_buffer"]
    assert loaded is not sd["state"][0]["momentum_buffer"]
    sd["state"][0]["momentum_buffer"][...] = 7.0
    assert not np.any(loaded == 7.0)
    assert other.param_groups[0]["params"][0] is not params[0]


def test_load_state_dict_casts_and_accepts_read_only_arrays():
    w = nb.tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    opt = nb.optim.Adam([w])
    buf = np.full(3, 0.5)  # float64, read-only, as a memory-mapped file might give
    buf.flags.writeable = False
    opt.load_state_dict(
        {
            "state": {"0": {"step": 2.0, "exp_avg": buf, "exp_avg_sq": buf}},
            "param_groups": [dict(opt.state_dict()["param_groups"][0])],
        }
    )
    assert opt.state[w]["exp_avg"].dtype == np.float32 and opt.state[w]["exp_avg"].flags.writeable
    assert opt.state[w]["step"] == 2 and isinstance(opt.state[w]["step"], int)
    w.grad = nb.ones(3)
    opt.step()
    assert opt.state[w]["step"] == 3 and w.dtype == np.float32


def test_save_and_load_with_nb_save(tmp_path):
    from conftest import require

    require("safetensors")
    if not hasattr(nb, "save"):
        pytest.skip("nb.save is not available")
    x, y, labels, weights = problem()
    data = (nb.tensor(x), nb.tensor(y))
    params = [nb.tensor(w, requires_grad=True) for w in weights]
    opt = nb.optim.Adam(params, lr=0.01, amsgrad=True)
    nb_train(opt, params, 4, data)
    nb.save(opt.state_dict(), tmp_path / "opt.safetensors")
    copies = [nb.tensor(p.detach().numpy().copy(), requires_grad=True) for p in params]
    other = nb.optim.Adam(copies)
    other.load_state_dict(nb.load(tmp_path / "opt.safetensors"))
    nb_train(opt, params, 3, data)
    nb_train(other, copies, 3, data)
    for a, b in zip(params, copies):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def test_load_state_dict_mismatches():
    a, b = nb.zeros(2, requires_grad=True), nb.zeros(3, requires_grad=True)
    opt = nb.optim.SGD([a, b], lr=0.1, momentum=0.9)
    a.grad, b.grad = nb.ones(2), nb.ones(3)
    opt.step()
    sd = opt.state_dict()
    with pytest.raises(ValueError, match=r"state dict has 1 parameter group\(s\), this optimizer has 2"):
        nb.optim.SGD([{"params": [a]}, {"params": [b]}]).load_state_dict(sd)
    with pytest.raises(ValueError, match="1 parameters in the state dict and 2"):
        nb.optim.SGD([a, b]).load_state_dict({"state": {}, "param_groups": [dict(sd["param_groups"][0], params=[0])]})
    with pytest.raises(ValueError, match=r"shape \(2,\) but the parameter has shape \(3,\)"):
        nb.optim.SGD([b, a]).load_state_dict(sd)
    with pytest.raises(ValueError, match="'state' and 'param_groups'"):
        opt.load_state_dict({"state": {}})
    bad = json_and_arrays(sd)
    bad["param_groups"][0]["lr"] = -1.0
    with pytest.raises(ValueError, match="lr must be >= 0, got -1.0"):
        opt.load_state_dict(bad)


# --- unbound optimizers and the learning_rate alias ------------------------------------------------


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_unbound_then_bind_matches_bound(name):
    th = torch()
    x, y, labels, weights = problem()
    opt = getattr(nb.optim, name)(learning_rate=0.02)
    assert opt.param_groups == [] and "unbound" in repr(opt)
    with pytest.raises(RuntimeError, match="no parameters to update.*compile a model"):
        opt.step()
    params = [nb.tensor(w, requires_grad=True) for w in weights]
    assert opt.bind(params) is opt
    nb_train(opt, params, 10, (nb.tensor(x), nb.tensor(y)))
    th_params = [th.tensor(w, requires_grad=True) for w in weights]
    th_opt = getattr(th.optim, name)(th_params, lr=0.02)
    for _ in range(10):
        th_opt.zero_grad()
        th_loss(th_params, th.tensor(x), th.tensor(y), None).backward()
        th_opt.step()
    assert_params_match(params, th_params)
    with pytest.raises(RuntimeError, match="already updates 4 parameters"):
        opt.bind(params)


def test_unbound_add_param_group_and_learning_rate_alias():
    w, b = nb.zeros(2, requires_grad=True), nb.zeros(1, requires_grad=True)
    opt = nb.optim.SGD(lr=0.1)
    opt.add_param_group({"params": [w], "learning_rate": 0.5})
    opt.add_param_group({"params": b})
    assert [g["lr"] for g in opt.param_groups] == [0.5, 0.1]
    assert nb.optim.Adam([w], learning_rate=0.3).param_groups[0]["lr"] == 0.3
    assert nb.optim.Adam([w]).param_groups[0]["lr"] == 1e-3
    assert nb.optim.SGD([w]).param_groups[0]["lr"] == 1e-3
    assert nb.optim.RMSprop([w]).param_groups[0]["lr"] == 1e-2
    assert nb.optim.Adagrad([w]).param_groups[0]["lr"] == 1e-2
    assert nb.optim.AdamW([w]).param_groups[0]["weight_decay"] == 1e-2


# --- errors -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_empty_parameter_list(name):
    with pytest.raises(ValueError, match="empty parameter list"):
        getattr(nb.optim, name)([])
    with pytest.raises(ValueError, match="empty parameter list"):
        getattr(nb.optim, name)(iter([]))


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_lr_and_learning_rate_both_given(name):
    with pytest.raises(ValueError, match=r"both lr=0\.1 and learning_rate=0\.2"):
        getattr(nb.optim, name)([nb.zeros(2, requires_grad=True)], lr=0.1, learning_rate=0.2)
    with pytest.raises(ValueError, match="both"):
        getattr(nb.optim, name)(lr=0.1, learning_rate=0.1)


BAD_OPTIONS = [
    ("SGD", dict(lr=-0.1), ValueError, r"SGD: lr must be >= 0, got -0\.1"),
    ("SGD", dict(learning_rate=-2), ValueError, r"lr must be >= 0, got -2"),
    ("SGD", dict(lr=float("nan")), ValueError, r"lr must be >= 0, got nan"),
    ("SGD", dict(lr="0.1"), TypeError, r"lr must be a number, got '0\.1' \(str\)"),
    ("SGD", dict(momentum=-0.5), ValueError, r"momentum must be >= 0, got -0\.5"),
    ("SGD", dict(dampening=-0.1), ValueError, r"dampening must be >= 0, got -0\.1"),
    ("SGD", dict(weight_decay=-1e-4), ValueError, r"weight_decay must be >= 0, got -0\.0001"),
    ("SGD", dict(nesterov=True), ValueError, r"nesterov=True needs momentum > 0.*momentum=0\.0"),
    ("SGD", dict(nesterov=True, momentum=0.9, dampening=0.1), ValueError, r"dampening = 0.*dampening=0\.1"),
    ("SGD", dict(nesterov="yes", momentum=0.9), TypeError, r"nesterov must be True or False, got 'yes'"),
    ("Adam", dict(betas=(1.0, 0.999)), ValueError, r"Adam: betas\[0\] must be in \[0, 1\), got 1\.0"),
    ("Adam", dict(betas=(0.9, -0.1)), ValueError, r"betas\[1\] must be in \[0, 1\), got -0\.1"),
    ("Adam", dict(betas=0.9), ValueError, r"betas must be a pair \(beta1, beta2\), got 0\.9"),
    ("Adam", dict(eps=-1e-8), ValueError, r"eps must be >= 0, got -1e-08"),
    ("Adam", dict(weight_decay=-0.1), ValueError, r"weight_decay must be >= 0, got -0\.1"),
    ("AdamW", dict(lr=-1.0), ValueError, r"AdamW: lr must be >= 0, got -1\.0"),
    ("AdamW", dict(betas=(0.9, 1.5)), ValueError, r"AdamW: betas\[1\] must be in \[0, 1\), got 1\.5"),
    ("RMSprop", dict(alpha=1.5), ValueError, r"RMSprop: alpha must be in \[0, 1\], got 1\.5"),
    ("RMSprop", dict(eps=-1.0), ValueError, r"eps must be >= 0, got -1\.0"),
    ("RMSprop", dict(momentum=-0.9), ValueError, r"momentum must be >= 0, got -0\.9"),
    ("RMSprop", dict(weight_decay=-0.9), ValueError, r"weight_decay must be >= 0, got -0\.9"),
    ("Adagrad", dict(lr_decay=-0.1), ValueError, r"Adagrad: lr_decay must be >= 0, got -0\.1"),
    ("Adagrad", dict(initial_accumulator_value=-1), ValueError, r"initial_accumulator_value must be >= 0, got -1"),
    ("Adagrad", dict(eps=-1e-10), ValueError, r"eps must be >= 0, got -1e-10"),
]


@pytest.mark.parametrize("bound", [True, False], ids=["bound", "unbound"])
@pytest.mark.parametrize("case", BAD_OPTIONS, ids=lambda c: c[0] + "-" + "-".join(f"{k}={v}" for k, v in c[1].items()))
def test_bad_hyperparameters(case, bound):
    name, options, error, match = case
    params = [nb.zeros(2, requires_grad=True)] if bound else None
    with pytest.raises(error, match=match):
        getattr(nb.optim, name)(params, **options)


def test_bad_group_hyperparameters_and_params():
    w = nb.zeros(2, requires_grad=True)
    opt = nb.optim.SGD([w], lr=0.1)
    with pytest.raises(ValueError, match=r"lr must be >= 0, got -1\.0"):
        opt.add_param_group({"params": [nb.zeros(1, requires_grad=True)], "lr": -1.0})
    with pytest.raises(ValueError, match="appears twice"):
        opt.add_param_group({"params": [w]})
    with pytest.raises(ValueError, match="appears twice"):
        nb.optim.Adam([w, w])
    with pytest.raises(ValueError, match="'params' entry"):
        opt.add_param_group({"lr": 0.1})
    with pytest.raises(TypeError, match="single Tensor of shape"):
        nb.optim.Adam(w)
    with pytest.raises(TypeError, match=r"got 0\.01 \(float\).*lr="):
        nb.optim.Adam(0.01)
    with pytest.raises(TypeError, match="ordered collection"):
        nb.optim.Adam([{"params": {w}}])
    with pytest.raises(ValueError, match="computed by an operation"):
        nb.optim.Adam([w * 2])
    with pytest.raises(TypeError, match="only optimize Tensors, but parameter 1 is ndarray"):
        nb.optim.Adam([w, np.zeros(2)])
    with pytest.raises(TypeError, match="mixes Tensors and dicts"):
        nb.optim.Adam([w, {"params": [nb.zeros(1, requires_grad=True)]}])
    assert len(opt.param_groups) == 1  # failed additions left nothing behind


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_a_0d_parameter_matches_torch(case):
    """A scalar parameter (NumPy's arithmetic on 0-d arrays gives scalars, which an in-place step cannot write
    into): the same numbers as PyTorch, and the state stays 0-d."""
    th = torch()
    name, options = case
    ours, theirs = nb.tensor(np.float32(1.5), requires_grad=True), th.tensor(np.float32(1.5), requires_grad=True)
    nb_opt, th_opt = getattr(nb.optim, name)([ours], **options), getattr(th.optim, name)([theirs], **options)
    for _ in range(20):
        nb_opt.zero_grad()
        ((ours - 0.5) ** 2 * nb.cos(ours)).backward()
        nb_opt.step()
        th_opt.zero_grad()
        ((theirs - 0.5) ** 2 * th.cos(theirs)).backward()
        th_opt.step()
    assert ours.shape == () and ours.dtype == np.float32
    np.testing.assert_allclose(ours.item(), theirs.item(), rtol=1e-5)
    for key, value in nb_opt.state_dict()["state"].get(0, {}).items():  # (plain SGD keeps no state)
        if key != "step":
            assert np.shape(value) == (), key
