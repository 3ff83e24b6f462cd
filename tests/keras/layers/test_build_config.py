"""``get_build_config`` / ``build_from_config`` of layers and models against Keras 3 (PyTorch backend), run here:
the same calls on both sides give the same configs, and building from a config creates the same weights."""

from __future__ import annotations

import numpy as np
import pytest

import nabla.keras as nk

X = np.zeros((5, 7), dtype=np.float32)


def _shapes(layer) -> list:
    return [tuple(w.shape) for w in layer.weights]


def _layer_cases(k):
    """(what is done, the config afterwards) on each side: build, call, unbuilt, built at construction."""
    return [
        lambda m: m.layers.Dense(3),
        lambda m: _built(m.layers.Dense(3), (None, 4)),
        lambda m: _built(m.layers.Dense(3), [None, 4]),  # (as given: a list stays a list)
        lambda m: _called(m.layers.Dense(3), X),
        lambda m: _called(m.layers.Dropout(0.5), X),  # built at construction: nothing recorded
        lambda m: _called(m.layers.Flatten(), X),
        lambda m: _called(m.layers.BatchNormalization(), X),
        lambda m: _called(m.layers.Concatenate(), [X, X]),
    ]


def _built(layer, shape):
    layer.build(shape)
    return layer


def _called(layer, x):
    layer(x)
    return layer


@pytest.mark.parametrize("case", range(8))
def test_layer_build_config_matches_keras(keras, case):
    theirs = _layer_cases(keras)[case](keras)
    ours = _layer_cases(nk)[case](nk)
    assert ours.get_build_config() == theirs.get_build_config()


def test_build_from_config_creates_the_weights_as_keras(keras):
    for config in ({"input_shape": (None, 4)}, {"input_shape": [None, 6]}):
        theirs, ours = keras.layers.Dense(3), nk.layers.Dense(3)
        theirs.build_from_config(config)
        ours.build_from_config(config)
        assert ours.built and theirs.built
        assert _shapes(ours) == _shapes(theirs)
        assert ours.get_build_config() == theirs.get_build_config() == config


def test_build_from_config_of_a_custom_layer_and_an_empty_config(keras):
    def scale_class(m):
        class Scale(m.layers.Layer):
            def build(self, input_shape):
                self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")

            def call(self, x):
                return x * self.w

        return Scale

    theirs, ours = scale_class(keras)(), scale_class(nk)()
    for layer in (theirs, ours):
        layer.build_from_config({})  # nothing to build from, as in Keras
        layer.build_from_config(None)
        assert not layer.built
        layer.build_from_config({"input_shape": (None, 3)})
    assert _shapes(ours) == _shapes(theirs) == [(3,)]
    assert ours.get_build_config() == theirs.get_build_config()


def test_build_from_config_refuses_what_is_not_a_build_config():
    with pytest.raises(ValueError, match="expected a dict with 'input_shape'"):
        nk.layers.Dense(2).build_from_config({"shape": (None, 4)})


def _model_cases():
    """Sequential (with Input, without, built, called), functional, subclassed: on each side."""

    def subclass(m):
        class Two(m.Model):
            def __init__(self):
                super().__init__()
                self.d = m.layers.Dense(2)

            def call(self, x):
                return self.d(x)

        return Two()

    def functional(m):
        i = m.Input((4,))
        return m.Model(i, m.layers.Dense(2)(i))

    def called(model):
        model(np.zeros((3, 4), dtype=np.float32))
        return model

    return [
        lambda m: m.Sequential([m.Input((4,)), m.layers.Dense(2)]),
        lambda m: called(m.Sequential([m.Input((4,)), m.layers.Dense(2)])),  # (the Input's shape stays)
        lambda m: m.Sequential([m.layers.Dense(2)]),
        lambda m: called(m.Sequential([m.layers.Dense(2)])),
        lambda m: _built(m.Sequential([m.layers.Dense(2)]), (None, 4)),
        functional,
        lambda m: called(functional(m)),
        subclass,
        lambda m: called(subclass(m)),
    ]


@pytest.mark.parametrize("case", range(9))
def test_model_build_config_matches_keras(keras, case):
    theirs, ours = _model_cases()[case](keras), _model_cases()[case](nk)
    assert ours.get_build_config() == theirs.get_build_config()


def test_model_build_from_config_creates_the_weights_as_keras(keras):
    for case in (2, 7):  # an unbuilt Sequential model, a subclassed model
        theirs, ours = _model_cases()[case](keras), _model_cases()[case](nk)
        theirs.build_from_config({"input_shape": (None, 6)})
        ours.build_from_config({"input_shape": (None, 6)})
        assert _shapes(ours) == _shapes(theirs) == [(6, 2), (2,)]
    functional = _model_cases()[5](nk)
    functional.build_from_config(functional.get_build_config())  # (its inputs give the shapes: nothing to do)
    assert _shapes(functional) == [(4, 2), (2,)]


def test_input_shape_of_a_called_layer_is_keras_2s():
    # Géron ch. 17 (tf_keras): DenseTranspose builds its bias from self.dense.input_shape[-1]
    from tf_keras_reference import tf_keras

    x = np.ones((3, 2, 2), dtype=np.float32)
    shapes = []
    for k in (tf_keras(), nk):
        model = k.Sequential([k.layers.Flatten(), k.layers.Dense(4)])
        model(x)
        shapes.append([tuple(layer.input_shape) for layer in model.layers])
    assert shapes[1] == shapes[0]
    with pytest.raises(AttributeError):
        nk.layers.Dense(2).input_shape  # noqa: B018 - never called: no shape, as Keras 2's


def test_add_weight_takes_a_bare_int_as_keras_2_did():
    """Géron's tied autoencoder (written for tf.keras, Keras 2) calls add_weight(shape=784): a vector, as tf_keras
    makes it (Keras 3 refuses the int); a shape that is no sequence of sizes is a one-line error."""
    from tf_keras_reference import tf_keras

    def define(k):
        class Bias(k.layers.Layer):
            def build(self, batch_input_shape):
                self.bias = self.add_weight(name="bias", shape=batch_input_shape[-1], initializer="ones")

            def call(self, inputs):
                return inputs + self.bias

        return Bias()

    reference, layer = define(tf_keras()), define(nk)
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_array_equal(layer(x).numpy(), reference(x).numpy())
    assert tuple(layer.bias.shape) == tuple(reference.bias.shape) == (3,)
    bad = nk.layers.Layer()
    with pytest.raises(TypeError, match="add_weight: shape must be a tuple of sizes, got 'abc'"):
        bad.add_weight(shape="abc")
