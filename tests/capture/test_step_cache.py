"""The step cache: when nb.capture captures a step again, and when it stops trying."""

from __future__ import annotations

import numpy as np
import pytest
from capture_helpers import _batches, _train_step

import nabla as nb
from nabla import nn


def test_a_new_shape_or_a_mode_switch_captures_again():
    nb.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 8), nn.Dropout(0.5), nn.Linear(8, 2))

    @nb.capture
    def forward(x):
        with nb.no_grad():
            return model(x)

    x4, x6 = nb.randn(4, 3), nb.randn(6, 3)
    forward(x4)
    forward(x6)
    assert forward(x6).shape == (6, 2) and forward(x4).shape == (4, 2)
    assert len(forward._programs) == 2
    model.eval()
    with nb.no_grad():
        expected = model(x4).numpy()
    np.testing.assert_array_equal(forward(x4).detach().numpy(), expected)  # dropout off: captured again
    np.testing.assert_array_equal(forward(x4).detach().numpy(), expected)


def test_too_many_signatures_warn():
    step = nb.capture(lambda x, scale: x * scale)
    with pytest.warns(RuntimeWarning, match="signatures"):
        for i in range(10):
            step(nb.ones(2), float(i))
    assert float(step(nb.ones(2), 3.0)[0]) == 3.0


def test_bad_arguments_are_refused():
    with pytest.raises(TypeError, match="expects a function"):
        nb.capture(3)
    step = nb.capture(lambda x, opts: x)
    with pytest.raises(nb.CaptureError, match="hashable"):
        step(nb.ones(2), [1, 2])


def test_arguments_passed_twice_at_capture_are_not_confused_later():
    step = nb.capture(lambda a, b: a - b)
    x, y = nb.tensor([1.0, 2.0]), nb.tensor([0.5, 0.5])
    np.testing.assert_array_equal(step(x, x).numpy(), [0.0, 0.0])
    np.testing.assert_array_equal(step(x, y).numpy(), [0.5, 1.5])


def test_signed_zero_arguments_are_different_programs():
    step = nb.capture(lambda x, s: x / s)
    x = nb.tensor([1.0, -1.0])
    with np.errstate(divide="ignore"):
        step(x, 0.0)
        np.testing.assert_array_equal(step(x, -0.0).numpy(), [-np.inf, np.inf])


def test_replaced_layers_and_overridden_optimizer_steps_are_followed():
    class HalfSGD(nb.optim.SGD):  # an optimizer of the user's, overriding step
        def step(self, closure=None):
            for group in self.param_groups:
                group["lr"] *= 0.5
            return super().step(closure)

    nb.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 2))
    opt = HalfSGD(model.parameters(), lr=1.0)

    @nb.capture
    def step(x):
        opt.zero_grad()
        model(x).sum().backward()
        opt.step()

    for _ in range(3):
        step(nb.ones(1, 2))
    assert opt.param_groups[0]["lr"] == 0.125  # halved at every call, not only at capture

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 2)

        def forward(self, x):
            return self.fc(x)

    net, x = Net(), nb.ones(1, 2)
    with nb.no_grad():
        forward = nb.capture(net)
        first = forward(x).numpy()
        net.fc = nn.Linear(2, 2)  # a new layer: the program recorded the old one
        np.testing.assert_array_equal(forward(x).numpy(), net(x).numpy())
        assert not np.array_equal(first, net(x).numpy())

        del net.fc  # a deleted layer: forward now fails, as it does eagerly, instead of replaying the old one
        with pytest.raises(AttributeError, match="fc"):
            forward(x)

    seq = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
    with nb.no_grad():
        forward = nb.capture(seq)
        forward(x), forward(x)
        delattr(seq, "1")  # Sequential.pop of the Keras side deletes its last layer so
        np.testing.assert_array_equal(forward(x).numpy(), seq(x).numpy())


def test_a_hook_registered_after_capture_is_not_skipped():
    model = nn.Linear(2, 1)
    step = nb.capture(lambda x: model(x).sum().backward())
    step(nb.ones(1, 2))
    model.weight.register_hook(lambda g: g * 0)
    with pytest.raises(nb.CaptureError, match="hook"):  # captured again, and hooks are refused
        step(nb.ones(1, 2))


def test_changes_between_calls_to_module_attributes_are_followed():
    xs, ys = _batches(6, 8, 4, classes=2)
    runs = []
    for captured in (False, True):
        nb.manual_seed(0)
        model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 2))
        step = _train_step(nb.cross_entropy)(model, nb.optim.SGD(model.parameters(), lr=0.1))
        step = nb.capture(step) if captured else step
        nb.manual_seed(1)
        losses = []
        for i, (x, y) in enumerate(zip(xs, ys)):
            if i == 3:
                model[2].p = 0.1  # read by forward: a replay of the old program would keep 0.5
            losses.append(float(step(nb.from_numpy(x), nb.from_numpy(y))))
        runs.append((losses, [p.detach().numpy().copy() for p in model.parameters()]))
    assert runs[0][0] == runs[1][0]
    for a, b in zip(runs[0][1], runs[1][1]):
        np.testing.assert_array_equal(a, b)


def test_a_module_attribute_set_at_every_call_ends_in_eager_mode():
    model = nn.Linear(2, 1)
    calls = []

    @nb.capture
    def step(x):
        with nb.no_grad():
            return model(x)

    with pytest.warns(RuntimeWarning, match="runs eagerly from now on"):
        for i in range(12):
            model.calls = i  # an attribute set between calls: each one may change what forward does
            calls.append(step(nb.ones(1, 2)).numpy().copy())
    assert all(np.array_equal(c, calls[0]) for c in calls)
