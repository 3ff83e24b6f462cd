"""What keras.io's examples reach that nabla.keras lacks, and that the errors say what to do instead.

A Keras 3 name imported the way the examples import it (``from keras.utils import FeatureSpace``) is an
ImportError that keeps the advice, where Python would say only "cannot import name"; a model whose inputs
are a layer's output (the FeatureSpace example's training model) is refused with the way round."""

from __future__ import annotations

import re

import pytest
from keras_reference import keras_on_torch

import nabla.keras as keras


@pytest.mark.parametrize(
    "statement, message",
    [
        ("from nabla.keras.utils import FeatureSpace", "FeatureSpace is not offered: preprocess each column"),
        ("from nabla.keras.layers import Dense, HashedCrosing", "did you mean HashedCrossing"),
        ("from nabla.keras.layers import Conv3D", "did you mean Conv2D"),
        ("from nabla.keras import Sequentail", "did you mean Sequential"),
    ],
)
def test_from_import_of_a_missing_name_says_what_to_use(statement, message):
    with pytest.raises(ImportError, match=message) as caught:
        exec(statement, {})
    assert "nabla.keras does not offer" in str(caught.value) and not isinstance(caught.value, AttributeError)


def test_attribute_access_stays_an_attribute_error():
    assert not hasattr(keras.utils, "FeatureSpace") and not hasattr(keras.layers, "HashedCrosing")
    with pytest.raises(AttributeError, match="FeatureSpace is not offered"):
        keras.utils.FeatureSpace  # noqa: B018


def test_the_feature_space_message_names_layers_keras_and_nabla_both_have():
    reference = keras_on_torch()
    assert hasattr(reference.utils, "FeatureSpace")  # (the name is Keras 3's)
    with pytest.raises(AttributeError) as caught:
        keras.utils.FeatureSpace  # noqa: B018
    named = set(re.findall(r"\b([A-Z][A-Za-z]+)\(", str(caught.value)))
    named |= {"IntegerLookup", "Normalization", "HashedCrossing"}
    assert named >= {"StringLookup", "Discretization", "IntegerLookup", "Normalization"}
    for layer in named:
        assert hasattr(keras.layers, layer) and hasattr(reference.layers, layer), layer
    assert callable(keras.layers.concatenate)

