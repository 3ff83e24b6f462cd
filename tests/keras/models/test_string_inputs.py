"""Models that take strings: ``keras.Input(dtype="string")`` before ``TextVectorization`` or ``StringLookup``, as
keras.io's "Text classification from scratch" (its end-to-end model) and "Structured data classification" build
them. Shapes and summaries against Keras 3 (on PyTorch, which builds such models but cannot run them on
strings); predictions with copied weights against Keras 2 on TensorFlow (``tf_keras``), which runs them."""

from __future__ import annotations

import numpy as np
import pytest
from tf_keras_reference import tf_keras

import nabla.keras as nabla_keras

TEXTS = np.array(["a good movie, great fun!", "bad, awful plot", "great acting and a good cast",
                  "awful boring bad film", "fun, fun, great fun", "boring", "good", "the plot was bad"])  # fmt: skip
LABELS = np.array([1, 0, 1, 0, 1, 0, 1, 0], np.float32)
UNSEEN = np.array(["an unseen review", "great", "", "bad bad bad plot twist"])


def _vectorize(k, **kwargs):
    layer = k.layers.TextVectorization(max_tokens=30, output_mode="int", **kwargs)
    layer.adapt(TEXTS)
    return layer


def _classifier(k, inputs):
    """keras.io's text classifier on word ids, smaller: Embedding, strided Conv1D, global max pooling, Dense."""
    x = k.layers.Embedding(30, 8)(inputs)
    x = k.layers.Conv1D(6, 3, strides=2, activation="relu")(x)
    x = k.layers.GlobalMaxPooling1D()(x)
    x = k.layers.Dense(5, activation="relu")(x)
    return k.layers.Dense(1, activation="sigmoid", name="predictions")(x)


def _text_model(k):
    inputs = k.Input(shape=(1,), dtype="string")
    return k.Model(inputs, _classifier(k, _vectorize(k, output_sequence_length=10)(inputs)))


def _end_to_end(k):
    """The example's last section: a model on ids, then a string input, the vectorizer and that model."""
    ids = k.Input(shape=(None,), dtype="int64")
    model = k.Model(ids, _classifier(k, ids))
    inputs = k.Input(shape=(1,), dtype="string")
    return k.Model(inputs, model(_vectorize(k, output_sequence_length=10)(inputs)))


def _trained(model) -> list:
    """The layers of ``model`` that have trainable weights, those of the models inside it included."""
    found = []
    for layer in model.layers:
        found += _trained(layer) if hasattr(layer, "layers") else [layer] if layer.trainable_weights else []
    return found


def _copy_weights(source, target) -> None:
    """``source``'s trainable weights into ``target`` (the same architecture in another library), layer by layer
    (the preprocessing layers were adapted on the same data)."""
    ours, theirs = _trained(source), _trained(target)
    assert [type(layer).__name__ for layer in ours] == [type(layer).__name__ for layer in theirs]
    for a, b in zip(ours, theirs):
        b.set_weights(a.get_weights())


@pytest.mark.parametrize(
    ("shape", "make"),
    [
        ((1,), lambda k: _vectorize(k, output_sequence_length=7)),
        ((), lambda k: _vectorize(k, output_sequence_length=7)),
        ((1,), _vectorize),
        ((), _vectorize),
        # (on (None, 1) Keras 3 says (None, 1, depth) and gives (batch, depth), as Keras 2 says and nabla: not compared)
        ((), lambda k: k.layers.TextVectorization(output_mode="multi_hot", vocabulary=["good", "bad"])),
        ((), lambda k: k.layers.TextVectorization(output_mode="tf_idf", vocabulary=["a"], idf_weights=[0.5])),
        ((1,), lambda k: k.layers.StringLookup(vocabulary=["x", "y"])),
        ((3,), lambda k: k.layers.StringLookup(vocabulary=["x", "y"], output_mode="count")),
        ((1,), lambda k: k.layers.StringLookup(vocabulary=["x", "y"], output_mode="one_hot")),
        ((1,), lambda k: k.layers.StringLookup(vocabulary=["x", "y", "z"], output_mode="binary")),
    ],  # fmt: skip
    ids=[
        "vectorize-fixed-column",
        "vectorize-fixed-1d",
        "vectorize-column",
        "vectorize-1d",
        "multi_hot",
        "tf_idf",
        "lookup-int",
        "lookup-count",
        "lookup-one_hot",
        "lookup-binary",
    ],  # fmt: skip
)
def test_symbolic_shapes_and_dtypes_are_keras_3s(keras, shape, make):
    ours = make(nabla_keras)(nabla_keras.Input(shape=shape, dtype="string"))
    theirs = make(keras)(keras.Input(shape=shape, dtype="string"))
    assert ours.shape == tuple(theirs.shape)
    assert repr(ours).split("dtype=")[1].split(">")[0] == theirs.dtype


def test_string_inputs_are_string_tensors(keras):
    for dtype in ("string", str):
        x = nabla_keras.Input(shape=(1,), dtype=dtype, name="text")
        assert repr(x) == "<KerasTensor shape=(None, 1), dtype=string, name=text>"
    ids = nabla_keras.Input(shape=(2,), dtype="int64")
    words = nabla_keras.layers.StringLookup(vocabulary=["x", "y"], invert=True)(ids)  # strings out: a string tensor
    theirs = keras.layers.StringLookup(vocabulary=["x", "y"], invert=True)(keras.Input(shape=(2,), dtype="int64"))
    assert words.shape == tuple(theirs.shape)  # (Keras 3 says int64 there, and gives strings on TensorFlow)
    assert repr(words).endswith("dtype=string>")
    model = nabla_keras.Model(ids, words)
    assert model.predict(np.array([[1, 2], [0, 9]]), verbose=0).tolist() == [["x", "y"], ["[UNK]", "[UNK]"]]


@pytest.mark.parametrize("make", [_text_model, _end_to_end,
                                  lambda k: k.Sequential([k.Input(shape=(1,), dtype="string"), _vectorize(k),
                                                          k.layers.Embedding(30, 4), k.layers.GlobalAveragePooling1D(),
                                                          k.layers.Dense(1)])],  # fmt: skip
                         ids=["functional", "end-to-end", "sequential"])  # fmt: skip
def test_summaries_are_keras_3s_line_for_line(keras, capsys, make):
    texts = []
    for k, clear in ((keras, keras.utils.clear_session), (nabla_keras, nabla_keras.layers.clear_session)):
        clear()
        model = make(k)
        capsys.readouterr()
        model.summary()
        texts.append(capsys.readouterr().out.rstrip().splitlines())
    assert texts[1] == texts[0]


@pytest.mark.parametrize("make", [_text_model, _end_to_end], ids=["functional", "end-to-end"])
def test_predictions_and_evaluation_on_strings_are_keras_2s(make):
    reference = tf_keras()
    ours, theirs = make(nabla_keras), make(reference)
    assert ours.layers[1].get_vocabulary() == theirs.layers[1].get_vocabulary()
    _copy_weights(ours, theirs)
    for texts in (TEXTS, UNSEEN):  # (Keras 2 takes a column only; nabla and Keras 3 a 1-D array too)
        want = theirs.predict(texts.reshape(-1, 1), verbose=0)
        for given in (texts, texts.reshape(-1, 1)):
            np.testing.assert_allclose(ours.predict(given, verbose=0), want, rtol=1e-5, atol=1e-6)
    for model in (ours, theirs):
        model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    want = theirs.evaluate(TEXTS.reshape(-1, 1), LABELS, verbose=0)
    np.testing.assert_allclose(ours.evaluate(TEXTS, LABELS, verbose=0), want, rtol=1e-5)


def test_lists_of_strings_and_one_text_predict_as_arrays():
    model = _text_model(nabla_keras)
    want = model.predict(TEXTS, verbose=0)
    np.testing.assert_array_equal(model.predict(list(TEXTS), verbose=0), want)
    np.testing.assert_array_equal(model.predict(TEXTS.astype(object), verbose=0), want)  # (a pandas column)
    np.testing.assert_array_equal(model.predict(np.char.encode(TEXTS), verbose=0), want)  # bytes (a tf.data batch)
    np.testing.assert_allclose(model(TEXTS[:2]).numpy(), want[:2], rtol=1e-6)
    np.testing.assert_allclose(model.predict(np.array(["good"]), verbose=0), want[6:7], rtol=1e-6)


def test_fit_on_strings_trains_as_fit_on_their_ids():
    """The end-to-end model's training (the vectorizer inside) is the training of its model on the ids."""
    end_to_end = _end_to_end(nabla_keras)
    vectorize, model = end_to_end.layers[1], end_to_end.layers[2]
    alone = nabla_keras.models.clone_model(model)
    alone.set_weights(model.get_weights())
    for m in (end_to_end, alone):
        m.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    ours = end_to_end.fit(TEXTS, LABELS, batch_size=3, epochs=3, shuffle=False, verbose=0)
    theirs = alone.fit(vectorize(TEXTS), LABELS, batch_size=3, epochs=3, shuffle=False, verbose=0)
    np.testing.assert_allclose(ours.history["loss"], theirs.history["loss"], rtol=1e-5)
    for a, b in zip(model.get_weights(), alone.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def _structured(k, data):
    """keras.io's "Structured data classification": named inputs, a Normalization per number, an IntegerLookup
    or StringLookup per category (multi-hot, "binary"), adapted on the data, joined into a small classifier."""
    inputs, encoded = {}, []
    for name, values in data.items():
        if values.dtype.kind == "f":
            inputs[name] = k.Input(shape=(1,), name=name)
            layer = k.layers.Normalization()
        else:
            text = values.dtype.kind == "U"
            inputs[name] = k.Input(shape=(1,), name=name, dtype="string" if text else "int64")
            layer = (k.layers.StringLookup if text else k.layers.IntegerLookup)(output_mode="binary")
        layer.adapt(values.reshape(-1, 1))
        encoded.append(layer(inputs[name]))
    x = k.layers.Dense(8, activation="relu")(k.layers.concatenate(encoded))
    x = k.layers.Dropout(0.5)(x)
    return k.Model(inputs, k.layers.Dense(1, activation="sigmoid")(x))


def test_structured_data_model_on_named_inputs_is_keras_2s():
    rng = np.random.default_rng(0)
    data = {"age": rng.normal(50, 9, 30).astype(np.float32), "sex": rng.integers(0, 2, 30),
            "cp": rng.integers(0, 5, 30), "thal": rng.choice(["fixed", "normal", "reversible"], 30)}  # fmt: skip
    ours, theirs = _structured(nabla_keras, data), _structured(tf_keras(), data)
    assert [t.shape for t in ours.outputs] == [tuple(t.shape) for t in theirs.outputs]
    _copy_weights(ours, theirs)
    columns = {name: values.reshape(-1, 1) for name, values in data.items()}
    np.testing.assert_allclose(ours.predict(columns, verbose=0), theirs.predict(columns, verbose=0), rtol=1e-5)
    sample = {"thal": np.array(["unknown"]), "age": np.array([60.0]), "sex": np.array([1]), "cp": np.array([9])}
    want = theirs.predict({name: value.reshape(-1, 1) for name, value in sample.items()}, verbose=0)
    np.testing.assert_allclose(ours.predict(sample, verbose=0), want, rtol=1e-5)
    np.testing.assert_allclose(ours(sample).numpy(), want, rtol=1e-5)  # (a dict in another order than the inputs')
    ours.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    labels = (data["thal"] == "normal").astype(np.float32)
    history = ours.fit(data, labels, epochs=2, batch_size=8, validation_data=(data, labels), verbose=0)
    assert np.isfinite(history.history["val_loss"]).all()


def test_text_where_numbers_go_and_numbers_where_text_goes_are_clear_errors(tmp_path):
    numeric = nabla_keras.Sequential([nabla_keras.Input(shape=(1,)), nabla_keras.layers.Dense(1)])
    with pytest.raises(TypeError, match=r"must be numeric, got an array of <U\d+; a model takes text through .*string"):
        numeric.predict(np.array(["text"]), verbose=0)
    with pytest.raises(TypeError, match="must be numeric, got an array of <U4; a model takes text"):
        numeric(np.array([["text"]]))
    model = _text_model(nabla_keras)
    with pytest.raises(TypeError, match="must be strings: model 'functional.*' takes text"):
        model.predict(np.array([[1.0]]), verbose=0)
    with pytest.raises(ValueError, match="must have a batch axis, got a single string"):
        model.predict("one text", verbose=0)
    model.save(tmp_path / "model.keras")  # the vocabulary travels in the config (test_saving_vocabulary.py)
    np.testing.assert_array_equal(nabla_keras.models.load_model(tmp_path / "model.keras").predict(TEXTS, verbose=0),
                                  model.predict(TEXTS, verbose=0))  # fmt: skip
    model.save_weights(tmp_path / "model.weights.h5")
    again = _text_model(nabla_keras)
    again.load_weights(tmp_path / "model.weights.h5")
    np.testing.assert_array_equal(again.predict(TEXTS, verbose=0), model.predict(TEXTS, verbose=0))


def test_a_subclassed_model_calls_its_vectorizer_on_the_texts_given():
    class Classifier(nabla_keras.Model):
        def __init__(self):
            super().__init__()
            self.vectorize = _vectorize(nabla_keras, output_sequence_length=10)
            self.embed = nabla_keras.layers.Embedding(30, 4)
            self.pool = nabla_keras.layers.GlobalAveragePooling1D()
            self.out = nabla_keras.layers.Dense(1, activation="sigmoid")

        def call(self, texts):
            return self.out(self.pool(self.embed(self.vectorize(texts))))

    model = Classifier()
    model.compile("adam", "binary_crossentropy")
    model.fit(TEXTS, LABELS, epochs=1, verbose=0)
    want = model.out(model.pool(model.embed(model.vectorize(UNSEEN)))).numpy()
    np.testing.assert_allclose(model.predict(UNSEEN, verbose=0), want, rtol=1e-6)


def test_a_standardization_written_with_tf_strings_gives_keras_2s_ids():
    """keras.io's example standardizes with ``tf.strings`` (lowercase, drop ``<br />``, strip punctuation): the same
    function gives nabla's layer the vocabulary and ids Keras 2's gets."""
    reference = tf_keras()
    import tensorflow as tf

    def standardize(text):
        text = tf.strings.regex_replace(tf.strings.lower(text), "<br />", " ")
        return tf.strings.regex_replace(text, r"[!,.]", "")

    texts = np.array([f"{text}<br />The END." for text in TEXTS])
    ours, theirs = (k.layers.TextVectorization(standardize=standardize, output_sequence_length=12)
                    for k in (nabla_keras, reference))  # fmt: skip
    ours.adapt(texts)
    theirs.adapt(texts)
    assert ours.get_vocabulary() == theirs.get_vocabulary()
    np.testing.assert_array_equal(ours(texts).numpy(), theirs(texts).numpy())


def test_a_tf_data_dataset_of_texts_evaluates_and_trains_as_arrays():
    """keras.io's last step, ``end_to_end_model.evaluate(raw_test_ds)``: batches of TensorFlow strings (bytes)."""
    import tensorflow as tf

    model = _end_to_end(nabla_keras)
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    dataset = tf.data.Dataset.from_tensor_slices((TEXTS, LABELS)).batch(3)
    np.testing.assert_allclose(model.evaluate(dataset, verbose=0), model.evaluate(TEXTS, LABELS, verbose=0), rtol=1e-6)
    np.testing.assert_allclose(model.predict(dataset.map(lambda x, y: x), verbose=0), model.predict(TEXTS, verbose=0))
    assert np.isfinite(model.fit(dataset, epochs=1, verbose=0).history["loss"]).all()
