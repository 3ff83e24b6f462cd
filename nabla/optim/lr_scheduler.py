"""Learning-rate schedules: change each parameter group's ``lr`` as training goes on.

PyTorch's classes, names and numbers. Create the scheduler after the
optimizer and call ``scheduler.step()`` after ``optimizer.step()``, once per
epoch (or per batch for :class:`OneCycleLR`)::

    opt = nb.optim.SGD(params, lr=0.1, momentum=0.9)
    sched = nb.optim.lr_scheduler.StepLR(opt, step_size=30, gamma=0.1)
    for epoch in range(100):
        train_one_epoch(opt)
        sched.step()

Most schedules are computed *recursively* from the current ``group["lr"]``
("chainable": two schedulers on one optimizer multiply their effects), with
exactly PyTorch's formulas so that the sequences agree to rounding.
``state_dict()`` holds plain JSON-able data. To resume: build the optimizer,
build the scheduler, *then* load the optimizer's state dict and the
scheduler's (building a scheduler sets the groups' lr).
"""

from __future__ import annotations

import copy
import math
import numbers
import types
import warnings
from collections import Counter
from collections.abc import Callable

from ..engine.tracing import replay_overrides, replayed
from .optimizer import Optimizer
from .state_checks import check_like


def _check_optimizer(optimizer, name: str) -> None:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{name} needs an nb.optim optimizer, got {type(optimizer).__name__}")
    if not optimizer.param_groups:
        raise RuntimeError(
            f"{name}: the optimizer has no parameters yet (it was created without them); "
            "bind them (opt.bind(params)) before creating the scheduler"
        )


def _per_group(name: str, optimizer: Optimizer, value) -> list:
    """One value per parameter group: a scalar repeated, or a list of the right length."""
    if isinstance(value, (list, tuple)):
        if len(value) != len(optimizer.param_groups):
            raise ValueError(
                f"{name} has {len(value)} values but the optimizer has {len(optimizer.param_groups)} parameter groups"
            )
        return list(value)
    return [value] * len(optimizer.param_groups)


def _positive_int(value, name: str, who: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"{who}: {name} must be a positive integer, got {value!r}")
    return int(value)


class LRScheduler:
    """Base class of the schedules.

    A subclass sets its attributes, calls ``super().__init__(optimizer,
    last_epoch)`` and implements :meth:`get_lr`: the new lr of each group at
    epoch ``self.last_epoch``. Construction records ``group["initial_lr"]``
    (the base lr, kept in ``base_lrs``) and takes the first step, to epoch 0.

    Args:
        optimizer: the optimizer whose groups' ``lr`` are set.
        last_epoch: the index of the last epoch done; -1 (default) starts
            the schedule, a larger value resumes it (the groups must hold
            ``initial_lr``, as a loaded optimizer state dict does).
    """

    # Attributes that are not part of the state dict.
    _not_saved: tuple[str, ...] = ("optimizer", "_is_initial", "_opt_steps_at_init")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        replay_overrides(cls, ("step",))

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1):
        name = type(self).__name__
        _check_optimizer(optimizer, name)
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"{name}: resuming with last_epoch={last_epoch} needs 'initial_lr' in parameter group {i}; "
                        "load the optimizer's state dict first, or start with last_epoch=-1"
                    )
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._opt_steps_at_init = optimizer._step_calls
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self) -> list[float]:
        """The lr of each group for epoch ``self.last_epoch`` (called by :meth:`step`)."""
        raise NotImplementedError

    def get_last_lr(self) -> list[float]:
        """The lr of each group set by the last :meth:`step`."""
        return list(self._last_lr)

    @replayed
    def step(self) -> None:
        """Advance one epoch and set each group's lr. Call it after ``optimizer.step()``."""
        if self._step_count == 1 and self.optimizer._step_calls == self._opt_steps_at_init:
            warnings.warn(
                f"{type(self).__name__}.step() was called before optimizer.step(): call the optimizer first, "
                "or the first value of the schedule is skipped",
                UserWarning,
                stacklevel=3,  # past the @replayed wrapper
            )
        self._step_count += 1
        self.last_epoch += 1
        values = self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, values):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _current_lrs(self) -> list[float]:
        return [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self) -> dict:
        """Every attribute except the optimizer, as plain (JSON-able) data."""
        return {k: copy.deepcopy(v) for k, v in self.__dict__.items() if k not in self._not_saved}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore what :meth:`state_dict` returned; another layout (a damaged file's) is a ValueError, changing
        nothing: only this scheduler's entries, each of the kind it has here (numbers, lists, strings...)."""
        check_like(self.state_dict(), state_dict, f"{type(self).__name__}.load_state_dict", self._not_saved)
        self.__dict__.update({k: copy.deepcopy(v) for k, v in state_dict.items() if k not in self._not_saved})

    def __repr__(self) -> str:
        return f"{type(self).__name__}(last_epoch={self.last_epoch}, last_lr={self._last_lr})"


class LambdaLR(LRScheduler):
    """lr = base_lr × ``lr_lambda(epoch)``.

    ``lr_lambda`` is a function of the epoch index, or a list of them, one
    per parameter group. Example, linear warm-up over 10 epochs::

        LambdaLR(opt, lambda epoch: min(1.0, (epoch + 1) / 10))

    The state dict does not hold plain functions (as in PyTorch): after
    loading, the scheduler keeps the functions it was built with. Callable
    objects have their ``__dict__`` saved and restored.
    """

    def __init__(self, optimizer: Optimizer, lr_lambda: Callable | list, last_epoch: int = -1):
        _check_optimizer(optimizer, "LambdaLR")
        if isinstance(lr_lambda, (list, tuple)):
            self.lr_lambdas = _per_group("lr_lambda", optimizer, lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * len(optimizer.param_groups)
        for fn in self.lr_lambdas:
            if not callable(fn):
                raise TypeError(f"LambdaLR: lr_lambda must be a function of the epoch, got {fn!r}")
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [base_lr * fn(self.last_epoch) for fn, base_lr in zip(self.lr_lambdas, self.base_lrs)]

    def state_dict(self) -> dict:
        state = {k: copy.deepcopy(v) for k, v in self.__dict__.items() if k not in self._not_saved + ("lr_lambdas",)}
        state["lr_lambdas"] = [
            None if isinstance(fn, types.FunctionType) else copy.deepcopy(fn.__dict__) for fn in self.lr_lambdas
        ]
        return state

    def load_state_dict(self, state_dict: dict) -> None:
        state_dict = dict(state_dict)
        saved = state_dict.pop("lr_lambdas", None) or []
        super().load_state_dict(state_dict)
        for fn, attrs in zip(self.lr_lambdas, saved):
            if attrs is not None:
                fn.__dict__.update(copy.deepcopy(attrs))


class StepLR(LRScheduler):
    """Multiply the lr by ``gamma`` every ``step_size`` epochs.

    lr_epoch = base_lr × gamma^⌊epoch / step_size⌋ (computed recursively).
    Example: ``StepLR(opt, step_size=30, gamma=0.1)`` with lr 0.05 gives
    0.05 for epochs 0-29, 0.005 for 30-59, ...
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1):
        self.step_size = _positive_int(step_size, "step_size", "StepLR")
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current_lrs()
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]


class MultiStepLR(LRScheduler):
    """Multiply the lr by ``gamma`` at each epoch listed in ``milestones``.

    lr_epoch = base_lr × gamma^(number of milestones <= epoch); a milestone
    listed twice applies gamma twice.
    """

    def __init__(self, optimizer: Optimizer, milestones, gamma: float = 0.1, last_epoch: int = -1):
        milestones = list(milestones)
        for m in milestones:
            if isinstance(m, bool) or not isinstance(m, numbers.Integral):
                raise TypeError(f"MultiStepLR: milestones must be integers (epoch indices), got {milestones!r}")
        self.milestones = Counter(int(m) for m in milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch not in self.milestones:
            return self._current_lrs()
        factor = self.gamma ** self.milestones[self.last_epoch]
        return [group["lr"] * factor for group in self.optimizer.param_groups]

    def state_dict(self) -> dict:
        state = super().state_dict()
        state["milestones"] = sorted(self.milestones.elements())  # a list: JSON keys would become strings
        return state

    def load_state_dict(self, state_dict: dict) -> None:
        super().load_state_dict(state_dict)
        self.milestones = Counter(int(m) for m in self.milestones)


class ExponentialLR(LRScheduler):
    """Multiply the lr by ``gamma`` every epoch: lr_epoch = base_lr × gamma^epoch."""

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1):
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self._is_initial:  # resuming must not move the lr one epoch ahead
            return self._current_lrs()
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]


class LinearLR(LRScheduler):
    """Scale the lr by a factor going linearly from ``start_factor`` to ``end_factor`` in ``total_iters`` epochs.

    factor_epoch = start + (end - start) × min(epoch, total_iters) / total_iters,
    applied recursively (the ratio of consecutive factors multiplies the
    current lr). The usual warm-up: ``LinearLR(opt, start_factor=0.01,
    total_iters=5)`` then the full lr.

    Args:
        start_factor: in (0, 1] (default 1/3).
        end_factor: in [0, 1] (default 1).
        total_iters: epochs of the ramp (default 5).
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ):
        if not 0.0 < start_factor <= 1.0:
            raise ValueError(f"LinearLR: start_factor must be in (0, 1], got {start_factor!r}")
        if not 0.0 <= end_factor <= 1.0:
            raise ValueError(f"LinearLR: end_factor must be in [0, 1], got {end_factor!r}")
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = _positive_int(total_iters, "total_iters", "LinearLR")
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0:
            return [group["lr"] * self.start_factor for group in self.optimizer.param_groups]
        if self._is_initial or self.last_epoch > self.total_iters:
            return self._current_lrs()
        delta = self.end_factor - self.start_factor
        ratio = 1.0 + delta / (self.total_iters * self.start_factor + (self.last_epoch - 1) * delta)
        return [group["lr"] * ratio for group in self.optimizer.param_groups]


class CosineAnnealingLR(LRScheduler):
    """Anneal the lr from base_lr to ``eta_min`` along half a cosine over ``T_max`` epochs.

    Closed form: lr_t = eta_min + (base_lr - eta_min)(1 + cos(π t / T_max)) / 2.
    Computed recursively as in PyTorch::

        lr_t = eta_min + (lr_{t-1} - eta_min) (1 + cos(π t / T_max)) / (1 + cos(π (t-1) / T_max))

    so other changes to the lr (another scheduler) carry through. Past
    T_max the cosine continues (the lr rises again): no restarts.

    Loshchilov & Hutter, "SGDR: Stochastic Gradient Descent with Warm
    Restarts", ICLR 2017, https://arxiv.org/abs/1608.03983
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1):
        self.T_max = _positive_int(T_max, "T_max", "CosineAnnealingLR")
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        t, T, eta_min = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return self._current_lrs()
        if self._step_count == 1 and t > 0:  # resumed: closed form
            return [eta_min + (base - eta_min) * (1 + math.cos(t * math.pi / T)) / 2 for base in self.base_lrs]
        if (t - 1 - T) % (2 * T) == 0:  # at the bottom of the cosine the ratio below is 0/0
            return [
                group["lr"] + (base - eta_min) * (1 - math.cos(math.pi / T)) / 2
                for base, group in zip(self.base_lrs, self.optimizer.param_groups)
            ]
        ratio = (1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
        return [ratio * (group["lr"] - eta_min) + eta_min for group in self.optimizer.param_groups]


class OneCycleLR(LRScheduler):
    """The 1cycle policy: lr up from max_lr/div_factor to max_lr, then down far below; momentum the opposite way.

    Per *batch* (call ``step()`` after every optimizer step, ``total_steps``
    times at most). With ``pct_start`` p and N = total_steps:

    - phase 1, steps 0 … pN-1: lr anneals from ``initial_lr = max_lr / div_factor``
      to ``max_lr``; momentum from ``max_momentum`` to ``base_momentum``;
    - phase 2, to step N-1: lr anneals from max_lr to
      ``min_lr = initial_lr / final_div_factor``; momentum back up.
    - ``three_phase=True``: phase 2 comes back to initial_lr at step 2pN-2 (symmetric),
      and phase 3 anneals to min_lr with momentum held at max_momentum.

    Annealing from a to b at fraction x of a phase: ``b + (a - b)(1 + cos(πx)) / 2``
    (``anneal_strategy="cos"``) or ``a + (b - a) x`` ("linear"). When
    ``cycle_momentum`` the optimizer's ``momentum`` (SGD, RMSprop) or beta1
    (``betas[0]`` of Adam/AdamW) is cycled: SGD without momentum gets it.

    Smith & Topin, "Super-Convergence: Very Fast Training of Neural Networks
    Using Large Learning Rates", 2017, https://arxiv.org/abs/1708.07120

    Args:
        max_lr: peak lr, a number or one per group.
        total_steps: the number of steps of the cycle; or give ``epochs``
            and ``steps_per_epoch``.
        pct_start: share of the cycle spent increasing the lr (default 0.3).
        anneal_strategy: "cos" (default) or "linear".
        cycle_momentum: cycle momentum/beta1 inversely to the lr (default True).
        base_momentum, max_momentum: momentum range (defaults 0.85, 0.95).
        div_factor: initial_lr = max_lr / div_factor (default 25).
        final_div_factor: min_lr = initial_lr / final_div_factor (default 1e4).
        three_phase: the paper's three phases instead of fastai's two (default False).
    """

    def __init__(
        self,
        optimizer: Optimizer,
        max_lr,
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: str = "cos",
        cycle_momentum: bool = True,
        base_momentum=0.85,
        max_momentum=0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
    ):
        _check_optimizer(optimizer, "OneCycleLR")
        if total_steps is not None:
            self.total_steps = _positive_int(total_steps, "total_steps", "OneCycleLR")
        elif epochs is not None and steps_per_epoch is not None:
            self.total_steps = _positive_int(epochs, "epochs", "OneCycleLR") * _positive_int(
                steps_per_epoch, "steps_per_epoch", "OneCycleLR"
            )
        else:
            raise ValueError("OneCycleLR: give total_steps, or both epochs and steps_per_epoch")
        if isinstance(pct_start, bool) or not isinstance(pct_start, numbers.Real) or not 0.0 <= pct_start <= 1.0:
            raise ValueError(f"OneCycleLR: pct_start must be a number in [0, 1], got {pct_start!r}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"OneCycleLR: anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}")
        self._anneal_func_type = anneal_strategy
        n = self.total_steps
        if three_phase:
            self._schedule_phases = [
                _phase(float(pct_start * n) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                _phase(float(2 * pct_start * n) - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                _phase(n - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
            ]
        else:
            self._schedule_phases = [
                _phase(float(pct_start * n) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                _phase(n - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"),
            ]
        max_lrs = _per_group("max_lr", optimizer, max_lr)
        if last_epoch == -1:
            for group, top in zip(optimizer.param_groups, max_lrs):
                group["initial_lr"] = top / div_factor
                group["max_lr"] = top
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
                raise ValueError(
                    f"OneCycleLR: cycle_momentum=True needs an optimizer with momentum or betas, "
                    f"{type(optimizer).__name__} has neither; pass cycle_momentum=False"
                )
            self.use_beta1 = "betas" in optimizer.defaults
            max_momentums = _per_group("max_momentum", optimizer, max_momentum)
            base_momentums = _per_group("base_momentum", optimizer, base_momentum)
            if last_epoch == -1:
                for group, high, low in zip(optimizer.param_groups, max_momentums, base_momentums):
                    if self.use_beta1:
                        group["betas"] = (high, *group["betas"][1:])
                    else:
                        group["momentum"] = high
                    group["max_momentum"] = high
                    group["base_momentum"] = low
        super().__init__(optimizer, last_epoch)

    def _anneal(self, start: float, end: float, pct: float) -> float:
        if self._anneal_func_type == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self) -> list[float]:
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(
                f"OneCycleLR: tried to step {step} times, but the cycle has total_steps={self.total_steps}"
            )
        lrs = []
        for group in self.optimizer.param_groups:
            start = 0.0
            for i, phase in enumerate(self._schedule_phases):
                end = phase["end_step"]
                if step <= end or i == len(self._schedule_phases) - 1:
                    pct = (step - start) / (end - start)
                    lr = self._anneal(group[phase["start_lr"]], group[phase["end_lr"]], pct)
                    if self.cycle_momentum:
                        momentum = self._anneal(group[phase["start_momentum"]], group[phase["end_momentum"]], pct)
                    break
                start = end
            lrs.append(lr)
            if self.cycle_momentum:
                if self.use_beta1:
                    group["betas"] = (momentum, *group["betas"][1:])
                else:
                    group["momentum"] = momentum
        return lrs


def _phase(end_step: float, start_lr: str, end_lr: str, start_momentum: str, end_momentum: str) -> dict:
    return {
        "end_step": end_step,
        "start_lr": start_lr,
        "end_lr": end_lr,
        "start_momentum": start_momentum,
        "end_momentum": end_momentum,
    }


class ReduceLROnPlateau(LRScheduler):
    """Multiply the lr by ``factor`` when a metric has stopped improving for ``patience`` epochs.

    Call ``step(metric)`` once per epoch with the monitored value (e.g. the
    validation loss). A value is an improvement when, for ``mode="min"``,
    it is below ``best × (1 - threshold)`` (``threshold_mode="rel"``) or
    ``best - threshold`` ("abs"); for ``mode="max"``, above
    ``best × (1 + threshold)`` or ``best + threshold``. After more than
    ``patience`` epochs without improvement: ``lr = max(lr × factor, min_lr)``
    (skipped when that changes lr by less than ``eps``), then ``cooldown``
    epochs during which bad epochs are not counted.

    Args:
        mode: "min" (default) or "max".
        factor: in [0, 1) (default 0.1).
        patience: epochs without improvement tolerated (default 10).
        threshold: size of a significant improvement (default 1e-4).
        threshold_mode: "rel" (default) or "abs".
        cooldown: epochs to wait after a reduction (default 0).
        min_lr: lower bound, a number or one per group (default 0).
        eps: smallest change of lr that is applied (default 1e-8).

    ``best`` starts at ±inf, which the state dict holds as a float
    (``json`` writes it as ``Infinity``).
    """

    def __init__(
        self,
        optimizer: Optimizer,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        min_lr=0.0,
        eps: float = 1e-8,
    ):
        _check_optimizer(optimizer, "ReduceLROnPlateau")
        if not 0.0 <= factor < 1.0:
            raise ValueError(f"ReduceLROnPlateau: factor must be in [0, 1), got {factor!r}")
        if isinstance(patience, bool) or not isinstance(patience, numbers.Integral) or patience < 0:
            raise ValueError(f"ReduceLROnPlateau: patience must be an integer >= 0, got {patience!r}")
        if isinstance(cooldown, bool) or not isinstance(cooldown, numbers.Integral) or cooldown < 0:
            raise ValueError(f"ReduceLROnPlateau: cooldown must be an integer >= 0, got {cooldown!r}")
        self.optimizer = optimizer
        self.factor = factor
        if isinstance(min_lr, (list, tuple)):
            self.default_min_lr = None
            self.min_lrs = _per_group("min_lr", optimizer, min_lr)
        else:
            self.default_min_lr = min_lr
            self.min_lrs = [min_lr] * len(optimizer.param_groups)
        self.patience = int(patience)
        self.cooldown = int(cooldown)
        self.eps = eps
        self.last_epoch = 0
        self._last_lr = self._current_lrs()
        self._init_is_better(mode, threshold, threshold_mode)
        self._reset()

    def _init_is_better(self, mode: str, threshold: float, threshold_mode: str) -> None:
        if mode not in ("min", "max"):
            raise ValueError(f"ReduceLROnPlateau: mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"ReduceLROnPlateau: threshold_mode must be 'rel' or 'abs', got {threshold_mode!r}")
        self.mode = mode
        self.threshold = threshold
        self.threshold_mode = threshold_mode
        self.mode_worse = math.inf if mode == "min" else -math.inf

    def _reset(self) -> None:
        self.best = self.mode_worse
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    @property
    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def _is_better(self, a: float, best: float) -> bool:
        if self.mode == "min" and self.threshold_mode == "rel":
            return a < best * (1.0 - self.threshold)
        if self.mode == "min":
            return a < best - self.threshold
        if self.threshold_mode == "rel":
            return a > best * (self.threshold + 1.0)
        return a > best + self.threshold

    @replayed
    def step(self, metrics) -> None:
        """Record this epoch's metric (a number or a one-element tensor) and reduce the lr if it stalled."""
        current = float(metrics)
        self.last_epoch += 1
        if self._is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad epochs during cooldown are ignored
        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = self._current_lrs()

    def _reduce_lr(self) -> None:
        groups = self.optimizer.param_groups
        if len(groups) != len(self.min_lrs):
            if self.default_min_lr is None:
                raise RuntimeError(
                    f"ReduceLROnPlateau: the optimizer now has {len(groups)} parameter groups but min_lr was given "
                    f"for {len(self.min_lrs)}; set scheduler.min_lrs to one value per group"
                )
            self.min_lrs = [self.default_min_lr] * len(groups)
        for group, min_lr in zip(groups, self.min_lrs):
            old_lr = float(group["lr"])
            new_lr = max(old_lr * self.factor, min_lr)
            if old_lr - new_lr > self.eps:
                group["lr"] = new_lr

    def load_state_dict(self, state_dict: dict) -> None:
        super().load_state_dict(state_dict)
        self._init_is_better(self.mode, self.threshold, self.threshold_mode)
