"""``keras.Variable`` against Keras 3's: construction, assign/assign_add/assign_sub, arithmetic, gradients."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla as nb
import nabla.keras as keras


def _both(make):
    return make(keras_on_torch()), make(keras)


@pytest.mark.parametrize(
    "make",
    [
        lambda k: k.Variable(np.array([1.0, 2.0])),  # a NumPy array keeps its dtype (float64)
        lambda k: k.Variable([1.0, 2.0]),  # Python floats are float32
        lambda k: k.Variable(3.0),
        lambda k: k.Variable(np.array([1.0, 2.0]), dtype="float32"),
        lambda k: k.Variable(initializer="ones", shape=(2, 3), name="w"),
        lambda k: k.Variable(initializer="zeros", shape=(4,), dtype="float64", trainable=False),
        lambda k: k.Variable(np.array([1, 2]), trainable=False),
    ],
)
def test_a_variable_is_made_as_in_keras(make):
    reference, variable = _both(make)
    assert variable.shape == tuple(reference.shape)
    assert variable.dtype == reference.dtype  # Keras's dtype is a name: "float32" == np.dtype("float32")
    # unnamed variables are numbered by a counter of each library ("variable", "variable_1"...)
    assert variable.name.rstrip("_0123456789") == reference.name.rstrip("_0123456789")
    assert variable.trainable == reference.trainable
    np.testing.assert_array_equal(variable.numpy(), np.asarray(reference.numpy()))


def test_assign_assign_add_assign_sub_as_in_keras():
    for k in (keras_on_torch(), keras):
        v = k.Variable(initializer="ones", shape=(2, 2))
        out = v.assign_add(np.full((2, 2), 2.0))
        np.testing.assert_array_equal(k.ops.convert_to_numpy(out), np.full((2, 2), 3.0))
        v.assign_sub(1.0)  # a value that broadcasts to the variable's shape
        v.assign([[1.0, 2.0], [3.0, 4.0]])
        v.assign_add(v)
        np.testing.assert_array_equal(v.numpy(), [[2.0, 4.0], [6.0, 8.0]])
        with pytest.raises(ValueError, match="shape"):
            v.assign(np.ones(3))


def test_arithmetic_and_ops_take_variables_and_gradients_reach_them():
    v = keras.Variable([1.0, 2.0, 3.0])
    assert isinstance(v, nb.Tensor) and isinstance(v, nb.nn.Parameter)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(v * 2 + 1), [3.0, 5.0, 7.0])
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(keras.ops.square(v)), [1.0, 4.0, 9.0])
    keras.ops.sum(v * v).backward()
    np.testing.assert_array_equal(v.value.grad.numpy(), [2.0, 4.0, 6.0])  # Keras on torch: v.value.grad


def test_trainable_false_gets_no_gradient_and_can_be_switched():
    v = keras.Variable([1.0], trainable=False)
    assert not v.requires_grad
    v.trainable = True
    assert v.requires_grad and v.trainable


def test_an_initializer_callable_and_errors():
    v = keras.Variable(initializer=lambda shape, dtype=None: np.full(shape, 7.0), shape=(2,), name="v")
    np.testing.assert_array_equal(v.numpy(), [7.0, 7.0])
    assert v.dtype == np.float32
    with pytest.raises(ValueError, match="needs a shape"):
        keras.Variable("ones")
    with pytest.raises(ValueError, match="shape"):
        keras.Variable(np.ones(3), shape=(2,))
    assert repr(v) == "<Variable path=v, shape=(2,), dtype=float32, value=[7. 7.]>"
