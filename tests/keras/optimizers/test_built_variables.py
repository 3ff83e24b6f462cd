"""An optimizer updates only the variables it was built with, as Keras 3's: each scenario runs in Keras 3
(torch backend) and in nabla.keras, and both must train, or both refuse with ``Unknown variable``."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras as nk

X = np.random.default_rng(0).random((8, 3), dtype=np.float32)
Y = np.random.default_rng(1).random((8, 2), dtype=np.float32)


def _model(k, hidden=False):
    layers = [k.layers.Dense(4)] if hidden else []
    return k.Sequential([k.Input((3,)), *layers, k.layers.Dense(2)])


def _fitted(k, optimizer, **kwargs):
    model = _model(k, **kwargs)
    model.compile(optimizer, "mse")
    model.fit(X, Y, verbose=0)
    return model


def second_model_fit(k):
    optimizer = k.optimizers.Adam()
    _fitted(k, optimizer)
    _fitted(k, optimizer)


def second_model_train_on_batch(k):
    optimizer = k.optimizers.SGD()
    _fitted(k, optimizer)
    model = _model(k)
    model.compile(optimizer, "mse")
    model.train_on_batch(X, Y)


def compiled_on_two_models_then_both_fit(k):
    optimizer = k.optimizers.SGD()
    first, second = _model(k), _model(k)
    first.compile(optimizer, "mse")
    second.compile(optimizer, "mse")
    first.fit(X, Y, verbose=0)
    second.fit(X, Y, verbose=0)


def a_model_around_the_fitted_one(k):
    optimizer = k.optimizers.SGD()
    inner = _fitted(k, optimizer)
    outer = k.Sequential([inner, k.layers.Dense(2)])
    outer.compile(optimizer, "mse")
    outer.fit(X, Y, verbose=0)


def a_layer_unfrozen_after_the_first_fit(k):
    optimizer = k.optimizers.Adam()
    model = _model(k, hidden=True)
    model.layers[0].trainable = False
    model.compile(optimizer, "mse")
    model.fit(X, Y, verbose=0)
    model.layers[0].trainable = True
    model.compile(optimizer, "mse")
    model.fit(X, Y, verbose=0)


def apply_gradients_to_another_models_variables(k):
    optimizer = k.optimizers.SGD()
    optimizer.build(_model(k).trainable_variables)
    other = _model(k).trainable_variables
    optimizer.apply_gradients([(k.ops.zeros_like(v), v) for v in other])


def apply_with_another_list(k):
    optimizer = k.optimizers.SGD()
    first, second = _model(k).trainable_variables, _model(k).trainable_variables
    optimizer.apply([k.ops.zeros_like(v) for v in first], first)
    optimizer.apply([k.ops.zeros_like(v) for v in second], second)


def the_same_model_compiled_again(k):
    optimizer = k.optimizers.Adam()
    model = _fitted(k, optimizer)
    model.compile(optimizer, "mse")
    model.fit(X, Y, verbose=0)


def a_layer_frozen_after_the_first_fit(k):
    optimizer = k.optimizers.SGD()
    model = _fitted(k, optimizer, hidden=True)
    model.layers[0].trainable = False
    model.compile(optimizer, "mse")
    model.fit(X, Y, verbose=0)


def apply_gradients_to_some_of_its_variables(k):
    optimizer = k.optimizers.SGD()
    variables = _model(k).trainable_variables
    optimizer.build(variables)
    optimizer.apply_gradients([(k.ops.zeros_like(variables[0]), variables[0])])
    optimizer.apply_gradients([(k.ops.zeros_like(v), v) for v in variables])


def built_twice(k):
    optimizer = k.optimizers.SGD()
    variables = _model(k).trainable_variables
    optimizer.build(variables[:1])
    optimizer.build(variables)  # (changes nothing: Keras 3's own classes build once)
    optimizer.apply_gradients([(k.ops.zeros_like(v), v) for v in variables])


REFUSED = [second_model_fit, second_model_train_on_batch, compiled_on_two_models_then_both_fit,
           a_model_around_the_fitted_one, a_layer_unfrozen_after_the_first_fit,
           apply_gradients_to_another_models_variables, apply_with_another_list, built_twice]  # fmt: skip
ACCEPTED = [the_same_model_compiled_again, a_layer_frozen_after_the_first_fit, apply_gradients_to_some_of_its_variables]


def _outcome(scenario, k):
    try:
        scenario(k)
    except ValueError as error:
        return str(error)
    return None


@pytest.mark.parametrize("scenario", REFUSED + ACCEPTED, ids=lambda f: f.__name__)
def test_the_variables_an_optimizer_takes_are_keras_3s(scenario):
    theirs, ours = _outcome(scenario, keras_on_torch()), _outcome(scenario, nk)
    assert (theirs is None) == (ours is None) == (scenario in ACCEPTED), (theirs, ours)
    if theirs is not None:
        for message in (theirs, ours):
            assert message.startswith("Unknown variable: <Variable path=")
            assert message.endswith(
                "This optimizer can only be called for the variables it was originally built with. When working "
                "with a new set of variables, you should recreate a new optimizer instance."
            )


def test_nothing_is_updated_when_a_variable_is_unknown():
    optimizer = nk.optimizers.SGD(0.5)
    known, foreign = nk.Variable(np.ones(2, np.float32)), nk.Variable(np.ones(2, np.float32))
    optimizer.apply_gradients([(np.ones(2, np.float32), known)])
    with pytest.raises(ValueError, match="Unknown variable"):
        optimizer.apply_gradients([(np.ones(2, np.float32), known), (np.ones(2, np.float32), foreign)])
    np.testing.assert_array_equal(known.numpy(), [0.5, 0.5])
    np.testing.assert_array_equal(foreign.numpy(), [1.0, 1.0])
    assert int(optimizer.iterations) == 1
