"""A training that diverges (too large a learning rate, the lesson's classic) runs into inf and NaN as in
PyTorch and Keras: the same losses step by step, and no NumPy RuntimeWarning ("overflow encountered in
reduce") from a captured step's replay or from Keras's fit, evaluate and predict, which run under the
backward walk's error state (nabla.engine.ops.primitive.ieee_arithmetic). An eager step's own ``*`` still
warns: an error state around every operation costs too much (see ieee_results)."""

from __future__ import annotations

import warnings

import numpy as np
import torch
from keras_reference import keras_on_torch

import nabla as nb
import nabla.keras as nkeras

X = np.random.default_rng(0).uniform(0, 100, (64, 3)).astype(np.float32)
Y = X @ np.array([[1.0], [2.0], [3.0]], np.float32)
STEPS, LR = 12, 1.0  # (the mean of the squared errors overflows float32 at the fourth step)


def _runtime_warnings(seen) -> list[str]:
    return [str(w.message) for w in seen if issubclass(w.category, RuntimeWarning)]


def _torch_losses(w1, b1, w2, b2) -> list[float]:
    params = [torch.tensor(a, requires_grad=True) for a in (w1, b1, w2, b2)]
    opt = torch.optim.SGD(params, lr=LR)
    x, y, losses = torch.tensor(X), torch.tensor(Y), []
    for _ in range(STEPS):
        loss = ((torch.tanh(x @ params[0].T + params[1]) @ params[2].T + params[3] - y) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def test_a_diverging_captured_step_gives_torchs_infinities_without_warnings():
    net = nb.nn.Sequential(nb.nn.Linear(3, 16), nb.nn.Tanh(), nb.nn.Linear(16, 1))
    weights = [p.numpy().copy() for p in net.parameters()]
    opt = nb.optim.SGD(net.parameters(), lr=LR)

    @nb.capture
    def step(x, y):
        loss = ((net(x) - y) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss

    x, y = nb.tensor(X), nb.tensor(Y)
    step(x, y)  # (the first call records the step, eagerly)
    nb.no_grad()(lambda: [p.copy_(nb.tensor(w)) for p, w in zip(net.parameters(), weights)])()
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        losses = [step(x, y).item() for _ in range(STEPS)]
    assert not np.isfinite(losses[-1]), losses  # (the training did diverge: the test reaches the overflow)
    np.testing.assert_allclose(losses, _torch_losses(*weights), rtol=1e-4)
    assert _runtime_warnings(seen) == []


def test_a_diverging_fit_gives_keras_losses_without_warnings():
    keras = keras_on_torch()
    reference = keras.Sequential([keras.Input((3,)), keras.layers.Dense(16, activation="tanh"), keras.layers.Dense(1)])
    ours = nkeras.Sequential([nkeras.Input((3,)), nkeras.layers.Dense(16, activation="tanh"), nkeras.layers.Dense(1)])
    ours.set_weights(reference.get_weights())
    for model, library in ((reference, keras), (ours, nkeras)):
        model.compile(optimizer=library.optimizers.SGD(learning_rate=LR), loss="mse")
    theirs = reference.fit(X, Y, batch_size=64, epochs=STEPS, shuffle=False, verbose=0).history["loss"]
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        losses = ours.fit(X, Y, batch_size=64, epochs=STEPS, shuffle=False, verbose=0).history["loss"]
        evaluated, predicted = ours.evaluate(X, Y, verbose=0), ours.predict(X, verbose=0)
    assert not np.isfinite(losses[-1]), losses
    np.testing.assert_allclose(losses, theirs, rtol=1e-4)
    np.testing.assert_allclose(evaluated, reference.evaluate(X, Y, verbose=0), rtol=1e-4)
    np.testing.assert_allclose(predicted, reference.predict(X, verbose=0), rtol=1e-4)
    assert _runtime_warnings(seen) == []


def test_the_users_own_numpy_overflow_still_warns():
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        np.float32(3e38) * np.float32(10)
    assert any("overflow" in message for message in _runtime_warnings(seen))
