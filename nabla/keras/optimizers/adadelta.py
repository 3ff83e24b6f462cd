"""Keras's Adadelta: ``keras.optimizers.Adadelta(learning_rate=0.001, rho=0.95, epsilon=1e-7)``."""

from __future__ import annotations

import numpy as np

from ...optim.optimizer import into, state_zeros
from .keras_only import KerasOnlyOptimizer


class Adadelta(KerasOnlyOptimizer):
    """``Adadelta(learning_rate=0.001, rho=0.95, epsilon=1e-7, weight_decay=None, clipnorm=None, clipvalue=None,
    global_clipnorm=None)``: steps scaled by the ratio of running RMS of past steps and of gradients.

    Keras's form (Keras keeps a learning rate, default 0.001; Zeiler's original is rate 1.0)::

        s <- ρ s + (1 - ρ) g²
        Δ  = -sqrt(d + ε) g / sqrt(s + ε)
        d <- ρ d + (1 - ρ) Δ²
        w <- w + lr Δ

    State per variable: ``square_avg`` (s), ``acc_delta`` (d). Zeiler 2012, https://arxiv.org/abs/1212.5701.
    """

    fractions = ("rho",)

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, weight_decay=None, name=None, **kwargs):
        super().__init__(learning_rate, {"rho": rho, "epsilon": epsilon}, name, weight_decay, kwargs)

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        rho, eps = float(group["rho"]), float(group["epsilon"])
        s, d = state_zeros(state, "square_avg", param), state_zeros(state, "acc_delta", param)
        s *= rho
        s += (1.0 - rho) * (grad * grad)
        delta = d + eps
        into(delta, np.sqrt, delta)
        delta *= grad
        rms = s + eps
        into(rms, np.sqrt, rms)
        delta /= rms  # (-Δ: the sign is taken at the update)
        d *= rho
        d += (1.0 - rho) * (delta * delta)
        delta *= float(group["lr"])
        param -= delta
