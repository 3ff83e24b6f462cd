"""Keras 2's module of ``to_categorical`` and ``normalize`` (``from keras.utils.np_utils import
to_categorical``), kept so that such imports run: the functions of :mod:`.numerical_utils`."""

from .numerical_utils import normalize, to_categorical

__all__ = ["normalize", "to_categorical"]
