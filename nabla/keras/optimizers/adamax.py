"""Keras's Adamax: ``keras.optimizers.Adamax(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7)``."""

from __future__ import annotations

import numpy as np

from ...optim.optimizer import into, state_zeros
from .keras_only import KerasOnlyOptimizer, float32_power


class Adamax(KerasOnlyOptimizer):
    """``Adamax(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, weight_decay=None, clipnorm=None,
    clipvalue=None, global_clipnorm=None)``: Adam with the infinity norm in place of the second moment.

    Keras's form::

        m <- β1 m + (1 - β1) g
        u <- max(β2 u, |g|)
        w <- w - lr m / ((1 - β1^t) (u + ε))

    State per variable: ``step`` (t), ``exp_avg`` (m), ``exp_inf`` (u). Kingma & Ba 2015, section 7.1,
    https://arxiv.org/abs/1412.6980.
    """

    fractions = ("beta_1", "beta_2")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, weight_decay=None, name=None,
                 **kwargs):  # fmt: skip
        hyper = {"beta_1": beta_1, "beta_2": beta_2, "epsilon": epsilon}
        super().__init__(learning_rate, hyper, name, weight_decay, kwargs)

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        beta_1, beta_2 = float(group["beta_1"]), float(group["beta_2"])
        step = state["step"] = state.get("step", 0) + 1
        m, u = state_zeros(state, "exp_avg", param), state_zeros(state, "exp_inf", param)
        m *= beta_1
        m += (1.0 - beta_1) * grad
        u *= beta_2
        into(u, np.maximum, u, abs(grad))
        denominator = u + float(group["epsilon"])
        denominator *= 1.0 - float32_power(beta_1, step)
        increment = m * float(group["lr"])
        increment /= denominator
        param -= increment
