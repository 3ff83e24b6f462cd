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
