"""When a ``Sequential`` model is built: as Keras 3, at construction or ``add`` once its input shape is known."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras as keras


def _state(model) -> tuple:
    return model.built, len(model.weights)  # (built first: reading the weights may build)


def _with_input(k):
    return k.Sequential([k.Input((4,)), k.layers.Dense(3)])


def _with_input_shape(k):
    return k.Sequential([k.layers.Dense(3, input_shape=(4,))])


def _without_input(k):
    return k.Sequential([k.layers.Dense(3)])


def _built_by_hand(k):
    model = _without_input(k)
    model.build((None, 4))
    return model


def _layer_added_after_build(k):
    model = _built_by_hand(k)
    model.add(k.layers.Dense(2))
    return model


def _only_an_input(k):
    model = k.Sequential()
    model.add(k.Input((4,)))
    return model


def _added_after_an_input(k):
    model = _only_an_input(k)
    model.add(k.layers.Dense(3))
    model.add(k.layers.Dense(2))
    return model


def _popped(k):
    model = _added_after_an_input(k)
    model.pop()
    return model


def _popped_to_no_layer(k):
    model = _popped(k)
    model.pop()
    return model


def _popped_without_rebuild(k):
    model = _added_after_an_input(k)
    model.pop(rebuild=False)
    return model


@pytest.mark.parametrize(
    "make",
    [_with_input, _with_input_shape, _without_input, _built_by_hand, _layer_added_after_build, _only_an_input,
     _added_after_an_input, _popped, _popped_to_no_layer, _popped_without_rebuild],
)  # fmt: skip
def test_a_sequential_model_is_built_when_keras_builds_it(make):
    assert _state(make(keras)) == _state(make(keras_on_torch()))


def test_an_added_layer_has_its_weights_and_the_model_its_counts_at_once_as_in_keras():
    reference, model = _added_after_an_input(keras_on_torch()), _added_after_an_input(keras)
    assert model.layers[-1].bias.shape == tuple(reference.layers[-1].bias.shape)
    assert model.count_params() == reference.count_params()


def test_the_initial_weights_are_drawn_at_construction_so_the_seed_set_before_it_decides_them():
    keras.utils.set_random_seed(0)
    expected = _with_input(keras).get_weights()
    keras.utils.set_random_seed(0)
    model = _with_input(keras)
    keras.random.normal((8,))  # draws after construction leave the model's weights alone
    for got, want in zip(model.get_weights(), expected, strict=True):
        np.testing.assert_array_equal(got, want)


def test_a_layer_that_cannot_take_the_input_shape_fails_at_construction_as_in_keras():
    with pytest.raises(ValueError):
        keras_on_torch().Sequential([keras_on_torch().Input((4,)), keras_on_torch().layers.Reshape((5,))])
    with pytest.raises(ValueError):
        keras.Sequential([keras.Input((4,)), keras.layers.Reshape((5,))])


def test_a_layer_of_the_real_keras_is_refused_naming_the_import_to_change():
    # A script that converted `import tensorflow as tf` but kept `from tensorflow import keras` hands nabla a
    # real Keras layer; Keras itself would reject a nabla layer likewise, so nabla says which import to change.
    real = keras_on_torch()
    with pytest.raises(TypeError, match=r"real keras package .*from nabla.tf import keras"):
        keras.Sequential([real.layers.Dense(1)])


def _input_names(k):
    """Géron's chapter 15 notebook: many Sequentials (input_shape=, an InputLayer, built by a call), then a
    functional WaveNet whose summary shows its input layer's name."""
    k.backend.clear_session()
    first = k.Sequential([k.layers.Dense(1, input_shape=[3])])
    assert tuple(first.layers[0].output.shape) == (None, 1)  # (a graph from the InputLayer it named)
    k.Sequential([k.layers.SimpleRNN(2, input_shape=[None, 1])])
    with_input_layer = k.Sequential()
    with_input_layer.add(k.layers.InputLayer(shape=[None, 5]))
    k.Sequential([k.layers.Dense(2)])(np.ones((2, 3), "float32"))
    k.Sequential([k.Input((3,)), k.layers.Dense(2)])(np.ones((2, 3), "float32"))
    popped = k.Sequential([k.layers.Dense(2, input_shape=(3,))])
    popped.pop()
    popped.add(k.layers.Dense(3))
    x = k.Input((1,))
    return [layer.name for layer in k.Model(x, k.layers.Dense(1)(x)).layers]


def test_each_sequential_takes_an_input_layer_name_as_keras_3s():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (Keras 3 warns about input_shape=)
        assert _input_names(keras) == _input_names(keras_on_torch())
