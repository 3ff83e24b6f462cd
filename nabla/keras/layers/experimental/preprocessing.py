"""``tf.keras.layers.experimental.preprocessing``: TensorFlow 2.3-2.5's path to the preprocessing layers.

The same classes as :mod:`nabla.keras.layers` (see :mod:`nabla.keras.layers.experimental`). Of that
module's layers nabla has the image, scaling, category, hashing, discretization and text ones; the others
(``PreprocessingLayer``...) raise an ``AttributeError`` that says so.
"""

from __future__ import annotations

from ..._missing import missing
from ..augmentation import RandomContrast, RandomFlip, RandomRotation, RandomTranslation, RandomZoom
from ..categorical import CategoryEncoding
from ..discretization import Discretization
from ..hashing import Hashing
from ..index_lookup import IntegerLookup, StringLookup
from ..preprocessing import Normalization, Rescaling
from ..resizing import CenterCrop, RandomCrop, Resizing
from ..text_vectorization import TextVectorization

__all__ = [
    "CategoryEncoding",
    "CenterCrop",
    "Discretization",
    "Hashing",
    "IntegerLookup",
    "Normalization",
    "RandomContrast",
    "RandomCrop",
    "RandomFlip",
    "RandomRotation",
    "RandomTranslation",
    "RandomZoom",
    "Rescaling",
    "Resizing",
    "StringLookup",
    "TextVectorization",
]


def __getattr__(name: str):
    raise missing("keras.layers.experimental.preprocessing", name)
