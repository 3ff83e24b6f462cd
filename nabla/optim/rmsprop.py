"""RMSprop: divide the gradient by a running root-mean-square of recent gradients."""

from __future__ import annotations

import numpy as np

from .optimizer import (
    Optimizer,
    check_bool,
    check_non_negative,
    check_unit_interval,
    effective_grad,
    into,
    resolve_lr,
    state_zeros,
)


class RMSprop(Optimizer):
    """RMSprop (PyTorch's ``torch.optim.RMSprop``, same numbers).

    With gradient ``g_t`` (``-g_t`` when ``maximize``), smoothing constant α,
    learning rate γ, weight decay λ, momentum μ::

        g_t <- g_t + λ θ_{t-1}                          (if λ != 0)
        v_t  = α v_{t-1} + (1 - α) g_t²                 (v_0 = 0)
        a_t  = α a_{t-1} + (1 - α) g_t                  (centered only, a_0 = 0)
        s_t  = sqrt(v_t - a_t²) + ε  if centered, else  sqrt(v_t) + ε
        b_t  = μ b_{t-1} + g_t / s_t,  θ_t = θ_{t-1} - γ b_t     (if μ > 0, b_0 = 0)
        θ_t  = θ_{t-1} - γ g_t / s_t                    (if μ = 0)

    ε is added outside the square root and there is no bias correction:
    PyTorch's form. Keras's RMSprop adds ε *inside* the square root
    (``g / sqrt(v + ε)``) and defaults to rho = α = 0.9, ε = 1e-7, lr = 1e-3.
    Centered RMSprop divides by an estimate of the standard deviation instead
    of the root mean square.

    Hinton, Srivastava & Swersky, Neural Networks for Machine Learning,
    lecture 6e, https://www.cs.toronto.edu/~tijmen/csc321/slides/lecture_slides_lec6.pdf;
    centered form: Graves, "Generating Sequences With Recurrent Neural
    Networks", 2013, https://arxiv.org/abs/1308.0850

    Args:
        params: Tensors or parameter groups; None for an unbound optimizer.
        lr: learning rate γ (default 1e-2); ``learning_rate`` is its Keras name.
        alpha: smoothing constant α in [0, 1] (default 0.99).
        eps: ε (default 1e-8).
        weight_decay: λ (default 0).
        momentum: μ (default 0).
        centered: normalise by the variance estimate (default False).
        maximize: ascend the objective instead of descending it.

    State per parameter: ``step``, ``square_avg`` (v), ``grad_avg`` (a,
    centered) and ``momentum_buffer`` (b, momentum > 0).
    """

    def __init__(
        self,
        params=None,
        lr: float | None = None,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        *,
        maximize: bool = False,
        learning_rate: float | None = None,
    ):
        defaults = {
            "lr": resolve_lr(lr, learning_rate, 1e-2, "RMSprop"),
            "alpha": alpha,
            "eps": eps,
            "weight_decay": weight_decay,
            "momentum": momentum,
            "centered": centered,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _check_group(self, group: dict) -> None:
        for key in ("lr", "eps", "weight_decay", "momentum"):
            check_non_negative(group, key, "RMSprop")
        check_unit_interval(group, "alpha", "RMSprop", include_one=True)
        for key in ("centered", "maximize"):
            check_bool(group, key, "RMSprop")

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        lr, alpha, eps = float(group["lr"]), float(group["alpha"]), float(group["eps"])
        momentum = float(group["momentum"])
        state["step"] = state.get("step", 0) + 1
        g = effective_grad(param, grad, float(group["weight_decay"]), group["maximize"])
        v = state_zeros(state, "square_avg", param)

        tmp = np.multiply(g, g)  # the one scratch array of the step
        tmp *= 1.0 - alpha
        v *= alpha
        v += tmp
        if group["centered"]:
            a = state_zeros(state, "grad_avg", param)
            into(tmp, np.subtract, g, a)
            tmp *= 1.0 - alpha
            a += tmp  # a <- a + (1 - α)(g - a), PyTorch's lerp form
            into(tmp, np.multiply, a, a)
            into(tmp, np.subtract, v, tmp)
            into(tmp, np.sqrt, tmp)
        else:
            into(tmp, np.sqrt, v)
        tmp += eps
        into(tmp, np.divide, g, tmp)
        if momentum > 0.0:
            buf = state_zeros(state, "momentum_buffer", param)
            buf *= momentum
            buf += tmp
            into(tmp, np.multiply, buf, lr)
        else:
            tmp *= lr
        param -= tmp
