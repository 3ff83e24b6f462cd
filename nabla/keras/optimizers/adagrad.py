"""Keras's Adagrad: ``keras.optimizers.Adagrad(learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7)``."""

from __future__ import annotations

import numpy as np

from ... import optim
from ...optim.optimizer import into, state_zeros
from .base_optimizer import Optimizer


class Adagrad(Optimizer, optim.Adagrad):
    """``Adagrad(learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, weight_decay=None,
    clipnorm=None, clipvalue=None, global_clipnorm=None)``: Keras's Adagrad.

    Keras's form (PyTorch's adds ε to ``sqrt(s)``)::

        s <- s + g²                       (s starts at initial_accumulator_value)
        w <- w - lr g / sqrt(s + ε)

    State per variable: ``sum`` (s). Duchi, Hazan & Singer 2011,
    https://jmlr.org/papers/v12/duchi11a.html.
    """

    def __init__(
        self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, weight_decay=None, name=None, **kwargs
    ):
        rate = self._initial_rate(learning_rate)
        optim.Adagrad.__init__(
            self, None, lr=rate, initial_accumulator_value=initial_accumulator_value, eps=epsilon
        )
        self._keras_setup(name, weight_decay, kwargs)

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        s = state_zeros(state, "sum", param, float(group["initial_accumulator_value"]))
        s += grad * grad
        step = grad * float(group["lr"])
        denominator = s + float(group["eps"])
        step /= into(denominator, np.sqrt, denominator)
        param -= step

    def _own_config(self) -> dict:
        d = self.defaults
        return {"initial_accumulator_value": d["initial_accumulator_value"], "epsilon": d["eps"]}
