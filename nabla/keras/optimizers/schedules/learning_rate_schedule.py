"""Keras's learning-rate schedules: the learning rate as a function of the optimizer's step count.

Give one to any Keras optimizer as ``learning_rate=``; before each update the optimizer asks it for
the rate at ``optimizer.iterations`` (0 at the first update, as in Keras), and
``optimizer.learning_rate`` reads the rate the next update will use::

    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=100, decay_rate=0.96)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=schedule), loss="mse")

A schedule of yours subclasses :class:`LearningRateSchedule` and writes ``__call__(step)`` (and
``get_config`` to be serialisable). ``step`` is what Keras passes: a scalar integer tensor (int64);
``float(step)``, arithmetic and ``keras.ops`` / ``nabla.tf`` functions all work on it. The built-in
schedules compute in Python floats (float64; Keras computes in float32, a difference below 1e-6
relative) and return a Python float. Given many steps at once (a list, an array or a tensor, as the
tutorials do to plot a schedule: ``schedule(np.linspace(0, 100000))``), they return a float32 tensor of
the rates, of the steps' shape, as Keras does.
"""

from __future__ import annotations

import bisect
import functools
import math

import numpy as np

from ....engine.tensor import Tensor
from ...output_class import like_inputs


class LearningRateSchedule:
    """Base class of the schedules: subclass it and write ``__call__(self, step)``.

    Example::

        class InverseSqrt(keras.optimizers.schedules.LearningRateSchedule):
            def __init__(self, initial_learning_rate):
                self.initial_learning_rate = initial_learning_rate

            def __call__(self, step):
                return self.initial_learning_rate / (step + 1) ** 0.5
    """

    def __call__(self, step):
        raise NotImplementedError(f"learning rate schedule '{type(self).__name__}' must override __call__(self, step)")

    def get_config(self) -> dict:
        raise NotImplementedError(
            f"learning rate schedule '{type(self).__name__}' must override get_config() to be serialisable"
        )

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)


def _elementwise(rate):
    """A built-in schedule's ``__call__`` for one step, made to take many: the rate at each step of an array,
    list or tensor (Keras's schedules are tensor expressions, so a vector of steps gives a vector of rates)."""

    @functools.wraps(rate)
    def call(self, step):
        steps = np.asarray(step.numpy() if isinstance(step, Tensor) else step)
        if steps.ndim == 0:
            return rate(self, step)
        rates = [rate(self, float(s)) for s in steps.reshape(-1)]
        # (a tf.Tensor of steps, nabla.tf's, gives a tf.Tensor of rates, which prints as TensorFlow's)
        return like_inputs(Tensor._make(np.asarray(rates, np.float32).reshape(steps.shape)), step)

    return call


def _positive_steps(value, name: str, who: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"{who}: {name} must be > 0, got {name}={value!r}")


class _RateDecay(LearningRateSchedule):
    """What ExponentialDecay and InverseTimeDecay share: a rate, a decay rate per ``decay_steps``, and the
    progress ``step / decay_steps`` (floored with ``staircase``)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name=None):
        _positive_steps(decay_steps, "decay_steps", type(self).__name__)
        self.initial_learning_rate, self.decay_steps, self.decay_rate = initial_learning_rate, decay_steps, decay_rate
        self.staircase, self.name = staircase, name or type(self).__name__

    def _progress(self, step) -> float:
        p = float(step) / self.decay_steps
        return math.floor(p) if self.staircase else p

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}  # fmt: skip


class ExponentialDecay(_RateDecay):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)``; with ``staircase=True`` the exponent is
    ``floor(step / decay_steps)`` (the rate drops every ``decay_steps`` steps).

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: steps per factor of ``decay_rate`` (> 0).
        decay_rate: the factor.
        staircase: decay at discrete intervals.
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="ExponentialDecay"):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    @_elementwise
    def __call__(self, step) -> float:
        return float(self.initial_learning_rate) * float(self.decay_rate) ** self._progress(step)


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` while ``step <= boundaries[0]``, ``values[i]`` while ``boundaries[i-1] < step <=
    boundaries[i]``, ``values[-1]`` after ``boundaries[-1]``.

    Args:
        boundaries: increasing step counts.
        values: one more rate than boundaries.
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                f"PiecewiseConstantDecay: give one more value than boundaries, got {len(boundaries)} boundaries "
                f"{list(boundaries)} and {len(values)} values {list(values)}"
            )
        if any(b >= c for b, c in zip(boundaries, boundaries[1:])):
            raise ValueError(f"PiecewiseConstantDecay: boundaries must increase, got {list(boundaries)}")
        self.boundaries, self.values, self.name = boundaries, values, name

    @_elementwise
    def __call__(self, step) -> float:
        return float(self.values[bisect.bisect_left(self.boundaries, float(step))])

    def get_config(self) -> dict:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """From ``initial_learning_rate`` to ``end_learning_rate`` in ``decay_steps`` steps along a power::

        (initial - end) * (1 - min(step, decay_steps) / decay_steps) ** power + end

    With ``cycle=True`` the decay restarts: ``decay_steps`` becomes the first multiple of it that is
    >= step (``decay_steps * ceil(step / decay_steps)``, and ``decay_steps`` at step 0).
    """

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0, cycle=False,
                 name="PolynomialDecay"):  # fmt: skip
        _positive_steps(decay_steps, "decay_steps", "PolynomialDecay")
        self.initial_learning_rate, self.decay_steps, self.end_learning_rate = (
            initial_learning_rate, decay_steps, end_learning_rate
        )  # fmt: skip
        self.power, self.cycle, self.name = power, cycle, name

    @_elementwise
    def __call__(self, step) -> float:
        step, decay_steps = float(step), float(self.decay_steps)
        if self.cycle:
            decay_steps *= 1.0 if step == 0 else math.ceil(step / decay_steps)
        else:
            step = min(step, decay_steps)
        end = float(self.end_learning_rate)
        return (float(self.initial_learning_rate) - end) * (1.0 - step / decay_steps) ** float(self.power) + end

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "end_learning_rate": self.end_learning_rate, "power": self.power, "cycle": self.cycle,
                "name": self.name}  # fmt: skip


class InverseTimeDecay(_RateDecay):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)`` (``floor(step / decay_steps)`` with
    ``staircase=True``)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="InverseTimeDecay"):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    @_elementwise
    def __call__(self, step) -> float:
        return float(self.initial_learning_rate) / (1.0 + float(self.decay_rate) * self._progress(step))


def _cosine(fraction: float, alpha: float) -> float:
    """``(1 - alpha) * (1 + cos(pi * fraction)) / 2 + alpha``: from 1 at fraction 0 to alpha at fraction 1."""
    return (1.0 - alpha) * 0.5 * (1.0 + math.cos(math.pi * fraction)) + alpha


class CosineDecay(LearningRateSchedule):
    """A cosine from ``initial_learning_rate`` to ``initial_learning_rate * alpha`` over ``decay_steps``,
    optionally after a linear warm-up (SGDR, Loshchilov & Hutter 2016, https://arxiv.org/abs/1608.03983)::

        decayed(s) = lr0 * ((1 - alpha) * (1 + cos(pi * min(s, decay_steps) / decay_steps)) / 2 + alpha)

    With ``warmup_target``: the rate rises linearly from ``initial_learning_rate`` to ``warmup_target``
    over ``warmup_steps``, then decays from ``warmup_target`` as above (``s`` counted from the end of the
    warm-up).
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay", warmup_target=None,
                 warmup_steps=0):  # fmt: skip
        _positive_steps(decay_steps, "decay_steps", "CosineDecay")
        self.initial_learning_rate, self.decay_steps, self.alpha, self.name = (
            initial_learning_rate, decay_steps, alpha, name
        )  # fmt: skip
        self.warmup_target, self.warmup_steps = warmup_target, warmup_steps

    @_elementwise
    def __call__(self, step) -> float:
        step, decay_steps, initial = float(step), float(self.decay_steps), float(self.initial_learning_rate)
        if self.warmup_target is None:
            return initial * _cosine(min(step, decay_steps) / decay_steps, float(self.alpha))
        target, warmup = float(self.warmup_target), float(self.warmup_steps)
        step = min(step, decay_steps + warmup)
        if step < warmup:
            return (target - initial) * (step / warmup) + initial
        return target * _cosine((step - warmup) / decay_steps, float(self.alpha))

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "alpha": self.alpha, "name": self.name, "warmup_target": self.warmup_target,
                "warmup_steps": self.warmup_steps}  # fmt: skip


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR): a cosine over ``first_decay_steps``, then again over
    ``t_mul`` times as many steps from ``m_mul`` times the rate, and so on.

    With ``f = step / first_decay_steps``, restart ``i`` and the fraction ``r`` of it done are ``floor(f)``
    and ``f - i`` when ``t_mul == 1``, else ``i = floor(log(1 - f (1 - t_mul)) / log(t_mul))`` and
    ``r = (f - (1 - t_mul^i) / (1 - t_mul)) / t_mul^i``; the rate is
    ``lr0 * ((1 - alpha) * m_mul^i * (1 + cos(pi r)) / 2 + alpha)``.
    """

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0, name="SGDRDecay"):
        _positive_steps(first_decay_steps, "first_decay_steps", "CosineDecayRestarts")
        self.initial_learning_rate, self.first_decay_steps = initial_learning_rate, first_decay_steps
        self._t_mul, self._m_mul, self.alpha, self.name = t_mul, m_mul, alpha, name

    @_elementwise
    def __call__(self, step) -> float:
        fraction, t_mul = float(step) / self.first_decay_steps, float(self._t_mul)
        if t_mul == 1.0:
            restart = math.floor(fraction)
            fraction -= restart
        else:
            restart = math.floor(math.log(1.0 - fraction * (1.0 - t_mul)) / math.log(t_mul))
            done = (1.0 - t_mul**restart) / (1.0 - t_mul)  # the steps of the earlier restarts, in first_decay_steps
            fraction = (fraction - done) / t_mul**restart
        cosine = 0.5 * float(self._m_mul) ** restart * (1.0 + math.cos(math.pi * fraction))
        alpha = float(self.alpha)
        return float(self.initial_learning_rate) * ((1.0 - alpha) * cosine + alpha)

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate, "first_decay_steps": self.first_decay_steps,
                "t_mul": self._t_mul, "m_mul": self._m_mul, "alpha": self.alpha, "name": self.name}  # fmt: skip


BUILT_IN = {cls.__name__: cls for cls in (ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay, InverseTimeDecay,
                                          CosineDecay, CosineDecayRestarts)}  # fmt: skip


def serialize(learning_rate_schedule: LearningRateSchedule) -> dict:
    """``{"module": "keras.optimizers.schedules", "class_name": ..., "config": ..., "registered_name": None}``,
    as Keras writes it."""
    if not isinstance(learning_rate_schedule, LearningRateSchedule):
        raise TypeError(f"serialize: expected a LearningRateSchedule, got {type(learning_rate_schedule).__name__}")
    return {"module": "keras.optimizers.schedules", "class_name": type(learning_rate_schedule).__name__,
            "config": learning_rate_schedule.get_config(), "registered_name": None}  # fmt: skip


def deserialize(config: dict, custom_objects: dict | None = None) -> LearningRateSchedule:
    """The schedule that :func:`serialize` described: a built-in one, or a class of ``custom_objects``."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"deserialize: expected {{'class_name': ..., 'config': {{...}}}}, got {config!r}")
    known = {**BUILT_IN, **(custom_objects or {})}
    cls = known.get(config["class_name"])
    if cls is None:
        raise ValueError(
            f"deserialize: unknown schedule {config['class_name']!r}; built in: {', '.join(sorted(BUILT_IN))} "
            "(pass yours in custom_objects={name: class})"
        )
    return cls.from_config(dict(config.get("config", {})))
