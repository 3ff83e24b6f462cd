"""Keras-style layers: ``Dense(units, activation="relu", input_shape=(2,))``.

By family, as in Keras: :mod:`.layer` (the base ``Layer``), :mod:`.core` (``Input``, ``Dense``,
``Activation``, ``Flatten``), :mod:`.convolutional` (``Conv2D``), :mod:`.pooling`
(``MaxPooling2D``, ``AveragePooling2D``,
``GlobalAveragePooling1D/2D``, ``GlobalMaxPooling1D/2D``), :mod:`.normalization` (``BatchNormalization``,
``LayerNormalization``), :mod:`.regularization` (``Dropout``, ``GaussianNoise``,
``GaussianDropout``), :mod:`.augmentation` (``RandomTranslation``), :mod:`.merging` (``Add``,
``Concatenate``, ...: several inputs into one), :mod:`.reshaping` (``Reshape``, ``Permute``).
"""

from .._missing import missing
from ..utils.naming import clear_session, snake_case
from .augmentation import RandomTranslation
from .convolutional import Conv2D
from .core import Activation, Dense, Flatten, Input, InputLayer, Lambda
from .layer import Layer
from .merging import (
    Add,
    Average,
    Concatenate,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    maximum,
    minimum,
    multiply,
    subtract,
)
from .normalization import BatchNormalization, LayerNormalization
from .pooling import (
    AveragePooling2D,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    MaxPooling2D,
)
from .regularization import Dropout, GaussianDropout, GaussianNoise
from .reshaping import Permute, Reshape

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
        GlobalAveragePooling1D,
        GlobalAveragePooling2D,
        GlobalMaxPooling1D,
        GlobalMaxPooling2D,
        Add,
        Subtract,
        Multiply,
        Average,
        Maximum,
        Minimum,
        Concatenate,
        Reshape,
        Permute,
    )
}
# (Lambda is not here: it holds Python code, which a model file does not carry.)


def __getattr__(name: str):
    raise missing("keras.layers", name)
