"""A model whose ``call`` makes tensors from shapes (a causal mask ``tril(ones(...))``, positions ``arange``,
``cumsum``'s triangle, ``dot_product_attention``'s causal mask, the all-true mask ``Concatenate`` gives an
input without one), reads a NumPy mask or casts a mask computed in the step trains in ``fit``'s captured
step (``jit_compile=True``, which raises where a step cannot be captured) with the losses of eager training
bit for bit, and Keras 3's (on torch, in-process) from the same initial weights."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

from nabla import keras

STEPS, DIM, VOCAB = 4, 3, 6
RNG = np.random.default_rng(0)
X = RNG.normal(size=(10, STEPS, DIM)).astype("float32")  # 10: the last batch of 2 is a second recorded step
Y = RNG.normal(size=(10, STEPS, DIM)).astype("float32")
TOKENS = RNG.integers(0, VOCAB, (10, STEPS))
KEEP = (RNG.random((10, STEPS)) < 0.7).astype("float32")
NUMPY_MASK = np.array([True, True, False, True])  # a NumPy mask a layer's call hands to another layer


def _scores(ops, x):
    return ops.matmul(x, ops.transpose(x, (0, 2, 1)))  # (batch, steps, steps)


def _causal(ops, x, keep):
    s = _scores(ops, x)
    return ops.matmul(ops.softmax(ops.where(keep > 0, s, -1e9), axis=-1), x)


def _heads(ops, x):
    return ops.reshape(x, (ops.shape(x)[0], STEPS, 1, DIM))


def _positive_or_self(ops, x):
    """(batch, 1, steps, steps): a query attends to itself and the keys whose first feature is positive."""
    return ops.logical_or(ops.expand_dims(ops.expand_dims(x[:, :, 0] > 0, 1), 1), ops.eye(STEPS, dtype="bool"))


CALLS = {
    "tril(ones)": lambda ops, x: _causal(ops, x, ops.tril(ops.ones((STEPS, STEPS)))),
    "triu(full)": lambda ops, x: _causal(ops, x, ops.triu(ops.full((STEPS, STEPS), 2.0), 1) == 0),
    "tri": lambda ops, x: _causal(ops, x, ops.tri(STEPS)),
    "eye": lambda ops, x: x + ops.matmul(_scores(ops, x) * ops.eye(STEPS), x),
    "zeros": lambda ops, x: ops.concatenate([x, ops.zeros((ops.shape(x)[0], 1, DIM))], axis=1)[:, 1:] * x,
    "arange": lambda ops, x: x * ops.expand_dims(ops.cast(ops.arange(1, STEPS + 1), "float32"), -1),
    "zeros_like": lambda ops, x: ops.maximum(x, ops.zeros_like(x)),
    "ones_like": lambda ops, x: x * (ops.ones_like(x) + x),
    "full_like": lambda ops, x: x * ops.full_like(x, 0.5) + x * x,
    "cumsum": lambda ops, x: ops.cumsum(x, axis=1) * x,
    "dot_product_attention(is_causal)": lambda ops, x: ops.dot_product_attention(
        _heads(ops, x), _heads(ops, x), _heads(ops, x), is_causal=True
    ),
    "dot_product_attention(mask)": lambda ops, x: ops.dot_product_attention(
        _heads(ops, x), _heads(ops, x), _heads(ops, x), mask=np.tri(STEPS, dtype=bool)
    ),
    "dot_product_attention(mask of x)": lambda ops, x: ops.dot_product_attention(
        _heads(ops, x), _heads(ops, x), _heads(ops, x), mask=_positive_or_self(ops, x)
    ),
}


def _layer(k, fn):
    class Calls(k.layers.Layer):
        def call(self, x):
            return k.ops.reshape(fn(k.ops, x), (k.ops.shape(x)[0], STEPS, DIM))

    return Calls()


def _model(k, name):
    x = k.Input((STEPS, DIM))
    h = k.layers.Dense(DIM)(x)
    return k.Model(x, k.layers.Dense(DIM)(_layer(k, CALLS[name])(h)))


def _fit(k, model, weights, x, y, **compile_kwargs) -> list:
    model.compile(k.optimizers.SGD(0.1), "mse", **compile_kwargs)
    model.set_weights(weights)
    return [float(v) for v in model.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0).history["loss"]]


def _assert_trains_as_keras(build, x, y):
    k = keras_on_torch()
    weights = [np.random.default_rng(1).normal(0, 0.5, w.shape).astype("float32") for w in build(keras).get_weights()]
    captured = _fit(keras, build(keras), weights, x, y, jit_compile=True)
    eager = _fit(keras, build(keras), weights, x, y, run_eagerly=True)
    assert captured == eager
    np.testing.assert_allclose(captured, _fit(k, build(k), weights, x, y), rtol=1e-6)


@pytest.mark.parametrize("name", list(CALLS))
def test_a_layer_making_tensors_from_shapes_trains_as_keras_in_the_captured_step(name):
    _assert_trains_as_keras(lambda k: _model(k, name), X, Y)


def _concatenated(k):
    tokens = k.Input((STEPS,), dtype="int32")
    masked = k.layers.Embedding(VOCAB, DIM, mask_zero=True)(tokens)
    plain = k.layers.Embedding(VOCAB, DIM)(tokens)
    joined = k.layers.Concatenate()([masked, plain])  # the plain input's mask: all true
    return k.Model(tokens, k.layers.Dense(DIM)(joined))


def test_concatenated_masked_and_plain_embeddings_train_as_keras_in_the_captured_step():
    _assert_trains_as_keras(_concatenated, TOKENS, Y)


def _numpy_masked(k):
    class Pooled(k.layers.Layer):
        def __init__(self):
            super().__init__()
            self.pool = k.layers.GlobalAveragePooling1D()

        def call(self, x):
            return self.pool(x, mask=NUMPY_MASK[None].repeat(k.ops.shape(x)[0], 0))

    x = k.Input((STEPS, DIM))
    return k.Model(x, k.layers.Dense(DIM)(Pooled()(k.layers.Dense(DIM)(x))))


def test_a_numpy_mask_given_to_a_layer_trains_as_keras_in_the_captured_step():
    _assert_trains_as_keras(_numpy_masked, X, Y[:, 0])
