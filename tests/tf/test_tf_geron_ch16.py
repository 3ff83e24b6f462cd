"""Hands-On Machine Learning (3rd ed.), chapter 16, "NLP with RNNs and Attention", with ``import nabla.tf as tf``:
the cells that failed on nabla, each checked against the real library.

- The encoder-decoder of two string inputs (``Input(shape=[], dtype=tf.string)`` twice, each read by its own
  ``TextVectorization``) compiled and trained: Keras 3 on TensorFlow is the reference.
- The Transformer's ``attention_mask=causal_mask & decoder_pad_mask`` on symbolic tensors, and the rest of
  Keras 3's ``KerasTensor`` operators: Keras 3 (torch backend) is the reference.
- ``tf.ragged.constant(ids, ragged_rank=1) + 1`` then ``to_tensor()`` (the date-conversion exercise):
  TensorFlow is the reference; a ragged batch into a GRU (the Reber exercise) is refused, as Keras 3 refuses it.
"""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_tensorflow, keras_on_torch
from tf_parity import same_outcome

import nabla.keras as nkeras
import nabla.tf as ntf


def _translator(tf, keras):
    """Cells 88-98 on a few sentences: two string inputs, Embedding(mask_zero=True), an LSTM encoder whose
    states start the LSTM decoder; SGD from fixed weights, two epochs. Returns the losses and a prediction."""
    english = ["i like soccer", "i love cats", "you run", "i like the beach", "we like cats and dogs", "go"]
    spanish = ["me gusta el futbol", "me encantan los gatos", "tu corres", "me gusta la playa",
               "nos gustan los gatos y los perros", "ve"]  # fmt: skip
    text_vec_layer_en = keras.layers.TextVectorization(30, output_sequence_length=8)
    text_vec_layer_es = keras.layers.TextVectorization(30, output_sequence_length=8)
    text_vec_layer_en.adapt(english)
    text_vec_layer_es.adapt([f"startofseq {s} endofseq" for s in spanish])
    x_enc = tf.constant(english)
    x_dec = tf.constant([f"startofseq {s}" for s in spanish])
    y = text_vec_layer_es([f"{s} endofseq" for s in spanish])
    encoder_inputs = keras.layers.Input(shape=[], dtype="string")
    decoder_inputs = keras.layers.Input(shape=[], dtype="string")
    encoder_embeddings = keras.layers.Embedding(30, 4, mask_zero=True)(text_vec_layer_en(encoder_inputs))
    decoder_embeddings = keras.layers.Embedding(30, 4, mask_zero=True)(text_vec_layer_es(decoder_inputs))
    _, *encoder_state = keras.layers.LSTM(5, return_state=True)(encoder_embeddings)
    decoder_outputs = keras.layers.LSTM(5, return_sequences=True)(decoder_embeddings, initial_state=encoder_state)
    y_proba = keras.layers.Dense(30, activation="softmax")(decoder_outputs)
    model = keras.Model(inputs=[encoder_inputs, decoder_inputs], outputs=[y_proba])
    model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.SGD(0.5))
    rng = np.random.default_rng(0)
    model.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    history = model.fit((x_enc, x_dec), y, epochs=2, batch_size=3, shuffle=False, verbose=0).history
    proba = model.predict((tf.constant(["i like cats"]), tf.constant(["startofseq me"])), verbose=0)
    return {"loss": [float(v) for v in history["loss"]], "proba": proba[0, :2].tolist()}


def test_an_encoder_decoder_of_two_string_inputs_trains_as_keras_on_tensorflow():
    # nabla built a model of several inputs from zeros whatever their dtype: the string inputs' TextVectorization
    # refused them at compile ("takes strings, got an array of float32").
    ours = _translator(ntf, nkeras)
    theirs = keras_on_tensorflow(_translator)
    np.testing.assert_allclose(ours["loss"], theirs["loss"], rtol=1e-4)
    np.testing.assert_allclose(ours["proba"], theirs["proba"], rtol=1e-4, atol=1e-6)


def _operators(x, y):
    return [x & x, ~x, x | ~x, x ^ x, y < 2, y <= 1, y > 1, y >= 1, y != 0, y % 2, 7 % (y + 1), y // 2, 7 // (y + 1),
            abs(y - 2), 2**y]  # fmt: skip


def test_keras_tensor_operators_record_keras_3_s_ops():
    keras = keras_on_torch()
    x_values, y_values = np.array([[True, False, True]]), np.array([[0, 1, 3]], "int32")
    results = []
    for k in (nkeras, keras):
        x, y = k.Input((3,), dtype="bool"), k.Input((3,), dtype="int32")
        outputs = _operators(x, y)
        out = k.Model([x, y], outputs)([x_values, y_values])
        results.append(([str(o.dtype) for o in outputs], [np.asarray(t.detach().cpu() if hasattr(t, "cpu") else t)
                                                          for t in out]))  # fmt: skip
    (our_dtypes, ours), (their_dtypes, theirs) = results
    assert our_dtypes == their_dtypes
    for got, want in zip(ours, theirs):
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


def test_the_transformer_s_combined_mask_is_a_logical_and_of_symbolic_masks():
    # Cell 135: causal_mask & decoder_pad_mask, both symbolic (KerasTensor had no & and raised TypeError).
    ids = ntf.keras.Input(shape=[None], dtype="int64")
    pad_mask = ntf.math.not_equal(ids, 0)[:, ntf.newaxis]
    length = ntf.shape(ids)[1]
    causal_mask = ntf.linalg.band_part(ntf.ones((length, length), ntf.bool), -1, 0)
    model = ntf.keras.Model(ids, causal_mask & pad_mask)
    tokens = np.array([[5, 3, 0], [2, 0, 0]])
    tf = pytest.importorskip("tensorflow")
    want = tf.linalg.band_part(tf.ones((3, 3), tf.bool), -1, 0) & tf.math.not_equal(tokens, 0)[:, tf.newaxis]
    got = model(tokens)
    assert got.dtype.name == "bool"
    np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_mod_of_integers_and_a_python_int_keeps_the_tensor_s_dtype():
    keras = keras_on_torch()
    for x, y in [(np.array([3, 4], "int32"), 2), (5, np.array([3, 4], "int32")), (np.array([3, 4], "int64"), 3)]:
        ours, theirs = nkeras.ops.mod(x, y), keras.ops.mod(x, y)
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
        np.testing.assert_array_equal(ours.numpy(), theirs.cpu().numpy())


@pytest.mark.parametrize(
    "expression",
    [
        "tf.ragged.constant([[1, 2, 3], [4]], ragged_rank=1)",
        "tf.ragged.constant([[1.5], [2.0, 3.0]])",
        "(tf.ragged.constant([[1, 2], [3]], ragged_rank=1) + 1).to_tensor()",
        "tf.ragged.constant([[1, 2], [3]])[0]",
        "2 * tf.ragged.constant([[1, 2], [3]]) - tf.ragged.constant([[1, 1], [1]])",
        "tf.ragged.constant([[1, 2], [3]], dtype=tf.float32) / 2",
    ],
)
def test_ragged_constant_and_its_arithmetic_as_tensorflow(expression):
    ours, theirs = same_outcome(expression)
    assert ours == theirs


def test_a_ragged_batch_into_a_recurrent_layer_is_refused_with_the_fix():
    x = ntf.ragged.constant([[1, 2, 3], [4]], ragged_rank=1)
    model = ntf.keras.Sequential([ntf.keras.layers.Embedding(5, 2), ntf.keras.layers.GRU(3)])
    for run in (lambda: model(x), lambda: model.predict(x, verbose=0)):
        with pytest.raises(TypeError, match=r"to_tensor\(\)"):
            run()
    with pytest.raises(TypeError, match="rectangular"):
        ntf.keras.layers.InputLayer(input_shape=[None], dtype=ntf.int32, ragged=True)
    assert keras_on_tensorflow(_ragged_into_a_gru) == "refused"


def _ragged_into_a_gru(tf, keras):
    """Keras 3 on TensorFlow refuses a ragged batch in a GRU too (Keras 2 took it)."""
    model = keras.Sequential([keras.layers.Embedding(5, 2), keras.layers.GRU(3)])
    try:
        model(tf.ragged.constant([[1, 2, 3], [4]]))
    except ValueError:
        return "refused"
    return "ran"
