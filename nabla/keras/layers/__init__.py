"""Keras-style layers: ``Dense(units, activation="relu", input_shape=(2,))``.

By family, as in Keras: :mod:`.layer` (the base ``Layer``), :mod:`.core` (``Input``, ``Dense``,
``Activation``, ``Flatten``), :mod:`.activations` (``Softmax``, ``ReLU``, ``LeakyReLU``, ``PReLU``,
``ELU``, ``Identity``), :mod:`.convolutional` (``Conv2D``), :mod:`.pooling`
(``MaxPooling2D``, ``AveragePooling2D``), :mod:`.normalization` (``BatchNormalization``,
``LayerNormalization``), :mod:`.regularization` (``Dropout``, ``GaussianNoise``,
``GaussianDropout``), :mod:`.preprocessing` (``Rescaling``, ``Normalization``),
:mod:`.augmentation` (``RandomTranslation``, ``RandomFlip``, ``RandomRotation``, ``RandomZoom``,
``RandomContrast``), :mod:`.merging` (``Add``,
``Concatenate``, ...: several inputs into one), :mod:`.reshaping` (``Reshape``, ``Permute``).
"""

from .._missing import missing
from ..utils.naming import clear_session, snake_case
from .activations import ELU, Identity, LeakyReLU, PReLU, ReLU, Softmax
from .augmentation import RandomContrast, RandomFlip, RandomRotation, RandomTranslation, RandomZoom
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
from .pooling import AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D
from .preprocessing import Normalization, Rescaling
from .regularization import Dropout, GaussianDropout, GaussianNoise
from .reshaping import Permute, Reshape

# Keras's other names for the same classes: keras.layers.MaxPool2D is keras.layers.MaxPooling2D.
MaxPool2D = MaxPooling2D
AvgPool2D = AveragePooling2D
Convolution2D = Conv2D
GlobalAvgPool2D = GlobalAveragePooling2D
GlobalMaxPool2D = GlobalMaxPooling2D

#: Layer classes by name, for loading saved models (the names saved in a model's config).
LAYERS = {
    cls.__name__: cls
    for cls in (
        InputLayer,
        Dense,
        Activation,
        Softmax,
        ReLU,
        LeakyReLU,
        PReLU,
        ELU,
        Identity,
        Dropout,
        Flatten,
        GaussianNoise,
        GaussianDropout,
        RandomTranslation,
        RandomFlip,
        RandomRotation,
        RandomZoom,
        RandomContrast,
        Rescaling,
        Normalization,
        BatchNormalization,
        LayerNormalization,
        Conv2D,
        MaxPooling2D,
        AveragePooling2D,
    )
}
# (The merging, reshaping and global pooling layers are not in LAYERS yet: saved model files validate each
# layer's config against a schema (models/file_schema.py), which they do not have.)


def __getattr__(name: str):
    raise missing("keras.layers", name)
