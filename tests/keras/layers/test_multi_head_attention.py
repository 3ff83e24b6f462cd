"""``MultiHeadAttention`` against Keras 3 on torch, from the same weights: outputs and attention scores, the
weights' shapes and order, the masks Keras merges (attention_mask of several shapes, use_causal_mask,
value_mask, the query's own mask), value_dim/output_shape/use_bias, dropout left off at inference,
gradients reaching every weight, the config, and the errors."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla
from nabla import keras

RNG = np.random.default_rng(0)
QUERY = RNG.standard_normal((2, 3, 6)).astype("float32")
VALUE = RNG.standard_normal((2, 4, 5)).astype("float32")
KEY = RNG.standard_normal((2, 4, 7)).astype("float32")


def _pair(key=KEY, **kwargs):
    """The layer in both libraries, built on (QUERY, VALUE, key) and given the same NumPy-drawn weights."""
    ours, theirs = keras.layers.MultiHeadAttention(**kwargs), keras_on_torch().layers.MultiHeadAttention(**kwargs)
    ours(QUERY, VALUE, key)
    theirs(QUERY, VALUE, key)
    assert [w.shape for w in ours.get_weights()] == [tuple(w.shape) for w in theirs.get_weights()]
    weights = [np.random.default_rng(1).standard_normal(w.shape).astype("float32") * 0.5 for w in theirs.get_weights()]
    ours.set_weights(weights)
    theirs.set_weights(weights)
    return ours, theirs


def _both(pair, *args, **kwargs):
    out = [layer(*args, return_attention_scores=True, **kwargs) for layer in pair]
    for mine, theirs in zip(out[0], out[1]):
        np.testing.assert_allclose(mine.numpy(), theirs.detach().numpy(), rtol=1e-5, atol=1e-5)
    return out[0]


@pytest.mark.parametrize(
    "kwargs", [dict(num_heads=2, key_dim=4), dict(num_heads=3, key_dim=2, value_dim=5, output_shape=8),
               dict(num_heads=1, key_dim=3, use_bias=False), dict(num_heads=2, key_dim=4, dropout=0.3)],
)  # fmt: skip
def test_outputs_and_scores_are_keras_s(kwargs):
    pair = _pair(**kwargs)
    out, scores = _both(pair, QUERY, VALUE, KEY)  # (dropout: off at inference, as Keras)
    assert out.shape == (2, 3, kwargs.get("output_shape", 6)) and scores.shape == (2, kwargs["num_heads"], 3, 4)
    assert out.dtype == np.float32
    _both(_pair(key=None, **kwargs), QUERY, VALUE)  # the key is the value


@pytest.mark.parametrize(
    "masks",
    [dict(attention_mask=RNG.integers(0, 2, (2, 3, 4))),
     dict(attention_mask=np.array([[1, 0, 1, 1], [0, 1, 1, 1], [0, 0, 0, 0]])),  # (T, S); a query sees nothing
     dict(use_causal_mask=True), dict(value_mask=np.array([[1, 1, 0, 0], [1, 1, 1, 0]], bool)),
     dict(attention_mask=RNG.integers(0, 2, (2, 3, 4)), use_causal_mask=True)],
)  # fmt: skip
def test_masks_are_merged_as_keras_merges_them(masks):
    _both(_pair(num_heads=2, key_dim=4), QUERY, VALUE, KEY, **masks)


@pytest.mark.parametrize("dropout", [0.0, 0.3])
def test_a_query_that_may_attend_to_nothing_is_as_keras_s_without_the_scores(dropout):
    """Keras 3 without return_attention_scores and dropout runs ops.dot_product_attention, which leaves such a
    row uniform (its output the mean of the values); with a dropout rate, its Softmax layer zeroes it."""
    pair = _pair(num_heads=2, key_dim=4, dropout=dropout)
    mask = np.array([[1, 0, 1, 1], [0, 1, 1, 1], [0, 0, 0, 0]])  # the third query sees nothing
    mine, theirs = (layer(QUERY, VALUE, KEY, attention_mask=mask) for layer in pair)
    np.testing.assert_allclose(mine.numpy(), theirs.detach().numpy(), rtol=1e-5, atol=1e-5)


def test_the_query_s_own_mask_is_kept_and_a_query_mask_argument_is_replaced_by_it():
    """Keras 3 reads the query's mask (here from Embedding(mask_zero=True)); Keras 2's positional
    ``mha(x, x, x, mask)`` lands in query_mask and is dropped, in both."""
    tokens = np.array([[3, 1, 0], [2, 0, 0]])
    results = []
    for k in (keras, keras_on_torch()):
        embed = k.layers.Embedding(5, 6, mask_zero=True, embeddings_initializer="ones")
        mha = k.layers.MultiHeadAttention(num_heads=1, key_dim=2, kernel_initializer="ones")
        x = embed(tokens)
        masked = mha(x, QUERY, return_attention_scores=True)[1]
        plain = mha(QUERY, QUERY, QUERY, np.zeros((2, 3)), return_attention_scores=True)[1]
        results.append([t.numpy() if k is keras else t.detach().numpy() for t in (masked, plain)])
    for mine, theirs in zip(*results):
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)


def test_gradients_reach_every_weight_and_dropout_trains():
    mha = keras.layers.MultiHeadAttention(num_heads=2, key_dim=3, dropout=0.5)
    out = mha(nabla.tensor(QUERY), VALUE, training=True)
    out.sum().backward()
    assert all(p.grad is not None and np.abs(p.grad.numpy()).sum() > 0 for p in mha.parameters())


def test_config_round_trip_and_errors():
    mha = keras.layers.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=4, dropout=0.1, output_shape=5)
    again = keras.layers.MultiHeadAttention.from_config(mha.get_config())
    assert again.get_config() == mha.get_config()
    assert mha.get_config()["kernel_initializer"] == "glorot_uniform"
    with pytest.raises(ValueError, match="num_heads must be a positive integer"):
        keras.layers.MultiHeadAttention(num_heads=0, key_dim=2)
    with pytest.raises(ValueError, match="attention_axes=.* is not offered"):
        keras.layers.MultiHeadAttention(num_heads=2, key_dim=2, attention_axes=(1, 2))
    with pytest.raises(ValueError, match="query must be .batch, sequence, features., got shape"):
        keras.layers.MultiHeadAttention(num_heads=2, key_dim=2)(np.ones((2, 3)), np.ones((2, 3, 4)))


def test_a_model_file_with_it_loads_with_custom_objects_and_says_so_without(tmp_path):
    query, value = keras.Input((5, 8)), keras.Input((4, 6))
    model = keras.Model([query, value], keras.layers.MultiHeadAttention(2, 4, value_dim=3)(query, value))
    model.save(tmp_path / "attention.keras")
    with pytest.raises(ValueError, match="custom_objects=.'MultiHeadAttention': keras.layers.MultiHeadAttention."):
        keras.models.load_model(tmp_path / "attention.keras")
    custom = {"MultiHeadAttention": keras.layers.MultiHeadAttention}
    loaded = keras.models.load_model(tmp_path / "attention.keras", custom_objects=custom)
    x = [RNG.standard_normal((2, 5, 8)), RNG.standard_normal((2, 4, 6))]
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_the_inputs_may_come_by_name_as_keras_takes_them():
    """``attention(query=x, value=x, key=x)`` (Deep Learning with Python's TransformerDecoder): the first
    argument of ``call`` by its name, eagerly and on ``keras.Input``; any layer's (``Dense(2)(inputs=x)``)."""
    pair = _pair(num_heads=2, key_dim=3)
    by_name = _both(pair, query=QUERY, value=VALUE, key=KEY)
    np.testing.assert_array_equal(by_name[0].numpy(), pair[0](QUERY, VALUE, KEY).numpy())
    symbolic = [layer(query=k.Input((3, 6)), value=k.Input((4, 5)), key=k.Input((4, 7)))
                for layer, k in zip(pair, (keras, keras_on_torch()))]  # fmt: skip
    assert symbolic[0].shape == tuple(symbolic[1].shape) == (None, 3, 6)
    assert keras.layers.Dense(2)(inputs=QUERY).shape == (2, 3, 2)
    with pytest.raises(TypeError, match="the inputs are missing: pass them first, or as query="):
        pair[0](value=VALUE)
