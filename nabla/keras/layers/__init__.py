"""Keras-style layers: ``Dense(units, activation="relu", input_shape=(2,))``.

By family, as in Keras: :mod:`.layer` (the base ``Layer``), :mod:`.core` (``Input``, ``Dense``,
``Activation``, ``Flatten``), :mod:`.convolutional` (``Conv2D``), :mod:`.pooling`
(``MaxPooling2D``, ``AveragePooling2D``), :mod:`.normalization` (``BatchNormalization``,
``LayerNormalization``), :mod:`.regularization` (``Dropout``, ``GaussianNoise``,
``GaussianDropout``), :mod:`.augmentation` (``RandomTranslation``).
"""

from ..utils.naming import clear_session, snake_case
from .augmentation import RandomTranslation
from .convolutional import Conv2D
from .core import Activation, Dense, Flatten, Input, InputLayer
from .layer import Layer
from .normalization import BatchNormalization, LayerNormalization
from .pooling import AveragePooling2D, MaxPooling2D
from .regularization import Dropout, GaussianDropout, GaussianNoise

#: Layer classes by name, for loading saved models (the names saved in a model's config).
LAYERS = {
    cls.__name__: cls
    for cls in (
        InputLayer,
        Dense,
        Activation,
        Dropout,
        Flatten,
        GaussianNoise,
        GaussianDropout,
        RandomTranslation,
        BatchNormalization,
        LayerNormalization,
        Conv2D,
        MaxPooling2D,
        AveragePooling2D,
    )
}
