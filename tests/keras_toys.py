"""Small datasets, models and layers shared by the Keras side's tests (tests/keras/)."""

from __future__ import annotations

import numpy as np

import nabla as nb
from nabla.layers import Dense, Layer
from nabla.models import Sequential

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
XOR_Y = np.array([0, 1, 1, 0])


def two_moons(n: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles, labels 0 (upper) and 1 (lower), in random order."""
    rng = np.random.default_rng(seed)
    t, labels = rng.uniform(0, np.pi, n), rng.integers(0, 2, n)
    upper = np.stack([np.cos(t), np.sin(t)], 1)
    lower = np.stack([1 - np.cos(t), 0.5 - np.sin(t)], 1)
    points = np.where(labels[:, None] == 0, upper, lower) + rng.normal(0, noise, (n, 2))
    return points.astype(np.float32), labels


def circles(n: int = 200, noise: float = 0.05, factor: float = 0.5, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A circle of radius ``factor`` (label 1) inside one of radius 1 (label 0)."""
    rng = np.random.default_rng(seed)
    t, labels = rng.uniform(0, 2 * np.pi, n), rng.integers(0, 2, n)
    radius = np.where(labels == 1, factor, 1.0)[:, None]
    points = radius * np.stack([np.cos(t), np.sin(t)], 1) + rng.normal(0, noise, (n, 2))
    return points.astype(np.float32), labels


def blobs(n: int = 60, features: int = 3, classes: int = 3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, classes, n)
    x = rng.normal(size=(n, features)) + 2.0 * np.eye(classes, features)[y]
    return x.astype(np.float32), y


def mlp(classes: int = 3, features: int = 3, hidden: int = 8, **compile_kwargs) -> Sequential:
    model = Sequential(
        [Dense(hidden, activation="relu", input_shape=(features,)), Dense(classes, activation="softmax")]
    )
    compile_kwargs.setdefault("optimizer", "sgd")
    compile_kwargs.setdefault("loss", "sparse_categorical_crossentropy")
    model.compile(**compile_kwargs)
    return model


def same(weights_a, weights_b) -> bool:
    return len(weights_a) == len(weights_b) and all(np.array_equal(a, b) for a, b in zip(weights_a, weights_b))


class Recorder(Layer):
    """Identity layer that records what it sees: the training inputs, and whether a graph is being built."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen, self.calls = [], []

    def call(self, inputs, training=None):
        self.calls.append({"training": bool(training), "grad": nb.is_grad_enabled()})
        if training:
            self.seen.append(inputs.numpy().copy())
        return inputs


# Constructor arguments for each layer nabla has (layers.LAYERS), valid in both libraries; a callable value
# makes a nested layer from the layers module it is given (nabla's or Keras's).
LAYER_ARGS = {
    "InputLayer": {"shape": (3,)},
    "Dense": {"units": 1},
    "Masking": {},
    "Activation": {"activation": "relu"},
    "Dropout": {"rate": 0.5},
    "Flatten": {},
    "GaussianNoise": {"stddev": 0.1},
    "GaussianDropout": {"rate": 0.1},
    "RandomTranslation": {"height_factor": 0.1, "width_factor": 0.1},
    "BatchNormalization": {},
    "LayerNormalization": {},
    "Conv2D": {"filters": 1, "kernel_size": 1},
    "MaxPooling2D": {"pool_size": 2},
    "AveragePooling2D": {"pool_size": 2},
    **dict.fromkeys(("GlobalAveragePooling1D", "GlobalMaxPooling1D"), {}),
    **dict.fromkeys(("GlobalAveragePooling2D", "GlobalMaxPooling2D"), {}),
    **dict.fromkeys(("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate"), {}),
    "Reshape": {"target_shape": (2, 3)},
    "Permute": {"dims": (2, 1)},
    **dict.fromkeys(
        [
            "Softmax",
            "ReLU",
            "LeakyReLU",
            "PReLU",
            "ELU",
            "Identity",
            "RandomFlip",
            "ZeroPadding2D",
            "Cropping2D",
            "UpSampling2D",
            "UnitNormalization",
            "ActivityRegularization",
            "MaxPooling1D",
            "Normalization",
        ],
        {},
    ),  # fmt: skip
    "AveragePooling1D": {"pool_size": 2},
    "RandomRotation": {"factor": 0.1},
    "RandomZoom": {"height_factor": 0.1},
    "RandomContrast": {"factor": 0.1},
    "RandomBrightness": {"factor": 0.1},
    "Rescaling": {"scale": 0.5},
    "Embedding": {"input_dim": 3, "output_dim": 2},
    "RepeatVector": {"n": 2},
    "SpatialDropout2D": {"rate": 0.1},
    "Conv1D": {"filters": 1, "kernel_size": 1},
    **dict.fromkeys(("SimpleRNN", "LSTM", "GRU"), {"units": 2}),
    **dict.fromkeys(("Conv2DTranspose", "Conv1DTranspose"), {"filters": 1, "kernel_size": 1}),
    **dict.fromkeys(("Resizing", "CenterCrop", "RandomCrop"), {"height": 2, "width": 3}),
    **dict.fromkeys(("UpSampling1D", "ZeroPadding1D", "Cropping1D", "GroupNormalization"), {}),
    "Dot": {"axes": 1},
    "DepthwiseConv2D": {"kernel_size": 1},
    "SeparableConv2D": {"filters": 1, "kernel_size": 1},
    **dict.fromkeys(("SpatialDropout1D", "SpatialDropout3D", "AlphaDropout"), {"rate": 0.1}),
    # (a wrapper's layer: made anew for each instance, in the library of the wrapper)
    "Bidirectional": {"layer": lambda namespace: namespace.LSTM(2)},
    "TimeDistributed": {"layer": lambda namespace: namespace.Dense(2)},
    **dict.fromkeys(("SimpleRNNCell", "LSTMCell", "GRUCell"), {"units": 2}),
    "RNN": {"cell": lambda namespace: namespace.GRUCell(2)},
    "StackedRNNCells": {"cells": lambda namespace: [namespace.GRUCell(2)]},
    # (TextVectorization makes a StringLookup of its own, named as Keras names it: string_lookup_N)
    **dict.fromkeys(("StringLookup", "IntegerLookup", "TextVectorization"), {}),
    "Hashing": {"num_bins": 3},
    "MultiHeadAttention": {"num_heads": 2, "key_dim": 2},
    **dict.fromkeys(("Attention", "AdditiveAttention"), {}),
    "Discretization": {"bin_boundaries": [0.0]},
    "CategoryEncoding": {"num_tokens": 3},
}


def layer_arguments(args: dict, namespace) -> dict:
    """``LAYER_ARGS[name]`` for the layers module ``namespace`` (nested layers made from it)."""
    return {key: value(namespace) if callable(value) else value for key, value in args.items()}
