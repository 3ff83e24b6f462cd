"""The base of the learning-rate schedules (:class:`LRScheduler`) and the argument checks they share.

The schedules themselves are in :mod:`nabla.optim.lr_scheduler` (and :mod:`nabla.optim.one_cycle`).
"""

from __future__ import annotations

import copy
import numbers
import warnings

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
