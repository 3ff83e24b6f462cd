"""``keras.preprocessing.text.Tokenizer``: Keras 2's word index for texts, for the NLP course material built on
it (sarcasm, IMDB, poetry generation). Keras 3 dropped it for the ``TextVectorization`` layer; nabla offers
Keras 2's, saved as Keras 2's JSON (:meth:`Tokenizer.to_json`, :func:`tokenizer_from_json`)."""

from __future__ import annotations

import json
import math
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable

import numpy as np

from .words import FILTERS, text_to_word_sequence

MATRIX_MODES = ("binary", "count", "tfidf", "freq")


class Tokenizer:
    """Turns texts into sequences of word indices, or into one vector per text, from the words of the texts
    it was fitted on (:meth:`fit_on_texts`): Keras 2's class, argument for argument.

    The words are indexed from 1 by decreasing count (ties in the order first seen); index 0 is never a
    word (it is padding). With ``oov_token``, that token is index 1 and takes the place of unknown words.

    Arguments:
        num_words=None: only the ``num_words - 1`` most frequent words are used by ``texts_to_sequences`` and
            the matrices (``word_index`` still holds every word, as in Keras 2).
        filters: the characters removed from the texts (Keras 2's: punctuation, tab and newline, not ``'``).
        lower=True: lower-case the texts. split=" ": the word separator.
        char_level=False: every character is a token.
        oov_token=None: the token that stands for out-of-vocabulary words.
        analyzer=None: a function splitting a text into tokens, instead of ``text_to_word_sequence``.

    Attributes: ``word_index`` ({word: index}), ``index_word``, ``word_counts`` (an ``OrderedDict`` of
    counts), ``word_docs`` (in how many texts each word is), ``index_docs``, ``document_count``.

    Example (the sarcasm course)::

        tokenizer = Tokenizer(num_words=10000, oov_token="<OOV>")
        tokenizer.fit_on_texts(sentences)
        padded = pad_sequences(tokenizer.texts_to_sequences(sentences), maxlen=100, padding="post")
    """

    def __init__(self, num_words: int | None = None, filters: str = FILTERS, lower: bool = True, split: str = " ",
                 char_level: bool = False, oov_token: str | None = None,
                 analyzer: Callable[[str], list[str]] | None = None, **kwargs):  # fmt: skip
        if "nb_words" in kwargs:  # (Keras 1's name, which Keras 2 still read)
            num_words = kwargs.pop("nb_words")
        document_count = kwargs.pop("document_count", 0)
        if kwargs:
            raise TypeError(f"Tokenizer: unrecognized keyword arguments: {sorted(kwargs)}")
        if num_words is not None and (isinstance(num_words, bool) or not isinstance(num_words, int) or num_words < 0):
            raise ValueError(f"Tokenizer: num_words must be a positive integer or None, got {num_words!r}")
        self.num_words, self.filters, self.lower, self.split = num_words, filters, lower, split
        self.char_level, self.oov_token, self.analyzer = char_level, oov_token, analyzer
        self.document_count = document_count
        self.word_counts: OrderedDict[str, int] = OrderedDict()
        self.word_docs: defaultdict[str, int] = defaultdict(int)
        self.index_docs: defaultdict[int, int] = defaultdict(int)
        self.word_index: dict[str, int] = {}
        self.index_word: dict[int, str] = {}

    def _tokens(self, text) -> list[str]:
        """A text's tokens: a list of tokens as given (lower-cased), characters with ``char_level``, else words."""
        if self.char_level or isinstance(text, list):
            if self.lower:
                text = [token.lower() for token in text] if isinstance(text, list) else text.lower()
            return list(text)
        if not isinstance(text, str):
            raise TypeError(f"Tokenizer: expected texts as strings (or lists of tokens), got {type(text).__name__}")
        if self.analyzer is not None:
            return self.analyzer(text)
        return text_to_word_sequence(text, self.filters, self.lower, self.split)

    def fit_on_texts(self, texts: Iterable) -> None:
        """Count the words of ``texts`` (strings, or lists of tokens; a generator works) and index them again,
        most frequent first. Fitting more texts adds to the counts."""
        if isinstance(texts, str):
            raise TypeError("Tokenizer.fit_on_texts: expected a list of texts, got one string (wrap it in a list)")
        for text in texts:
            self.document_count += 1
            tokens = self._tokens(text)
            for token in tokens:
                self.word_counts[token] = self.word_counts.get(token, 0) + 1
            for token in set(tokens):
                self.word_docs[token] += 1
        ranked = sorted(self.word_counts.items(), key=lambda item: item[1], reverse=True)  # (stable: ties by first use)
        vocabulary = ([] if self.oov_token is None else [self.oov_token]) + [word for word, _ in ranked]
        self.word_index = dict(zip(vocabulary, range(1, len(vocabulary) + 1)))
        self.index_word = {index: word for word, index in self.word_index.items()}
        for word, count in self.word_docs.items():
            self.index_docs[self.word_index[word]] = count

    def fit_on_sequences(self, sequences: Iterable[Iterable[int]]) -> None:
        """Count in how many sequences each index is (``index_docs``, for the "tfidf" matrix) when the
        tokenizer was not fitted on texts."""
        for sequence in sequences:
            for index in set(sequence):
                self.index_docs[index] += 1

    def texts_to_sequences(self, texts: Iterable) -> list[list[int]]:
        """Each text as the list of its words' indices: unknown words and words not among the ``num_words - 1``
        most frequent are dropped, or become the ``oov_token``'s index when there is one."""
        return list(self.texts_to_sequences_generator(texts))

    def texts_to_sequences_generator(self, texts: Iterable):
        """:meth:`texts_to_sequences` one text at a time."""
        if isinstance(texts, str):
            raise TypeError(
                "Tokenizer.texts_to_sequences: expected a list of texts, got one string (wrap it in a list)"
            )
        oov = self.word_index.get(self.oov_token)
        for text in texts:
            sequence = []
            for token in self._tokens(text):
                index = self.word_index.get(token)
                if index is not None and not (self.num_words and index >= self.num_words):
                    sequence.append(index)
                elif oov is not None:
                    sequence.append(oov)
            yield sequence

    def sequences_to_texts(self, sequences: Iterable[Iterable[int]]) -> list[str]:
        """Each sequence of indices back as a text: its words joined by spaces (indices out of the vocabulary,
        0 included, dropped or shown as the ``oov_token``)."""
        return list(self.sequences_to_texts_generator(sequences))

    def sequences_to_texts_generator(self, sequences: Iterable[Iterable[int]]):
        """:meth:`sequences_to_texts` one sequence at a time."""
        oov = self.word_index.get(self.oov_token)
        for sequence in sequences:
            words = []
            for index in sequence:
                word = self.index_word.get(int(index))
                if word is not None and not (self.num_words and index >= self.num_words):
                    words.append(word)
                elif oov is not None:
                    words.append(self.index_word[oov])
            yield " ".join(words)

    def texts_to_matrix(self, texts: Iterable, mode: str = "binary") -> np.ndarray:
        """One row per text, one column per word index (:meth:`sequences_to_matrix` of the texts' sequences)."""
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences, mode: str = "binary") -> np.ndarray:
        """A float64 matrix ``(len(sequences), num_words)`` (``len(word_index) + 1`` columns without
        ``num_words``); entry ``[i, j]`` for index ``j`` occurring ``c`` times in sequence ``i`` of length ``L``:
        "binary" 1, "count" ``c``, "freq" ``c / L``, "tfidf" ``(1 + ln c) * ln(1 + N / (1 + d_j))`` with ``N``
        the number of texts fitted and ``d_j`` how many held index ``j``."""
        if mode not in MATRIX_MODES:
            raise ValueError(f"Tokenizer: mode must be one of {MATRIX_MODES}, got {mode!r}")
        if self.num_words:
            width = self.num_words
        elif self.word_index:
            width = len(self.word_index) + 1
        else:
            raise ValueError("Tokenizer: specify a dimension (the num_words argument), or fit on some texts first")
        if mode == "tfidf" and not self.document_count:
            raise ValueError("Tokenizer: fit the Tokenizer on some texts before using the tfidf mode")
        matrix = np.zeros((len(sequences), width))
        for i, sequence in enumerate(sequences):
            counts: dict[int, int] = defaultdict(int)
            for index in sequence:
                if index < width:
                    counts[index] += 1
            for j, c in counts.items():
                if mode == "count":
                    matrix[i, j] = c
                elif mode == "freq":
                    matrix[i, j] = c / len(sequence)
                elif mode == "binary":
                    matrix[i, j] = 1
                else:
                    matrix[i, j] = (1 + math.log(c)) * math.log(
                        1 + self.document_count / (1 + self.index_docs.get(j, 0))
                    )
        return matrix

    def get_config(self) -> dict:
        """The configuration and the vocabulary, the dictionaries as JSON strings (Keras 2's format)."""
        return {
            "num_words": self.num_words, "filters": self.filters, "lower": self.lower, "split": self.split,
            "char_level": self.char_level, "oov_token": self.oov_token, "document_count": self.document_count,
            "word_counts": json.dumps(self.word_counts), "word_docs": json.dumps(self.word_docs),
            "index_docs": json.dumps(self.index_docs), "index_word": json.dumps(self.index_word),
            "word_index": json.dumps(self.word_index),
        }  # fmt: skip

    def to_json(self, **kwargs) -> str:
        """The tokenizer as a JSON string (``{"class_name": "Tokenizer", "config": ...}``, Keras 2's, which
        Keras 2's ``tokenizer_from_json`` reads too); ``kwargs`` go to ``json.dumps``. An ``analyzer``
        function is not saved."""
        return json.dumps({"class_name": type(self).__name__, "config": self.get_config()}, **kwargs)


def tokenizer_from_json(json_string: str) -> Tokenizer:
    """The :class:`Tokenizer` that :meth:`Tokenizer.to_json` (nabla's or Keras 2's) wrote."""
    try:
        config = dict(json.loads(json_string)["config"])
        vocabulary = {key: json.loads(config.pop(key)) for key in
                      ("word_counts", "word_docs", "index_docs", "index_word", "word_index")}  # fmt: skip
    except (ValueError, KeyError, TypeError) as e:
        raise ValueError(f"tokenizer_from_json: not a Tokenizer's JSON ({type(e).__name__}: {e})") from None
    tokenizer = Tokenizer(**config)
    tokenizer.word_counts = OrderedDict(vocabulary["word_counts"])
    tokenizer.word_docs = defaultdict(int, vocabulary["word_docs"])
    tokenizer.index_docs = defaultdict(int, {int(k): v for k, v in vocabulary["index_docs"].items()})
    tokenizer.index_word = {int(k): v for k, v in vocabulary["index_word"].items()}
    tokenizer.word_index = vocabulary["word_index"]
    return tokenizer
