"""What Keras's optimizers add to :mod:`nabla.optim`'s: ``apply_gradients``, learning-rate schedules,
gradient clipping, Keras's decoupled ``weight_decay``, ``iterations`` and ``get_config``.

Each Keras class (``SGD``, ``Adam``, ...) is this mixin over the :mod:`nabla.optim` class of the same
name, with Keras's argument names and defaults and Keras's own update formula (where Keras's differs
from PyTorch's: see each class). One update, ``step()``, does what Keras's ``apply`` does, in Keras's
order:

1. the learning rate: a :class:`~.schedules.LearningRateSchedule` (or a function of no arguments) is
   asked for the rate at ``iterations`` (the count of updates made so far: 0 at the first);
2. clipping, at most one of: ``clipnorm`` (each gradient ``g`` on its own: ``g * c / max(||g||, c)``),
   ``global_clipnorm`` (all gradients together: each times ``c / max(sqrt(sum ||g_i||^2), c)``; NaN
   when that norm is not finite, as in Keras), ``clipvalue`` (each element into ``[-c, c]``). The
   variables' own ``.grad`` are left as they were;
3. ``weight_decay`` λ: ``w <- w - w λ lr`` on each variable that has a gradient;
4. the class's update, then ``iterations += 1``;
5. constraints: each updated variable that has one (``variable.constraint``, from a layer's
   ``kernel_constraint=`` or ``add_weight(constraint=)``) becomes ``constraint(variable)``, as Keras's
   ``apply`` does after the update.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ... import optim
from .._engine import Tensor, backend, no_grad, replayed
from ..utils.naming import snake_case
from .schedules import InverseTimeDecay, LearningRateSchedule
from .slots import optimizer_variables
from .update_steps import UpdateSteps

_CLIPS = ("clipnorm", "clipvalue", "global_clipnorm")
_UNKNOWN = (
    "This optimizer can only be called for the variables it was originally built with. When working with a new "
    "set of variables, you should recreate a new optimizer instance."
)  # (Keras 3's words)


def _squared_norm(grad) -> float:
    """``sum(grad**2)`` as a Python float, on any array library (NumPy: one BLAS dot)."""
    if isinstance(grad, np.ndarray):
        return float(np.vdot(grad, grad))
    return float(backend.namespace(grad).sum(grad * grad))


def _clip_by_norm(grad: np.ndarray, clip: float) -> np.ndarray:
    norm = math.sqrt(_squared_norm(grad))
    return grad * (clip / max(norm, clip))  # NOTE: a Python float keeps float32 gradients float32


class LearningRate(float):
    """What ``optimizer.learning_rate`` reads: a float that also answers as Keras's learning-rate variable
    does, so ``optimizer.learning_rate.numpy()`` and ``optimizer.learning_rate.assign(1e-4)`` run.

    Its value is the rate rounded to float32, the dtype of Keras's variable: ``float(lr)`` of a rate set
    to 0.1 is 0.10000000149011612 in Keras (keras.io's callbacks guide prints it), and so here. A rate
    set as a number prints as Keras's variable, ``<Variable path=adam/learning_rate, shape=(), ...>``.
    """

    def __new__(cls, value: float, optimizer, variable: bool = True):
        rate = super().__new__(cls, float(np.float32(value)))
        rate._optimizer, rate._variable = optimizer, variable
        return rate

    # Keras's variable's attributes (``optimizer.variables`` lists it)
    name, shape, dtype = "learning_rate", (), "float32"

    @property
    def path(self) -> str:
        return f"{self._optimizer.name}/learning_rate"

    def __repr__(self) -> str:
        if not self._variable:  # a schedule's value (Keras gives a tensor)
            return float.__repr__(self)
        return f"<Variable path={self.path}, shape=(), dtype=float32, value={float.__repr__(self)}>"

    def numpy(self) -> np.float32:
        return np.float32(self)

    def assign(self, value) -> None:
        """Set the optimizer's rate (``optimizer.learning_rate = value``: a schedule's refuses)."""
        self._optimizer.learning_rate = value


class Iterations(int):
    """What ``optimizer.iterations`` reads: an int that also answers ``numpy()`` as Keras's variable does on
    TensorFlow (an int64; TensorFlow's custom-training tutorial prints ``optimizer.iterations.numpy()``), and
    prints as that variable, ``<Variable path=sgd/iteration, shape=(), dtype=int64, value=4>``."""

    def __new__(cls, value: int, optimizer):
        count = super().__new__(cls, value)
        count._optimizer = optimizer
        return count

    name, shape, dtype = "iteration", (), "int64"  # (Keras's variable's attributes)

    @property
    def path(self) -> str:
        return f"{self._optimizer.name}/iteration"

    def numpy(self) -> np.int64:
        return np.int64(self)

    def __repr__(self) -> str:
        return f"<Variable path={self.path}, shape=(), dtype=int64, value={int(self)}>"


class Optimizer(UpdateSteps, optim.Optimizer):
    """The base of every Keras optimizer class (see the module's docstring for one update's order): Keras's
    API over the :mod:`nabla.optim` class of the same name (``class SGD(Optimizer, optim.SGD)``), or over
    your own ``update_step`` (a subclass of this class alone: see :mod:`.update_steps`).

    A custom training loop, Keras's way::

        optimizer = keras.optimizers.SGD(learning_rate=0.1, clipnorm=1.0)
        loss.backward()
        grads = [v.grad for v in model.trainable_variables]
        optimizer.apply_gradients(zip(grads, model.trainable_variables))

    The first call builds the optimizer on the variables it is given, as Keras 3's does; ``fit`` builds it at
    its first update, on the weights that get a gradient there (the model's trainable ones). From then on
    it updates only those (or some of them: a layer frozen later simply gets no update): a variable it was
    not built with (a second model's, a layer unfrozen or added since) raises Keras 3's
    ``ValueError: Unknown variable: ...``, before anything is updated, so make a new optimizer for new
    variables. Re-compiling the same model with it is fine. ``fit`` calls ``step()``, which does the same
    with the variables' ``.grad``.
    """

    _built_on: set | None = None  # the ids of the variables it was built with; None before it is built

    def __init__(self, learning_rate=0.001, weight_decay=None, name=None, **kwargs):
        """Keras 3's base constructor, for a subclass of yours with an ``update_step`` (Keras's own classes
        build their :mod:`nabla.optim` class instead)."""
        optim.Optimizer.__init__(self, None, {"lr": self._initial_rate(learning_rate)})
        self._keras_setup(name, weight_decay, kwargs)

    def _keras_setup(self, name: str | None, weight_decay, kwargs: dict) -> None:
        """Finish a Keras class's ``__init__`` (after the :mod:`nabla.optim` class's, given
        :meth:`_initial_rate`'s rate): clipping, ``lr=``, the name, weight decay."""
        clips = {option: kwargs.pop(option, None) for option in _CLIPS}
        given = {k: v for k, v in clips.items() if v is not None}
        if len(given) > 1:
            name = type(self).__name__
            raise ValueError(f"{name}: give only one of clipnorm, clipvalue, global_clipnorm; got {given}")
        for option, value in given.items():
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= 0:
                raise ValueError(f"{type(self).__name__}: {option} must be a number >= 0, got {value!r}")
        self.clipnorm, self.clipvalue, self.global_clipnorm = (
            None if clips[k] is None else float(clips[k]) for k in _CLIPS
        )
        for option in ("use_ema", "loss_scale_factor", "gradient_accumulation_steps"):
            if kwargs.pop(option, None):
                raise ValueError(f"{type(self).__name__}: {option} is not offered by nabla.keras")
        kwargs.pop("ema_momentum", None), kwargs.pop("ema_overwrite_frequency", None)  # (used with use_ema only)
        lr = kwargs.pop("lr", None)  # Keras 2's name, still in much course material (Keras 3 refuses it)
        # Keras 2's decay=d (SGD(lr=0.01, decay=1e-6) in many labs; Keras 3 refuses it): each update uses
        # lr / (1 + d * iterations), while learning_rate (and lr) read and set lr itself, as Keras 2's optimizers
        # did, so ReduceLROnPlateau and K.set_value(opt.lr, ...) change the rate that decays.
        decay = kwargs.pop("decay", None)
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")  # (Keras 3's error, word for word)
        if lr is not None:
            self.learning_rate = lr
        if decay:
            if isinstance(decay, bool) or not isinstance(decay, numbers.Real) or not decay > 0:
                raise ValueError(f"{type(self).__name__}: decay must be a number >= 0, got {decay!r}")
            if getattr(self, "_schedule", None) is not None:
                raise ValueError(f"{type(self).__name__}: give decay= or a learning-rate schedule, not both")
            self._decay = float(decay)
        self.name = name or snake_case(type(self).__name__)  # (Keras's: RMSprop is "rm_sprop", AdamW "adam_w")
        # (an attribute, not a group setting: a saved model's optimizer config holds nabla.optim's settings only)
        self.weight_decay = float(weight_decay or 0.0)

    def _initial_rate(self, learning_rate) -> float:
        """The rate to build the :mod:`nabla.optim` class with; keeps a schedule (or a function) to ask later."""
        self._schedule, self._decay = None, 0.0
        if _is_schedule(learning_rate):
            self._schedule = learning_rate
            return self._scheduled_rate(0)
        if not _is_number(learning_rate):
            raise TypeError(
                f"{type(self).__name__}: learning_rate must be a float or a keras.optimizers.schedules."
                f"LearningRateSchedule, got {learning_rate!r} ({type(learning_rate).__name__})"
            )
        return float(learning_rate)

    def _scheduled_rate(self, step: int) -> float:
        schedule = self._schedule
        if isinstance(schedule, LearningRateSchedule):
            # Keras passes its iterations variable, a scalar int64 tensor; a schedule of yours may compute on it.
            value = schedule(step if type(schedule).__module__.startswith("nabla.") else _int64(step))
        else:
            value = schedule()
        value = float(value)
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"{type(self).__name__}: the learning rate schedule gave {value} at step {step}")
        return value

    # --- the learning rate ------------------------------------------------------------------------

    @property
    def learning_rate(self) -> LearningRate:
        """The rate the next update uses: a schedule's value at ``iterations``, or the (first group's) rate;
        a float with Keras's ``numpy()`` and ``assign(value)``.

        Set it to a float to change every group's rate, or to a schedule. An optimizer built with a
        schedule refuses a float, as Keras's does (its rate is the schedule's)."""
        if getattr(self, "_schedule", None) is not None:
            return LearningRate(self._scheduled_rate(self.iterations), self, variable=False)
        if getattr(self, "_decay", 0.0):  # (the groups hold the decayed rate of the last update)
            return LearningRate(self.defaults["lr"], self)
        return LearningRate(self.param_groups[0]["lr"] if self.param_groups else self.defaults["lr"], self)

    @learning_rate.setter
    def learning_rate(self, value) -> None:
        if _is_schedule(value):
            self._schedule, self._decay = value, 0.0
            value = self._scheduled_rate(self.iterations)
        elif isinstance(getattr(self, "_schedule", None), LearningRateSchedule):
            raise TypeError(
                f"{type(self).__name__} was created with a LearningRateSchedule as its learning_rate, so its "
                "learning rate cannot be set; create the optimizer with a float learning_rate to set it"
            )
        else:
            self._schedule = None
        self.defaults["lr"] = float(value)
        for group in self.param_groups:
            group["lr"] = float(value)

    # Keras 2's name, still in much course material.
    lr = learning_rate

    def _decayed_rate(self) -> float:
        """The rate of the next update of an optimizer made with Keras 2's ``decay=d``: ``lr / (1 + d t)``."""
        return self.defaults["lr"] / (1.0 + self._decay * int(self.iterations))

    @property
    def iterations(self) -> Iterations:
        """How many updates the optimizer has made (what a schedule is asked about)."""
        return Iterations(self._step_calls, self)

    @property
    def variables(self) -> list:
        """Keras 3's ``optimizer.variables``: ``iterations``, the learning rate, then each variable's slots
        (Adam: ``<path>_momentum``, ``<path>_velocity``), from the optimizer's state (see :mod:`.slots`)."""
        return optimizer_variables(self)

    # --- one update ---------------------------------------------------------------------------------

    @replayed  # (nb.capture repeats the whole of it: the schedule and the clipping run at every replay)
    def step(self, closure=None):
        """One update of every variable that has a gradient (see the module's docstring for the order); the
        first builds the optimizer on those variables, a later one refuses a variable it was not built with."""
        graded = [p for group in self.param_groups for p in group["params"] if p._grad is not None]
        if self._built_on is None:
            self._built_on = {id(p) for p in graded}
        self._check_known(graded)
        if self._schedule is not None or self._decay:
            rate = self._scheduled_rate(self.iterations) if self._decay == 0 else self._decayed_rate()
            for group in self.param_groups:
                group["lr"] = rate
        if self.clipnorm is None and self.clipvalue is None and self.global_clipnorm is None:
            return super().step(closure)
        if closure is not None:
            raise ValueError(f"{type(self).__name__}.step: clipping optimizers take no closure; call backward first")
        params = [p for group in self.param_groups for p in group["params"] if p._grad is not None]
        saved = [p._grad for p in params]
        for p, grad in zip(params, self._clipped([g._data for g in saved])):
            p._grad = Tensor._make(grad)
        try:
            return super().step()
        finally:
            for p, g in zip(params, saved):
                p._grad = g

    def _clipped(self, grads: list[np.ndarray]) -> list[np.ndarray]:
        if self.clipnorm is not None:
            return [_clip_by_norm(g, self.clipnorm) for g in grads]
        if self.global_clipnorm is not None:
            clip = self.global_clipnorm
            norm = math.sqrt(sum(_squared_norm(g) for g in grads))
            scale = clip / max(norm, clip) if math.isfinite(norm) else math.nan
            return [g * scale for g in grads]
        lo, hi = -self.clipvalue, self.clipvalue
        return [np.clip(g, lo, hi) if type(g) is np.ndarray else backend.namespace(g).clip(g, lo, hi) for g in grads]

    def _update_group(self, group: dict) -> None:
        decay = self.weight_decay
        if decay:
            shrink = 1.0 - float(group["lr"]) * decay  # NOTE: a Python float keeps float32 weights float32
            for _, param, _ in self._with_grads(group):
                param *= shrink
        if self._has_update_step():
            self._run_update_steps(group)
        else:
            super()._update_group(group)
        for p, param, _ in self._with_grads(group):
            constraint = getattr(p, "constraint", None)
            if constraint is not None:
                with no_grad():
                    param[...] = constraint(p)._data

    def apply_gradients(self, grads_and_vars) -> int:
        """Update each variable from its gradient: ``apply_gradients(zip(grads, variables))``; returns
        ``iterations``, as Keras does.

        A None gradient leaves its variable as it is (Keras does the same). The variables' own ``.grad``
        are not changed. The first call builds the optimizer on ``variables``; a later call with a variable
        it was not built with raises ``ValueError: Unknown variable``, as Keras 3's.
        """
        given = list(grads_and_vars)
        pairs = [(g, v) for g, v in given if g is not None]
        if not pairs:
            return self.iterations
        if not (self._has_update_step() and self.built):  # (a build of yours runs once: it makes the state)
            self.build([v for _, v in given])
        self._check_known([v for _, v in pairs])
        everything = [p for group in self.param_groups for p in group["params"]]
        saved = [p._grad for p in everything]
        for p in everything:
            p._grad = None
        for g, v in pairs:
            g = g if isinstance(g, Tensor) else Tensor._make(np.asarray(g, dtype=v.dtype))
            if g.shape != v.shape:
                raise ValueError(f"apply_gradients: a variable of shape {v.shape} got a gradient of shape {g.shape}")
            v._grad = g
        try:
            self.step()
        finally:
            for p, g in zip(everything, saved):
                p._grad = g
        return self.iterations

    def build(self, variables) -> None:
        """Bind ``variables`` before the first update, as Keras 3's ``optimizer.build(model.trainable_variables)``
        (the first ``apply_gradients`` or ``fit`` update builds it otherwise); those already bound are left as
        they are. Once built, it is built: a second ``build`` changes nothing, as for Keras 3's own classes,
        and the variables it was built with are the only ones it updates (see the class docstring).
        Their slots (Adam's ``m`` and ``v``) are made at their first update, where Keras makes them here."""
        variables = list(variables)
        if self._built_on is not None:
            if self._has_update_step():
                self._index_variables(variables)
            return
        self._built_on = {id(v) for v in variables}
        bound = {id(p) for group in self.param_groups for p in group["params"]}
        new = [v for v in variables if id(v) not in bound]
        if new and not self.param_groups:
            self.bind(new)
        elif new:
            self.add_param_group({"params": new})
        if self._has_update_step():
            self._index_variables(variables)

    def _check_known(self, variables) -> None:
        """Keras 3's check: every one of ``variables`` is one the optimizer was built with."""
        for v in variables:
            if id(v) not in self._built_on:
                path = getattr(v, "path", None)
                raise ValueError(f"Unknown variable: <Variable path={path}, shape={tuple(v.shape)}, "
                                 f"dtype={np.dtype(v.dtype).name}>. {_UNKNOWN}")  # fmt: skip

    @property
    def built(self) -> bool:
        """Whether the optimizer was built (by :meth:`build`, a first ``apply_gradients`` or ``fit``'s first
        update), as Keras 3's ``optimizer.built``: ``compile`` alone leaves it False; with an ``update_step``
        of yours, whether ``build`` ran (your ``build`` makes the state it reads)."""
        if self._has_update_step():
            return getattr(self, "_update_steps_built", False)
        return self._built_on is not None

    def __getattr__(self, name: str):
        # Keras's hyper-parameters are attributes (optimizer.beta_1, .momentum, .epsilon); here they are the
        # constructor's group settings, which _own_config names as Keras does.
        if not name.startswith("_") and "defaults" in vars(self):
            config = self._own_config()
            if name in config:
                return config[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __setattr__(self, name: str, value) -> None:
        # Setting one would leave the groups' setting, which the update reads, as it was: refuse, not ignore.
        if not name.startswith("_") and "defaults" in vars(self) and name in self._own_config():
            raise AttributeError(
                f"{type(self).__name__}.{name} cannot be changed after construction in nabla.keras: "
                f"build the optimizer with {name}={value!r}"
            )
        super().__setattr__(name, value)

    def apply(self, grads, trainable_variables) -> None:
        """``apply_gradients(zip(grads, trainable_variables))``."""
        self.apply_gradients(zip(grads, trainable_variables))

    # --- config -------------------------------------------------------------------------------------

    def get_config(self) -> dict:
        """Keras's config: the name, the learning rate (a schedule as ``schedules.serialize`` writes it), the
        decay and clipping settings, and the class's own hyper-parameters."""
        from .schedules import serialize

        schedule = self._schedule
        if self._decay:  # (Keras 2's decay is Keras 3's InverseTimeDecay of the rate now)
            schedule = InverseTimeDecay(float(np.float32(self.defaults["lr"])), decay_steps=1, decay_rate=self._decay)
        if isinstance(schedule, LearningRateSchedule):
            rate = serialize(schedule)
        else:
            # (a float32 variable's value in Keras: Adam(0.01)'s config says 0.009999999776482582)
            rate = float(np.float32(self.param_groups[0]["lr"] if self.param_groups else self.defaults["lr"]))
        return {
            "name": self.name, "learning_rate": rate, "weight_decay": self.weight_decay or None,
            "clipnorm": self.clipnorm, "global_clipnorm": self.global_clipnorm, "clipvalue": self.clipvalue,
            "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None, "loss_scale_factor": None,
            "gradient_accumulation_steps": None, **self._own_config(),
        }  # fmt: skip

    def _own_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None):
        """The optimizer :meth:`get_config` described."""
        from .schedules import deserialize

        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = deserialize(config["learning_rate"], custom_objects)
        for unused in ("use_ema", "ema_momentum", "ema_overwrite_frequency", "loss_scale_factor",
                       "gradient_accumulation_steps"):  # fmt: skip
            config.pop(unused, None)
        return cls(**config)


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) or (
        isinstance(value, (np.ndarray, Tensor)) and value.ndim == 0
    )


def _is_schedule(value) -> bool:
    """A LearningRateSchedule, or a function of no arguments (Keras takes both as a learning rate)."""
    return isinstance(value, LearningRateSchedule) or (callable(value) and not _is_number(value))


def _int64(step: int) -> Tensor:
    return Tensor._make(np.asarray(step, dtype=np.int64))
