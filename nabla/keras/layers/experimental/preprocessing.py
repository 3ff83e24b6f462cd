"""``tf.keras.layers.experimental.preprocessing``: TensorFlow 2.3-2.5's path to the preprocessing layers.

The same classes as :mod:`nabla.keras.layers` (see :mod:`nabla.keras.layers.experimental`). Of that
module's layers nabla has the image and scaling ones; the text and category ones (``TextVectorization``,
``StringLookup``, ``CategoryEncoding``...) raise an ``AttributeError`` that says so.
"""

from __future__ import annotations

from ..._missing import missing
from ..augmentation import RandomContrast, RandomFlip, RandomRotation, RandomTranslation, RandomZoom
from ..preprocessing import Normalization, Rescaling
from ..resizing import CenterCrop, RandomCrop, Resizing

__all__ = [
    "CenterCrop",
    "Normalization",
    "RandomContrast",
    "RandomCrop",
    "RandomFlip",
    "RandomRotation",
    "RandomTranslation",
    "RandomZoom",
    "Rescaling",
    "Resizing",
]


def __getattr__(name: str):
    raise missing("keras.layers.experimental.preprocessing", name)
