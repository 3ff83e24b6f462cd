"""The optimizers ``nabla train --optimizer`` offers: Keras's, with Keras's defaults, and SGD with momentum.

The defaults are not repeated here: they come from the one table the Keras-style
``compile(optimizer="adam")`` uses. Only the learning rate (the recipe's, or ``--lr``) is set.
"""

from __future__ import annotations

# NOTE: the one place the CLI reads Keras's optimizer defaults. Re-point this import to
# nabla/keras/optimizers.py when that table lands.
from ..models.model import _OPTIMIZERS as KERAS_DEFAULTS

# "momentum" is Keras's SGD with momentum=0.9, the usual first step up from plain SGD.
_VARIANTS = {"momentum": ("sgd", {"momentum": 0.9})}

NAMES: tuple[str, ...] = (*KERAS_DEFAULTS, *_VARIANTS)


def make_optimizer(name: str, lr: float):
    """An unbound ``nabla.optim`` optimizer ``name`` (one of :data:`NAMES`) with Keras's defaults and ``lr``.

    ``fit`` binds it to the model's weights.
    """
    base, extra = _VARIANTS.get(name, (name, {}))
    cls, defaults = KERAS_DEFAULTS[base]
    return cls(**{**defaults, **extra, "lr": lr})
