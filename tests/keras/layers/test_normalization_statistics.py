"""Normalization's ``mean`` and ``variance`` attributes against Keras 3's (torch backend): shaped to broadcast
against the inputs, adapted or given (numbers or arrays), None before the layer is built; the weights keep
the kept axes' shape and Keras's names."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras as keras

D2 = np.arange(12, dtype=np.float32).reshape(4, 3)
D3 = np.arange(24, dtype=np.float32).reshape(2, 4, 3) ** 1.5

ADAPTED = [({}, D2), ({}, D3), ({"axis": None}, D2), ({"axis": (1, 2)}, D3), ({"axis": 1}, D3)]


def _statistics(layer) -> list[np.ndarray]:
    return [np.asarray(layer.mean), np.asarray(layer.variance)]


@pytest.mark.parametrize(("options", "data"), ADAPTED, ids=["2d", "3d", "none", "pixels", "axis1"])
def test_adapted_statistics_have_keras_shapes(options, data):
    reference, ours = keras_on_torch().layers.Normalization(**options), keras.layers.Normalization(**options)
    reference.adapt(data)
    ours.adapt(data)
    for mine, theirs in zip(_statistics(ours), _statistics(reference)):
        assert mine.shape == theirs.shape
        np.testing.assert_allclose(mine, theirs, rtol=1e-5)
    assert [(w.name, tuple(w.shape)) for w in ours.weights] == [(w.name, tuple(w.shape)) for w in reference.weights]


@pytest.mark.parametrize("given", [([1.0, 2.0, 3.0], [1.0, 4.0, 9.0]), (2.0, 4.0)], ids=["arrays", "numbers"])
def test_given_statistics_have_keras_shapes_once_built(given):
    mean, variance = given
    reference = keras_on_torch().layers.Normalization(mean=mean, variance=variance)
    ours = keras.layers.Normalization(mean=mean, variance=variance)
    assert ours.mean is None and reference.mean is None
    reference.build((None, 3))
    ours.build((None, 3))
    for mine, theirs in zip(_statistics(ours), _statistics(reference)):
        assert mine.shape == theirs.shape
        np.testing.assert_allclose(mine, theirs)
    np.testing.assert_allclose(np.asarray(ours(D2)), np.asarray(reference(D2)), rtol=1e-6)
