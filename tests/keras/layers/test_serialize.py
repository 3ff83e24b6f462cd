"""``keras.layers.serialize`` / ``deserialize``: a layer as Keras 3's dict, and back, against Keras 3."""

from __future__ import annotations

import json

import numpy as np
import pytest

import nabla.keras as nabla_keras


def _layers(k):
    L = k.layers
    return [
        L.Dense(4, activation="relu", use_bias=False, name="dense"),
        L.Conv2D(8, 3, strides=2, padding="same", name="conv"),
        L.Dropout(0.3, name="dropout"),
        L.LSTM(5, return_sequences=True, name="lstm"),
    ]


def _initializer_key(value) -> bool:
    # NOTE: nabla's configs name an initializer ("glorot_uniform"); Keras 3 writes its serialized dict
    return isinstance(value, dict) and value.get("module") == "keras.initializers"


@pytest.mark.parametrize("index", range(4))
def test_the_dict_is_keras_3s(keras, index):
    ours = json.loads(json.dumps(nabla_keras.layers.serialize(_layers(nabla_keras)[index])))
    theirs = json.loads(json.dumps(keras.layers.serialize(_layers(keras)[index])))
    assert {key: ours[key] for key in ("module", "class_name", "registered_name")} == {
        "module": "keras.layers", "class_name": theirs["class_name"], "registered_name": None}  # fmt: skip
    assert theirs["module"] == "keras.layers" and theirs["registered_name"] is None
    # every setting nabla writes is one of Keras's, of the same value (Keras writes more: dtype policy, ...)
    for key, value in ours["config"].items():
        assert key in theirs["config"], key
        if not _initializer_key(theirs["config"][key]):
            assert value == theirs["config"][key], key


@pytest.mark.parametrize("index", range(4))
def test_deserialize_makes_the_layer_again(index):
    layer = _layers(nabla_keras)[index]
    again = nabla_keras.layers.deserialize(json.loads(json.dumps(nabla_keras.layers.serialize(layer))))
    assert type(again) is type(layer) and again is not layer
    assert again.get_config() == layer.get_config()
    shape = {0: (2, 3), 1: (2, 6, 6, 1), 2: (2, 3), 3: (2, 4, 3)}[index]
    x = np.ones(shape, dtype=np.float32)
    assert again(x).shape == layer(x).shape
    assert [w.shape for w in again.weights] == [w.shape for w in layer.weights]


def test_it_is_serialize_keras_object_and_reads_keras_2_dicts():
    layer = nabla_keras.layers.Dense(3, name="out")
    assert nabla_keras.layers.serialize(layer) == nabla_keras.saving.serialize_keras_object(layer)
    again = nabla_keras.layers.deserialize({"class_name": "Dense", "config": {"units": 3, "name": "out"}})
    assert isinstance(again, nabla_keras.layers.Dense) and again.units == 3 and again.name == "out"


def test_a_layer_of_your_own_round_trips_by_custom_objects_or_registration():
    class Scale(nabla_keras.layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return x * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    config = nabla_keras.layers.serialize(Scale(3.0))
    # (Keras 3 names an unregistered class of yours by its class name)
    assert (config["class_name"], config["module"], config["registered_name"]) == ("Scale", __name__, "Scale")
    with pytest.raises(TypeError, match="could not locate class 'Scale'"):
        nabla_keras.layers.deserialize(config)
    assert nabla_keras.layers.deserialize(config, custom_objects={"Scale": Scale}).factor == 3.0
    registered = nabla_keras.saving.register_keras_serializable(package="tests")(Scale)
    try:
        config = nabla_keras.layers.serialize(registered(4.0))
        assert config["registered_name"] == "tests>Scale"
        assert nabla_keras.layers.deserialize(config).factor == 4.0
    finally:
        del nabla_keras.saving.get_custom_objects()["tests>Scale"]


def test_a_config_of_something_else_is_refused():
    config = nabla_keras.saving.serialize_keras_object(nabla_keras.losses.MeanSquaredError())
    with pytest.raises(TypeError, match="describes a MeanSquaredError, not a layer"):
        nabla_keras.layers.deserialize(config)


def _my_dense(k):
    class MyDense(k.layers.Layer):  # keras.io's "Save, serialize, and export models": objects in its config
        def __init__(self, units, *, kernel_regularizer=None, nested_model=None, **kwargs):
            super().__init__(**kwargs)
            self.units, self.kernel_regularizer, self.nested_model = units, kernel_regularizer, nested_model

        def get_config(self):
            return {**super().get_config(), "units": self.units, "kernel_regularizer": self.kernel_regularizer,
                    "nested_model": self.nested_model}  # fmt: skip

        def call(self, inputs):
            return inputs

    return MyDense


def test_the_objects_in_a_config_of_yours_are_serialized_in_turn_as_keras_does(keras):
    configs = []
    for k in (keras, nabla_keras):
        my_dense = _my_dense(k)
        inner = my_dense(16, kernel_regularizer=k.regularizers.L1L2(l1=1e-5, l2=1e-4), name="inner")
        configs.append(k.layers.serialize(my_dense(64, nested_model=inner, name="outer")))
    assert configs[1] == configs[0]


def test_a_functional_model_gives_a_layer_of_yours_its_layer_argument_as_a_config():
    """The guide's CustomModel.from_config calls keras.layers.deserialize on its config's layers: Keras 3's
    functional config holds them serialized; nabla's held the layer objects."""

    class Wrapper(nabla_keras.layers.Layer):
        def __init__(self, first_layer, **kwargs):
            super().__init__(**kwargs)
            self.first_layer = first_layer

        def get_config(self):
            return {**super().get_config(), "first_layer": self.first_layer}

        @classmethod
        def from_config(cls, config):
            return cls(**{**config, "first_layer": nabla_keras.layers.deserialize(config["first_layer"])})

        def call(self, inputs):
            return self.first_layer(inputs)

    inputs = nabla_keras.Input((4,))
    model = nabla_keras.Model(inputs, Wrapper(nabla_keras.layers.Dense(2))(inputs))
    again = nabla_keras.Model.from_config(model.get_config(), custom_objects={"Wrapper": Wrapper})
    assert isinstance(again.layers[1].first_layer, nabla_keras.layers.Dense)
