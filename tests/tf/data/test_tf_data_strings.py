"""tf.data pipelines of text (``tf.string`` leaves) against TensorFlow 2.21: the same elements, specs and printing;
``tf.strings`` in ``map``; Keras's string-input models trained on such datasets; ``text_dataset_from_directory``;
the "Load a pandas DataFrame" tutorial's dict of mixed columns."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require
from data_parity import same, same_pipeline

import nabla.keras as keras
import nabla.tf as ntf

TEXTS = np.array(["A good Movie", "bad, awful plot", "GREAT fun", "awful", "fun, fun", "boring", "good"])
LABELS = np.array([1, 0, 1, 0, 1, 0, 1], np.int32)

PIPELINES = {
    "slices of texts and labels": lambda tf: tf.data.Dataset.from_tensor_slices((TEXTS, LABELS)),
    "a Python list of str": lambda tf: tf.data.Dataset.from_tensor_slices(["é", "b", ""]),
    "bytes": lambda tf: tf.data.Dataset.from_tensor_slices(np.array([b"x", b"yz"], dtype=object)),
    "batch": lambda tf: tf.data.Dataset.from_tensor_slices((TEXTS, LABELS)).batch(3),
    "batch, unbatch": lambda tf: tf.data.Dataset.from_tensor_slices((TEXTS, LABELS)).batch(3).unbatch(),
    "map with tf.strings": lambda tf: tf.data.Dataset.from_tensor_slices((TEXTS, LABELS)).map(
        lambda x, y: (tf.strings.regex_replace(tf.strings.lower(x), "[,]", ""), y)
    ),
    "map on batches": lambda tf: tf.data.Dataset.from_tensor_slices(TEXTS).batch(2).map(tf.strings.upper),
    "filter on text": lambda tf: tf.data.Dataset.from_tensor_slices((TEXTS, LABELS)).filter(lambda x, y: x != "awful"),
    "take, skip, concatenate": lambda tf: (
        tf.data.Dataset.from_tensor_slices(TEXTS).take(2).concatenate(tf.data.Dataset.from_tensor_slices(TEXTS).skip(5))
    ),
    "zip, cache, prefetch": lambda tf: (
        tf.data.Dataset.zip((tf.data.Dataset.from_tensor_slices(TEXTS), tf.data.Dataset.from_tensor_slices(LABELS)))
        .cache()
        .prefetch(tf.data.AUTOTUNE)
    ),
    "padded_batch": lambda tf: tf.data.Dataset.from_tensor_slices([["a", "b"], ["c", "d"], ["e", "f"]]).padded_batch(
        2, padded_shapes=[3]
    ),
    "a dict of texts and numbers": lambda tf: tf.data.Dataset.from_tensor_slices({"t": TEXTS, "n": LABELS}).batch(4),
}


@pytest.fixture(scope="module")
def tensorflow():
    return require("tensorflow")


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_the_pipeline_of_texts_is_tensorflows(tensorflow, name):
    same_pipeline(PIPELINES[name](ntf), PIPELINES[name](tensorflow))


def test_text_elements_print_and_read_as_tensorflows(tensorflow):
    ours = ntf.data.Dataset.from_tensor_slices((TEXTS, LABELS))
    theirs = tensorflow.data.Dataset.from_tensor_slices((TEXTS, LABELS))
    for batch in (1, 3):
        (x, y), (tx, ty) = next(iter(ours.batch(batch))), next(iter(theirs.batch(batch)))
        assert (str(x), repr(x), str(y)) == (str(tx), repr(tx), str(ty))
        assert x.dtype == ntf.string and tuple(x.shape) == tuple(tx.shape)
        assert repr(x[0]) == repr(tx[0]) and repr(x == "GREAT fun") == repr(tx == "GREAT fun")
    (x, _), (tx, _) = next(iter(ours)), next(iter(theirs))
    assert (str(x), repr(x)) == (str(tx), repr(tx))
    assert type(x.numpy()) is bytes and x.numpy() == tx.numpy()
    batch, their_batch = next(iter(ours.batch(2)))[0], next(iter(theirs.batch(2)))[0]
    assert (f"{x}", f"{x!s:>40}", f"{batch}") == (f"{tx}", f"{tx!s:>40}", f"{their_batch}")  # the CSV tutorial's
    assert repr(ntf.constant(["a", "é"])) == repr(tensorflow.constant(["a", "é"]))
    x, tx = next(iter(ours.batch(2)))[0], next(iter(theirs.batch(2)))[0]
    assert repr(ntf.expand_dims(x, -1)) == repr(tensorflow.expand_dims(tx, -1))  # keras.io's vectorize_text


def test_shuffle_keeps_every_text_and_reshuffles(tensorflow):
    ds = ntf.data.Dataset.from_tensor_slices((TEXTS, LABELS)).shuffle(10)
    passes = [[x.numpy() for x, _ in ds] for _ in range(4)]
    assert all(sorted(p) == sorted(t.encode() for t in TEXTS) for p in passes)
    assert len({tuple(p) for p in passes}) > 1


def _text_model(k):
    """keras.io's end-to-end text model, smaller: a string input, TextVectorization, an embedding classifier."""
    inputs = k.Input(shape=(1,), dtype="string")
    vectorize = k.layers.TextVectorization(max_tokens=30, output_mode="int", output_sequence_length=6)
    vectorize.adapt(TEXTS)
    x = k.layers.GlobalAveragePooling1D()(k.layers.Embedding(30, 4)(vectorize(inputs)))
    return k.Model(inputs, k.layers.Dense(1, activation="sigmoid")(x))


def test_a_string_model_fits_evaluates_and_predicts_on_a_dataset_of_texts():
    model = _text_model(keras)
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    dataset = ntf.data.Dataset.from_tensor_slices((TEXTS, LABELS.astype(np.float32))).batch(3)
    expected = model.evaluate(TEXTS, LABELS.astype(np.float32), verbose=0)
    np.testing.assert_allclose(model.evaluate(dataset, verbose=0), expected, rtol=1e-6)
    np.testing.assert_allclose(model.predict(dataset.map(lambda x, y: x), verbose=0), model.predict(TEXTS, verbose=0))
    assert np.isfinite(model.fit(dataset, epochs=2, verbose=0).history["loss"]).all()


def test_text_dataset_from_directory_is_a_tf_data_dataset_of_strings(tensorflow, tmp_path):
    from keras_reference import keras_on_torch

    for label, words in (("neg", "dull. Boring"), ("pos", "Great<br />film!")):
        (tmp_path / label).mkdir()
        for i in range(3):
            (tmp_path / label / f"{i}.txt").write_text(f"{words} {i}")
    ours = keras.utils.text_dataset_from_directory(tmp_path, batch_size=4, shuffle=False)
    theirs = keras_on_torch().utils.text_dataset_from_directory(tmp_path, batch_size=4, shuffle=False)
    assert isinstance(ours, ntf.data.Dataset)
    assert repr(ours.element_spec) == repr(theirs.element_spec)
    assert ours.class_names == theirs.class_names == ["neg", "pos"]
    assert ours.file_paths == [str(p) for p in sorted(tmp_path.glob("*/*.txt"))]  # (sorted path order)
    for a, b in zip(ours.as_numpy_iterator(), theirs.as_numpy_iterator(), strict=True):
        same(a, b)
    lowered = ours.unbatch().map(lambda x, y: (ntf.strings.lower(x), y))
    their_lowered = theirs.unbatch().map(lambda x, y: (tensorflow.strings.lower(x), y))
    for a, b in zip(lowered.as_numpy_iterator(), their_lowered.as_numpy_iterator(), strict=True):
        same(a, b)


def test_a_pandas_frame_of_mixed_columns_trains_a_model_with_string_inputs(tensorflow):
    """TensorFlow's "Load a pandas DataFrame" tutorial, its last part: a dict of columns, string ones through
    ``StringLookup``, numeric ones normalized, one functional model on them."""
    pd = require("pandas")
    df = pd.DataFrame(
        {
            "age": [63, 37, 41, 56, 57, 44],
            "thal": ["fixed", "normal", "reversible", "normal", "fixed", "normal"],
            "chol": [233.0, 250, 204, 236, 354, 263],
        }
    )
    target = pd.Series([0, 1, 0, 1, 1, 0])
    ours = ntf.data.Dataset.from_tensor_slices((dict(df), target))
    theirs = tensorflow.data.Dataset.from_tensor_slices((dict(df), target))
    assert repr(ours.batch(2).element_spec) == repr(theirs.batch(2).element_spec)
    for a, b in zip(ours.batch(2).as_numpy_iterator(), theirs.batch(2).as_numpy_iterator(), strict=True):
        same(a, b)

    inputs = {"age": keras.Input(shape=(), name="age", dtype="float32"),
              "chol": keras.Input(shape=(), name="chol", dtype="float32"),
              "thal": keras.Input(shape=(), name="thal", dtype=ntf.string)}  # fmt: skip
    lookup = keras.layers.StringLookup(vocabulary=["fixed", "normal", "reversible"], output_mode="one_hot")
    numeric = keras.layers.Concatenate()([keras.ops.expand_dims(inputs[k], -1) / 100.0 for k in ("age", "chol")])
    x = keras.layers.Concatenate()([numeric, lookup(inputs["thal"])])
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(keras.layers.Dense(4)(x)))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    history = model.fit(ours.batch(2), epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    arrays = {"age": df["age"].to_numpy(np.float32), "chol": df["chol"].to_numpy(np.float32),
              "thal": df["thal"].to_numpy()}  # fmt: skip
    np.testing.assert_allclose(model.predict(ours.batch(2).map(lambda x, y: x), verbose=0),
                               model.predict(arrays, verbose=0), rtol=1e-6)  # fmt: skip


def test_a_string_tensor_iterates_and_copies_as_tensorflows(tensorflow):
    ours, theirs = ntf.constant(["ab", "c"]), tensorflow.constant(["ab", "c"])
    assert [repr(s) for s in ours] == [repr(s) for s in theirs]
    copy = np.array(ours, copy=True)
    copy[0] = b"zz"
    assert ours.numpy().tolist() == [b"ab", b"c"]  # (a tensor never changes)
