"""Keras's Adam and AdamW: ``keras.optimizers.Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7)``."""

from __future__ import annotations

import math

import numpy as np

from ... import optim
from .base_optimizer import Optimizer


class Adam(Optimizer, optim.Adam):
    """``Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, weight_decay=None,
    clipnorm=None, clipvalue=None, global_clipnorm=None)``: Keras's Adam.

    Keras's form exactly: ``w <- w - lr sqrt(1 - β2^t) / (1 - β1^t) · m / (sqrt(v) + ε)``, with ε added
    to the uncorrected ``sqrt(v)`` ("epsilon hat"). That is :class:`nabla.optim.Adam`'s (PyTorch's)
    update with ``ε / sqrt(1 - β2^t)`` in place of ε, which is how it is computed. ``compile(optimizer=
    "adam")`` builds this class. Kingma & Ba 2015, https://arxiv.org/abs/1412.6980.
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
        self._keras_setup(name, learning_rate, weight_decay, kwargs)

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        step = state.get("step", 0) + 1
        eps = float(group["eps"]) / math.sqrt(1.0 - group["betas"][1] ** step)
        super()._update(param, grad, state, {**group, "eps": eps})

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
