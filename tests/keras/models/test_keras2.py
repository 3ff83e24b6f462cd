"""Keras 2's names that Keras 3 dropped: ``predict_classes``/``predict_proba`` and the utility modules
(``fit_generator`` and its family are tested with the batches they read, in test_batches.py)."""

from __future__ import annotations

import numpy as np

import nabla.keras as keras

X = np.linspace(-1, 1, 96, dtype=np.float32).reshape(32, 3)


def test_keras_2_class_predictions():
    binary = keras.models.Sequential([keras.layers.Dense(1, activation="sigmoid", input_shape=(3,))])
    probabilities = binary.predict(X, verbose=0)
    classes = binary.predict_classes(X)
    assert classes.shape == (32, 1) and classes.dtype == np.int32
    np.testing.assert_array_equal(classes, (probabilities > 0.5).astype(np.int32))
    several = keras.models.Sequential([keras.layers.Dense(4, activation="softmax", input_shape=(3,))])
    np.testing.assert_array_equal(several.predict_classes(X), several.predict(X, verbose=0).argmax(-1))
    np.testing.assert_array_equal(several.predict_proba(X), several.predict(X, verbose=0))


def test_keras_2_module_names_of_the_utilities():
    from nabla.keras.utils.np_utils import to_categorical
    from nabla.keras.utils.vis_utils import plot_model

    assert to_categorical is keras.utils.to_categorical and plot_model is keras.utils.plot_model
