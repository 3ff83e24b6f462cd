"""Keras's Lion: ``keras.optimizers.Lion(learning_rate=0.001, beta_1=0.9, beta_2=0.99)``."""

from __future__ import annotations

import numpy as np

from ...optim.optimizer import into, state_zeros
from .keras_only import KerasOnlyOptimizer


class Lion(KerasOnlyOptimizer):
    """``Lion(learning_rate=0.001, beta_1=0.9, beta_2=0.99, weight_decay=None, clipnorm=None, clipvalue=None,
    global_clipnorm=None)``: a step of the same size ``lr`` on every coordinate, in the sign's direction.

    Keras's form::

        w <- w - lr sign(β1 m + (1 - β1) g)
        m <- β2 m + (1 - β2) g

    Its steps are larger than Adam's: the paper uses a rate 3-10 times smaller and a weight decay
    3-10 times larger. State per variable: ``exp_avg`` (m). Chen et al. 2023, https://arxiv.org/abs/2302.06675.
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, weight_decay=None, name=None, **kwargs):
        super().__init__(learning_rate, {"beta_1": beta_1, "beta_2": beta_2}, name, weight_decay, kwargs)

    def _check_group(self, group: dict) -> None:
        super()._check_group(group)
        for key in ("beta_1", "beta_2"):  # Keras refuses 0 and takes 1 (β1 = 1: the sign of m alone)
            if not 0.0 < group[key] <= 1.0:
                raise ValueError(f"Lion: {key} must be in (0, 1], got {group[key]!r}")

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        beta_1, beta_2 = float(group["beta_1"]), float(group["beta_2"])
        m = state_zeros(state, "exp_avg", param)
        direction = m * beta_1
        direction += (1.0 - beta_1) * grad
        into(direction, np.sign, direction)
        direction *= float(group["lr"])
        param -= direction
        m *= beta_2
        m += (1.0 - beta_2) * grad
