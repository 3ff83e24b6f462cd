"""Keras 2's optimizer idioms that Keras 3 dropped, as TensorFlow 2.x labs write them: ``decay=``,
``tf.keras.optimizers.legacy`` and ``tf.keras.optimizers.experimental``.

``decay=d`` is checked against Keras 3 itself with the schedule it stands for, ``InverseTimeDecay(lr, 1, d)``
(Keras 2 computed ``lr / (1 + d * iterations)``): the same variables after the same gradients; and against
Keras 2's own optimizers (tf_keras's ``optimizers.legacy``), whose ``lr`` reads and sets the rate that decays.
"""

from __future__ import annotations

import numpy as np
import pytest
import tf_keras_reference
from conftest import require

import nabla.keras as nk
import nabla.tf as tf

GRADIENTS = [np.random.default_rng(i).standard_normal((3, 2)).astype(np.float32) for i in range(5)]


@pytest.mark.parametrize(
    "name, options",
    [("SGD", {"momentum": 0.9, "nesterov": True}), ("SGD", {}), ("Adam", {}), ("RMSprop", {"rho": 0.8})],
)
def test_decay_is_keras_s_inverse_time_decay(keras, name, options):
    start = np.random.default_rng(9).standard_normal((3, 2)).astype(np.float32)
    ours = getattr(nk.optimizers, name)(lr=0.1, decay=0.25, **options)
    schedule = keras.optimizers.schedules.InverseTimeDecay(0.1, decay_steps=1, decay_rate=0.25)
    theirs = getattr(keras.optimizers, name)(learning_rate=schedule, **options)
    v_ours, v_theirs = nk.Variable(start.copy()), keras.Variable(start.copy())
    for g in GRADIENTS:
        ours.apply_gradients([(nk.ops.convert_to_tensor(g), v_ours)])
        theirs.apply_gradients([(keras.ops.convert_to_tensor(g), v_theirs)])
        np.testing.assert_allclose(v_ours.numpy(), keras.ops.convert_to_numpy(v_theirs), rtol=1e-6, atol=1e-6)
    assert float(ours.learning_rate) == pytest.approx(0.1)  # (Keras 2's lr: the rate before decay)


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop"])
def test_decay_s_rate_reads_and_sets_as_keras_2(name):
    """ReduceLROnPlateau and ``K.set_value(opt.lr, ...)`` on an optimizer made with ``decay=`` (Kaggle's MNIST
    notebooks) change the rate that decays, as tf_keras's legacy optimizers do; it used to refuse."""
    tf_keras, tensorflow = tf_keras_reference.tf_keras(), require("tensorflow")
    start = np.random.default_rng(9).standard_normal((3, 2)).astype(np.float32)
    ours, theirs = getattr(nk.optimizers, name)(lr=0.1, decay=0.25), getattr(tf_keras.optimizers.legacy, name)(
        learning_rate=0.1, decay=0.25
    )
    v_ours, v_theirs = nk.Variable(start.copy()), tensorflow.Variable(start.copy())
    for i, g in enumerate(GRADIENTS):
        if i == 2:
            nk.backend.set_value(ours.lr, 0.05)
            tf_keras.backend.set_value(theirs.lr, 0.05)
        ours.apply_gradients([(nk.ops.convert_to_tensor(g), v_ours)])
        theirs.apply_gradients([(tensorflow.constant(g), v_theirs)])
        # (1e-5: Keras 2's Adam and RMSprop put epsilon where Keras 3's, which nabla's follow, do not)
        np.testing.assert_allclose(v_ours.numpy(), v_theirs.numpy(), rtol=1e-5, atol=1e-5)
        assert float(nk.backend.get_value(ours.lr)) == pytest.approx(float(tf_keras.backend.get_value(theirs.lr)))
    config = nk.optimizers.deserialize(nk.optimizers.serialize(ours)).get_config()["learning_rate"]["config"]
    assert (config["initial_learning_rate"], config["decay_rate"]) == (pytest.approx(0.05), 0.25)


def test_decay_is_checked():
    with pytest.raises(ValueError, match="decay must be a number >= 0"):
        nk.optimizers.SGD(decay=-1.0)
    with pytest.raises(ValueError, match="decay= or a learning-rate schedule, not both"):
        nk.optimizers.Adam(learning_rate=nk.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5), decay=0.1)


def test_legacy_and_experimental_paths_give_the_same_classes():
    for name in ("SGD", "Adam", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam", "Ftrl"):
        assert getattr(tf.keras.optimizers.legacy, name) is getattr(nk.optimizers, name)
    assert tf.keras.optimizers.experimental.AdamW is nk.optimizers.AdamW
    from nabla.tf.keras.optimizers.legacy import Adam

    assert isinstance(Adam(learning_rate=1e-3), nk.optimizers.Adam)
    with pytest.raises(AttributeError, match="does not offer keras.optimizers.legacy.Lamb"):
        tf.keras.optimizers.legacy.Lamb  # noqa: B018


def test_experimental_preprocessing_layers_are_the_layers():
    from nabla.tf.keras.layers.experimental.preprocessing import RandomFlip, Rescaling

    assert Rescaling is nk.layers.Rescaling and RandomFlip is nk.layers.RandomFlip
    model = tf.keras.Sequential([tf.keras.Input((4, 4, 1)), Rescaling(1 / 255.0), tf.keras.layers.Flatten()])
    np.testing.assert_allclose(model.predict(np.full((1, 4, 4, 1), 255.0, np.float32), verbose=0), 1.0)
    assert "Rescaling" in [layer["class_name"] for layer in model.get_config()["layers"]]
    assert tf.keras.layers.experimental.preprocessing.TextVectorization is nk.layers.TextVectorization
    assert tf.keras.layers.experimental.preprocessing.Hashing is nk.layers.Hashing
    with pytest.raises(AttributeError, match="keras.layers.experimental.preprocessing.PreprocessingLayer"):
        tf.keras.layers.experimental.preprocessing.PreprocessingLayer  # noqa: B018
