"""A tiny Transformer decoder block (Embedding -> MultiHeadAttention -> Dense) trained by ``fit``: the
captured step (``jit_compile=True``, which raises where a step cannot be captured), eager training and
Keras 3, from the same weights, give the same losses and masked accuracies, with the causal mask, an
explicit attention mask (a constant, or a model input) and Embedding(mask_zero=True)'s padding mask, which
Keras merges with them.

A query that may attend to nothing is checked against Keras on TensorFlow (run in a fresh interpreter):
Keras's torch backend adds its mask to the scores, so gradients still reach such a row's scores, where
TensorFlow's (and nabla's) ``where`` sends them none; their values agree."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from keras_reference import keras_on_torch, run_on_keras_tensorflow

from nabla import keras

VOCAB, STEPS, DIM = 7, 5, 8
RNG = np.random.default_rng(0)
TOKENS = RNG.integers(0, VOCAB, (18, STEPS))  # 18: the last batch of 4 is smaller (a second recorded step)
TARGETS = RNG.integers(0, VOCAB, (18, STEPS))
PAIRS = np.maximum(RNG.random((18, STEPS, STEPS)) < 0.7, np.eye(STEPS)).astype("float32")  # each sees itself
EMPTY_ROWS = PAIRS.copy()
EMPTY_ROWS[::2, 2] = 0  # the third query of every other sequence may attend to nothing
TRIANGLE = np.tril(np.ones((STEPS, STEPS), "float32"))


def _decoder(k, mask_zero: bool, attention: str):
    """The block in library ``k``; ``attention``: "causal", "constant" (TRIANGLE given as attention_mask) or
    "input" (a second input as attention_mask, with the causal mask too)."""
    tokens = k.Input((STEPS,), dtype="int32")
    inputs = [tokens, k.Input((STEPS, STEPS))] if attention == "input" else tokens
    x = k.layers.Embedding(VOCAB, DIM, mask_zero=mask_zero)(tokens)
    masks = {"causal": dict(use_causal_mask=True), "constant": dict(attention_mask=TRIANGLE),
             "input": dict(attention_mask=inputs[-1], use_causal_mask=True)}[attention]  # fmt: skip
    x = k.layers.MultiHeadAttention(num_heads=2, key_dim=4)(x, x, **masks)
    return k.Model(inputs, k.layers.Dense(VOCAB)(x))


def _fit(k, model, weights, pairs=None, **compile_kwargs) -> dict:
    loss = k.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(k.optimizers.SGD(0.5), loss, metrics=["accuracy"], **compile_kwargs)
    model.set_weights(weights)
    x = TOKENS if pairs is None else [TOKENS, pairs]
    history = model.fit(x, TARGETS, epochs=3, batch_size=4, shuffle=False, verbose=0).history
    return {name: [float(v) for v in history[name]] for name in ("loss", "accuracy")}


def _assert_trains_as(want, mask_zero, attention, pairs=None):
    weights = [np.random.default_rng(1).normal(0, 0.3, w.shape).astype("float32")
               for w in _decoder(keras, mask_zero, attention).get_weights()]  # fmt: skip
    captured = _fit(keras, _decoder(keras, mask_zero, attention), weights, pairs, jit_compile=True)
    eager = _fit(keras, _decoder(keras, mask_zero, attention), weights, pairs, run_eagerly=True)
    reference = want(weights)
    for name in ("loss", "accuracy"):  # (accuracy: over the real steps only, the output's mask weighing them)
        np.testing.assert_allclose(captured[name], reference[name], rtol=1e-5)
        np.testing.assert_allclose(captured[name], eager[name], rtol=1e-6)


@pytest.mark.parametrize(
    "mask_zero, attention",
    [(False, "causal"), (True, "causal"), (True, "constant"), (True, "input")],
)
def test_a_decoder_block_trains_as_keras_s_in_the_captured_step_and_eagerly(mask_zero, attention):
    pairs = PAIRS if attention == "input" else None
    k = keras_on_torch()
    _assert_trains_as(lambda weights: _fit(k, _decoder(k, mask_zero, attention), weights, pairs),
                      mask_zero, attention, pairs)  # fmt: skip


_TF_SCRIPT = """
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
import keras
import test_attention_fit as t
assert keras.backend.backend() == "tensorflow"
weights = [np.asarray(w, "float32") for w in json.loads(sys.stdin.read())]
print(json.dumps(t._fit(keras, t._decoder(keras, True, "input"), weights, t.EMPTY_ROWS)))
"""


def _fit_on_tensorflow(weights) -> dict:
    """``_fit`` of the "input" block on EMPTY_ROWS by Keras 3 on TensorFlow, in a fresh interpreter."""
    here = os.path.dirname(os.path.abspath(__file__))
    return run_on_keras_tensorflow(_TF_SCRIPT, here, stdin=json.dumps([w.tolist() for w in weights]))


def test_a_query_that_may_attend_to_nothing_trains_as_keras_on_tensorflow():
    _assert_trains_as(_fit_on_tensorflow, True, "input", EMPTY_ROWS)


def test_an_embedding_index_out_of_range_in_a_later_batch_raises_in_the_captured_step():
    model = _decoder(keras, False, "causal")
    model.compile("sgd", keras.losses.SparseCategoricalCrossentropy(from_logits=True), jit_compile=True)
    tokens = TOKENS[:8].copy()
    tokens[6, 1] = VOCAB  # in the second batch, which a replay of the first one's step runs
    with pytest.raises(ValueError, match=r"index 7 is outside \[0, 7\) \(input_dim\)"):
        model.fit(tokens, TARGETS[:8], batch_size=4, shuffle=False, verbose=0)
