"""``keras.optimizers``: Keras's optimizer classes, by name with Keras's defaults (nabla's one table of them),
and ``keras.optimizers.schedules``.

``model.compile(optimizer="adam")`` builds its optimizer here, and so does anything else that takes
an optimizer by name (the command line's ``--optimizer``): ``get("adam", learning_rate=3e-3)``. A name
builds Keras's own class (:class:`Adam`, ...), so ``fit`` takes Keras's steps: Keras's update formulas
(Adam's "epsilon hat", RMSprop's and Adagrad's ε under the square root, SGD's rate inside the
velocity) and Keras's defaults (learning rates: SGD 0.01, the others 1e-3; ``epsilon=1e-7``; RMSprop's
``rho=0.9``; Adagrad's initial accumulator 0.1; AdamW's weight decay 0.004). :mod:`nabla.optim`'s
classes (PyTorch's formulas) are untouched and may be given to ``compile`` as objects.

The files, as in Keras: ``base_optimizer.py`` (schedules, clipping, weight decay, ``apply_gradients``),
``sgd.py``, ``adam.py`` (Adam, AdamW), ``rmsprop.py``, ``adagrad.py``, ``schedules/``; and Keras's
classes that :mod:`nabla.optim` has no PyTorch class for, on ``keras_only.py``: ``nadam.py``,
``adamax.py``, ``adadelta.py`` (Keras's default rate 0.001, ``rho=0.95``), ``lion.py`` (``beta_2=0.99``), ``ftrl.py``.
TensorFlow 2's older paths to the same classes: ``legacy.py`` (``tf.keras.optimizers.legacy.Adam``, 2.11-2.15)
and ``experimental.py`` (``tf.keras.optimizers.experimental.AdamW``, 2.9-2.10).
"""

from __future__ import annotations

from ... import optim
from .._missing import missing
from . import experimental, legacy, schedules
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .base_optimizer import Optimizer
from .ftrl import Ftrl
from .lion import Lion
from .nadam import Nadam
from .rmsprop import RMSprop
from .sgd import SGD

#: name -> Keras's class (whose arguments default to Keras's values).
OPTIMIZERS: dict[str, type[Optimizer]] = {"sgd": SGD, "adam": Adam, "adamw": AdamW, "rmsprop": RMSprop,
                                          "adagrad": Adagrad, "nadam": Nadam, "adamax": Adamax,
                                          "adadelta": Adadelta, "lion": Lion, "ftrl": Ftrl}  # fmt: skip


def get(identifier, **overrides) -> optim.Optimizer:
    """An unbound optimizer (``fit`` binds it to the model's weights) from a name, or an optimizer as is.

    Args:
        identifier: a name of :data:`OPTIMIZERS` (any letter case), a Keras config
            ``{"class_name": "Adam", "config": {...}}``, or an optimizer (Keras's or :mod:`nabla.optim`'s).
        **overrides: hyper-parameters that replace Keras's defaults, in Keras's names
            (``learning_rate=3e-3``, ``lr=3e-3``, ``momentum=0.9``); only with a name.

    Example:
        >>> type(get("adam")).__name__, float(get("Adam", learning_rate=0.5).learning_rate)
        ('Adam', 0.5)
    """
    if isinstance(identifier, dict) and identifier.get("class_name", "").lower() in OPTIMIZERS:
        identifier, overrides = identifier["class_name"], {**identifier.get("config", {}), **overrides}
        return OPTIMIZERS[identifier.lower()].from_config(overrides)
    if isinstance(identifier, str):
        key = identifier.lower()
        if key not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {identifier!r}; valid names: {', '.join(sorted(OPTIMIZERS))}")
        return OPTIMIZERS[key](**overrides)
    if isinstance(identifier, optim.Optimizer):
        if overrides:
            raise TypeError(f"optimizers.get: hyper-parameters {sorted(overrides)} go with a name, not an optimizer")
        return identifier
    raise TypeError(
        f"optimizer must be a name ({', '.join(sorted(OPTIMIZERS))}) or an optimizer (keras.optimizers.Adam(...), "
        f"nabla.optim.Adam(...)), got {type(identifier).__name__}"
    )


def serialize(optimizer: Optimizer) -> dict:
    """``{"class_name": "Adam", "config": optimizer.get_config()}``, as Keras writes it."""
    return {"module": "keras.optimizers", "class_name": type(optimizer).__name__, "config": optimizer.get_config(),
            "registered_name": None}  # fmt: skip


def deserialize(config: dict, custom_objects: dict | None = None) -> Optimizer:
    """The optimizer :func:`serialize` described (one of :data:`OPTIMIZERS`' classes)."""
    name = config.get("class_name", "") if isinstance(config, dict) else ""
    if name.lower() not in OPTIMIZERS:
        valid = ", ".join(cls.__name__ for cls in OPTIMIZERS.values())
        raise ValueError(f"deserialize: unknown optimizer {name!r}; valid: {valid}")
    return OPTIMIZERS[name.lower()].from_config(config.get("config", {}), custom_objects)


__all__ = ["OPTIMIZERS", "SGD", "Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "Ftrl", "Lion", "Nadam", "Optimizer",
           "RMSprop", "deserialize", "get", "schedules", "serialize"]  # fmt: skip


def __getattr__(name: str):
    raise missing("keras.optimizers", name)
