"""The debugging tools: overfit_small_batch, TrainingMonitor, check_gradients."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import nabla as nb
from nabla import callbacks, diagnostics
from nabla.engine.ops.primitive import primitive
from nabla.layers import BatchNormalization, Dense, Dropout, Layer
from nabla.models import Sequential


def data(n: int = 32, features: int = 4, classes: int = 3, seed: int = 0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, features)).astype(np.float32), rng.integers(0, classes, n)


def mlp(lr: float = 0.01, optimizer=None, hidden_activation="relu", extra=()) -> Sequential:
    nb.manual_seed(0)
    model = Sequential(
        [
            Dense(16, activation=hidden_activation, input_shape=(4,)),
            *extra,
            Dense(3, activation="softmax"),
        ]
    )
    model.compile(optimizer=optimizer or nb.optim.Adam(learning_rate=lr), loss="sparse_categorical_crossentropy")
    return model


def same(a, b) -> bool:
    return all(np.array_equal(u, v) for u, v in zip(a, b))


# --- overfit_small_batch -------------------------------------------------------------------


def test_overfit_small_batch_passes_for_a_sound_model_and_leaves_no_trace():
    x, y = data()
    model = mlp()
    weights, state = model.get_weights(), model.optimizer.state_dict()
    report = diagnostics.overfit_small_batch(model, x, y)
    assert report.passed and report.causes == []
    assert report.final_loss < 0.05 * report.initial_loss and len(report.losses) == 300
    assert same(model.get_weights(), weights)
    assert model.optimizer.state_dict()["state"] == state["state"]
    assert "passed" in str(report)


def test_overfit_small_batch_fails_with_learning_rate_zero():
    x, y = data()
    model = mlp(lr=0.0)
    weights = model.get_weights()
    report = diagnostics.overfit_small_batch(model, x, y, steps=50)
    assert not report.passed
    assert any("barely moved" in c and "learning rate too small" in c for c in report.causes)
    assert "FAILED" in str(report) and same(model.get_weights(), weights)


def test_overfit_small_batch_fails_for_a_frozen_model():
    x, y = data()
    model = mlp()
    for layer in model.layers:
        layer.trainable = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", diagnostics.ModelConfigWarning)  # "no trainable weights"
        report = diagnostics.overfit_small_batch(model, x, y, steps=20)
    assert not report.passed and report.final_loss == report.initial_loss
    assert any("frozen layers" in c for c in report.causes)


def test_overfit_small_batch_names_a_too_large_learning_rate_and_dead_relus():
    x, y = data()
    model = mlp(optimizer=nb.optim.SGD(lr=50.0))
    weights = model.get_weights()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        report = diagnostics.overfit_small_batch(model, x, y, steps=50)
    assert not report.passed
    assert any("learning rate" in c and "too large" in c for c in report.causes)
    assert same(model.get_weights(), weights)


# --- TrainingMonitor -------------------------------------------------------------------------


def test_training_monitor_records_norms_and_update_ratios_each_epoch():
    """One full batch per epoch with plain SGD: the update is lr * gradient, so the three records agree."""
    x, y = data()
    model = mlp(optimizer=nb.optim.SGD(lr=0.1))
    monitor = diagnostics.TrainingMonitor(x_probe=x)
    snapshots = [{n: p.detach().numpy().copy() for n, p in model.named_parameters()}]
    spy = callbacks.LambdaCallback(
        on_epoch_end=lambda e, logs: snapshots.append(
            {n: p.detach().numpy().copy() for n, p in model.named_parameters()}
        )
    )
    model.fit(x, y, epochs=3, batch_size=len(x), shuffle=False, callbacks=[monitor, spy], verbose=0)
    assert [r["epoch"] for r in monitor.record] == [0, 1, 2]
    names = ["0.kernel", "0.bias", "1.kernel", "1.bias"]
    for epoch, entry in enumerate(monitor.record):
        before, after = snapshots[epoch], snapshots[epoch + 1]
        assert list(entry["weight_norm"]) == names and entry["flags"] == []
        for name in names:
            assert entry["weight_norm"][name] == pytest.approx(np.linalg.norm(after[name]), rel=1e-6)
            step = np.linalg.norm(after[name] - before[name])
            assert entry["grad_norm"][name] == pytest.approx(step / 0.1, rel=1e-4)
            if np.linalg.norm(before[name]) > 0:
                assert entry["update_ratio"][name] == pytest.approx(step / np.linalg.norm(before[name]), rel=1e-5)
            else:
                assert np.isnan(entry["update_ratio"][name])  # zero-initialised biases: the ratio is undefined
        assert list(entry["dead_relu"]) == [model.layers[0].name] and entry["dead_relu"][model.layers[0].name] < 0.5


def test_training_monitor_flags_dead_relus():
    x, y = data()
    model = mlp()
    model.set_weights([w - 100.0 if i == 1 else w for i, w in enumerate(model.get_weights())])  # bias -100
    monitor = diagnostics.TrainingMonitor(x_probe=x)
    model.fit(x, y, epochs=2, callbacks=[monitor], verbose=0)
    last = monitor.record[-1]
    assert last["dead_relu"][model.layers[0].name] == 1.0
    assert any("100% dead ReLU units" in f for f in last["flags"])
    assert any("vanishing gradient in 0.kernel" in f for f in last["flags"])


def test_training_monitor_flags_nan():
    x, y = data()
    model = mlp()
    weights = model.get_weights()
    weights[2][0, 0] = np.nan  # one NaN weight in the output layer spreads to every gradient
    model.set_weights(weights)
    monitor = diagnostics.TrainingMonitor()
    model.fit(x, y, epochs=1, callbacks=[monitor], verbose=0)
    entry = monitor.record[0]
    assert any(f.startswith("NaN/Inf in weights of") for f in entry["flags"])
    assert any(f.startswith("NaN/Inf in gradients of") for f in entry["flags"])
    assert entry["first_nonfinite"].startswith("NaN/Inf")


# --- check_gradients ---------------------------------------------------------------------------


def test_check_gradients_passes_for_an_mlp_with_dropout_and_batch_norm():
    x, y = data(n=16)
    model = mlp(extra=(BatchNormalization(), Dropout(0.5), Dense(8, activation="tanh")))
    model.fit(x, y, epochs=2, verbose=0)
    weights = model.get_weights()
    report = diagnostics.check_gradients(model, x, y)
    assert set(report) == {n for n, _ in model.named_parameters()}
    assert "1.gamma" in report and max(report.values()) < 1e-4
    assert same(model.get_weights(), weights)  # a float64 copy is checked; the model is untouched
    assert model.layers[0].kernel.dtype == np.float32


@primitive("softplus_with_a_wrong_vjp")
def _softplus_wrong(xp, x):
    return np.logaddexp(0.0, x)


@_softplus_wrong.defvjp
def _(xp, need, g, out, x):
    return (g * 0.5,)  # the derivative is sigmoid(x), not 1/2


def test_check_gradients_catches_a_wrong_vjp():
    x, y = data(n=16)
    model = mlp(hidden_activation=_softplus_wrong)
    with pytest.raises(AssertionError, match=r"check_gradients: 0\.(kernel|bias)\[\d+\]: backprop .* vs finite"):
        diagnostics.check_gradients(model, x, y)
    right = mlp(hidden_activation=lambda t: nb.softplus(t))
    assert max(diagnostics.check_gradients(right, x, y).values()) < 1e-4


class WrongOnlyWhileTraining(Layer):
    """Identity at inference; in training, the softplus with the wrong vjp (as BatchNormalization, the
    computation differs between the modes, and training's is the one whose gradients matter)."""

    def call(self, inputs, training=None):
        return _softplus_wrong(inputs) if training else inputs


def test_check_gradients_checks_the_training_computation():
    x, y = data(n=16)
    model = mlp(extra=(WrongOnlyWhileTraining(),))
    with pytest.raises(AssertionError, match="check_gradients: 0"):
        diagnostics.check_gradients(model, x, y)


def test_diagnostics_need_a_compiled_model():
    model = Sequential([Dense(3, input_shape=(4,))])
    x, y = data()
    with pytest.raises(RuntimeError, match="not compiled"):
        diagnostics.overfit_small_batch(model, x, y)
    with pytest.raises(RuntimeError, match="not compiled"):
        diagnostics.check_gradients(model, x, y)
