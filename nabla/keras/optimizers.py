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

from .. import optim

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
