"""The optimizers ``nabla train --optimizer`` offers: Keras's, with Keras's defaults, and SGD with momentum.

The defaults are not repeated here: they come from the one table the Keras-style
``compile(optimizer="adam")`` uses (:mod:`nabla.keras.optimizers`). Only the learning rate (the
recipe's, or ``--lr``) is set.
"""

from __future__ import annotations

from ..keras import optimizers as keras_optimizers

# "momentum" is Keras's SGD with momentum=0.9, the usual first step up from plain SGD.
_VARIANTS = {"momentum": ("sgd", {"momentum": 0.9})}

NAMES: tuple[str, ...] = (*keras_optimizers.OPTIMIZERS, *_VARIANTS)


def make_optimizer(name: str, lr: float):
    """An unbound Keras optimizer ``name`` (one of :data:`NAMES`: Keras's class, its defaults) with ``lr``.

    ``fit`` binds it to the model's weights.
    """
    base, extra = _VARIANTS.get(name, (name, {}))
    return keras_optimizers.get(base, **extra, learning_rate=lr)
