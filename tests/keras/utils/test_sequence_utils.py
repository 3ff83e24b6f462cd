"""``keras.utils.pad_sequences``: every option, against Keras 3's own outputs (exact arrays and dtypes)."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras as keras

SEQUENCES = [[1, 2, 3, 4, 5], [6], [], [7, 8, 9], [1.7, 2.2]]
VECTORS = [np.arange(6).reshape(3, 2), np.arange(2).reshape(1, 2) + 10]


@pytest.mark.parametrize(
    "sequences, options",
    [
        (SEQUENCES, {}),
        (SEQUENCES, {"maxlen": 3}),
        (SEQUENCES, {"maxlen": 3, "padding": "post"}),
        (SEQUENCES, {"maxlen": 3, "truncating": "post"}),
        (SEQUENCES, {"maxlen": 7, "padding": "post", "truncating": "post", "value": -1}),
        (SEQUENCES, {"dtype": "float32", "value": 0.5}),
        (SEQUENCES, {"dtype": "int64", "maxlen": 2}),
        (VECTORS, {"maxlen": 2}),
        (VECTORS, {"padding": "post", "value": 9}),
        ([["a", "b"], ["c"]], {"dtype": object, "value": "<pad>"}),
        ([np.array([1, 2]), np.array([3])], {}),
    ],
)
def test_pad_sequences_gives_keras_s_array(sequences, options):
    expected = keras_on_torch().utils.pad_sequences(sequences, **options)
    result = keras.utils.pad_sequences(sequences, **options)
    assert result.dtype == expected.dtype and result.shape == expected.shape
    assert np.array_equal(result, expected)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda p: p([[1]], padding="middle"), 'Padding type "middle" not understood'),
        (lambda p: p([[1]], truncating="x"), 'Truncating type "x" not understood'),
        (lambda p: p([[1], 2]), "must be a list of iterables"),
        (lambda p: p([[1]], value="x"), "is not compatible with `value`'s type"),
        (lambda p: p([np.zeros((2, 2)), np.zeros((1, 3))]), "is different from expected shape"),
    ],
)
def test_bad_options_are_refused_as_keras_refuses_them(call, message):
    for pad in (keras.utils.pad_sequences, keras_on_torch().utils.pad_sequences):
        with pytest.raises(ValueError, match=message):
            call(pad)


def test_keras_preprocessing_names_are_the_same_functions():
    reference = keras_on_torch().preprocessing
    assert hasattr(reference.sequence, "pad_sequences") and hasattr(reference, "timeseries_dataset_from_array")
    assert keras.preprocessing.sequence.pad_sequences is keras.utils.pad_sequences
    assert keras.preprocessing.timeseries_dataset_from_array is keras.utils.timeseries_dataset_from_array
    from nabla.tf.keras.preprocessing.sequence import pad_sequences  # TF 2's import line

    assert pad_sequences is keras.utils.pad_sequences
    assert keras.preprocessing.image.load_img is keras.utils.load_img
    assert keras.preprocessing.image_dataset_from_directory is keras.utils.image_dataset_from_directory
