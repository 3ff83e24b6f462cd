"""``tf.keras.layers.experimental``: where TensorFlow 2.3-2.5 kept the preprocessing layers.

Labs written then import ``tf.keras.layers.experimental.preprocessing.Rescaling`` (and ``RandomFlip``,
``Normalization``...); Keras 2.6 moved the same layers to ``keras.layers`` without changing them, and
Keras 3 dropped the old path. :mod:`.preprocessing` gives those names as the very classes of
:mod:`nabla.keras.layers`, so a model built through either path is the same model (and saves the same).
"""

from __future__ import annotations

from ..._missing import missing
from . import preprocessing

__all__ = ["preprocessing"]


def __getattr__(name: str):
    raise missing("keras.layers.experimental", name)
