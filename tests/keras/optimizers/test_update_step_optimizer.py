"""An optimizer of your own, Keras 3's way (a subclass of ``keras.optimizers.Optimizer`` with ``build`` and
``update_step``), against Keras 3 on its PyTorch backend running the same class: the same losses through
``fit`` (with clipping around the update), the same weights through ``apply_gradients``, the same state
variables and config."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

from nabla import keras

RNG = np.random.default_rng(0)
X = RNG.normal(size=(32, 3)).astype("float32")
Y = RNG.normal(size=(32, 1)).astype("float32")


def momentum_class(k):
    class Momentum(k.optimizers.Optimizer):
        def __init__(self, learning_rate=0.01, momentum=0.9, **kwargs):
            super().__init__(learning_rate=learning_rate, **kwargs)
            self.momentum = momentum

        def build(self, var_list):
            if self.built:
                return
            super().build(var_list)
            self.velocities = [self.add_variable_from_reference(v, "velocity") for v in var_list]

        def update_step(self, gradient, variable, learning_rate):
            v = self.velocities[self._get_variable_index(variable)]
            self.assign(v, self.momentum * v - learning_rate * gradient)
            self.assign_add(variable, v)

        def get_config(self):
            return {**super().get_config(), "momentum": self.momentum}

    return Momentum


def _fit(k, **options):
    layers = [k.Input((3,)), k.layers.Dense(4, activation="tanh", name="hidden"), k.layers.Dense(1, name="out")]
    model = k.Sequential(layers, name="net")  # (names given: Keras numbers the second model's "sequential_1")
    model.set_weights([np.full(w.shape, 0.1 * (i + 1), "float32") for i, w in enumerate(model.get_weights())])
    optimizer = momentum_class(k)(learning_rate=0.05, momentum=0.8, name="momentum", **options)
    model.compile(optimizer=optimizer, loss="mse")
    history = model.fit(X, Y, batch_size=8, epochs=3, verbose=0, shuffle=False)
    variables = [(v.path, tuple(v.shape)) for v in optimizer.variables]
    return history.history["loss"], variables, int(optimizer.iterations)


@pytest.mark.parametrize("options", [{}, {"clipnorm": 0.5}, {"weight_decay": 0.1}])
def test_fit_with_an_update_step_of_yours_trains_as_keras(options):
    theirs = _fit(keras_on_torch(), **options)
    ours = _fit(keras, **options)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-5)
    assert ours[1:] == theirs[1:]


def _applied(k):
    optimizer = momentum_class(k)(0.1)
    w = k.Variable(np.ones(3, "float32"))
    for _ in range(3):
        optimizer.apply_gradients([(np.array([1.0, -2.0, 0.5], "float32"), w)])
    return np.asarray(k.ops.convert_to_numpy(w)), optimizer.get_config()["momentum"], optimizer.built


def test_apply_gradients_builds_once_and_updates_as_keras():
    theirs, ours = _applied(keras_on_torch()), _applied(keras)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-6)
    assert ours[1:] == theirs[1:] == (0.9, True)


def test_a_subclass_without_update_step_says_what_to_write():
    class Empty(keras.optimizers.Optimizer):
        pass

    w = keras.Variable(np.ones(2, "float32"))
    with pytest.raises(NotImplementedError, match="must implement update_step"):
        Empty(0.1).update_step(np.ones(2, "float32"), w, 0.1)
    with pytest.raises(NotImplementedError, match="Empty must implement"):
        Empty(0.1).apply_gradients([(np.ones(2, "float32"), w)])


def test_a_variable_not_given_to_build_is_refused():
    optimizer = momentum_class(keras)(0.1)
    optimizer.build([keras.Variable(np.ones(2, "float32"))])
    with pytest.raises(KeyError, match="not in the list given to build"):
        optimizer._get_variable_index(keras.Variable(np.ones(2, "float32")))


def test_keras_own_optimizers_are_still_instances_of_the_base():
    for name in ("SGD", "Adam", "RMSprop", "Adagrad", "Nadam", "Lion"):
        assert isinstance(getattr(keras.optimizers, name)(), keras.optimizers.Optimizer)


def test_a_model_compiled_with_an_optimizer_of_yours_saves_and_reloads_compiled(tmp_path):
    momentum = momentum_class(keras)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=momentum(0.05, momentum=0.7), loss="mse")
    model.fit(X, Y, verbose=0)
    model.save(tmp_path / "m.keras")
    with pytest.warns(UserWarning, match="Momentum, a class of yours.*starts afresh"):
        loaded = keras.models.load_model(tmp_path / "m.keras", custom_objects={"Momentum": momentum})
    assert type(loaded.optimizer) is momentum and loaded.optimizer.momentum == 0.7
    np.testing.assert_allclose(float(loaded.optimizer.learning_rate), 0.05, rtol=1e-6)
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))
    loaded.fit(X, Y, verbose=0)  # trains on, with its own update_step
    with pytest.warns(UserWarning, match=r"compiled with \['Momentum'\] of yours"):
        assert keras.models.load_model(tmp_path / "m.keras").optimizer is None
