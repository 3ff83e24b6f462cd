"""A training step on another array library equals the NumPy one (the issue's acceptance test, CPU part).

The same seeded MLP (and CNN: convolutions, max-pooling) trains for three steps on NumPy and on
array-api-strict's devices (whose arrays refuse np.asarray outside CPU_DEVICE, so any silent conversion
to NumPy fails), with SGD (momentum) and Adam updating in place on the device: losses and parameters
agree to 1e-6. So do Keras's optimizers that nabla.optim has no class for (Nadam, Adamax, Adadelta,
Lion, Ftrl), written on ``into`` / ``state_zeros``.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import OTHER_DEVICES, require_device

import nabla as nb
from nabla import nn
from nabla.keras import optimizers

DEVICES = OTHER_DEVICES


def _mlp():
    return nn.Sequential(nn.Linear(8, 16), nn.Tanh(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 3)), (12, 8)


def _cnn():
    layers = [nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(4, 6, 3), nn.ReLU()]
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(6 * 2 * 2, 3)), (12, 1, 8, 8)


def _train(device: str, optimizer: str, network=_mlp):
    nb.manual_seed(0)
    model, shape = network()
    model.to(device)
    make = {"SGD": lambda p: nb.optim.SGD(p, lr=0.1, momentum=0.9), "Adam": lambda p: nb.optim.Adam(p, lr=0.01),
            "Nadam": lambda p: optimizers.Nadam(0.01).bind(p), "Adamax": lambda p: optimizers.Adamax(0.01).bind(p),
            "Adadelta": lambda p: optimizers.Adadelta(1.0).bind(p), "Lion": lambda p: optimizers.Lion(0.01).bind(p),
            "Ftrl": lambda p: optimizers.Ftrl(0.1, l1_regularization_strength=0.01, beta=0.1).bind(p)}  # fmt: skip
    opt = make[optimizer](model.parameters())
    rng = np.random.default_rng(1)
    x = nb.tensor(rng.normal(size=shape).astype(np.float32), device=device)
    y = nb.tensor(rng.integers(0, 3, size=12), device=device)
    losses = []
    for _ in range(3):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert {p.device for p in model.parameters()} == {nb.tensor(0.0, device=device).device}
    return losses, [p.detach().cpu().numpy() for p in model.parameters()]


@pytest.mark.parametrize("optimizer", ["SGD", "Adam", "Nadam", "Adamax", "Adadelta", "Lion", "Ftrl"])
@pytest.mark.parametrize("device", DEVICES)
def test_mlp_step_equals_numpys(device, optimizer):
    require_device(device)
    ref_losses, ref_params = _train("cpu", optimizer)
    losses, params = _train(device, optimizer)
    np.testing.assert_allclose(losses, ref_losses, rtol=1e-6, atol=1e-6)
    for p, q in zip(params, ref_params):
        np.testing.assert_allclose(p, q, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("device", DEVICES)
def test_cnn_step_equals_numpys(device):
    require_device(device)
    ref_losses, ref_params = _train("cpu", "SGD", _cnn)
    losses, params = _train(device, "SGD", _cnn)
    np.testing.assert_allclose(losses, ref_losses, rtol=1e-6, atol=1e-6)
    for p, q in zip(params, ref_params):
        np.testing.assert_allclose(p, q, rtol=1e-6, atol=1e-6)
