"""``HashedCrossing`` against Keras 3's (TensorFlow's ``sparse.cross_hashed``): the same bins, shapes and dtypes."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras as nk

rng = np.random.default_rng(0)
WORDS = np.array(["A", "B", "thal", "fixed", "", "\u00e9t\u00e9", "a much longer category name than sixteen bytes"])
CASES = [
    (np.array(["A", "B", "A", "B", "A"]), np.array([101, 101, 101, 102, 102])),  # Keras's docstring
    (rng.choice(WORDS, (40, 1)), rng.integers(-5, 2**40, (40, 1))),
    (rng.integers(0, 30, 40), rng.integers(0, 5, 40)),
    (rng.choice(WORDS, 12), rng.choice(WORDS, 12), rng.integers(0, 3, 12)),
    (np.array("A"), np.array(7)),
]


@pytest.mark.parametrize("features", CASES)
@pytest.mark.parametrize("num_bins, output_mode", [(5, "int"), (1000003, "int"), (16, "one_hot")])
def test_bins_are_keras_s(features, num_bins, output_mode):
    keras = keras_on_torch()
    want = keras.ops.convert_to_numpy(keras.layers.HashedCrossing(num_bins, output_mode=output_mode)(features))
    got = nk.layers.HashedCrossing(num_bins, output_mode=output_mode)(features)
    got = np.asarray(got.numpy() if hasattr(got, "numpy") else got)
    assert got.shape == want.shape and got.dtype == want.dtype, (got.shape, want.shape, got.dtype, want.dtype)
    np.testing.assert_array_equal(got, want)


def test_it_joins_a_functional_model_and_saves_its_config():
    a, b = nk.Input((1,), dtype="string", name="a"), nk.Input((1,), dtype="int64", name="b")
    layer = nk.layers.HashedCrossing(8, output_mode="one_hot")
    model = nk.Model([a, b], layer([a, b]))
    out = model.predict([np.array([["A"], ["B"]]), np.array([[1], [2]])], verbose=0)
    np.testing.assert_array_equal(out, layer((np.array([["A"], ["B"]]), np.array([[1], [2]]))).numpy())
    assert nk.layers.HashedCrossing.from_config(layer.get_config()).get_config() == layer.get_config()


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda layer: layer([np.array([1, 2])]), "at least two inputs"),
        (lambda layer: layer((np.array([1, 2]), np.array([1, 2, 3]))), "equal shapes"),
        (lambda layer: layer((np.ones((2, 2), int), np.ones((2, 2), int))), r"\(\), \(batch,\) or \(batch, 1\)"),
        (lambda layer: layer((np.array([1.5]), np.array([1]))), "integers or strings"),
    ],
)
def test_bad_inputs_are_clear_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call(nk.layers.HashedCrossing(4))
