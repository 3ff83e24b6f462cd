"""nb.capture on another array library's device: the step is recorded there and replays there.

A replay calls the primitives and gradient rules eager mode called, with the namespace eager mode chose from
the data (nabla/capture/libraries.py), so on array-api-strict's devices (device1's arrays refuse np.asarray:
any NumPy code run on them, any silent conversion, fails loudly; no_float64 has no float64 at all) a captured
MLP and CNN step, under SGD with momentum and under Adam, gives eager mode's losses and parameters on the
same device, bit for bit. That it replays, not runs eagerly, is shown by the step's Python running once.
What a replay there could not repeat faithfully (an in-place update of a buffer) still runs eagerly and
says so once; the fused kernel (Numba loops over NumPy arrays) says why it is not used.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import OTHER_DEVICES, require_device

import nabla as nb
from nabla import nn
from nabla.engine.tracing import update_in_place


def _mlp():
    return nn.Sequential(nn.Linear(8, 16), nn.Tanh(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 3)), (12, 8)


def _cnn():
    layers = [nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(4, 6, 3), nn.ReLU()]
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(6 * 2 * 2, 3)), (12, 1, 8, 8)


OPTIMIZERS = {
    "SGD": lambda p: nb.optim.SGD(p, lr=0.1, momentum=0.9),
    "Adam": lambda p: nb.optim.Adam(p, lr=0.01),
}


def _train(device: str, network, optimizer: str, captured: bool, fuse: bool = False, steps: int = 4):
    """Train a seeded network on ``device``; return its losses (tensors), its model and the step."""
    nb.manual_seed(0)
    model, shape = network()
    model.to(device)
    opt = OPTIMIZERS[optimizer](model.parameters())
    calls = []

    def step(x, y):
        calls.append(1)  # (Python that runs only when the step runs eagerly: at capture, or instead of a replay)
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.detach()

    run = nb.capture(step, fuse=fuse) if captured else step
    rng = np.random.default_rng(1)
    batches = [(rng.normal(size=shape).astype(np.float32), rng.integers(0, 3, size=shape[0])) for _ in range(steps)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # (the eager fallback would warn)
        losses = [run(nb.tensor(x, device=device), nb.tensor(y, device=device)) for x, y in batches]
    return losses, model, run, len(calls)


def _host(t) -> np.ndarray:
    return t.detach().cpu().numpy()


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
@pytest.mark.parametrize("network", [_mlp, _cnn], ids=["mlp", "cnn"])
@pytest.mark.parametrize("device", OTHER_DEVICES)
def test_a_captured_step_replays_on_the_device_with_eager_modes_numbers(device, network, optimizer):
    require_device(device)
    ref_losses, ref_model, _, _ = _train(device, network, optimizer, captured=False)
    losses, model, step, calls = _train(device, network, optimizer, captured=True)
    assert calls == 1 and step.captures == 1  # recorded once, then three replays
    name = nb.tensor(0.0, device=device).device
    assert "xp_" + name.replace(":", "_") in step.code and "xpb" not in step.code  # its namespace; no buffers
    # The results stay on the device (device1 refuses np.asarray: a silent conversion would have failed).
    assert {t.device for t in losses} == {name}
    assert {p.device for p in model.parameters()} == {p.grad.device for p in model.parameters()} == {name}
    for a, b in zip(losses, ref_losses, strict=True):
        np.testing.assert_array_equal(_host(a), _host(b))
    for p, q in zip(model.parameters(), ref_model.parameters(), strict=True):
        np.testing.assert_array_equal(_host(p), _host(q))
        np.testing.assert_array_equal(_host(p.grad), _host(q.grad))


def test_moving_the_model_and_the_data_captures_again_on_the_new_device():
    require_device("array_api_strict:device1")
    nb.manual_seed(0)
    model = nn.Linear(4, 2).to("array_api_strict:device1")
    step = nb.capture(lambda x: model(x).detach())
    x = np.ones((3, 4), np.float32)
    first = step(nb.tensor(x, device="array_api_strict:device1"))
    model.to("array_api_strict:device2")
    second = step(nb.tensor(x, device="array_api_strict:device2"))
    third = step(nb.tensor(x, device="array_api_strict:device2"))
    assert step.captures == 2
    assert first.device == "array_api_strict:device1"
    assert second.device == third.device == "array_api_strict:device2"
    np.testing.assert_array_equal(_host(third), _host(first))


def test_the_fused_kernel_says_it_is_numpy_only_and_the_step_replays():
    require_device("array_api_strict:device1")
    losses, _, step, calls = _train("array_api_strict:device1", _mlp, "SGD", captured=True, fuse=True)
    ref_losses, _, _, _ = _train("array_api_strict:device1", _mlp, "SGD", captured=False)
    assert step.fused == (
        "plain replay: the step runs on array_api_strict:device1, and the fused kernel is Numba loops over NumPy arrays"
    )
    assert calls == 1
    np.testing.assert_array_equal([_host(t) for t in losses], [_host(t) for t in ref_losses])


def _add_into(stat, values) -> None:
    stat._data += values


def test_an_in_place_update_on_the_device_runs_eagerly_and_says_so_once():
    # A replay updates buffers last and must refuse reading them afterwards; the standard cannot tell a view
    # from a copy, so that check cannot be made there: the step runs eagerly instead, as before.
    require_device("array_api_strict:device1")
    dev = "array_api_strict:device1"
    total = nb.zeros(3, device=dev)
    calls = []

    def step(x):
        calls.append(1)
        update_in_place(total, _add_into, x * 2.0)
        return (x + 1.0).detach()

    captured = nb.capture(step)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        outs = [captured(nb.tensor([1.0, 2.0, 3.0], device=dev)) for _ in range(3)]
    assert [str(w.message) for w in seen] == [
        "nb.capture: step updates a tensor in place on array_api_strict:device1 ('_add_into': BatchNorm's "
        "running statistics), which a replay could not check there: it runs eagerly (the same numbers, without "
        "the replay's speed-up; see docs/devices.md)"
    ]
    assert len(calls) == 3 and captured.code is None
    assert total.tolist() == [6.0, 12.0, 18.0] and outs[-1].tolist() == [2.0, 3.0, 4.0]
