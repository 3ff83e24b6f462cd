"""``keras.preprocessing.text``'s ``Tokenizer`` and word functions against Keras 2's (``tf_keras``)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from tf_keras_reference import tf_keras_preprocessing

from nabla.keras.preprocessing.text import (
    Tokenizer,
    hashing_trick,
    one_hot,
    text_to_word_sequence,
    tokenizer_from_json,
)

CORPUS = [
    "I love my dog",
    "I love my cat!",
    "You love my dog, don't you?",
    "Do you think my dog is amazing?\tYes.",
    "former versace store clerk sues over secret 'black code' for minority shoppers",
]
NEW = ["i really love my manatee", "my dog loves my manatee", ""]
SETTINGS = [
    {},
    {"num_words": 6},
    {"oov_token": "<OOV>"},
    {"num_words": 5, "oov_token": "<OOV>"},
    {"lower": False, "filters": "!?,"},
    {"char_level": True},
    {"split": "o"},
]


@pytest.fixture(scope="module")
def ktext():
    return tf_keras_preprocessing()[1]


def fitted(cls, texts=CORPUS, **kw):
    tokenizer = cls(**kw)
    tokenizer.fit_on_texts(texts)
    return tokenizer


@pytest.mark.parametrize("kw", SETTINGS, ids=lambda kw: "-".join(f"{k}={v}" for k, v in kw.items()) or "defaults")
def test_tokenizer_matches_keras2(ktext, kw):
    ours, theirs = fitted(Tokenizer, **kw), fitted(ktext.Tokenizer, **kw)
    assert ours.word_index == theirs.word_index
    assert list(ours.word_index) == list(theirs.word_index)  # the same order
    assert ours.index_word == theirs.index_word
    assert list(ours.word_counts.items()) == list(theirs.word_counts.items())
    assert dict(ours.word_docs) == dict(theirs.word_docs)
    assert dict(ours.index_docs) == dict(theirs.index_docs)
    assert ours.document_count == theirs.document_count == len(CORPUS)
    texts = CORPUS + NEW
    sequences = ours.texts_to_sequences(texts)
    assert sequences == theirs.texts_to_sequences(texts)
    assert ours.sequences_to_texts(sequences + [[0, 99, 3]]) == theirs.sequences_to_texts(sequences + [[0, 99, 3]])
    for mode in ("binary", "count", "tfidf", "freq"):
        matrix = ours.texts_to_matrix(texts, mode=mode)
        assert matrix.dtype == np.float64
        np.testing.assert_allclose(matrix, theirs.texts_to_matrix(texts, mode=mode), rtol=1e-12)


def test_lists_of_tokens_generators_and_refits_match_keras2(ktext):
    token_lists = [["Hello", "World"], ["hello", "there", "world", "world"]]
    ours, theirs = Tokenizer(), ktext.Tokenizer()
    for tokenizer in (ours, theirs):
        tokenizer.fit_on_texts(iter(token_lists))
        tokenizer.fit_on_texts(text for text in CORPUS[:2])
    assert ours.word_index == theirs.word_index and ours.document_count == theirs.document_count == 4
    assert ours.texts_to_sequences(token_lists) == theirs.texts_to_sequences(token_lists)


def test_fit_on_sequences_and_sequences_to_matrix(ktext):
    sequences = [[1, 2, 2, 3], [3, 4], []]
    ours, theirs = Tokenizer(num_words=6), ktext.Tokenizer(num_words=6)
    ours.fit_on_sequences(sequences)
    theirs.fit_on_sequences(sequences)
    assert dict(ours.index_docs) == dict(theirs.index_docs)
    expected = theirs.sequences_to_matrix(sequences, "count")
    np.testing.assert_allclose(ours.sequences_to_matrix(sequences, "count"), expected)


def test_to_json_round_trips_and_reads_keras2s(ktext):
    ours = fitted(Tokenizer, num_words=8, oov_token="<OOV>")
    text = ours.to_json()
    assert json.loads(text)["class_name"] == "Tokenizer"
    for restored in (tokenizer_from_json(text), tokenizer_from_json(fitted(ktext.Tokenizer, num_words=8,
                                                                           oov_token="<OOV>").to_json())):  # fmt: skip
        assert restored.word_index == ours.word_index and restored.index_word == ours.index_word
        assert list(restored.word_counts.items()) == list(ours.word_counts.items())
        assert restored.document_count == ours.document_count and restored.num_words == 8
        assert restored.texts_to_sequences(NEW) == ours.texts_to_sequences(NEW)
        np.testing.assert_allclose(restored.texts_to_matrix(NEW, "tfidf"), ours.texts_to_matrix(NEW, "tfidf"))
    keras2 = ktext.tokenizer_from_json(text)  # Keras 2 reads nabla's JSON
    assert keras2.word_index == ours.word_index and keras2.texts_to_sequences(NEW) == ours.texts_to_sequences(NEW)


def test_word_functions_match_keras2(ktext):
    for text in CORPUS:
        assert text_to_word_sequence(text) == ktext.text_to_word_sequence(text)
        kw = dict(lower=False, split="o")
        assert text_to_word_sequence(text, **kw) == ktext.text_to_word_sequence(text, **kw)
        assert hashing_trick(text, 20, "md5") == ktext.hashing_trick(text, 20, "md5")
        assert one_hot(text, 30) == ktext.one_hot(text, 30)  # (Python's hash: equal within one process)
        assert all(1 <= i < 30 for i in one_hot(text, 30))


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: Tokenizer(num_wrds=3), TypeError, "num_wrds"),
        (lambda: Tokenizer(num_words=-1), ValueError, "num_words"),
        (lambda: Tokenizer().fit_on_texts("one string"), TypeError, "wrap it in a list"),
        (lambda: fitted(Tokenizer).texts_to_matrix(["a"], mode="onehot"), ValueError, "mode"),
        (lambda: Tokenizer().texts_to_matrix(["a"]), ValueError, "num_words"),
        (lambda: Tokenizer(num_words=4).texts_to_matrix(["a"], mode="tfidf"), ValueError, "tfidf"),
        (lambda: tokenizer_from_json('{"config": {}}'), ValueError, "not a Tokenizer"),
        (lambda: hashing_trick("a b", 1), ValueError, "at least 2"),
    ],
)
def test_bad_input_is_a_one_line_error(call, error, match):
    with pytest.raises(error, match=match) as info:
        call()
    assert "\n" not in str(info.value)


def test_the_tf_keras_path_and_the_sarcasm_pattern():
    from nabla.tf.keras.preprocessing.sequence import pad_sequences
    from nabla.tf.keras.preprocessing.text import Tokenizer as TfTokenizer

    assert TfTokenizer is Tokenizer
    tokenizer = TfTokenizer(num_words=100, oov_token="<OOV>")
    tokenizer.fit_on_texts(CORPUS)
    padded = pad_sequences(tokenizer.texts_to_sequences(NEW), maxlen=6, padding="post", truncating="post")
    assert padded.shape == (3, 6) and padded[0, 0] == tokenizer.word_index["i"] and padded[0, 1] == 1
