"""Optimizers by name in ``compile``: Keras's defaults, binding an optimizer made without parameters."""

from __future__ import annotations

import pytest
from keras_reference import keras_on_torch
from keras_toys import blobs, mlp

import nabla as nb
from nabla.keras import optimizers
from nabla.layers import Dense
from nabla.models import Sequential


@pytest.mark.parametrize(
    "name, cls, lr", [("sgd", nb.optim.SGD, 0.01), ("adam", nb.optim.Adam, 0.001), ("rmsprop", nb.optim.RMSprop, 0.001)]
)
def test_optimizer_by_name_uses_keras_defaults(name, cls, lr):
    model = mlp(optimizer=name)
    assert type(model.optimizer) is cls and model.optimizer.param_groups[0]["lr"] == lr
    assert model.optimizer.param_groups[0]["params"] == list(model.parameters())


def test_optimizer_created_without_parameters_is_bound_at_compile_or_fit():
    x, y = blobs()
    built = Sequential([Dense(3, activation="softmax", input_shape=(3,))])
    optimizer = nb.optim.Adam(learning_rate=0.05)
    built.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
    assert optimizer.param_groups[0]["params"] == list(built.parameters())

    lazy = Sequential([Dense(3, activation="softmax")])  # no input shape: no weights before the first batch
    optimizer = nb.optim.Adam(learning_rate=0.05)
    lazy.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
    history = lazy.fit(x, y, epochs=5, verbose=0)
    assert lazy.optimizer is optimizer and optimizer.param_groups[0]["params"] == list(lazy.parameters())
    assert optimizer.param_groups[0]["lr"] == 0.05
    assert history.history["loss"][-1] < history.history["loss"][0]


# --- the one table of Keras's defaults ------------------------------------------------------------

# Keras's argument names for nabla.optim's.
KERAS_NAMES = {"lr": "learning_rate", "eps": "epsilon", "alpha": "rho"}


@pytest.fixture(scope="module")
def keras():
    return keras_on_torch()


@pytest.mark.parametrize("name", sorted(optimizers.OPTIMIZERS))
def test_the_table_holds_keras_defaults(keras, name):
    cls, defaults = optimizers.OPTIMIZERS[name]
    theirs = getattr(keras.optimizers, cls.__name__)()
    for ours, value in defaults.items():
        assert float(getattr(theirs, KERAS_NAMES.get(ours, ours))) == pytest.approx(value), ours
    built = optimizers.get(name)
    assert type(built) is cls and all(built.defaults[k] == v for k, v in defaults.items())
    assert not any(g["params"] for g in built.param_groups)  # unbound: fit binds it


def test_get_takes_any_letter_case_overrides_and_optimizers_and_refuses_the_rest():
    adam = optimizers.get("Adam", lr=0.05)
    assert type(adam) is nb.optim.Adam and adam.defaults["lr"] == 0.05 and adam.defaults["eps"] == 1e-7
    assert optimizers.get(adam) is adam
    with pytest.raises(ValueError, match=r"unknown optimizer 'adamm'; valid names: adagrad, adam, adamw, rmsprop, sgd"):
        optimizers.get("adamm")
    with pytest.raises(TypeError, match="go with a name"):
        optimizers.get(adam, lr=0.1)
    with pytest.raises(TypeError, match="optimizer must be a name"):
        optimizers.get(3)


def test_compile_builds_its_optimizer_from_the_table():
    model = mlp(optimizer="adamw")
    cls, defaults = optimizers.OPTIMIZERS["adamw"]
    assert type(model.optimizer) is cls and all(model.optimizer.defaults[k] == v for k, v in defaults.items())
