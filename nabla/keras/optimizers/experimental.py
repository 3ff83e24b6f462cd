"""``tf.keras.optimizers.experimental``: TensorFlow 2.9-2.10's path to the optimizers that became Keras 3's.

Labs of that time wrote ``tf.keras.optimizers.experimental.AdamW(weight_decay=...)``; these are the very
classes of :mod:`nabla.keras.optimizers` (Keras 3's, which grew out of them).
"""

from __future__ import annotations

from .._missing import missing
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

__all__ = ["SGD", "Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "Ftrl", "Lion", "Nadam", "Optimizer", "RMSprop"]


def __getattr__(name: str):
    raise missing("keras.optimizers.experimental", name)
