"""The Module system: registration, names (compared with torch's), traversal, modes, state dicts, repr."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest
from reference import torch

import nabla as nb
from nabla import nn


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(2, 4)
        self.act = nn.ReLU()
        self.out = nn.Linear(4, 1)

    def forward(self, x):
        return self.out(self.act(self.hidden(x)))


def _build(m, lib):
    """Every container kind, nested: names must come out as torch's for the same architecture."""
    m.stem = lib.Sequential(lib.Linear(3, 4), lib.ReLU(), lib.BatchNorm1d(4))
    m.blocks = lib.ModuleList([lib.Linear(4, 4), lib.Linear(4, 4, bias=False)])
    m.heads = lib.ModuleDict({"cls": lib.Linear(4, 2), "emb": lib.Embedding(5, 4)})
    m.attn = lib.MultiheadAttention(4, 2)
    m.norm = lib.LayerNorm(4)
    m.conv = lib.Conv2d(1, 2, 3)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        _build(self, nn)


def _torch_net():
    th = torch()

    class TorchNet(th.nn.Module):
        def __init__(self):
            super().__init__()
            _build(self, th.nn)

    return TorchNet()


# --- registration and names ---------------------------------------------------------------


def test_parameters_registered_by_assignment_in_order():
    m = MLP()
    assert [n for n, _ in m.named_parameters()] == ["hidden.weight", "hidden.bias", "out.weight", "out.bias"]
    assert [p.shape for p in m.parameters()] == [(4, 2), (4,), (1, 4), (1,)]
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in m.parameters())
    assert m.hidden.weight is next(iter(m.parameters()))


def test_named_parameters_and_buffers_match_torch_for_same_architecture():
    th = torch()
    ours, theirs = Net(), _torch_net()
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert [p.shape for p in ours.parameters()] == [tuple(p.shape) for p in theirs.parameters()]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]
    assert ours.num_parameters() == sum(p.numel() for p in theirs.parameters())
    assert isinstance(theirs, th.nn.Module)


def test_torch_state_dict_loads_into_the_same_nabla_architecture():
    ours, theirs = Net(), _torch_net()
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    for (name, p), (_, q) in zip(ours.state_dict().items(), theirs.state_dict().items()):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy(), err_msg=name)


def test_children_and_modules():
    m = MLP()
    assert list(m.children()) == [m.hidden, m.act, m.out]
    assert list(m.modules()) == [m, m.hidden, m.act, m.out]
    seq = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.Tanh(), nn.Linear(3, 1)))
    assert [n for n, _ in seq.named_modules()] == ["", "0", "1", "1.0", "1.1"]
    assert [n for n, _ in seq.named_parameters()] == ["0.weight", "0.bias", "1.1.weight", "1.1.bias"]


def test_containers_register_and_index():
    layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    layers.append(nn.Linear(2, 1))
    assert len(layers) == 4 and layers[-1].out_features == 1
    assert [n for n, _ in layers.named_parameters()][-2:] == ["3.weight", "3.bias"]
    d = nn.ModuleDict({"a": nn.Linear(1, 1)})
    d["b"] = nn.Linear(1, 2)
    assert list(d.keys()) == ["a", "b"] and "b" in d and d["b"].out_features == 2
    assert [n for n, _ in d.named_parameters()] == ["a.weight", "a.bias", "b.weight", "b.bias"]
    seq = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 3)), ("act", nn.ReLU())]))
    assert [n for n, _ in seq.named_parameters()] == ["fc.weight", "fc.bias"]
    assert isinstance(seq[1], nn.ReLU) and isinstance(seq[:1], nn.Sequential) and len(seq[:1]) == 1
    with pytest.raises(TypeError, match="argument 1"):
        nn.Sequential(nn.ReLU(), lambda x: x)


def test_sequential_forward_chains_modules():
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    x = nb.randn(5, 2)
    expected = seq[2](nb.relu(seq[0](x)))
    np.testing.assert_array_equal(seq(x).detach().numpy(), expected.detach().numpy())


def test_reassignment_and_deletion_update_registries():
    m = MLP()
    m.out = nn.Linear(4, 3)
    assert m.out.out_features == 3 and sum(1 for _ in m.parameters()) == 4
    m.extra = nn.Parameter(nb.zeros(2))
    assert [n for n, _ in m.named_parameters()][0] == "extra"  # the root's own come first, as in torch
    del m.extra
    assert "extra" not in dict(m.named_parameters())
    with pytest.raises(AttributeError):
        m.extra
    with pytest.raises(TypeError, match="nn.Parameter"):
        m.hidden.weight = nb.zeros(4, 2)  # a plain tensor into a parameter slot
    m.hidden.bias = None
    assert "hidden.bias" not in dict(m.named_parameters())
    m.hidden.bias = nn.Parameter(nb.zeros(4))  # a None slot can be filled again
    assert "hidden.bias" in dict(m.named_parameters())


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'hiden'"):
        MLP().hiden


def test_shared_parameters_counted_once():
    m = MLP()
    m.out2 = m.out  # the same module twice
    assert sum(1 for _ in m.parameters()) == 4
    assert m.num_parameters() == 4 * 2 + 4 + 4 + 1
    tied = nn.Module()
    tied.a = nn.Linear(3, 3, bias=False)
    tied.b = nn.Linear(3, 3, bias=False)
    tied.b.weight = tied.a.weight  # tied weights across two modules
    assert [n for n, _ in tied.named_parameters()] == ["a.weight"]
    assert tied.num_parameters() == 9


def test_shared_module_state_dict_lists_every_name_like_torch():
    th = torch()

    def build(m, lib):
        m.enc = lib.Linear(2, 2)
        m.dec = m.enc  # the same module under two names

    class Ours(nn.Module):
        def __init__(self):
            super().__init__()
            build(self, nn)

    class Theirs(th.nn.Module):
        def __init__(self):
            super().__init__()
            build(self, th.nn)

    ours, theirs = Ours(), Theirs()
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["enc.weight", "enc.bias", "dec.weight", "dec.bias"]
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    np.testing.assert_array_equal(ours.dec.weight.detach().numpy(), theirs.enc.weight.detach().numpy())


def test_num_parameters_trainable_only():
    m = MLP()
    m.hidden.requires_grad_(False)
    assert m.num_parameters() == 8 + 4 + 4 + 1
    assert m.num_parameters(trainable_only=True) == 4 + 1


# --- forgot super().__init__() -----------------------------------------------------------


class _NoInit(nn.Module):
    def __init__(self):
        self.fc = nn.Linear(2, 2)


class _NoInitPlain(nn.Module):
    def __init__(self):
        self.size = 3

    def forward(self, x):
        return x


def test_forgotten_super_init_is_a_clear_error():
    with pytest.raises(AttributeError, match=r"super\(\).__init__\(\)"):
        _NoInit()
    m = _NoInitPlain()  # only plain attributes: fails on first use, with the same hint
    with pytest.raises(AttributeError, match=r"super\(\).__init__\(\)"):
        list(m.parameters())
    with pytest.raises(AttributeError, match=r"super\(\).__init__\(\)"):
        m.training


# --- modes, grads, bulk changes ----------------------------------------------------------


def test_train_eval_recursive():
    m = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Dropout(0.5), nn.BatchNorm1d(2)))
    assert all(mod.training for mod in m.modules())
    assert m.eval() is m
    assert not any(mod.training for mod in m.modules())
    m.train()
    assert all(mod.training for mod in m.modules())
    m[1].train(False)
    assert m.training and m[0].training and not m[1][0].training and not m[1][1].training


def _backward(m):
    m(nb.randn(3, 2)).sum().backward()


def test_zero_grad_set_to_none_and_to_zeros():
    m = MLP()
    _backward(m)
    assert all(p.grad is not None and np.any(p.grad.detach().numpy() != 0) for p in m.parameters())
    grads = [p.grad for p in m.parameters()]
    m.zero_grad(set_to_none=False)
    for p, g in zip(m.parameters(), grads):
        assert p.grad is g  # zeroed in place, same tensor
        assert p.grad.shape == p.shape and not np.any(p.grad.detach().numpy())
    _backward(m)
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())


def test_gradients_accumulate_until_zeroed():
    m = MLP()
    x = nb.randn(3, 2)
    m(x).sum().backward()
    first = [p.grad.detach().numpy().copy() for p in m.parameters()]
    m(x).sum().backward()
    for p, g in zip(m.parameters(), first):
        np.testing.assert_allclose(p.grad.detach().numpy(), 2 * g, rtol=1e-6)


def test_requires_grad_freezes_and_unfreezes():
    m = MLP()
    assert m.requires_grad_(False) is m
    assert not any(p.requires_grad for p in m.parameters())
    out = m(nb.randn(3, 2, requires_grad=True))
    out.sum().backward()
    assert all(p.grad is None for p in m.parameters())
    m.requires_grad_()
    assert all(p.requires_grad for p in m.parameters())


def test_apply_visits_children_first_then_self():
    m = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU(), nn.Linear(2, 1)))
    visited = []
    assert m.apply(lambda mod: visited.append(mod)) is m
    assert visited == [m[0], m[1][0], m[1][1], m[1], m]

    def init(mod):
        if isinstance(mod, nn.Linear):
            nn.init.constant_(mod.weight, 0.5)
            nn.init.zeros_(mod.bias)

    m.apply(init)
    assert np.all(m[1][1].weight.detach().numpy() == 0.5) and np.all(m[0].bias.detach().numpy() == 0)


def test_to_float64_converts_parameters_buffers_and_grads():
    m = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    m(nb.randn(4, 2)).sum().backward()
    before = m[0].weight.detach().numpy().copy()
    weight = m[0].weight
    assert m.to(nb.float64) is m
    assert m[0].weight is weight  # in place: the same Parameter objects
    assert all(p.dtype == nb.float64 for p in m.parameters())
    assert all(p.grad.dtype == nb.float64 for p in m.parameters())
    assert m[1].running_mean.dtype == nb.float64 and m[1].running_var.dtype == nb.float64
    assert m[1].num_batches_tracked.dtype == nb.int64  # integer buffers are left alone
    np.testing.assert_array_equal(m[0].weight.detach().numpy(), before.astype(np.float64))
    out = m(nb.tensor(np.ones((4, 2))))
    assert out.dtype == nb.float64
    assert m.float() is m and m[0].weight.dtype == nb.float32
    with pytest.raises(TypeError, match="floating"):
        m.to(nb.int64)


# --- buffers and state dicts -------------------------------------------------------------


class WithBuffers(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 2)
        self.register_buffer("steps", nb.tensor(0))
        self.register_buffer("cache", nb.zeros(3), persistent=False)


def test_buffers_persistent_and_not():
    m = WithBuffers()
    assert [n for n, _ in m.named_buffers()] == ["steps", "cache"]
    assert list(m.state_dict()) == ["steps", "fc.weight", "fc.bias"]  # own entries first, as in torch
    assert not any(b is p for b in m.buffers() for p in m.parameters())
    assert "steps" not in dict(m.named_parameters())
    m.steps = nb.tensor(5)  # assigning a tensor to a buffer name replaces the buffer
    assert int(m.state_dict()["steps"].item()) == 5
    with pytest.raises(TypeError, match="buffer 'steps'"):
        m.steps = 3
    with pytest.raises(TypeError, match="must be a Tensor"):
        m.register_buffer("x", np.zeros(2))


def test_state_dict_shares_memory_and_is_detached():
    m = MLP()
    sd = m.state_dict()
    assert list(sd) == ["hidden.weight", "hidden.bias", "out.weight", "out.bias"]
    assert not any(t.requires_grad for t in sd.values())
    with nb.no_grad():
        m.out.bias.fill_(7.0)
    assert sd["out.bias"].item() == 7.0


def test_load_state_dict_round_trip_between_models():
    a, b = WithBuffers(), WithBuffers()
    a.steps = nb.tensor(11)
    result = b.load_state_dict(a.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    for k, v in a.state_dict().items():
        np.testing.assert_array_equal(b.state_dict()[k].detach().numpy(), v.detach().numpy())
    assert b.fc.weight is not a.fc.weight and not np.shares_memory(
        b.fc.weight.detach().numpy(), a.fc.weight.detach().numpy()
    )
    assert b.fc.weight.requires_grad  # loading keeps parameters trainable


def _snapshot(m):
    return {k: v.detach().numpy().copy() for k, v in m.state_dict().items()}


def _unchanged(m, snap):
    return all(np.array_equal(v.detach().numpy(), snap[k]) for k, v in m.state_dict().items())


def test_load_state_dict_names_missing_and_unexpected_keys_and_changes_nothing():
    m = MLP()
    snap = _snapshot(m)
    sd = {k: np.zeros(v.shape, np.float32) for k, v in m.state_dict().items()}
    del sd["out.bias"]
    sd["out.scale"] = np.zeros(1, np.float32)
    with pytest.raises(KeyError) as info:
        m.load_state_dict(sd)
    message = str(info.value)
    assert "out.bias" in message and "out.scale" in message and "missing" in message and "unexpected" in message
    assert _unchanged(m, snap)
    result = m.load_state_dict(sd, strict=False)
    assert result.missing_keys == ["out.bias"] and result.unexpected_keys == ["out.scale"]
    assert np.all(m.hidden.weight.detach().numpy() == 0) and np.array_equal(
        m.out.bias.detach().numpy(), snap["out.bias"]
    )


def test_load_state_dict_names_wrong_shapes_and_changes_nothing():
    m = MLP()
    snap = _snapshot(m)
    sd = {k: np.zeros(v.shape, np.float32) for k, v in m.state_dict().items()}
    sd["out.weight"] = np.zeros((4, 1), np.float32)
    with pytest.raises(ValueError, match=r"out\.weight.*\(4, 1\).*\(1, 4\)"):
        m.load_state_dict(sd)
    with pytest.raises(ValueError, match=r"out\.weight"):
        m.load_state_dict(sd, strict=False)  # a wrong shape is an error even when not strict, as in torch
    assert _unchanged(m, snap)


def test_load_state_dict_rejects_non_numeric_values_before_changing_anything():
    m = WithBuffers()
    snap = _snapshot(m)
    sd = {k: np.ones(v.shape, np.float32) for k, v in m.state_dict().items()}
    sd["steps"] = "five"  # 0-d like the buffer, but not a number
    with pytest.raises(ValueError, match="steps.*<U4"):
        m.load_state_dict(sd)
    assert _unchanged(m, snap)


def test_load_state_dict_reports_every_problem_at_once():
    m = MLP()
    sd = {k: np.zeros(v.shape, np.float32) for k, v in m.state_dict().items()}
    sd["out.weight"] = np.zeros((2, 2), np.float32)
    del sd["hidden.bias"]
    with pytest.raises((KeyError, ValueError)) as info:
        m.load_state_dict(sd)
    assert "out.weight" in str(info.value) and "hidden.bias" in str(info.value)


def test_load_state_dict_keeps_model_dtype():
    m = MLP()
    sd = {k: v.detach().numpy().astype(np.float64) + 1 for k, v in m.state_dict().items()}
    m.load_state_dict(sd)
    assert all(p.dtype == nb.float32 for p in m.parameters())
    np.testing.assert_allclose(m.out.bias.detach().numpy(), sd["out.bias"], rtol=1e-6)


def test_load_state_dict_accepts_tensors_and_updates_buffers():
    bn, other = nn.BatchNorm1d(3), nn.BatchNorm1d(3)
    other(nb.randn(8, 3) * 2 + 1)
    bn.load_state_dict(other.state_dict())
    np.testing.assert_array_equal(bn.running_mean.detach().numpy(), other.running_mean.detach().numpy())
    assert bn.num_batches_tracked.item() == 1


# --- repr ------------------------------------------------------------------------------


def test_repr_is_a_readable_nested_tree():
    m = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Sequential(nn.Dropout(0.25), nn.Linear(3, 1, bias=False)))
    expected = (
        "Sequential(\n"
        "  (0): Linear(in_features=2, out_features=3, bias=True)\n"
        "  (1): ReLU()\n"
        "  (2): Sequential(\n"
        "    (0): Dropout(p=0.25)\n"
        "    (1): Linear(in_features=3, out_features=1, bias=False)\n"
        "  )\n"
        ")"
    )
    assert repr(m) == expected
    assert repr(MLP()).startswith("MLP(\n  (hidden): Linear(in_features=2, out_features=4, bias=True)")


def test_repr_matches_torch_for_common_layers():
    th = torch()
    pairs = [
        (nn.Linear(2, 3), th.nn.Linear(2, 3)),
        (nn.ReLU(), th.nn.ReLU()),
        (nn.Dropout(0.1), th.nn.Dropout(0.1)),
        (nn.LeakyReLU(0.2), th.nn.LeakyReLU(0.2)),
        (nn.GELU("tanh"), th.nn.GELU("tanh")),
        (nn.Conv2d(3, 4, 3), th.nn.Conv2d(3, 4, 3)),
        (
            nn.Conv2d(3, 4, (2, 3), stride=2, padding=1, dilation=2, bias=False),
            th.nn.Conv2d(3, 4, (2, 3), stride=2, padding=1, dilation=2, bias=False),
        ),
        (nn.Embedding(5, 2), th.nn.Embedding(5, 2)),
        (nn.Embedding(5, 2, padding_idx=0), th.nn.Embedding(5, 2, padding_idx=0)),
        (nn.LayerNorm(4), th.nn.LayerNorm(4)),
        (nn.LayerNorm((2, 3), bias=False), th.nn.LayerNorm((2, 3), bias=False)),
        (nn.Flatten(), th.nn.Flatten()),
    ]
    for ours, theirs in pairs:
        assert repr(ours) == repr(theirs).replace(", inplace=False", "")
