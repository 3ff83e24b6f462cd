"""``tf.strings``' standardization functions against TensorFlow, and keras.io's ``custom_standardization``
(text_classification_from_scratch) unchanged in a ``TextVectorization``."""

from __future__ import annotations

import re
import string

import numpy as np
import pytest
from tf_parity import tensorflow

import nabla.keras as keras
import nabla.tf as ntf

TEXTS = ["Great Movie!<br /><br />I LOVED it.", "  Ünïcode ÀÉ stays, (mostly)  ", "tabs\tand\nlines", ""]


def custom_standardization(tf, input_data):  # keras.io's, with the module as an argument
    lowercase = tf.strings.lower(input_data)
    stripped_html = tf.strings.regex_replace(lowercase, "<br />", " ")
    return tf.strings.regex_replace(stripped_html, f"[{re.escape(string.punctuation)}]", "")


@pytest.mark.parametrize(
    "fn",
    [
        lambda tf, x: tf.strings.lower(x),
        lambda tf, x: tf.strings.lower(x, encoding="utf-8"),
        lambda tf, x: tf.strings.upper(x),
        lambda tf, x: tf.strings.strip(x),
        lambda tf, x: tf.strings.regex_replace(x, r"(\w+)!", r"<\1>"),
        lambda tf, x: tf.strings.regex_replace(x, "[aeiou]", "_", replace_global=False),
        custom_standardization,
    ],
)
def test_strings_match_tensorflow(fn):
    want = fn(tensorflow(), tensorflow().constant(TEXTS)).numpy()  # an array of bytes
    np.testing.assert_array_equal(fn(ntf, np.array([t.encode() for t in TEXTS], dtype=object)), want)
    assert [fn(ntf, t) for t in TEXTS] == [w.decode() for w in want]  # a str gives a str
    assert fn(ntf, np.array(TEXTS)).dtype.kind == "U"


def test_keras_io_standardization_runs_in_text_vectorization():
    layer = keras.layers.TextVectorization(standardize=lambda x: custom_standardization(ntf, x))
    layer.adapt(["Good film!<br />Good", "bad, BAD film."])
    assert layer.get_vocabulary() == ["", "[UNK]", "good", "film", "bad"]
    np.testing.assert_array_equal(np.asarray(layer(["GOOD<br />bad!"])), [[2, 4]])


def test_numbers_and_other_names_are_refused():
    with pytest.raises(TypeError, match="takes strings"):
        ntf.strings.lower(np.zeros(3))
    with pytest.raises(AttributeError, match="nabla.tf does not offer tf.strings.unicode_transcode"):
        ntf.strings.unicode_transcode
    with pytest.raises(ValueError, match="sep is an empty string"):
        ntf.strings.split("a b", sep="")


@pytest.mark.parametrize(
    "call",
    [
        lambda tf: tf.strings.split("  hello \t world\n a "),
        lambda tf: tf.strings.split(tf.constant("x y")),
        lambda tf: tf.strings.split(b"a b c d", maxsplit=2),
        lambda tf: tf.strings.split("a,,b,", sep=","),
        lambda tf: tf.strings.split(""),
        lambda tf: tf.strings.split(["a b", "c", "", " d  e "]),
        lambda tf: tf.strings.split(tf.constant(["a,,b", ""]), sep=","),
        lambda tf: tf.strings.split(["a b c", "d e f g"], maxsplit=1),
    ],
)
def test_split_matches_tensorflow(call):
    """One string gives a string tensor of its tokens, a batch a ragged tensor of rows (read as TensorFlow's)."""
    got, want = call(ntf), call(tensorflow())
    assert repr(got) == repr(want)
    if hasattr(want, "to_list"):
        assert got.to_list() == want.to_list() and got.shape == tuple(want.shape)
        assert repr(got.to_tensor()) == repr(want.to_tensor()) and repr(got[0]) == repr(want[0])
        np.testing.assert_array_equal(got.row_lengths().numpy(), want.row_lengths().numpy())
    else:
        np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_a_split_function_written_with_tf_strings_runs_in_text_vectorization():
    """Deep Learning with Python (2nd edition, chapter 11): ``custom_split_fn`` returns tf.strings.split."""
    layer = keras.layers.TextVectorization(
        standardize=lambda x: ntf.strings.regex_replace(ntf.strings.lower(x), f"[{re.escape(string.punctuation)}]", ""),
        split=ntf.strings.split,
    )
    layer.adapt(["I write, erase, rewrite", "Erase again, and then", "A poppy blooms."])
    reference = keras.layers.TextVectorization()
    reference.adapt(["I write, erase, rewrite", "Erase again, and then", "A poppy blooms."])
    assert layer.get_vocabulary() == reference.get_vocabulary()
    sentence = "I write, rewrite, and still rewrite again"
    np.testing.assert_array_equal(np.asarray(layer(sentence)), np.asarray(reference(sentence)))


def test_a_layer_called_on_a_string_tensor_returns_tensorflow_s_tensor():
    # The text-classification tutorial prints vectorize_layer(tf.expand_dims(review, -1)).
    texts = ["the cat sat", "the dog"]
    from tf_keras_reference import tf_keras  # (the tests' Keras 3 runs on PyTorch, whose tensors print otherwise)

    ours, theirs = keras.layers.TextVectorization(), tf_keras().layers.TextVectorization()
    ours.adapt(texts)
    theirs.adapt(texts)
    got, want = ours(ntf.expand_dims(ntf.constant(texts[0]), -1)), theirs(tensorflow().expand_dims(texts[0], -1))
    assert type(got) is ntf.Tensor and got.dtype == ntf.int64
    assert repr(got) == repr(want) and str(got) == str(want)
