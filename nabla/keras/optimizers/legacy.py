"""``tf.keras.optimizers.legacy``: TensorFlow 2.11-2.15's name for Keras 2's optimizers.

Labs of that time wrote ``tf.keras.optimizers.legacy.Adam(learning_rate=1e-3)`` (to silence a warning on
some machines). Keras 3 dropped those classes (``keras.optimizers.legacy.Adam()`` raises there); nabla
accepts the name and gives the Keras 3 classes of :mod:`nabla.keras.optimizers`, the same objects, with
Keras 3's update formulas and defaults (the ones TensorFlow 2.16+ runs such a lab with after the import is
changed). Keras 2's ``lr=`` and ``decay=`` arguments are taken as those classes take them.
"""

from __future__ import annotations

from .._missing import missing
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .base_optimizer import Optimizer
from .ftrl import Ftrl
from .nadam import Nadam
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["SGD", "Adadelta", "Adagrad", "Adam", "Adamax", "Ftrl", "Nadam", "Optimizer", "RMSprop"]


def __getattr__(name: str):
    raise missing("keras.optimizers.legacy", name)
