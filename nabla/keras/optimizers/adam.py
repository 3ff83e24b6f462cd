"""Keras's Adam and AdamW: ``keras.optimizers.Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7)``."""

from __future__ import annotations

import numpy as np

from ... import optim
from ...optim.optimizer import into, state_zeros
from .base_optimizer import Optimizer


class Adam(Optimizer, optim.Adam):
    """``Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, weight_decay=None,
    clipnorm=None, clipvalue=None, global_clipnorm=None)``: Keras's Adam.

    Keras's form, with ε added to the uncorrected ``sqrt(v)`` ("epsilon hat"; PyTorch's
    :class:`nabla.optim.Adam` adds it to the bias-corrected one)::

        m <- β1 m + (1 - β1) g
        v <- β2 v + (1 - β2) g²                (amsgrad: v̂ <- max(v̂, v), used in place of v)
        w <- w - lr sqrt(1 - β2^t) / (1 - β1^t) · m / (sqrt(v) + ε)

    State per variable: ``step`` (t), ``exp_avg`` (m), ``exp_avg_sq`` (v), ``max_exp_avg_sq`` (v̂).
    ``compile(optimizer="adam")`` builds this class. Kingma & Ba 2015, https://arxiv.org/abs/1412.6980.
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
        weight_decay=None,
        name=None,
        **kwargs,
    ):
        rate = self._initial_rate(learning_rate)
        optim.Adam.__init__(  # (decoupled: Keras's decay is; and a saved AdamW reloads as nabla.optim.AdamW)
            self, None, lr=rate, betas=(beta_1, beta_2), eps=epsilon, amsgrad=amsgrad, decoupled_weight_decay=True,
        )  # fmt: skip
        self._keras_setup(name, weight_decay, kwargs)

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        beta_1, beta_2 = group["betas"]
        step = state["step"] = state.get("step", 0) + 1
        m, v = state_zeros(state, "exp_avg", param), state_zeros(state, "exp_avg_sq", param)
        scratch = grad * (1.0 - beta_1)  # the one scratch array of the step
        m *= beta_1
        m += scratch
        into(scratch, np.multiply, grad, grad)
        scratch *= 1.0 - beta_2
        v *= beta_2
        v += scratch
        if group["amsgrad"]:
            v_max = state_zeros(state, "max_exp_avg_sq", param)
            v = into(v_max, np.maximum, v_max, v)
        denominator = v ** 0.5  # (np.sqrt's result, on any array library)
        denominator += float(group["eps"])
        into(scratch, np.multiply, m, self._step_size(float(group["lr"]), beta_1, beta_2, step))
        scratch /= denominator
        param -= scratch

    def _step_size(self, lr: float, beta_1: float, beta_2: float, step: int) -> float:
        """``lr sqrt(1 - β2^t) / (1 - β1^t)``, computed once per step for all the variables.

        NOTE: in float32 from float32 betas, as Keras computes it: early in training 1 - β2^t loses digits
        to cancellation (1e-5 relative at t = 6), and fit's numbers stay Keras's. The result is a Python
        float, which keeps float32 weights float32.
        """
        key = (lr, beta_1, beta_2, step)
        cached = getattr(self, "_step_sizes", None)
        if cached is None or cached[0] != key:
            one, t = np.float32(1.0), np.float32(step)
            corrections = np.sqrt(one - np.float32(beta_2) ** t) / (one - np.float32(beta_1) ** t)
            cached = self._step_sizes = (key, float(np.float32(lr) * corrections))
        return cached[1]

    def _own_config(self) -> dict:
        beta_1, beta_2 = self.defaults["betas"]
        d = self.defaults
        return {"beta_1": beta_1, "beta_2": beta_2, "epsilon": d["eps"], "amsgrad": d["amsgrad"]}


class AdamW(Adam):
    """``AdamW(learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7)``: Keras's
    Adam with decoupled weight decay (Keras's defaults): ``w <- w - w λ lr`` before each Adam step.
    Loshchilov & Hutter 2019, https://arxiv.org/abs/1711.05101."""

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, weight_decay=weight_decay, **kwargs)
