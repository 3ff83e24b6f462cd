"""Keras-style layers: ``Dense(units, activation="relu", input_shape=(2,))``."""

from .layer import (
    LAYERS,
    Activation,
    AveragePooling2D,
    BatchNormalization,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    GaussianDropout,
    GaussianNoise,
    Input,
    InputLayer,
    Layer,
    LayerNormalization,
    MaxPooling2D,
    RandomTranslation,
    clear_session,
    snake_case,
)
