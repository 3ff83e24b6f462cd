"""Whole-model files: ``save`` / ``load_model``, ``save_weights`` / ``load_weights``, custom objects, bad files."""

from __future__ import annotations

import numpy as np
import pytest
from keras_toys import Recorder, blobs, same, two_moons

import nabla as nb
from nabla import losses
from nabla.keras import optimizers
from nabla.layers import BatchNormalization, Dense, Dropout
from nabla.models import Model, Sequential, load_model


def trained_model(epochs: int = 2, optimizer="adam") -> tuple[Sequential, np.ndarray, np.ndarray]:
    x, y = blobs()
    nb.manual_seed(1)
    model = Sequential(
        [
            Dense(8, activation="relu", input_shape=(3,)),
            BatchNormalization(),
            Dropout(0.3),
            Dense(3, activation="softmax"),
        ]
    )
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=epochs, batch_size=16, verbose=0)
    return model, x, y


def test_save_and_load_model_predict_identically(tmp_path):
    model, x, _ = trained_model()
    model.save(tmp_path / "model.keras")
    loaded = load_model(tmp_path / "model.keras")
    assert type(loaded) is Sequential and loaded is not model
    assert same(loaded.get_weights(), model.get_weights())  # moving statistics included
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    assert loaded.count_params() == model.count_params()
    assert type(loaded.optimizer) is type(model.optimizer) is nb.keras.optimizers.Adam  # compile("adam"): Keras's
    assert loaded.loss == "sparse_categorical_crossentropy"  # (compile's argument, as Keras 3 gives it back)


def test_initializer_objects_are_saved_as_keras_writes_them_and_reload(tmp_path):
    """Sequential and functional models whose layers hold initializer instances: each config comes back equal
    (Keras 3's ``{"module", "class_name", "config", "registered_name"}`` form), and so do the predictions."""
    from nabla.keras import initializers as init
    from nabla.keras.layers import Conv2D, Embedding, Flatten, Input, PReLU

    layers = [
        Embedding(10, 4, embeddings_initializer=init.RandomUniform(-0.2, 0.2, seed=4), input_shape=(3,)),
        Flatten(),
        Dense(6, kernel_initializer=init.Orthogonal(gain=2.0, seed=3), bias_initializer=init.Constant(0.5)),
        PReLU(alpha_initializer=init.Constant(0.25)),
        Dense(2, kernel_initializer=init.VarianceScaling(2.0, "fan_out", "uniform", input_axes=[0], output_axes=[1])),
    ]
    inputs = Input((4, 4, 1))
    outputs = Conv2D(2, 3, kernel_initializer={"class_name": "HeNormal", "config": {"seed": 1}})(inputs)
    x = np.arange(6).reshape(2, 3) % 10
    for model, data in [(Sequential(layers), x), (Model(inputs, outputs), np.ones((2, 4, 4, 1)))]:
        model.save(tmp_path / "model.keras")
        loaded = load_model(tmp_path / "model.keras")
        assert loaded.get_config() == model.get_config()
        np.testing.assert_array_equal(loaded.predict(data), model.predict(data))
    config = Sequential(layers).get_config()["layers"][2]["config"]["kernel_initializer"]
    assert config == {"module": "keras.initializers", "class_name": "Orthogonal", "config": {"gain": 2.0, "seed": 3},
                      "registered_name": None}  # fmt: skip


@pytest.mark.parametrize(
    "optimizer",
    ["adam", "rmsprop", lambda: nb.optim.SGD(lr=0.1, momentum=0.9),
     # Keras's classes given as objects: their own formulas (RMSprop's ε under the root), clipping, weight decay
     lambda: optimizers.RMSprop(0.01, momentum=0.5, clipnorm=0.5), lambda: optimizers.AdamW(0.01, weight_decay=0.1),
     lambda: optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True, clipvalue=0.1)],
)  # fmt: skip
def test_training_continues_the_same_run_after_loading(tmp_path, optimizer):
    model, x, y = trained_model(optimizer=optimizer() if callable(optimizer) else optimizer)
    model.save(tmp_path / "model.nabla")
    loaded = load_model(tmp_path / "model.nabla")
    nb.manual_seed(5)
    original = model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    nb.manual_seed(5)
    resumed = loaded.fit(x, y, epochs=3, batch_size=16, verbose=0)
    assert original.history == resumed.history
    assert same(model.get_weights(), loaded.get_weights())


def test_loss_objects_are_saved_with_their_options(tmp_path):
    x, y = two_moons(n=40)
    nb.manual_seed(0)
    model = Sequential([Dense(8, activation="relu", input_shape=(2,)), Dense(1)])
    model.compile(optimizer="adam", loss=losses.BinaryCrossentropy(from_logits=True), metrics=["accuracy"])
    model.fit(x, y, epochs=2, verbose=0)
    model.save(tmp_path / "logits.nabla")
    loaded = load_model(tmp_path / "logits.nabla")
    assert type(loaded.loss) is losses.BinaryCrossentropy and loaded.loss.options["from_logits"] is True
    assert loaded.evaluate(x, y, verbose=0) == model.evaluate(x, y, verbose=0)

    model.compile(optimizer="adam", loss=lambda y_true, y_pred: (y_pred - nb.tensor(y_true)) ** 2)
    model.save(tmp_path / "function.nabla")
    with pytest.warns(UserWarning, match="a lambda, which cannot be saved"):
        uncompiled = load_model(tmp_path / "function.nabla")
    assert uncompiled.loss is None
    np.testing.assert_array_equal(uncompiled.predict(x), model.predict(x))


def test_save_weights_and_load_weights(tmp_path):
    model, x, _ = trained_model()
    model.save_weights(tmp_path / "w.safetensors")
    nb.manual_seed(9)
    other = Sequential(
        [
            Dense(8, activation="relu", input_shape=(3,)),
            BatchNormalization(),
            Dropout(0.3),
            Dense(3, activation="softmax"),
        ]
    )
    assert not same(other.get_weights(), model.get_weights())
    other.load_weights(tmp_path / "w.safetensors")
    np.testing.assert_array_equal(other.predict(x), model.predict(x))
    with pytest.raises(RuntimeError, match="build the model first"):
        Sequential([Dense(8), Dense(3)]).load_weights(tmp_path / "w.safetensors")


def test_load_weights_into_another_instance_of_a_functional_architecture(tmp_path):
    """The Keras habit: build the model again with the same function and load the weights into it. Its layers
    have other automatic names (dense_2 where the first had dense); the weights go by the model's structure,
    as in Keras, and a model of another structure is still refused."""
    import nabla.keras as keras

    def create_model(hidden=8):
        inputs = keras.Input((3,))
        x = keras.layers.Dense(hidden, activation="relu")(inputs)
        x = keras.layers.BatchNormalization()(x)
        return keras.Model(inputs, keras.layers.Dense(2)(x))

    x = np.linspace(-1, 1, 15, dtype="float32").reshape(5, 3)
    first, second = create_model(), create_model()
    assert not same(first.get_weights(), second.get_weights())
    first.save_weights(tmp_path / "first.weights.h5")
    second.load_weights(tmp_path / "first.weights.h5")
    np.testing.assert_array_equal(second.predict(x, verbose=0), first.predict(x, verbose=0))
    with pytest.raises(ValueError, match="does not fit this model"):
        create_model(hidden=4).load_weights(tmp_path / "first.weights.h5")


class Subclassed(Model):
    def __init__(self, units: int = 6, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.hidden = Dense(units, activation="relu")
        self.out = Dense(3, activation="softmax")

    def call(self, inputs, training=None):
        return self.out(self.hidden(inputs))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_subclassed_model_needs_custom_objects(tmp_path):
    x, y = blobs()
    model = Subclassed(units=5)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=2, verbose=0)
    model.save(tmp_path / "sub.nabla")
    with pytest.raises(ValueError, match="custom_objects=.*Subclassed"):
        load_model(tmp_path / "sub.nabla")
    loaded = load_model(tmp_path / "sub.nabla", custom_objects={"Subclassed": Subclassed})
    assert type(loaded) is Subclassed and loaded.units == 5
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))


def test_custom_layers_in_a_sequential_need_custom_objects(tmp_path):
    x, _ = blobs(n=5)
    model = Sequential([Recorder(input_shape=(3,)), Dense(2)])
    model.save(tmp_path / "custom.nabla")
    with pytest.raises(ValueError, match=r"unknown layer class 'Recorder'.*custom_objects"):
        load_model(tmp_path / "custom.nabla")
    loaded = load_model(tmp_path / "custom.nabla", custom_objects={"Recorder": Recorder})
    assert isinstance(loaded.layers[0], Recorder)
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))


def test_corrupt_or_foreign_files_raise_clear_errors(tmp_path):
    model, _, _ = trained_model(epochs=1)
    model.save(tmp_path / "good.nabla")
    data = (tmp_path / "good.nabla").read_bytes()
    (tmp_path / "truncated.nabla").write_bytes(data[: len(data) // 2])
    (tmp_path / "garbage.nabla").write_bytes(b"\x00not a model" * 20)
    for name in ("truncated.nabla", "garbage.nabla"):
        with pytest.raises(ValueError, match="not a valid safetensors file"):
            load_model(tmp_path / name)
    nb.save({"w": nb.ones(3)}, tmp_path / "state.nabla")
    with pytest.raises(ValueError, match="not a nabla model file"):
        load_model(tmp_path / "state.nabla")
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "missing.nabla")


def test_an_optimizer_object_that_was_never_bound_reloads_as_itself(tmp_path):
    model = Sequential([Dense(2, input_shape=(3,))])
    model.compile(optimizer=nb.optim.SGD(lr=0.3, momentum=0.9), loss="mse")
    path = tmp_path / "unbound.nabla"
    model.save(path)
    loaded = load_model(path)
    assert type(loaded.optimizer) is nb.optim.SGD
    assert loaded.optimizer.param_groups[0]["lr"] == 0.3
    assert loaded.optimizer.param_groups[0]["momentum"] == 0.9


@pytest.mark.parametrize(
    "make",
    [lambda: optimizers.SGD(0.1, momentum=0.9, nesterov=True, clipnorm=1.0),
     lambda: optimizers.Adam(learning_rate=optimizers.schedules.ExponentialDecay(0.1, 10, 0.5), amsgrad=True),
     lambda: optimizers.RMSprop(lr=0.1, decay=0.01, centered=True), lambda: optimizers.Lion(0.003, weight_decay=0.2)],
)  # fmt: skip
def test_a_keras_optimizer_object_reloads_as_its_keras_class_with_its_config(tmp_path, make):
    """As Keras: the class (not nabla.optim's of the same name, whose formulas are PyTorch's) and get_config()."""
    model = Sequential([Dense(2, input_shape=(3,))])
    optimizer = make()
    model.compile(optimizer=optimizer, loss="mse")
    model.save(tmp_path / "m.nabla")
    loaded = load_model(tmp_path / "m.nabla")
    assert type(loaded.optimizer) is type(optimizer)
    assert loaded.optimizer.get_config() == optimizer.get_config()


def test_a_keras_optimizer_config_in_a_file_is_checked(tmp_path):
    model = Sequential([Dense(2, input_shape=(3,))])
    model.compile(optimizer=optimizers.SGD(0.1), loss="mse")
    path = tmp_path / "m.nabla"
    model.save(path)
    payload = nb.load(path)
    payload["compile"]["optimizer"]["config"]["momentum"] = -1.0
    nb.save(payload, path)
    with pytest.raises(ValueError, match=r"compile.optimizer.config.momentum: expected a finite number >= 0, got -1.0"):
        load_model(path)


def test_metric_objects_of_a_compiled_model_come_back_with_it_as_in_keras(tmp_path):
    """The save-and-load lab compiles with ``metrics=[SparseCategoricalAccuracy()]``: the reloaded model
    evaluates [loss, accuracy] under the same names, as Keras's does."""
    from keras_reference import keras_on_torch

    import nabla.keras as nabla_keras

    x = np.linspace(-1, 1, 24, dtype="float32").reshape(8, 3)
    y = np.arange(8) % 3
    results = []
    for k in (keras_on_torch(), nabla_keras):
        model = k.Sequential([k.Input((3,)), k.layers.Dense(3, kernel_initializer="ones")])
        model.compile(optimizer="adam", loss=k.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=[k.metrics.SparseCategoricalAccuracy(), "accuracy"])  # fmt: skip
        model.save(tmp_path / f"{k.__name__}.keras")
        reloaded = k.models.load_model(tmp_path / f"{k.__name__}.keras")
        results.append(reloaded.evaluate(x, y, verbose=0, return_dict=True))
    assert sorted(results[1]) == sorted(results[0]) and results[1] == pytest.approx(results[0], rel=1e-5)
