"""Keras 2's backend functions (``from tensorflow.keras import backend as K``) against Keras 2 itself
(``tf_keras``): values, defaults, variables and the custom metrics course material writes with them."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from keras_reference import keras_on_torch
from tf_keras_reference import tf_keras

import nabla.keras as keras

K = keras.backend
RNG = np.random.default_rng(11)
X = RNG.standard_normal((3, 4)).astype(np.float32)
Y = RNG.standard_normal((3, 4)).astype(np.float32)
P = RNG.uniform(0.05, 0.95, (3, 4)).astype(np.float32)
T = (RNG.uniform(size=(3, 4)) > 0.5).astype(np.float32)
LABELS = np.array([1, 0, 3])

CALLS = {
    "abs": lambda K, d: K.abs(d.X),
    "sum": lambda K, d: K.sum(d.X),
    "sum_axis": lambda K, d: K.sum(d.X, axis=1, keepdims=True),
    "mean": lambda K, d: K.mean(d.X, axis=0),
    "max": lambda K, d: K.max(d.X, 1),
    "min": lambda K, d: K.min(d.X),
    "prod": lambda K, d: K.prod(d.X, axis=-1),
    "std": lambda K, d: K.std(d.X, axis=0),
    "var": lambda K, d: K.var(d.X),
    "argmax": lambda K, d: K.argmax(d.X),
    "argmin": lambda K, d: K.argmin(d.X),
    "argmax0": lambda K, d: K.argmax(d.X, axis=0),
    "clip": lambda K, d: K.clip(d.X, -0.5, 0.5),
    "clip_inverted": lambda K, d: K.clip(d.X, 0.5, -0.5),
    "round": lambda K, d: K.round(d.X * 2),
    "square": lambda K, d: K.square(d.X),
    "sqrt": lambda K, d: K.sqrt(K.abs(d.X)),
    "exp": lambda K, d: K.exp(d.X),
    "log": lambda K, d: K.log(d.P),
    "pow": lambda K, d: K.pow(d.P, 3),
    "sign": lambda K, d: K.sign(d.X),
    "maximum": lambda K, d: K.maximum(d.X, d.Y),
    "minimum": lambda K, d: K.minimum(d.X, 0.0),
    "concatenate": lambda K, d: K.concatenate([d.X, d.Y]),
    "concatenate0": lambda K, d: K.concatenate([d.X, d.Y], axis=0),
    "stack": lambda K, d: K.stack([d.X, d.Y]),
    "expand_dims": lambda K, d: K.expand_dims(d.X),
    "squeeze": lambda K, d: K.squeeze(K.expand_dims(d.X), -1),
    "transpose": lambda K, d: K.transpose(d.X),
    "permute": lambda K, d: K.permute_dimensions(K.expand_dims(d.X), (2, 0, 1)),
    "flatten": lambda K, d: K.flatten(d.X),
    "batch_flatten": lambda K, d: K.batch_flatten(K.expand_dims(d.X)),
    "reshape": lambda K, d: K.reshape(d.X, (4, 3)),
    "tile": lambda K, d: K.tile(d.X, (2, 1)),
    "repeat_elements": lambda K, d: K.repeat_elements(d.X, 2, axis=1),
    "gather": lambda K, d: K.gather(d.X, d.INDICES),
    "one_hot": lambda K, d: K.one_hot(d.LABELS, 4),
    "dot": lambda K, d: K.dot(d.X, d.YT),
    "cumsum": lambda K, d: K.cumsum(d.X),
    "switch": lambda K, d: K.switch(d.X > 0, d.X, d.Y),
    "equal": lambda K, d: K.equal(K.round(d.X), 0.0),
    "greater": lambda K, d: K.greater(d.X, d.Y),
    "relu": lambda K, d: K.relu(d.X, alpha=0.1, max_value=0.8, threshold=0.05),
    "elu": lambda K, d: K.elu(d.X, 0.5),
    "softmax": lambda K, d: K.softmax(d.X),
    "softplus": lambda K, d: K.softplus(d.X),
    "softsign": lambda K, d: K.softsign(d.X),
    "sigmoid": lambda K, d: K.sigmoid(d.X),
    "hard_sigmoid": lambda K, d: K.hard_sigmoid(d.X * 4),
    "tanh": lambda K, d: K.tanh(d.X),
    "l2_normalize": lambda K, d: K.l2_normalize(d.X, axis=1),
    "l2_normalize_all": lambda K, d: K.l2_normalize(d.X),
    "bias_add": lambda K, d: K.bias_add(d.X, d.Y[0]),
    "binary_crossentropy": lambda K, d: K.binary_crossentropy(d.T, d.P),
    "binary_crossentropy_logits": lambda K, d: K.binary_crossentropy(d.T, d.X, from_logits=True),
    "categorical_crossentropy": lambda K, d: K.categorical_crossentropy(K.one_hot(d.LABELS, 4), K.softmax(d.X)),
    "sparse_categorical_crossentropy": lambda K, d: K.sparse_categorical_crossentropy(d.LABELS, d.X, from_logits=True),
    "zeros": lambda K, d: K.zeros((2, 3)),
    "ones": lambda K, d: K.ones((2,)),
    "eye": lambda K, d: K.eye(3),
    "variable": lambda K, d: K.variable(d.X),
    "constant": lambda K, d: K.constant(2.0, shape=(2, 2)),
    "ones_like": lambda K, d: K.ones_like(d.X),
    "arange": lambda K, d: K.arange(1, 7, 2),
    "int_shape": lambda K, d: K.int_shape(K.variable(d.X)),
    "ndim": lambda K, d: K.ndim(K.variable(d.X)),
    "dtype": lambda K, d: K.dtype(K.variable(d.X)),
    "count_params": lambda K, d: K.count_params(K.variable(d.X)),
    "shape": lambda K, d: K.shape(K.variable(d.X)),
    "get_value": lambda K, d: K.get_value(K.variable(d.X)),
}


def _numpy(value):
    if isinstance(value, (tuple, str)):
        return value
    return np.asarray(value.numpy() if hasattr(value, "numpy") else keras.ops.convert_to_numpy(value))


def _data(convert) -> SimpleNamespace:
    arrays = {"X": X, "Y": Y, "P": P, "T": T, "LABELS": LABELS, "XT": X.T, "YT": Y.T, "INDICES": np.array([2, 0])}
    return SimpleNamespace(**{name: convert(a) for name, a in arrays.items()})


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_backend_function_gives_keras_2s_value(name):
    """The same call on each library's tensors (Keras 2's backend functions take TensorFlow's)."""
    import tensorflow as tf

    theirs = _numpy(CALLS[name](tf_keras().backend, _data(tf.constant)))
    ours = _numpy(CALLS[name](K, _data(keras.ops.convert_to_tensor)))
    if isinstance(theirs, (tuple, str)):
        assert ours == theirs
        return
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours.astype(np.float64), theirs.astype(np.float64), rtol=1e-5, atol=1e-6)


def test_set_value_and_get_value_on_variables_and_the_learning_rate():
    v = K.variable([1.0, 2.0])
    K.set_value(v, [3.0, 4.0])
    np.testing.assert_array_equal(K.get_value(v), [3.0, 4.0])
    K.batch_set_value([(v, [5.0, 6.0])])
    np.testing.assert_array_equal(K.batch_get_value([v])[0], [5.0, 6.0])
    optimizer = keras.optimizers.Adam(0.01)
    K.set_value(optimizer.learning_rate, 0.001)
    assert np.isclose(K.get_value(optimizer.learning_rate), 0.001)
    with pytest.raises(TypeError, match="needs a variable"):
        K.set_value(np.zeros(2), [1.0, 1.0])


def _recall(K):
    def recall_m(y_true, y_pred):
        true_positives = K.sum(K.round(K.clip(y_true * y_pred, 0, 1)))
        possible_positives = K.sum(K.round(K.clip(y_true, 0, 1)))
        return true_positives / (possible_positives + K.epsilon())

    return recall_m


def test_a_custom_metric_written_with_k_gives_keras_2s_numbers():
    keras2 = tf_keras()
    x = RNG.standard_normal((64, 4)).astype(np.float32)
    y = (x[:, :1] + x[:, 1:2] > 0).astype(np.float32)
    results = []
    for library in (keras, keras2):
        model = library.Sequential([library.Input((4,)), library.layers.Dense(1, activation="sigmoid",
                                                                              kernel_initializer="ones")])  # fmt: skip
        model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=[_recall(library.backend)])
        results.append(model.evaluate(x, y, batch_size=64, verbose=0))
    np.testing.assert_allclose(results[0], results[1], rtol=1e-5)


def test_k_functions_record_on_keras_inputs():
    inputs = keras.Input((4,))
    outputs = K.sum(K.square(inputs), axis=-1, keepdims=True)
    model = keras.Model(inputs, outputs)
    np.testing.assert_allclose(model.predict(X, verbose=0), np.sum(X**2, axis=-1, keepdims=True), rtol=1e-6)


def _activation_model(k):
    """A small Sequential with a Dropout (K.function runs in inference mode), weights set alike."""
    model = k.Sequential([k.layers.Dense(4, activation="relu", input_shape=(3,)), k.layers.Dropout(0.5),
                          k.layers.Dense(2)])  # fmt: skip
    model.set_weights([np.linspace(-1, 1, w.size, dtype=np.float32).reshape(w.shape) for w in model.get_weights()])
    return model


def test_k_function_reads_layer_outputs_as_keras_2():
    """Keras 2's FAQ: ``K.function([model.input], [model.layers[i].output])``, with lists or a single tensor."""
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    results = []
    for k in (keras, tf_keras()):
        model = _activation_model(k)
        one = k.backend.function([model.input], [model.layers[1].output])([x])
        bare = k.backend.function(model.input, model.layers[2].output)(x)
        both = k.backend.function([model.input], [model.layers[0].output, model.layers[2].output])([x])
        results.append((one, bare, both))
    (one, bare, both), (their_one, their_bare, their_both) = results
    assert isinstance(one, list) and len(one) == 1 and isinstance(one[0], np.ndarray)
    assert isinstance(bare, np.ndarray) and isinstance(both, list) and len(both) == 2
    for ours, theirs in [
        (one[0], their_one[0]),
        (bare, their_bare),
        (both[0], their_both[0]),
        (both[1], their_both[1]),
    ]:
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6)
    with pytest.raises(ValueError, match="`updates` argument is not supported"):
        keras.backend.function([keras.Input((3,))], [keras.Input((3,))], updates=[1])


def test_a_model_of_one_input_in_a_list_takes_it_in_a_list():
    """``Model([inp], out)([x])`` as Keras 3 (the list was taken as one array with an extra axis)."""
    x = np.random.default_rng(1).standard_normal((4, 3)).astype(np.float32)
    outs = []
    for k in (keras, keras_on_torch()):
        inp = k.Input((3,))
        dense = k.layers.Dense(2)
        model = k.Model([inp], dense(inp))
        dense.set_weights([np.full((3, 2), 0.5, np.float32), np.zeros(2, np.float32)])
        outs.append([k.ops.convert_to_numpy(model([x])), k.ops.convert_to_numpy(model(x))])
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-6)
