"""Adagrad: per-coordinate learning rates from the sum of all past squared gradients."""

from __future__ import annotations

import numpy as np

from .optimizer import Optimizer, check_bool, check_non_negative, effective_grad, into, resolve_lr, state_zeros


class Adagrad(Optimizer):
    """Adagrad (PyTorch's ``torch.optim.Adagrad``, same numbers).

    With gradient ``g_t`` (``-g_t`` when ``maximize``), learning rate γ,
    learning-rate decay η, weight decay λ and step count t = 1, 2, ...::

        g_t <- g_t + λ θ_{t-1}                   (if λ != 0)
        γ_t  = γ / (1 + (t - 1) η)
        s_t  = s_{t-1} + g_t²                    (s_0 = initial_accumulator_value)
        θ_t  = θ_{t-1} - γ_t g_t / (sqrt(s_t) + ε)

    Coordinates with large past gradients take small steps. The sum only
    grows, so the steps shrink for ever: fine for convex and sparse problems,
    usually too aggressive for deep networks (RMSprop and Adam forget old
    gradients instead).

    Duchi, Hazan & Singer, "Adaptive Subgradient Methods for Online Learning
    and Stochastic Optimization", JMLR 2011, https://jmlr.org/papers/v12/duchi11a.html

    Args:
        params: Tensors or parameter groups; None for an unbound optimizer.
        lr: learning rate γ (default 1e-2); ``learning_rate`` is its Keras name.
        lr_decay: η (default 0).
        weight_decay: λ (default 0).
        initial_accumulator_value: s_0 (default 0; Keras uses 0.1).
        eps: ε (default 1e-10).
        maximize: ascend the objective instead of descending it.

    State per parameter: ``step`` and ``sum`` (s). PyTorch creates it when
    the optimizer is built; here it is created at a parameter's first update
    (so that parameters can be bound later), which gives the same numbers.
    """

    def __init__(
        self,
        params=None,
        lr: float | None = None,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
        learning_rate: float | None = None,
    ):
        defaults = {
            "lr": resolve_lr(lr, learning_rate, 1e-2, "Adagrad"),
            "lr_decay": lr_decay,
            "eps": eps,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _check_group(self, group: dict) -> None:
        for key in ("lr", "lr_decay", "eps", "weight_decay", "initial_accumulator_value"):
            check_non_negative(group, key, "Adagrad")
        check_bool(group, "maximize", "Adagrad")

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        lr, lr_decay, eps = float(group["lr"]), float(group["lr_decay"]), float(group["eps"])
        step = state["step"] = state.get("step", 0) + 1
        total = state_zeros(state, "sum", param, float(group["initial_accumulator_value"]))
        g = effective_grad(param, grad, float(group["weight_decay"]), group["maximize"])
        clr = lr / (1.0 + (step - 1) * lr_decay)

        tmp = np.multiply(g, g)  # the one scratch array of the step
        total += tmp
        into(tmp, np.sqrt, total)
        tmp += eps
        into(tmp, np.divide, g, tmp)
        tmp *= clr
        param -= tmp
