"""``model.to_json()`` / ``keras.models.model_from_json``: round trips, and JSON that is checked before use."""

from __future__ import annotations

import json

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras as keras

X = np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4)


def _same_architecture(model, rebuilt) -> None:
    assert type(rebuilt) is type(model) and rebuilt.count_params() == model.count_params()
    assert [type(layer) for layer in rebuilt.layers] == [type(layer) for layer in model.layers]
    rebuilt.set_weights(model.get_weights())
    np.testing.assert_array_equal(rebuilt.predict(X, verbose=0), model.predict(X, verbose=0))


def test_keras_has_these_names():
    reference = keras_on_torch()
    assert hasattr(reference.models, "model_from_json") and hasattr(reference.Sequential, "to_json")


def test_a_sequential_model_round_trips():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5, activation="relu"), keras.layers.Dropout(0.2),
                              keras.layers.Dense(2, activation="softmax")])  # fmt: skip
    text = model.to_json(indent=2)
    assert json.loads(text)["class_name"] == "Sequential"
    _same_architecture(model, keras.models.model_from_json(text))


def test_a_functional_model_round_trips():
    inputs = keras.Input((4,))
    left, right = keras.layers.Dense(3)(inputs), keras.layers.Dense(3, activation="tanh")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(1)(keras.layers.Concatenate()([left, right])))
    _same_architecture(model, keras.models.model_from_json(model.to_json()))


def test_a_layer_of_yours_comes_from_custom_objects_or_a_scope():
    class Tripling(keras.layers.Layer):
        def call(self, inputs):
            return inputs * 3.0

    model = keras.Sequential([keras.Input((4,)), Tripling(), keras.layers.Dense(2)])
    text = model.to_json()
    with pytest.raises(ValueError, match=r"unknown layer class 'Tripling'.*custom_objects"):
        keras.models.model_from_json(text)
    _same_architecture(model, keras.models.model_from_json(text, custom_objects={"Tripling": Tripling}))
    with keras.saving.custom_object_scope({"Tripling": Tripling}):
        _same_architecture(model, keras.models.model_from_json(text))


@pytest.mark.parametrize(
    "text, message",
    [
        ("{not json", "the text is not JSON"),
        ("[1, 2]", "expected an object with class_name and config"),
        ('{"class_name": "Sequential", "config": {"layers": []}, "extra": 1}', r"unexpected fields \['extra'\]"),
        ('{"class_name": "os.system", "config": {}}', "holds a subclassed model 'os.system'"),
    ],
)
def test_text_that_is_not_an_architecture_is_refused(text, message):
    with pytest.raises(ValueError, match=message):
        keras.models.model_from_json(text)


def test_sizes_in_the_json_are_bounded_before_anything_is_built():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    text = model.to_json().replace('"units": 3', '"units": 1000000000')
    with pytest.raises(ValueError, match="building the model would hold 1,000,000,000 values"):
        keras.models.model_from_json(text)
