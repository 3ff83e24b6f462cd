"""The course's debugging habits as tools.

* :func:`overfit_small_batch`: a network that cannot drive the loss of a
  handful of samples to ~0 has a bug (or is far too small); find it before
  training for hours.
* :class:`TrainingMonitor`: watch weight norms, gradient norms and
  update/weight ratios per layer, and flag NaN/Inf, exploding or vanishing
  gradients and dead ReLU units.
* :func:`check_gradients`: backprop against finite differences for a whole
  model, in float64.
* :class:`ModelConfigWarning`: emitted by ``fit`` for suspicious
  loss/activation/label combinations (see ``nabla.keras.models.checks``).

This module stays at the top of nabla, above the Keras side it is built on
(see nabla/keras/__init__.py for why).
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field

import numpy as np

from .engine.grad_mode import no_grad
from .engine.tensor import Tensor
from .keras.activations import name_of
from .keras.callbacks import Callback
from .keras.models.checks import ModelConfigWarning

__all__ = ["ModelConfigWarning", "OverfitReport", "TrainingMonitor", "check_gradients", "overfit_small_batch"]


@dataclass
class OverfitReport:
    """What :func:`overfit_small_batch` found; ``passed`` is the verdict, ``causes`` the likely reasons if not."""

    passed: bool
    initial_loss: float
    final_loss: float
    losses: list = field(repr=False)
    causes: list

    def __str__(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        text = f"overfit check {verdict}: loss {self.initial_loss:.4g} -> {self.final_loss:.4g}"
        return text + "".join(f"\n  - {c}" for c in self.causes)


def overfit_small_batch(model, x, y, samples: int = 8, steps: int = 300, threshold: float = 0.05) -> OverfitReport:
    """Train a compiled model on its first ``samples`` examples and check the loss reaches ~0.

    Passes when the final loss is below ``threshold`` times the initial loss
    (or below 1e-3). The model's weights and optimizer state are restored
    afterwards, so the check leaves no trace. On failure the report lists
    likely causes, from what the run showed.
    """
    model._require_compiled("overfit_small_batch")
    x, y = np.asarray(x)[:samples], np.asarray(y)[:samples]
    model._prepare(x.astype(np.float32) if x.dtype == np.float64 else x, y)
    weights = model.get_weights()
    opt_state = copy.deepcopy(model.optimizer.state_dict())
    dropout = [m for m in model.modules() if type(m).__name__ == "Dropout"]
    losses = []
    try:
        for _ in range(steps):
            losses.append(float(model.train_on_batch(x, y, return_dict=True)["loss"]))
            if not math.isfinite(losses[-1]):
                break
        dead = _dead_relu_fraction(model, x)
    finally:
        model.set_weights(weights)
        model.optimizer.load_state_dict(opt_state)
    first, last = losses[0], losses[-1]
    passed = math.isfinite(last) and (last < threshold * first or last < 1e-3)
    causes = []
    if not passed:
        if not math.isfinite(last):
            causes.append(
                "the loss became NaN/Inf: the learning rate is probably too large (or log of 0 in a custom loss)"
            )
        elif max(losses) > 2 * first:
            causes.append("the loss went up: the learning rate is probably too large")
        elif last > 0.9 * first:
            causes.append(
                "the loss barely moved: learning rate too small, frozen layers, or gradients not reaching the weights"
            )
        else:
            causes.append("the loss fell but not to ~0: the model may be too small, or train longer (steps=...)")
        if dead is not None and dead > 0.5:
            causes.append(
                f"{dead:.0%} of ReLU units are dead (never active): lower the learning rate or use he_normal init"
            )
        if dropout:
            causes.append("dropout is active while training: it makes a tiny batch hard to memorise; try without it")
        regularized = [m for m in model.modules() if getattr(m, "_regularized", None)]
        if regularized:
            causes.append("weight regularization keeps the loss above 0: try without it for this check")
        causes.append("check that the loss matches the output activation and the labels (see the warnings of fit)")
    return OverfitReport(passed, first, last, losses, causes)


def _relu_outputs(model, x: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """Outputs of the layers of a Sequential model whose activation is ReLU, for input x."""
    outs = []
    h = Tensor._make(np.asarray(x))
    mode = model.training
    model.eval()
    with no_grad():
        for layer in getattr(model, "layers", []):
            h = layer(h)
            if name_of(getattr(layer, "activation", None)) == "relu" or type(layer).__name__ == "ReLU":
                outs.append((getattr(layer, "name", type(layer).__name__), h._data))
    model.train(mode)
    return outs


def _dead_relu_fraction(model, x) -> float | None:
    outs = _relu_outputs(model, x)
    if not outs:
        return None
    dead = sum(int((a.reshape(len(a), -1) <= 0).all(axis=0).sum()) for _, a in outs)
    return dead / sum(a.reshape(len(a), -1).shape[1] for _, a in outs)


class TrainingMonitor(Callback):
    """Records per-layer weight norms, gradient norms and update/weight ratios at each epoch end; flags problems.

    ``record`` is a list with one dict per epoch: ``{"epoch", "weight_norm":
    {name: float}, "grad_norm": {...}, "update_ratio": {...}, "dead_relu":
    {layer: fraction}, "flags": [str]}``. Gradients are those of the epoch's
    last batch. Flags: NaN/Inf in weights or gradients (naming the first
    parameter where it appears), exploding gradients (norm above
    ``explode``), vanishing ones (below ``vanish``), and dead ReLU units
    (never active on ``x_probe``, when given, for Sequential models).
    ``update_ratio`` is ``||w_now - w_before|| / ||w_before||`` over the
    epoch (NaN for weights that were all zero, such as fresh biases). A
    healthy update/weight ratio is around 1e-3 per step (Karpathy's rule of
    thumb); much larger means a too-high learning rate.
    """

    def __init__(self, x_probe=None, explode: float = 1e3, vanish: float = 1e-7, verbose: int = 0):
        super().__init__()
        self.x_probe = None if x_probe is None else np.asarray(x_probe, dtype=np.float32)
        self.explode, self.vanish, self.verbose = explode, vanish, verbose
        self.record: list[dict] = []
        self._previous: dict[str, np.ndarray] = {}

    def on_train_begin(self, logs=None):
        self.record = []
        self._previous = {name: p._data.copy() for name, p in self.model.named_parameters()}

    def on_epoch_end(self, epoch, logs=None):
        entry = {"epoch": epoch, "weight_norm": {}, "grad_norm": {}, "update_ratio": {}, "dead_relu": {}, "flags": []}
        for name, p in self.model.named_parameters():
            w = p._data
            entry["weight_norm"][name] = float(np.linalg.norm(w))
            prev = self._previous.get(name)
            if prev is not None:
                # NOTE: relative to zero weights (a bias at its "zeros" init) the ratio is undefined: NaN, not 1e10.
                before = float(np.linalg.norm(prev))
                change = float(np.linalg.norm(w - prev))
                entry["update_ratio"][name] = change / before if before > 0 else math.nan
            self._previous[name] = w.copy()
            if not np.isfinite(w).all():
                entry["flags"].append(f"NaN/Inf in weights of {name}")
            if p.grad is not None:
                g = float(np.linalg.norm(p.grad._data))
                entry["grad_norm"][name] = g
                if not math.isfinite(g):
                    entry["flags"].append(f"NaN/Inf in gradients of {name}")
                elif g > self.explode:
                    entry["flags"].append(f"exploding gradient in {name} (norm {g:.3g})")
                elif g < self.vanish and p.size > 1:
                    entry["flags"].append(f"vanishing gradient in {name} (norm {g:.3g})")
        if self.x_probe is not None:
            for layer, a in _relu_outputs(self.model, self.x_probe):
                flat = a.reshape(len(a), -1)
                frac = float((flat <= 0).all(axis=0).mean())
                entry["dead_relu"][layer] = frac
                if frac > 0.5:
                    entry["flags"].append(f"{frac:.0%} dead ReLU units in {layer}")
        nonfinite = [f for f in entry["flags"] if f.startswith("NaN")]
        if nonfinite:
            entry["first_nonfinite"] = nonfinite[0]
        self.record.append(entry)
        if self.verbose and entry["flags"]:
            print(f"TrainingMonitor epoch {epoch + 1}: " + "; ".join(entry["flags"]))


def check_gradients(
    model, x, y, eps: float = 1e-6, rtol: float = 1e-4, atol: float = 1e-7, max_checks: int = 20, seed: int = 0
) -> dict:
    """Compare backprop with central finite differences for every parameter of a compiled model.

    Runs on a float64 copy of the model in training mode, so that
    BatchNormalization is checked on the batch statistics it trains with,
    with every dropout rate set to 0 so that the loss is deterministic, on
    the batch ``(x, y)``. For each parameter, up to
    ``max_checks`` randomly chosen entries are perturbed by ``±eps``.
    Returns ``{parameter name: max relative error}``; raises
    ``AssertionError`` naming the first entry that is off by more than
    ``atol + rtol * |numerical|``.
    """
    model._require_compiled("check_gradients")
    twin = copy.deepcopy(model).to("float64")
    twin.train()
    for m in twin.modules():
        if type(m).__name__ == "Dropout":  # Keras's Dropout(rate) and nn.Dropout(p)
            setattr(m, "rate" if hasattr(m, "rate") else "p", 0.0)
    x64 = Tensor._make(np.asarray(x, dtype=np.float64))
    y = np.asarray(y)

    def loss_value() -> Tensor:
        return twin._loss_value(y, twin(x64, training=True), None)

    twin.zero_grad()
    loss_value().backward()
    rng = np.random.default_rng(seed)
    report = {}
    with no_grad():
        for name, p in twin.named_parameters():
            analytic = p.grad._data.reshape(-1) if p.grad is not None else np.zeros(p.size)
            flat = p._data.reshape(-1)
            picks = rng.choice(flat.size, size=min(max_checks, flat.size), replace=False)
            worst = 0.0
            for i in picks:
                old = flat[i]
                flat[i] = old + eps
                up = loss_value().item()
                flat[i] = old - eps
                down = loss_value().item()
                flat[i] = old
                numeric = (up - down) / (2 * eps)
                err = abs(analytic[i] - numeric)
                rel = err / max(abs(numeric), 1e-12)
                worst = max(worst, rel if abs(numeric) > atol else 0.0)
                if err > atol + rtol * abs(numeric):
                    raise AssertionError(
                        f"check_gradients: {name}[{int(i)}]: backprop {analytic[i]:.8g} vs finite differences "
                        f"{numeric:.8g} (relative error {rel:.3g})"
                    )
            report[name] = float(worst)
    return report
