"""Keras's optimizers by name, with Keras's default hyper-parameters: nabla's one table of them.

``model.compile(optimizer="adam")`` builds its optimizer here, and so does anything else that
takes an optimizer by name (the command line's ``--optimizer``): ``get("adam", lr=3e-3)``.

The optimizers are :mod:`nabla.optim`'s, with PyTorch's update formulas and argument names
(``lr``, ``alpha`` for RMSprop's ``rho``); the table gives them Keras's defaults: learning rates
(SGD 0.01, the others 1e-3), ``epsilon=1e-7``, RMSprop's ``rho=0.9``, Adagrad's initial
accumulator 0.1, AdamW's weight decay 0.004. Keras's Adam adds epsilon in its "epsilon-hat" form
(to the square root of the uncorrected second moment); nabla's uses PyTorch's formula with Keras's
epsilon (see :class:`nabla.optim.Adam`).
"""

from __future__ import annotations

import math

import numpy as np

from .. import optim
from ._engine import Tensor
from ._missing import missing

#: name -> (nabla.optim class, Keras's defaults in that class's argument names).
OPTIMIZERS: dict[str, tuple[type[optim.Optimizer], dict]] = {
    "sgd": (optim.SGD, {"lr": 0.01}),
    "adam": (optim.Adam, {"lr": 0.001, "eps": 1e-7}),
    "adamw": (optim.AdamW, {"lr": 0.001, "weight_decay": 0.004, "eps": 1e-7}),
    "rmsprop": (optim.RMSprop, {"lr": 0.001, "alpha": 0.9, "eps": 1e-7}),
    "adagrad": (optim.Adagrad, {"lr": 0.001, "initial_accumulator_value": 0.1, "eps": 1e-7}),
}


def get(identifier, **overrides) -> optim.Optimizer:
    """An unbound optimizer (``fit`` binds it to the model's weights) from a name, or an optimizer as is.

    Args:
        identifier: a name of :data:`OPTIMIZERS` (any letter case), or a :class:`nabla.optim.Optimizer`.
        **overrides: hyper-parameters that replace Keras's defaults, in nabla.optim's names
            (``lr=3e-3``, ``weight_decay=0.01``); only with a name.

    Example:
        >>> get("adam").defaults["lr"], get("Adam", lr=0.01).defaults["lr"]
        (0.001, 0.01)
    """
    if isinstance(identifier, str):
        key = identifier.lower()
        if key not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {identifier!r}; valid names: {', '.join(sorted(OPTIMIZERS))}")
        cls, defaults = OPTIMIZERS[key]
        return cls(**{**defaults, **overrides})
    if isinstance(identifier, optim.Optimizer):
        if overrides:
            raise TypeError(f"optimizers.get: hyper-parameters {sorted(overrides)} go with a name, not an optimizer")
        return identifier
    raise TypeError(
        f"optimizer must be a name ({', '.join(sorted(OPTIMIZERS))}) or a nabla.optim optimizer, "
        f"got {type(identifier).__name__}"
    )


# --- Keras's optimizer classes: keras.optimizers.Adam(learning_rate=1e-3) ---------------------------------


class Optimizer:
    """What Keras's optimizers add to :mod:`nabla.optim`'s: ``apply_gradients``, ``learning_rate``, and
    Keras's decoupled ``weight_decay``.

    A custom training loop, Keras's way::

        optimizer = keras.optimizers.SGD(learning_rate=0.1)
        loss.backward()
        grads = [v.grad for v in model.trainable_variables]
        optimizer.apply_gradients(zip(grads, model.trainable_variables))

    The first call binds the variables (as Keras builds the optimizer then); a later call may bring new
    ones, which join. ``weight_decay`` (λ) shrinks each updated weight before its step,
    ``w <- w (1 - lr λ)``, as Keras does for every optimizer (PyTorch's SGD, RMSprop and Adagrad add
    ``λ w`` to the gradient instead). Gradient clipping (``clipnorm``, ``clipvalue``,
    ``global_clipnorm``) is not offered here: clip with :func:`nabla.nn.utils.clip_grad_norm_` or
    :func:`nabla.nn.utils.clip_grad_value_` before ``apply_gradients``.
    """

    def _keras_setup(self, name: str | None, weight_decay, kwargs: dict) -> None:
        for option in ("clipnorm", "clipvalue", "global_clipnorm", "use_ema", "loss_scale_factor",
                       "gradient_accumulation_steps"):  # fmt: skip
            if kwargs.pop(option, None):
                clip = "; clip with nabla.nn.utils.clip_grad_norm_ / clip_grad_value_" * ("clip" in option)
                raise ValueError(f"{type(self).__name__}: {option} is not offered by nabla.keras{clip}")
        kwargs.pop("ema_momentum", None), kwargs.pop("ema_overwrite_frequency", None)  # (used with use_ema only)
        if kwargs:
            raise TypeError(f"{type(self).__name__}: unexpected arguments {sorted(kwargs)}")
        self.name = name or type(self).__name__.lower()
        # (an attribute, not a group setting: a saved model's optimizer config holds nabla.optim's settings only)
        self.weight_decay = float(weight_decay or 0.0)

    def _update_group(self, group: dict) -> None:
        decay = self.weight_decay
        if decay:
            shrink = 1.0 - float(group["lr"]) * decay  # NOTE: a Python float keeps float32 weights float32
            for _, param, _ in self._with_grads(group):
                param *= shrink
        super()._update_group(group)

    @property
    def learning_rate(self) -> float:
        """The learning rate (of the first parameter group); set it to change every group's."""
        return float(self.param_groups[0]["lr"] if self.param_groups else self.defaults["lr"])

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        self.defaults["lr"] = float(value)
        for group in self.param_groups:
            group["lr"] = float(value)

    @property
    def iterations(self) -> int:
        """How many updates the optimizer has made."""
        return self._step_calls

    def apply_gradients(self, grads_and_vars) -> None:
        """Update each variable from its gradient: ``apply_gradients(zip(grads, variables))``.

        A None gradient leaves its variable as it is (Keras does the same). The variables' own ``.grad``
        are not changed.
        """
        pairs = [(g, v) for g, v in grads_and_vars if g is not None]
        if not pairs:
            return
        variables = [v for _, v in pairs]
        bound = {id(p) for group in self.param_groups for p in group["params"]}
        new = [v for v in variables if id(v) not in bound]
        if new and not self.param_groups:
            self.bind(new)
        elif new:
            self.add_param_group({"params": new})
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

    def apply(self, grads, trainable_variables) -> None:
        """``apply_gradients(zip(grads, trainable_variables))``."""
        self.apply_gradients(zip(grads, trainable_variables))


class SGD(Optimizer, optim.SGD):
    """``SGD(learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None)``: Keras's SGD.

    ``v <- momentum v - lr g; w <- w + v`` (Nesterov: ``w <- w + momentum v - lr g``), the same steps
    as :class:`nabla.optim.SGD` for a constant learning rate.
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None, name=None, **kwargs):
        optim.SGD.__init__(self, None, lr=learning_rate, momentum=momentum, nesterov=nesterov)
        self._keras_setup(name, weight_decay, kwargs)


class Adam(Optimizer, optim.Adam):
    """``Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False)``: Keras's Adam.

    Keras's form exactly: ``w <- w - lr sqrt(1 - β2^t) / (1 - β1^t) · m / (sqrt(v) + ε)``, with ε added
    to the uncorrected ``sqrt(v)`` ("epsilon hat"). That is :class:`nabla.optim.Adam`'s (PyTorch's)
    update with ``ε / sqrt(1 - β2^t)`` in place of ε, which is how it is computed. (``compile(optimizer=
    "adam")`` uses PyTorch's form with Keras's ε: see the table above.)
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
        weight_decay=None,
        name=None,
        **kwargs,
    ):
        optim.Adam.__init__(  # (decoupled: Keras's decay is; and a saved AdamW reloads as nabla.optim.AdamW)
            self, None, lr=learning_rate, betas=(beta_1, beta_2), eps=epsilon, amsgrad=amsgrad,
            decoupled_weight_decay=True,
        )  # fmt: skip
        self._keras_setup(name, weight_decay, kwargs)

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        step = state.get("step", 0) + 1
        eps = float(group["eps"]) / math.sqrt(1.0 - group["betas"][1] ** step)
        super()._update(param, grad, state, {**group, "eps": eps})


class AdamW(Adam):
    """``AdamW(learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7)``: Keras's
    Adam with decoupled weight decay (Keras's defaults)."""

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, weight_decay=weight_decay, **kwargs)


class RMSprop(Optimizer, optim.RMSprop):
    """``RMSprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False)``.

    :class:`nabla.optim.RMSprop`'s update (PyTorch's: ε added to ``sqrt(v)``; Keras adds it to v under
    the square root, a difference only where v is tiny) with Keras's argument names and defaults.
    """

    def __init__(
        self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, weight_decay=None, name=None,
        **kwargs,
    ):  # fmt: skip
        optim.RMSprop.__init__(
            self, None, lr=learning_rate, alpha=rho, eps=epsilon, momentum=momentum, centered=centered
        )
        self._keras_setup(name, weight_decay, kwargs)


class Adagrad(Optimizer, optim.Adagrad):
    """``Adagrad(learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7)``.

    :class:`nabla.optim.Adagrad`'s update (PyTorch's: ε added to ``sqrt(accumulator)``; Keras adds it
    under the square root) with Keras's argument names and defaults.
    """

    def __init__(
        self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, weight_decay=None, name=None, **kwargs
    ):
        optim.Adagrad.__init__(
            self, None, lr=learning_rate, initial_accumulator_value=initial_accumulator_value, eps=epsilon
        )
        self._keras_setup(name, weight_decay, kwargs)


def __getattr__(name: str):
    raise missing("keras.optimizers", name)
