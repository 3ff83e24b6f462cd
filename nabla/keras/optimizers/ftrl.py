"""Keras's FTRL-proximal: ``keras.optimizers.Ftrl(learning_rate=0.001, learning_rate_power=-0.5, ...)``."""

from __future__ import annotations

import numpy as np

from ...optim.optimizer import into, state_zeros
from .keras_only import KerasOnlyOptimizer


class Ftrl(KerasOnlyOptimizer):
    """``Ftrl(learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
    l1_regularization_strength=0.0, l2_regularization_strength=0.0, l2_shrinkage_regularization_strength=0.0,
    beta=0.0, weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None)``: "follow the
    regularised leader", for wide sparse linear models (L1 makes weights exactly 0).

    Keras's form, with ``p = -learning_rate_power`` and ``λ2 = l2 + β / (2 lr)``::

        g' = g + 2 l2_shrinkage w
        n' = n + g²                                   (n starts at initial_accumulator_value)
        z <- z + g' - (n'^p - n^p) / lr · w
        w <- (clip(z, -l1, l1) - z) / (n'^p / lr + 2 λ2);   n <- n'

    State per variable: ``accumulator`` (n), ``linear`` (z). McMahan et al. 2013,
    https://research.google.com/pubs/archive/41159.pdf.
    """

    unchecked = ("learning_rate_power", "beta")

    def __init__(
        self, learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
        l1_regularization_strength=0.0, l2_regularization_strength=0.0, l2_shrinkage_regularization_strength=0.0,
        beta=0.0, weight_decay=None, name=None, **kwargs,
    ):  # fmt: skip
        hyper = {
            "learning_rate_power": learning_rate_power, "initial_accumulator_value": initial_accumulator_value,
            "l1_regularization_strength": l1_regularization_strength,
            "l2_regularization_strength": l2_regularization_strength,
            "l2_shrinkage_regularization_strength": l2_shrinkage_regularization_strength, "beta": beta,
        }  # fmt: skip
        super().__init__(learning_rate, hyper, name, weight_decay, kwargs)

    def _check_group(self, group: dict) -> None:
        super()._check_group(group)
        if not float(group["learning_rate_power"]) <= 0.0:
            raise ValueError(f"Ftrl: learning_rate_power must be <= 0, got {group['learning_rate_power']!r}")

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        lr, power = float(group["lr"]), -float(group["learning_rate_power"])
        l1 = float(group["l1_regularization_strength"])
        l2 = float(group["l2_regularization_strength"]) + float(group["beta"]) / (2.0 * lr)
        shrinkage = float(group["l2_shrinkage_regularization_strength"])
        n = state_zeros(state, "accumulator", param, float(group["initial_accumulator_value"]))
        z = state_zeros(state, "linear", param)
        change = n**power  # n^p, then the change of n^p over lr, times w
        n += grad * grad
        new = n**power
        change -= new
        change /= lr
        change *= param
        z += grad
        if shrinkage:
            z += (2.0 * shrinkage) * param
        z += change
        quadratic = new / lr
        quadratic += 2.0 * l2
        into(new, np.clip, z, -l1, l1)
        new -= z
        new /= quadratic
        param[...] = new
