"""Models holding a vocabulary (TextVectorization, StringLookup, IntegerLookup) save and load: the vocabulary
and idf weights travel in the file's JSON config (as Keras 3's get_config writes a given vocabulary), are
checked when loaded, and the loaded model predicts as the saved one; configs compared with Keras 3's."""

from __future__ import annotations

import json

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla as nb
import nabla.keras as keras

TEXTS = np.array([["the cat sat"], ["the dog ran far"], ["a cat and a dog"], ["an unseen word"]])
WORDS = np.array([["a"], ["c"], ["b"], ["a"], ["zz"]])
CODES = np.array([[12.0], [36.0], [1138.0], [12.0], [7.0]], np.float32)


def _text_ids():
    layer = keras.layers.TextVectorization(max_tokens=20, output_sequence_length=4)
    layer.adapt(TEXTS[:3])
    return keras.Sequential([keras.Input((1,), dtype="string"), layer, keras.layers.Embedding(20, 3),
                             keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1)]), TEXTS  # fmt: skip


def _text_tf_idf():
    layer = keras.layers.TextVectorization(output_mode="tf_idf", ngrams=2)
    layer.adapt(TEXTS[:3])
    return keras.Sequential([keras.Input((1,), dtype="string"), layer, keras.layers.Dense(2)]), TEXTS


def _text_scalars():
    """One text per sample without an axis (``Input(shape=(), dtype="string")``), in a functional model."""
    layer = keras.layers.TextVectorization(output_mode="count")
    layer.adapt(TEXTS[:3, 0])
    inputs = keras.Input((), dtype="string")
    return keras.Model(inputs, keras.layers.Dense(2)(layer(inputs))), TEXTS[:, 0]


def _strings_one_hot():
    layer = keras.layers.StringLookup(output_mode="one_hot", mask_token="[MASK]")
    layer.adapt(WORDS[:4])
    inputs = keras.Input((1,), dtype="string", name="word")
    return keras.Model(inputs, keras.layers.Dense(2)(layer(inputs))), WORDS


def _integers_multi_hot():
    layer = keras.layers.IntegerLookup(output_mode="multi_hot", max_tokens=4)
    layer.adapt(CODES[:4])
    return keras.Sequential([keras.Input((1,)), layer, keras.layers.Dense(2)]), CODES


MODELS = [_text_ids, _text_tf_idf, _text_scalars, _strings_one_hot, _integers_multi_hot]


@pytest.mark.parametrize("make", MODELS)
def test_a_loaded_model_predicts_as_the_saved_one(make, tmp_path):
    model, x = make()
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    layer, again = (next(lay for lay in m.layers if hasattr(lay, "get_vocabulary")) for m in (model, loaded))
    assert again.get_vocabulary() == layer.get_vocabulary()
    if layer.idf_weights is not None:
        np.testing.assert_array_equal(again.idf_weights, layer.idf_weights)


@pytest.mark.parametrize("make", MODELS)
def test_save_weights_and_load_weights_leave_the_vocabulary_alone(make, tmp_path):
    model, x = make()
    model.save_weights(tmp_path / "m.weights.h5")
    other = type(model).from_config(model.get_config())
    other.load_weights(tmp_path / "m.weights.h5")
    np.testing.assert_array_equal(other.predict(x, verbose=0), model.predict(x, verbose=0))


def _given(k):
    """The three layers with vocabularies given as lists, as Keras writes them in its configs."""
    return [k.layers.StringLookup(vocabulary=["a", "c", "b"], mask_token="[MASK]"),
            k.layers.IntegerLookup(vocabulary=[12, 1138, 36], output_mode="tf_idf", idf_weights=[0.5, 0.7, 0.9]),
            k.layers.TextVectorization(vocabulary=["the", "cat", "sat"], output_sequence_length=3)]  # fmt: skip


def test_configs_hold_the_vocabulary_as_keras_3_writes_a_given_one():
    for ours, theirs in zip(_given(keras), _given(keras_on_torch()), strict=True):
        mine, reference = json.loads(json.dumps(ours.get_config())), theirs.get_config()
        for key in ("vocabulary", "vocabulary_size", "max_tokens", "output_mode", "mask_token", "oov_token"):
            if key in reference:
                value = reference[key]
                value = [v.item() if hasattr(v, "item") else v for v in value] if isinstance(value, list) else value
                assert mine[key] == value, (type(ours).__name__, key)
        if reference.get("idf_weights") is not None:
            np.testing.assert_allclose(mine["idf_weights"], reference["idf_weights"], rtol=1e-6)
        again = type(ours).from_config(mine)
        assert again.get_vocabulary() == ours.get_vocabulary()


def test_from_config_refuses_a_vocabulary_size_that_disagrees():
    config = keras.layers.StringLookup(vocabulary=["a", "b"]).get_config()
    with pytest.raises(ValueError, match="vocabulary_size 5 disagrees"):
        keras.layers.StringLookup.from_config({**config, "vocabulary_size": 5})


def _layer_config(payload: dict, name: str) -> dict:
    layers = payload["config"]["layers"]
    return next(entry["config"] for entry in layers if entry["class_name"] == name)


@pytest.mark.parametrize(
    ("make", "name", "change", "message"),
    [
        (_text_ids, "TextVectorization", lambda c: c["vocabulary"].append("the"),
         r"vocabulary\[\d+\]: 'the' is in the vocabulary twice"),
        (_text_ids, "TextVectorization", lambda c: c["vocabulary"].append(3), r"vocabulary\[\d+\]: expected a string"),
        (_text_ids, "TextVectorization", lambda c: c["vocabulary"].insert(1, "[UNK]"),
         r"vocabulary\[1\]: '\[UNK\]' is a special token"),
        (_text_ids, "TextVectorization", lambda c: c.update(max_tokens=4), r"vocabulary: .* more than max_tokens"),
        (_text_ids, "TextVectorization", lambda c: c.update(vocabulary_size=3), r"vocabulary_size: 3, but"),
        (_text_ids, "TextVectorization", lambda c: c.update(output_sequence_length=2**30),
         r"building the model would hold"),
        (_text_tf_idf, "TextVectorization", lambda c: c["idf_weights"].pop(),
         r"idf_weights: output_mode 'tf_idf' needs one idf weight per token"),
        (_text_tf_idf, "TextVectorization", lambda c: c.update(pad_to_max_tokens=True, max_tokens=2**30),
         r"TextVectorization\): building the model would hold"),
        (_strings_one_hot, "StringLookup", lambda c: c.update(vocabulary=["a", "b", "a"]), r"'a' is in the vocabulary"),
        (_integers_multi_hot, "IntegerLookup", lambda c: c["vocabulary"].append("x"),
         r"vocabulary\[\d+\]: expected an integer"),
        (_integers_multi_hot, "IntegerLookup", lambda c: c.update(idf_weights=[1.0]), r"idf_weights: idf weights come"),
    ],
)  # fmt: skip
def test_a_damaged_vocabulary_is_refused_with_the_field_named(make, name, change, message, tmp_path):
    model, _ = make()
    model.save(tmp_path / "m.keras")
    payload = nb.load(tmp_path / "m.keras")
    change(_layer_config(payload, name))
    nb.save(payload, tmp_path / "changed.keras")
    with pytest.raises(ValueError, match=message) as error:
        keras.models.load_model(tmp_path / "changed.keras")
    assert "\n" not in str(error.value) and "changed.keras" in str(error.value)
