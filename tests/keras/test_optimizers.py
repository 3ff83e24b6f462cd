"""Optimizers by name in ``compile``: Keras's defaults, binding an optimizer made without parameters."""

from __future__ import annotations

import pytest
from keras_toys import blobs, mlp

import nabla as nb
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
