"""Learning tests that mirror the course: XOR with two hidden units, the perceptron's limit, two moons.

Every run starts from a fixed seed and trains by full-batch gradient descent
with a hand-written step (``p -= lr * p.grad`` under ``no_grad``), so nothing
here depends on ``nabla.optim``.
"""

from __future__ import annotations

import numpy as np

import nabla as nb
from nabla import nn

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype=np.float32)
XOR_Y = np.array([[0.0], [1.0], [1.0], [0.0]], dtype=np.float32)
AND_Y = np.array([[0.0], [0.0], [0.0], [1.0]], dtype=np.float32)


def two_moons(n: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles (scikit-learn's ``make_moons``), labels 0 (upper) and 1 (lower)."""
    rng = np.random.default_rng(seed)
    upper = n // 2
    t_upper, t_lower = np.linspace(0, np.pi, upper), np.linspace(0, np.pi, n - upper)
    points = np.concatenate(
        [np.stack([np.cos(t_upper), np.sin(t_upper)], 1), np.stack([1 - np.cos(t_lower), 0.5 - np.sin(t_lower)], 1)]
    )
    x = points + rng.normal(0.0, noise, points.shape)
    y = np.concatenate([np.zeros(upper), np.ones(n - upper)])[:, None]
    return x.astype(np.float32), y.astype(np.float32)


def accuracy(model: nn.Module, x: np.ndarray, y: np.ndarray) -> float:
    """Share of points on the right side of logit 0 (probability 0.5)."""
    with nb.no_grad():
        logits = model(nb.tensor(x)).numpy()
    return float(((logits > 0) == (y > 0.5)).mean())


def train(model: nn.Module, x: np.ndarray, y: np.ndarray, epochs: int, lr: float) -> tuple[list[float], list[float]]:
    """Full-batch gradient descent on BCE-with-logits; returns the loss and accuracy after every step."""
    inputs, targets = nb.tensor(x), nb.tensor(y)
    criterion = nn.BCEWithLogitsLoss()
    losses, accuracies = [], []
    for _ in range(epochs):
        loss = criterion(model(inputs), targets)
        model.zero_grad()
        loss.backward()
        with nb.no_grad():
            for p in model.parameters():
                p -= lr * p.grad
        losses.append(loss.item())
        accuracies.append(accuracy(model, x, y))
    return losses, accuracies


def test_two_hidden_neurons_solve_xor():
    nb.manual_seed(5)
    model = nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.Linear(2, 1))
    assert model.num_parameters() == 9
    losses, accuracies = train(model, XOR_X, XOR_Y, epochs=1500, lr=0.5)
    assert accuracies[-1] == 1.0
    assert losses[-1] < 0.05 < losses[0]
    with nb.no_grad():
        probs = nn.Sigmoid()(model(nb.tensor(XOR_X))).numpy()
    assert np.all(np.abs(probs - XOR_Y) < 0.2)


def test_perceptron_cannot_learn_xor_but_learns_and():
    nb.manual_seed(0)
    perceptron = nn.Linear(2, 1)  # a single layer: logit = w . x + b, then sigmoid inside the loss
    _, accuracies = train(perceptron, XOR_X, XOR_Y, epochs=1000, lr=0.5)
    assert max(accuracies) <= 0.75  # no line separates XOR's classes: at best 3 of 4 points
    nb.manual_seed(0)
    perceptron = nn.Linear(2, 1)
    _, accuracies = train(perceptron, XOR_X, AND_Y, epochs=1000, lr=0.5)
    assert accuracies[-1] == 1.0  # the same loop learns a linearly separable function


def test_mlp_fits_two_moons():
    x, y = two_moons(200, noise=0.1, seed=0)
    assert x.shape == (200, 2) and y.mean() == 0.5
    nb.manual_seed(0)
    mlp = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1))
    losses, accuracies = train(mlp, x, y, epochs=600, lr=0.5)
    assert accuracies[-1] == 1.0
    assert losses[-1] < 0.1 * losses[0]
    nb.manual_seed(0)
    linear = nn.Linear(2, 1)  # the moons interleave: a line gets most points but not all
    _, line_accuracies = train(linear, x, y, epochs=300, lr=0.5)
    assert 0.7 < max(line_accuracies) < 0.95
