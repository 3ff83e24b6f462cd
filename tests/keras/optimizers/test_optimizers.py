"""Optimizers by name in ``compile``: Keras's own classes with Keras's defaults, binding an optimizer made without
parameters."""

from __future__ import annotations

import pytest
from conftest import require
from keras_toys import blobs, mlp, same

import nabla as nb
from nabla.keras import optimizers
from nabla.layers import Dense
from nabla.models import Sequential, load_model


@pytest.mark.parametrize(
    "name, cls, lr",
    [("sgd", optimizers.SGD, 0.01), ("adam", optimizers.Adam, 0.001), ("rmsprop", optimizers.RMSprop, 0.001)],
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


@pytest.mark.parametrize("name", sorted(optimizers.OPTIMIZERS))
def test_a_name_builds_keras_s_class_with_keras_s_config(keras, name):
    """compile("adam") is Keras's Adam: the same class name and the same config as Keras's own."""
    built = optimizers.get(name)
    theirs = keras.optimizers.get(name)
    assert type(built).__name__ == type(theirs).__name__.replace("Torch", "")
    ours, reference = built.get_config(), theirs.get_config()
    for key, value in reference.items():
        if key != "name":
            assert ours[key] == pytest.approx(value), key
    assert ours["learning_rate"] == reference["learning_rate"]  # a float32 value, exactly as Keras prints it
    assert not any(g["params"] for g in built.param_groups)  # unbound: fit binds it


def test_get_takes_any_letter_case_overrides_configs_and_optimizers_and_refuses_the_rest():
    adam = optimizers.get("Adam", learning_rate=0.05)
    assert type(adam) is optimizers.Adam and adam.defaults["lr"] == 0.05 and adam.defaults["eps"] == 1e-7
    assert optimizers.get("sgd", lr=0.2, momentum=0.9).get_config()["momentum"] == 0.9
    assert optimizers.get(adam) is adam
    torch_form = nb.optim.Adam(lr=0.1)
    assert optimizers.get(torch_form) is torch_form  # nabla.optim's classes are taken as they are
    again = optimizers.get({"class_name": "Adam", "config": adam.get_config()})
    assert type(again) is optimizers.Adam and again.get_config() == adam.get_config()
    assert optimizers.deserialize(optimizers.serialize(adam)).get_config() == adam.get_config()
    valid = "adadelta, adagrad, adam, adamax, adamw, ftrl, lion, nadam, rmsprop, sgd"
    with pytest.raises(ValueError, match=rf"unknown optimizer 'adamm'; valid names: {valid}"):
        optimizers.get("adamm")
    with pytest.raises(TypeError, match="go with a name"):
        optimizers.get(adam, lr=0.1)
    with pytest.raises(TypeError, match="optimizer must be a name"):
        optimizers.get(3)


def test_compile_builds_its_optimizer_from_the_table():
    model = mlp(optimizer="adamw")
    assert type(model.optimizer) is optimizers.AdamW and model.optimizer.weight_decay == 0.004


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Nadam", "Adamax", "Adadelta", "Lion",
                                  "Ftrl"])
def test_keras_2s_lr_is_the_learning_rate(name):
    """Course material written for TF <= 2.15 passes ``lr=``; it must train as ``learning_rate=`` does."""
    cls = getattr(optimizers, name)
    x, y = blobs()
    weights = []
    for kwargs in ({"lr": 0.05}, {"learning_rate": 0.05}):
        nb.manual_seed(0)
        optimizer = cls(**kwargs)
        assert optimizer.learning_rate == pytest.approx(0.05)
        model = mlp(optimizer=optimizer)
        model.fit(x, y, epochs=2, batch_size=16, verbose=0)
        weights.append(model.get_weights())
    assert same(*weights)


@pytest.mark.parametrize(
    "make",
    [lambda: "nadam", lambda: "adamax", lambda: "adadelta", lambda: "lion", lambda: "ftrl",
     lambda: optimizers.Ftrl(0.05, l1_regularization_strength=0.01, beta=0.1),
     lambda: optimizers.Nadam(0.01, beta_1=0.8), lambda: optimizers.Adamax(0.02, epsilon=1e-5),
     lambda: optimizers.Adadelta(1.0, rho=0.9), lambda: optimizers.Lion(0.003, beta_2=0.95)],
    ids=["nadam", "adamax", "adadelta", "lion", "ftrl", "Ftrl", "Nadam", "Adamax", "Adadelta", "Lion"],
)  # fmt: skip
def test_keras_only_optimizers_save_their_state_and_continue_the_same_run(tmp_path, make):
    """A saved model compiled with Nadam, Adamax, Adadelta, Lion or Ftrl reloads the same optimizer (class,
    hyper-parameters, moments), so fit continues exactly as the unsaved model does."""
    require("safetensors")
    x, y = blobs()
    nb.manual_seed(0)
    model = mlp(optimizer=make())
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    model.save(tmp_path / "m.nabla")
    again = load_model(tmp_path / "m.nabla")
    assert type(again.optimizer) is type(model.optimizer)
    assert again.optimizer.get_config() == model.optimizer.get_config()
    for continued in (model, again):
        continued.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    assert same(model.get_weights(), again.get_weights())


def test_keras_only_optimizers_check_their_hyper_parameters_and_round_trip_configs():
    with pytest.raises(ValueError, match=r"Nadam: beta_1 must be in \[0, 1\), got 1.5"):
        optimizers.Nadam(beta_1=1.5)
    with pytest.raises(ValueError, match=r"Lion: beta_1 must be in \(0, 1\], got 0.0"):
        optimizers.Lion(beta_1=0.0)
    with pytest.raises(ValueError, match="Adadelta: epsilon must be >= 0"):
        optimizers.Adadelta(epsilon=-1.0)
    with pytest.raises(ValueError, match="Ftrl: learning_rate_power must be <= 0, got 0.5"):
        optimizers.Ftrl(learning_rate_power=0.5)
    for cls in (optimizers.Nadam, optimizers.Adamax, optimizers.Adadelta, optimizers.Lion, optimizers.Ftrl):
        made = cls(learning_rate=optimizers.schedules.ExponentialDecay(0.1, 10, 0.5), clipnorm=1.0, weight_decay=0.01)
        again = optimizers.deserialize(optimizers.serialize(made))
        assert type(again) is cls and again.get_config() == made.get_config()


@pytest.mark.parametrize("name", sorted(optimizers.OPTIMIZERS))
def test_a_scalar_variable_steps_as_keras_does(keras, name):
    """keras.Variable(2.0) (0-d) under every optimizer: Keras 3's numbers after a few steps, and the variable
    stays 0-d."""
    from nabla.keras import Variable

    ours, theirs = Variable(2.0), keras.Variable(2.0)
    nb_opt = type(optimizers.get(name))(learning_rate=0.1)
    k_opt = type(keras.optimizers.get(name))(learning_rate=0.1)
    for _ in range(5):
        nb_opt.apply_gradients([(nb.tensor(ours.numpy() * 2 - 1), ours)])
        k_opt.apply_gradients([(keras.ops.convert_to_tensor(theirs.numpy() * 2 - 1), theirs)])
    assert ours.numpy().shape == ()
    assert float(ours.numpy()) == pytest.approx(float(keras.ops.convert_to_numpy(theirs)), rel=1e-5)
