"""The registry of your objects (``register_keras_serializable``, scopes, ``get_custom_objects``) and
``serialize_keras_object`` / ``deserialize_keras_object``, against Keras 3's formats and lookups."""

from __future__ import annotations

import json

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras as keras

X = np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4)


def _registered_layer(package: str):
    @keras.saving.register_keras_serializable(package=package)
    class Doubling(keras.layers.Layer):
        def call(self, inputs):
            return inputs * 2.0

    return Doubling


def test_keras_names_are_in_saving_and_utils():
    reference = keras_on_torch()
    names = ("CustomObjectScope custom_object_scope get_custom_objects register_keras_serializable get_registered_name "
             "get_registered_object serialize_keras_object deserialize_keras_object")  # fmt: skip
    for name in names.split():
        for module in ("saving", "utils"):
            assert hasattr(getattr(reference, module), name) and hasattr(getattr(keras, module), name), name
        assert getattr(keras.saving, name) is getattr(keras.utils, name)
    assert hasattr(reference.saving, "save_weights") and hasattr(reference.saving, "load_weights")


def test_registered_names_are_keras_s():
    reference = keras_on_torch()
    for module in (keras, reference):
        cls = type("Scaled", (module.layers.Layer,), {})
        module.saving.register_keras_serializable("pkg", name="Renamed")(cls)
        assert module.saving.get_registered_name(cls) == "pkg>Renamed"
        assert module.saving.get_registered_object("pkg>Renamed") is cls
        assert module.saving.get_custom_objects().pop("pkg>Renamed") is cls  # (other tests' classes are Scaled too)
        assert module.saving.get_registered_name(module.layers.Dense) == "Dense"
        with pytest.raises(ValueError, match="does not have a get_config"):
            module.saving.register_keras_serializable()(type("NoConfig", (), {}))


def test_a_scope_is_looked_in_first_and_only_inside_it():
    marker = object()
    with keras.saving.custom_object_scope({"thing": marker}):
        assert keras.saving.get_registered_object("thing") is marker
        assert "thing" not in keras.saving.get_custom_objects()
    assert keras.saving.get_registered_object("thing") is None
    assert keras.saving.get_registered_object("thing", module_objects={"thing": 1}) == 1


def test_a_scoped_layer_loads_without_custom_objects(tmp_path):
    class Halving(keras.layers.Layer):
        def call(self, inputs):
            return inputs * 0.5

    inputs = keras.Input(shape=(4,))
    model = keras.Model(inputs, keras.layers.Dense(2)(Halving()(inputs)))
    model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match="Halving"):
        keras.models.load_model(tmp_path / "m.keras")
    with keras.utils.CustomObjectScope({"Halving": Halving}):
        loaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))


def test_serialized_objects_have_keras_s_form_and_come_back():
    reference = keras_on_torch()
    for make in (lambda m: m.layers.Dense(3, activation="relu", name="d"), lambda m: m.initializers.HeNormal(seed=1),
                 lambda m: m.losses.MeanSquaredError(), lambda m: m.activations.relu):  # fmt: skip
        ours, theirs = keras.saving.serialize_keras_object(make(keras)), reference.saving.serialize_keras_object(
            make(reference)
        )
        assert {k: v for k, v in ours.items() if k != "config"} == {k: v for k, v in theirs.items() if k != "config"}
        back = keras.saving.deserialize_keras_object(json.loads(json.dumps(ours)))
        assert keras.saving.serialize_keras_object(back) == ours
    assert keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(keras.activations.relu)) is (
        keras.activations.relu
    )


def test_plain_values_arrays_and_keras_2_configs():
    s, d = keras.saving.serialize_keras_object, keras.saving.deserialize_keras_object
    assert s([1, (2, "a"), {"k": None}]) == [1, (2, "a"), {"k": None}]
    array = np.arange(3, dtype=np.int16)
    back = d(s(array))
    assert back.dtype == np.int16 and np.array_equal(back, array)
    dense = d({"class_name": "Dense", "config": {"units": 3}})
    assert isinstance(dense, keras.layers.Dense) and dense.units == 3


def test_a_registered_class_round_trips_by_its_registered_name():
    doubling = _registered_layer("tests_registry")
    config = keras.saving.serialize_keras_object(doubling())
    assert config["registered_name"] == "tests_registry>Doubling"
    assert isinstance(keras.saving.deserialize_keras_object(config), doubling)


def test_an_unknown_class_is_refused_saying_what_to_do():
    with pytest.raises(TypeError, match=r"could not locate class 'Mystery'.*register_keras_serializable"):
        keras.saving.deserialize_keras_object({"class_name": "Mystery", "config": {}})
    with pytest.raises(TypeError, match="no get_config"):
        keras.saving.serialize_keras_object(object())


def test_save_and_load_weights_functions(tmp_path):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    other = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    keras.saving.save_weights(model, tmp_path / "w.weights.h5")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        keras.saving.save_weights(model, tmp_path / "w.weights.h5", overwrite=False)
    keras.saving.load_weights(other, tmp_path / "w.weights.h5")
    np.testing.assert_array_equal(other.predict(X, verbose=0), model.predict(X, verbose=0))


def test_a_class_given_by_name_wins_over_a_registered_class_of_the_same_class_name():
    """load_model looks names up again in what it found: a registered class named like yours (``"pkg>Twin"``,
    class ``Twin``) must not shadow ``custom_objects={"Twin": yours}`` on that second look."""
    from nabla.keras.utils.object_registration import classes_by_name

    registered = keras.saving.register_keras_serializable("twin_tests")(type("Twin", (keras.layers.Layer,), {}))
    yours = type("Twin", (keras.layers.Layer,), {})
    found = classes_by_name({"Twin": yours})
    assert found["Twin"] is classes_by_name(found)["Twin"] is yours
    assert found["twin_tests>Twin"] is registered
    keras.saving.get_custom_objects().pop("twin_tests>Twin")


def test_two_registered_classes_of_one_name_are_not_guessed_between(tmp_path):
    """Registered under two packages, two classes named ``Pair``: a model file names the class ``Pair``, so
    loading asks which one (custom_objects) instead of building whichever was registered last."""

    def pair(factor):
        return type("Pair", (keras.layers.Layer,), {"call": lambda self, x: x * factor})

    first, second = pair(2.0), pair(3.0)
    objects = keras.saving.get_custom_objects()
    keras.saving.register_keras_serializable("pairs_a")(first)
    try:
        inputs = keras.Input(shape=(2,))
        model = keras.Model(inputs, first()(inputs))
        model.save(tmp_path / "pair.keras")
        np.testing.assert_array_equal(keras.models.load_model(tmp_path / "pair.keras").predict(np.ones((1, 2))), 2.0)
        keras.saving.register_keras_serializable("pairs_b")(second)
        with pytest.raises(ValueError, match="Pair"):
            keras.models.load_model(tmp_path / "pair.keras")
        loaded = keras.models.load_model(tmp_path / "pair.keras", custom_objects={"Pair": first})
        np.testing.assert_array_equal(loaded.predict(np.ones((1, 2))), 2.0)
    finally:
        objects.pop("pairs_a>Pair", None), objects.pop("pairs_b>Pair", None)
