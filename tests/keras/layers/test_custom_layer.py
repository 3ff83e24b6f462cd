"""Subclassing ``keras.Layer``: ``build``, ``add_weight``, ``call``, lazy building, against Keras 3's."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla as nb
import nabla.keras as keras


def naive_dense_class(k):
    """The textbook's subclassed layer, written once for any Keras module ``k``."""

    class NaiveDense(k.layers.Layer):
        def __init__(self, units=3, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", name="w")
            self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True, name="b")
            self.count = self.add_weight(shape=(), initializer="zeros", trainable=False, name="count")

        def call(self, inputs):
            return k.ops.relu(k.ops.matmul(inputs, self.w) + self.b)

    return NaiveDense


def test_a_subclassed_layer_builds_lazily_and_computes_what_keras_computes():
    reference_keras = keras_on_torch()
    x = np.random.default_rng(1).standard_normal((5, 4)).astype(np.float32)
    reference = naive_dense_class(reference_keras)(units=3)
    want = reference_keras.ops.convert_to_numpy(reference(x))
    layer = naive_dense_class(keras)(units=3)
    assert not layer.built and layer.weights == []
    layer(x[:1])  # the first call builds the weights from the input's shape
    assert layer.built
    assert [w.shape for w in layer.weights] == [tuple(w.shape) for w in reference.weights]
    assert [w.name for w in layer.weights] == [w.name for w in reference.weights] == ["w", "b", "count"]
    assert len(layer.trainable_weights) == len(reference.trainable_weights) == 2
    assert len(layer.non_trainable_weights) == len(reference.non_trainable_weights) == 1
    layer.set_weights([np.asarray(w.numpy()) for w in reference.weights])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer(x)), want, rtol=1e-6)
    assert list(layer.state_dict()) == ["w", "b", "count"]  # registered under the attributes they were given


def test_gradients_reach_the_weights_and_a_frozen_weight_stays_frozen():
    layer = naive_dense_class(keras)(units=2)
    x = nb.tensor(np.ones((2, 3), dtype=np.float32))
    keras.ops.sum(layer(x)).backward()
    assert layer.w.grad is not None and layer.count.grad is None
    layer.trainable = False
    assert layer.trainable_weights == []
    layer.trainable = True  # unfreezing the layer leaves a weight made with trainable=False frozen
    assert [w.name for w in layer.trainable_weights] == ["w", "b"]


def test_weights_created_in_init_and_positional_forms():
    class Linear(keras.Layer):
        def __init__(self, units=4, input_dim=3):
            super().__init__()
            self.w = self.add_weight((input_dim, units), "ones")  # Keras 3 positional: shape, initializer
            self.b = self.add_weight("bias", (units,), None, "zeros")  # Keras 2: name, shape, dtype, initializer

        def call(self, inputs):
            return inputs @ self.w + self.b

    layer = Linear()
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer(np.ones((2, 3)))), np.full((2, 4), 3.0))
    assert [w.path for w in layer.weights] == [f"{layer.name}/variable", f"{layer.name}/bias"]
    with pytest.raises(TypeError, match="shape was given both"):
        layer.add_weight((2,), shape=(2,))


def test_call_with_training_and_several_inputs_and_layers_in_a_list():
    class Block(keras.Layer):
        def __init__(self):
            super().__init__()
            self.parts = [keras.layers.Dense(2), keras.layers.Dense(2)]  # tracked, as Keras tracks lists

        def build(self, input_shape):
            assert isinstance(input_shape, list) and len(input_shape) == 2

        def call(self, inputs, training=None):
            a, b = inputs
            out = self.parts[0](a) + self.parts[1](b)
            return out * (2.0 if training else 1.0)

    block = Block()
    a, b = nb.ones(3, 4), nb.ones(3, 5)
    eval_out = block([a, b], training=False)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(block([a, b], training=True)), 2 * eval_out.detach().numpy())
    assert len(block.trainable_weights) == 4


def test_compute_output_shape_and_count_params():
    layer = keras.layers.Dense(7)
    assert layer.compute_output_shape((None, 3)) == (None, 7)
    assert layer.count_params() == 28


def test_add_loss_in_call_is_trained_against_as_keras_trains_it():
    def build(k):
        class ActivityPenalty(k.layers.Layer):
            def call(self, inputs):
                self.add_loss(0.1 * k.ops.mean(k.ops.square(inputs)))
                return inputs

        model = k.Sequential([k.Input(shape=(3,)), k.layers.Dense(4), ActivityPenalty(), k.layers.Dense(1)])
        model.compile(optimizer=k.optimizers.SGD(learning_rate=0.1), loss="mse")
        return model

    reference_keras = keras_on_torch()
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((24, 3)).astype(np.float32), rng.standard_normal((24, 1)).astype(np.float32)
    reference, model = build(reference_keras), build(keras)
    model.set_weights(reference.get_weights())
    model(x)
    assert len(model.losses) == 1  # the last call's, not one per call
    want = reference.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history["loss"]
    got = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(got, want, rtol=1e-4)


def test_add_metric_raises_not_implemented_as_in_keras_3():
    """Keras 3 removed Layer.add_metric (keras.io's endpoint-layer recipe still calls it): both raise
    NotImplementedError, on a layer and on a model, rather than an AttributeError."""
    for k in (keras_on_torch(), keras):
        for obj in (k.layers.Dense(1), k.Sequential([k.layers.Dense(1)])):
            with pytest.raises(NotImplementedError, match="add_metric"):
                obj.add_metric(k.ops.ones((1,)))


def _policy_layer_class(k):
    """A custom layer that names its dtypes through Keras 3's ``variable_dtype`` and ``compute_dtype``."""

    class Scale(k.layers.Layer):
        def build(self, input_shape):
            self.s = self.add_weight(shape=(input_shape[-1],), initializer="ones", dtype=self.variable_dtype)

        def call(self, inputs):
            return k.ops.cast(inputs, self.compute_dtype) * self.s

    return Scale


@pytest.mark.parametrize("dtype", [None, "float64"])
def test_a_layer_names_its_compute_and_variable_dtypes_as_keras(dtype):
    reference_keras = keras_on_torch()
    x = np.arange(6, dtype=np.int32).reshape(2, 3)
    theirs, ours = _policy_layer_class(reference_keras)(dtype=dtype), _policy_layer_class(keras)(dtype=dtype)
    want = reference_keras.ops.convert_to_numpy(theirs(x))
    got = ours(x).numpy()
    assert (ours.compute_dtype, ours.variable_dtype) == (theirs.compute_dtype, theirs.variable_dtype)
    assert isinstance(ours.compute_dtype, str) and got.dtype == want.dtype == (dtype or "float32")
    np.testing.assert_array_equal(got, want)
    dense = keras.layers.Dense(2, dtype=dtype)
    assert (dense.compute_dtype, dense.variable_dtype) == (dtype or "float32",) * 2
