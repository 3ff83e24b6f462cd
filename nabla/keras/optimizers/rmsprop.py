"""Keras's RMSprop: ``keras.optimizers.RMSprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7)``."""

from __future__ import annotations

import numpy as np

from ... import optim
from ...optim.optimizer import into, state_zeros
from .base_optimizer import Optimizer


class RMSprop(Optimizer, optim.RMSprop):
    """``RMSprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, weight_decay=None,
    clipnorm=None, clipvalue=None, global_clipnorm=None)``: Keras's RMSprop.

    Keras's form (PyTorch's adds ε to ``sqrt(v)`` and applies the rate after the momentum)::

        v <- ρ v + (1 - ρ) g²
        d  = v + ε                        (centered: a <- ρ a + (1 - ρ) g;  d = v + ε - a²)
        Δ  = lr g / sqrt(d)
        w <- w - Δ                        (momentum: u <- momentum u + Δ;  w <- w - u)

    State per variable: ``square_avg`` (v), ``grad_avg`` (a), ``momentum_buffer`` (u). Hinton's lecture 6e,
    https://www.cs.toronto.edu/~tijmen/csc321/slides/lecture_slides_lec6.pdf.
    """

    def __init__(
        self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, weight_decay=None, name=None,
        **kwargs,
    ):  # fmt: skip
        rate = self._initial_rate(learning_rate)
        optim.RMSprop.__init__(self, None, lr=rate, alpha=rho, eps=epsilon, momentum=momentum, centered=centered)
        self._keras_setup(name, weight_decay, kwargs)

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        lr, rho, eps = float(group["lr"]), float(group["alpha"]), float(group["eps"])
        momentum = float(group["momentum"])
        v = state_zeros(state, "square_avg", param)
        v *= rho
        v += (1.0 - rho) * (grad * grad)
        denominator = v + eps
        if group["centered"]:
            a = state_zeros(state, "grad_avg", param)
            a *= rho
            a += (1.0 - rho) * grad
            denominator -= a * a
        into(denominator, np.sqrt, denominator)
        increment = grad * lr
        increment /= denominator
        if momentum > 0.0:
            u = state_zeros(state, "momentum_buffer", param)
            u *= momentum
            u += increment
            param -= u
        else:
            param -= increment

    def _own_config(self) -> dict:
        d = self.defaults
        return {"rho": d["alpha"], "momentum": d["momentum"], "epsilon": d["eps"], "centered": d["centered"]}
