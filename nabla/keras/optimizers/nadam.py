"""Keras's Nadam: ``keras.optimizers.Nadam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7)``."""

from __future__ import annotations

import numpy as np

from ...optim.optimizer import into, state_zeros
from .keras_only import KerasOnlyOptimizer, float32_power


class Nadam(KerasOnlyOptimizer):
    """``Nadam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, weight_decay=None, clipnorm=None,
    clipvalue=None, global_clipnorm=None)``: Adam with Nesterov momentum, Keras's form (Dozat's momentum
    schedule ``μ_t = β1 (1 - 0.5 · 0.96^t)``)::

        m <- β1 m + (1 - β1) g
        v <- β2 v + (1 - β2) g²
        m̂  = μ_{t+1} m / (1 - Π_{i<=t+1} μ_i) + (1 - μ_t) g / (1 - Π_{i<=t} μ_i)
        w <- w - lr m̂ / (sqrt(v / (1 - β2^t)) + ε)

    State per variable: ``step`` (t), ``exp_avg`` (m), ``exp_avg_sq`` (v). Dozat 2016,
    https://openreview.net/pdf/OM0jvwB8jIp57ZJjtNEZ.pdf.
    """

    fractions = ("beta_1", "beta_2")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, weight_decay=None, name=None,
                 **kwargs):  # fmt: skip
        hyper = {"beta_1": beta_1, "beta_2": beta_2, "epsilon": epsilon}
        super().__init__(learning_rate, hyper, name, weight_decay, kwargs)

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        beta_1, beta_2 = float(group["beta_1"]), float(group["beta_2"])
        step = state["step"] = state.get("step", 0) + 1
        m, v = state_zeros(state, "exp_avg", param), state_zeros(state, "exp_avg_sq", param)
        m *= beta_1
        m += (1.0 - beta_1) * grad
        v *= beta_2
        v += (1.0 - beta_2) * (grad * grad)
        momentum_now, momentum_next, product_now, product_next = self._momentum_schedule(beta_1, step)
        m_hat = m * (momentum_next / (1.0 - product_next))
        m_hat += grad * ((1.0 - momentum_now) / (1.0 - product_now))
        denominator = v * (1.0 / (1.0 - float32_power(beta_2, step)))
        into(denominator, np.sqrt, denominator)
        denominator += float(group["epsilon"])
        m_hat *= float(group["lr"])
        m_hat /= denominator
        param -= m_hat

    def _momentum_schedule(self, beta_1: float, step: int) -> tuple[float, float, float, float]:
        """``(μ_t, μ_{t+1}, Π_{i<=t} μ_i, Π_{i<=t+1} μ_i)``, in float32 as Keras computes them (it keeps the
        product as a float32 variable, multiplied once per step); one product kept for all the variables."""
        known = getattr(self, "_product", None)  # (β1, t, Π_{i<=t} μ_i)
        if known is None or known[0] != beta_1 or known[1] > step:
            known = (beta_1, 0, np.float32(1.0))  # NOTE: O(t) once after a reload, one product a step after
        product = known[2]
        for t in range(known[1] + 1, step + 1):
            product = product * _momentum(beta_1, t)
        self._product = (beta_1, step, product)
        now, following = _momentum(beta_1, step), _momentum(beta_1, step + 1)
        return float(now), float(following), float(product), float(product * following)


def _momentum(beta_1: float, t: int) -> np.float32:
    """Dozat's momentum schedule ``μ_t = β1 (1 - 0.5 · 0.96^t)``, in float32."""
    return np.float32(beta_1) * (np.float32(1.0) - np.float32(0.5) * np.float32(0.96) ** np.float32(t))
