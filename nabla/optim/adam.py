"""Adam and AdamW: adaptive moment estimation, with L2 or decoupled weight decay."""

from __future__ import annotations

import numbers

import numpy as np

from .optimizer import (
    Optimizer,
    check_bool,
    check_non_negative,
    effective_grad,
    into,
    resolve_lr,
    state_zeros,
)


class Adam(Optimizer):
    """Adam (PyTorch's ``torch.optim.Adam``, same numbers).

    With gradient ``g_t`` (``-g_t`` when ``maximize``), learning rate γ,
    betas (β1, β2), weight decay λ and step count t = 1, 2, ...::

        g_t <- g_t + λ θ_{t-1}                         (L2 penalty; AdamW decays θ instead, see AdamW)
        m_t  = β1 m_{t-1} + (1 - β1) g_t              (first moment, m_0 = 0)
        v_t  = β2 v_{t-1} + (1 - β2) g_t²             (second moment, v_0 = 0)
        v̂_t  = max(v̂_{t-1}, v_t) if amsgrad else v_t
        θ_t  = θ_{t-1} - γ / (1 - β1^t) · m_t / (sqrt(v̂_t / (1 - β2^t)) + ε)

    ``1 - β^t`` are the bias corrections (the moments start at zero). ε is
    added to the bias-corrected ``sqrt(v̂)``, as in the paper and PyTorch;
    Keras's Adam instead adds an "epsilon hat" to the uncorrected
    ``sqrt(v)`` and defaults to ε = 1e-7, so the two differ slightly early in
    training and when gradients are tiny. This class is the PyTorch form.

    Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015,
    https://arxiv.org/abs/1412.6980; AMSGrad: Reddi, Kale & Kumar, "On the
    Convergence of Adam and Beyond", ICLR 2018, https://openreview.net/forum?id=ryQu7f-RZ

    Args:
        params: Tensors or parameter groups; None for an unbound optimizer.
        lr: learning rate γ (default 1e-3); ``learning_rate`` is its Keras name.
        betas: (β1, β2), each in [0, 1) (default (0.9, 0.999)).
        eps: ε (default 1e-8).
        weight_decay: λ (default 0), added to the gradient (L2 regularisation).
        amsgrad: use the running maximum of v (default False).
        maximize: ascend the objective instead of descending it.
        decoupled_weight_decay: decay the weights directly, as AdamW does.

    State per parameter: ``step``, ``exp_avg`` (m), ``exp_avg_sq`` (v) and
    ``max_exp_avg_sq`` (with amsgrad).
    """

    def __init__(
        self,
        params=None,
        lr: float | None = None,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        decoupled_weight_decay: bool = False,
        learning_rate: float | None = None,
    ):
        defaults = {
            "lr": resolve_lr(lr, learning_rate, 1e-3, type(self).__name__),
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)

    def _check_group(self, group: dict) -> None:
        name = type(self).__name__
        for key in ("lr", "eps", "weight_decay"):
            check_non_negative(group, key, name)
        for key in ("amsgrad", "maximize", "decoupled_weight_decay"):
            check_bool(group, key, name)
        betas = group["betas"]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"{name}: betas must be a pair (beta1, beta2), got {betas!r}")
        for i, beta in enumerate(betas):
            if isinstance(beta, bool) or not isinstance(beta, numbers.Real):
                raise TypeError(f"{name}: betas[{i}] must be a number, got {beta!r} ({type(beta).__name__})")
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"{name}: betas[{i}] must be in [0, 1), got {beta!r}")
        group["betas"] = (float(betas[0]), float(betas[1]))

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        lr, eps, wd = float(group["lr"]), float(group["eps"]), float(group["weight_decay"])
        beta1, beta2 = group["betas"]
        beta1, beta2 = float(beta1), float(beta2)
        step = state["step"] = state.get("step", 0) + 1
        m = state_zeros(state, "exp_avg", param)
        v = state_zeros(state, "exp_avg_sq", param)
        if group["decoupled_weight_decay"]:
            if wd != 0.0:
                param *= 1.0 - lr * wd
            g = effective_grad(param, grad, 0.0, group["maximize"])
        else:
            g = effective_grad(param, grad, wd, group["maximize"])

        tmp = g - m  # the one scratch array of the step
        tmp *= 1.0 - beta1
        m += tmp  # m <- m + (1 - β1)(g - m), PyTorch's lerp form of β1 m + (1 - β1) g
        into(tmp, np.multiply, g, g)
        tmp *= 1.0 - beta2
        v *= beta2
        v += tmp

        # NOTE: Python floats (not NumPy float64 scalars) keep float32 parameters in float32.
        bias_correction1 = 1.0 - beta1**step
        bias_correction2_sqrt = (1.0 - beta2**step) ** 0.5
        step_size = lr / bias_correction1
        if group["amsgrad"]:
            v_max = state_zeros(state, "max_exp_avg_sq", param)
            into(v_max, np.maximum, v_max, v)
            v = v_max
        denom = into(tmp, np.sqrt, v)
        denom /= bias_correction2_sqrt
        denom += eps
        into(denom, np.divide, m, denom)
        denom *= step_size
        param -= denom


class AdamW(Adam):
    """Adam with decoupled weight decay (PyTorch's ``torch.optim.AdamW``, same numbers).

    The weights shrink directly instead of through the gradient, so the decay
    is not rescaled by the adaptive denominator::

        θ_{t-1} <- θ_{t-1} (1 - γ λ)
        then Adam's update without L2 term: m_t, v_t, bias corrections, ε as in Adam

    Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR 2019,
    https://arxiv.org/abs/1711.05101

    Args:
        params: Tensors or parameter groups; None for an unbound optimizer.
        lr: learning rate γ (default 1e-3); ``learning_rate`` is its Keras name.
        betas: (β1, β2) (default (0.9, 0.999)).
        eps: ε, added after the bias correction as in Adam (default 1e-8; Keras: 1e-7, "epsilon hat").
        weight_decay: λ (default 1e-2; note the decay per step is γ λ).
        amsgrad: use the running maximum of v (default False).
        maximize: ascend the objective instead of descending it.
    """

    def __init__(
        self,
        params=None,
        lr: float | None = None,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        learning_rate: float | None = None,
    ):
        super().__init__(
            params,
            lr,
            betas,
            eps,
            weight_decay,
            amsgrad,
            maximize=maximize,
            decoupled_weight_decay=True,
            learning_rate=learning_rate,
        )

    def _check_group(self, group: dict) -> None:
        super()._check_group(group)
        group["decoupled_weight_decay"] = True  # AdamW is decoupled whatever a loaded state dict says
