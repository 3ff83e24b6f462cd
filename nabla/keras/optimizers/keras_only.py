"""The base of Keras's optimizers that :mod:`nabla.optim` has no PyTorch class for (Nadam, Adamax,
Adadelta, Lion, Ftrl): the hyper-parameters live in the groups under Keras's own names (``beta_1``,
``epsilon``, ``rho``...) beside ``lr``, which is also what a saved model's optimizer config holds."""

from __future__ import annotations

import numpy as np

from ... import optim
from ...optim.optimizer import check_non_negative, check_unit_interval
from .base_optimizer import Optimizer


class KerasOnlyOptimizer(Optimizer, optim.Optimizer):
    """``hyper``: the class's hyper-parameters by Keras's name; ``fractions``: those that must be in
    [0, 1) (``beta_1``, ``rho``...); ``unchecked``: those the class checks itself; every other one
    must be >= 0."""

    fractions: tuple = ()
    unchecked: tuple = ()

    def __init__(self, learning_rate, hyper: dict, name, weight_decay, kwargs: dict):
        optim.Optimizer.__init__(self, None, {"lr": self._initial_rate(learning_rate), **hyper})
        self._keras_setup(name, weight_decay, kwargs)

    def _check_group(self, group: dict) -> None:
        super()._check_group(group)
        who = type(self).__name__
        for key in self.defaults:
            if key in self.fractions:
                check_unit_interval(group, key, who)
            elif key != "lr" and key not in self.unchecked:
                check_non_negative(group, key, who)

    def _own_config(self) -> dict:
        return {k: v for k, v in self.defaults.items() if k != "lr"}


def float32_power(base: float, exponent: int) -> float:
    """``base ** exponent`` computed in float32, as Keras computes its bias corrections (then a Python
    float, which keeps float32 weights float32)."""
    return float(np.float32(base) ** np.float32(exponent))
