"""nb.capture on another array library's device: the step runs eagerly there, with eager mode's numbers.

Replays are generated NumPy code; a step whose arrays live on another library (array-api-strict's device1
here, whose arrays refuse np.asarray, so any NumPy code run on them fails; CuPy on a GPU likewise) is
recorded nowhere, warned about once, and computed eagerly at every call.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import OTHER_DEVICES, require_device

import nabla as nb
from nabla import nn


def _training(device: str, captured: bool):
    nb.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 2)).to(device)
    opt = nb.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)

    def step(x, y):
        opt.zero_grad()
        loss = nb.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.detach()

    step = nb.capture(step) if captured else step
    rng = np.random.default_rng(0)
    x = nb.tensor(rng.normal(size=(6, 3)).astype(np.float32), device=device)
    y = nb.tensor(rng.integers(0, 2, 6), device=device)
    return step, lambda: [step(x, y).item() for _ in range(4)], model


@pytest.mark.parametrize("device", OTHER_DEVICES)
def test_a_captured_step_on_another_library_runs_eagerly_and_says_so_once(device):
    require_device(device)
    _, eager, _ = _training(device, captured=False)
    step, captured, model = _training(device, captured=True)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        losses = captured()
    assert losses == eager()  # the same computation, bit for bit
    assert [str(w.message) for w in seen] == [
        f"nb.capture: step runs on {model[0].weight.device}, and replays are NumPy code: it runs eagerly there "
        "(the same numbers, without the replay's speed-up; see docs/devices.md)"
    ]
    assert step.captures == 1 and step.code is None
