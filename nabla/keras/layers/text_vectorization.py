"""``TextVectorization``: raw text -> sequences of word ids (or multi-hot, count, tf-idf vectors), as Keras 3.

Each text goes through four steps, the layer's arguments:

1. ``standardize``: ``"lower_and_strip_punctuation"`` (default) lowercases the ASCII letters and removes
   ASCII punctuation ``!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~'`` (TensorFlow's ``strings.lower`` and Keras's
   strip regex: other characters, accents and curly quotes included, stay as they are); ``"lower"``,
   ``"strip_punctuation"``, None, or a function of one ``str`` returning a ``str``.
   A function is called on each text (a ``str``); one written with ``tf.strings`` (keras.io's
   ``custom_standardization``) works too: its string tensor is read back as text.
2. ``split``: ``"whitespace"`` (default; runs of ASCII spaces, tabs and newlines), ``"character"``
   (each Unicode character), None (the whole text is one token), or a function ``str -> list of str``.
3. ``ngrams``: None, an integer n (the 1- to n-grams), or a tuple of sizes; an n-gram is its words joined
   by a space.
4. The vocabulary lookup (a :class:`~.index_lookup.StringLookup`): in ``output_mode="int"`` id 0 is the
   padding ``""`` and id 1 the unknown ``"[UNK]"``; in the other modes the vocabulary starts at ``"[UNK]"``.

``output_mode="int"`` gives (batch, length) int64 ids, padded with 0 to the longest text of the batch,
or padded or cut (keeping the first words) to ``output_sequence_length``; with ``ragged=True`` a batch
gives a :class:`~nabla.keras.ragged.RaggedTensor` of each text's ids, unpadded (cut to
``output_sequence_length``). ``"multi_hot"``, ``"count"``,
``"tf_idf"`` give (batch, vocabulary size) float32 (or ``max_tokens`` wide with ``pad_to_max_tokens``).
A single string gives one unbatched row. With ``split=None`` each text is one token: ``"int"`` mode
gives one id per text, in the input's shape. Inputs: a string, a list of strings, or an array of them
((batch,) or (batch, 1)); ``bytes`` are decoded as UTF-8.

In a TF tutorial's pipeline the layer runs on the text before the model (``vectorize_layer(texts)``,
then ``fit`` on the ids); or it is the model's first layer, on a string input
(``keras.Input(shape=(1,), dtype="string")``, see :mod:`nabla.keras.strings`), and the model takes raw text.
Its config holds the vocabulary and idf weights, given or learned, so a model holding it saves to a model
file (see :mod:`.index_lookup`); a ``standardize`` or ``split`` function has no config and is refused.
"""

from __future__ import annotations

import itertools
import re

import numpy as np

from ..ragged import RaggedTensor
from .categorical import RawInputLayer, as_array
from .index_lookup import StringLookup, checked_size, count, data_batches

STANDARDIZE = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
SPLIT = ("whitespace", "character")
PUNCTUATION = re.compile(r"""[!"#$%&()*+,\-./:;<=>?@\[\\\]^_`{|}~']""")
WHITESPACE = re.compile(r"[ \t\n\r\v\f]+")
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _ngram_sizes(ngrams) -> tuple[int, ...] | None:
    if ngrams is None:
        return None
    if isinstance(ngrams, int) and not isinstance(ngrams, bool) and ngrams >= 1:
        return tuple(range(1, ngrams + 1))
    if isinstance(ngrams, (tuple, list)) and ngrams and all(isinstance(n, int) and n >= 1 for n in ngrams):
        return tuple(ngrams)
    raise ValueError(f"TextVectorization: ngrams must be None, a positive integer or a tuple of them, got {ngrams!r}")


class TextVectorization(RawInputLayer):
    """Texts -> word ids or vectors; see :mod:`.text_vectorization` for each step.

    Args:
        max_tokens: the vocabulary's size bound, ``""`` and ``"[UNK]"`` included (None: no bound).
        standardize, split, ngrams: how a text becomes tokens (module docstring).
        output_mode: ``"int"`` (default), ``"multi_hot"``, ``"count"`` or ``"tf_idf"``.
        output_sequence_length: ``"int"`` mode's fixed length (None: the batch's longest).
        pad_to_max_tokens: the vectors ``max_tokens`` wide.
        vocabulary, idf_weights: a given vocabulary (list or file), instead of ``adapt(texts)``.

    Example::

        vectorize = keras.layers.TextVectorization(max_tokens=10000, output_sequence_length=250)
        vectorize.adapt(train_texts)
        ids = vectorize(["The movie was great!"])   # (1, 250) int64
    """

    def __init__(self, max_tokens: int | None = None, standardize="lower_and_strip_punctuation",
                 split="whitespace", ngrams=None, output_mode: str = "int", output_sequence_length: int | None = None,
                 pad_to_max_tokens: bool = False, vocabulary=None, idf_weights=None, sparse: bool = False,
                 ragged: bool = False, encoding: str = "utf-8", **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        if not (standardize is None or callable(standardize) or standardize in STANDARDIZE):
            raise ValueError(f"TextVectorization: standardize must be one of {', '.join(STANDARDIZE)}, None or a "
                             f"function, got {standardize!r}")  # fmt: skip
        if not (split is None or callable(split) or split in SPLIT):
            raise ValueError(f"TextVectorization: split must be 'whitespace', 'character', None or a function, "
                             f"got {split!r}")  # fmt: skip
        output_mode = "multi_hot" if output_mode == "binary" else output_mode  # (Keras 2's name, which Keras 3 takes)
        if output_mode not in ("int", "multi_hot", "count", "tf_idf"):
            raise ValueError(f"TextVectorization: output_mode must be 'int', 'multi_hot', 'count' or 'tf_idf', "
                             f"got {output_mode!r}")  # fmt: skip
        if output_sequence_length is not None and (output_mode != "int" or isinstance(output_sequence_length, bool)
                                                   or not isinstance(output_sequence_length, int)
                                                   or output_sequence_length < 1):  # fmt: skip
            raise ValueError(f"TextVectorization: output_sequence_length must be a positive integer, with "
                             f"output_mode='int'; got {output_sequence_length!r}")  # fmt: skip
        if ragged and output_mode != "int":
            raise ValueError(f"TextVectorization: ragged=True takes output_mode='int', got {output_mode!r}")
        self.standardize, self.split, self.ngrams = standardize, split, ngrams
        self._ngrams = _ngram_sizes(ngrams)
        self.output_mode, self.output_sequence_length, self.encoding = output_mode, output_sequence_length, encoding
        self.ragged = ragged
        # (unnamed, as Keras's: it takes the next default name string_lookup_N, as there)
        self.lookup = StringLookup(max_tokens=max_tokens, mask_token="", vocabulary=vocabulary,
                                   idf_weights=idf_weights, output_mode=output_mode,
                                   pad_to_max_tokens=pad_to_max_tokens, sparse=sparse, encoding=encoding)  # fmt: skip

    # --- text -> tokens ------------------------------------------------------------------

    def _standardized(self, text: str) -> str:
        if callable(self.standardize):
            return self._text(self.standardize(text))
        if self.standardize in ("lower_and_strip_punctuation", "lower"):
            text = text.translate(ASCII_LOWER)
        if self.standardize in ("lower_and_strip_punctuation", "strip_punctuation"):
            text = PUNCTUATION.sub("", text)
        return text

    def _text(self, value) -> str:
        """What a ``standardize`` or ``split`` function of yours returned, as a ``str``: keras.io's functions are
        written with ``tf.strings`` (a string tensor, whose ``numpy()`` is ``bytes``)."""
        value = value.numpy() if hasattr(value, "numpy") else value
        return value.decode(self.encoding) if isinstance(value, bytes) else str(value)

    def tokens(self, text) -> list[str]:
        """One text's tokens: standardized, split, with its n-grams."""
        text = text.decode(self.encoding) if isinstance(text, bytes) else str(text)
        text = self._standardized(text)
        if callable(self.split):
            words = self.split(text)
            words = [self._text(w) for w in (words.numpy() if hasattr(words, "numpy") else words)]
        elif self.split == "whitespace":
            words = [w for w in WHITESPACE.split(text) if w]
        elif self.split == "character":
            words = list(text)
        else:
            words = [text]
        if self._ngrams is None:
            return words
        return [" ".join(words[i : i + n]) for n in self._ngrams for i in range(len(words) - n + 1)]

    def _texts(self, inputs) -> tuple[list, tuple]:
        """The texts of an input (a flat list) and the input's shape: (), (batch,) or (batch, 1)."""
        array = as_array(inputs)
        if array.ndim > 2 or (array.ndim == 2 and array.shape[1] != 1):
            raise ValueError(f"TextVectorization: takes a batch of texts, (batch,) or (batch, 1), got {array.shape}")
        if array.dtype.kind not in "USO":
            raise TypeError(f"TextVectorization: takes strings, got an array of {array.dtype}")
        return list(array.reshape(-1)), array.shape

    # --- the vocabulary (the lookup's) -----------------------------------------------------

    def adapt(self, data, batch_size=None, steps: int | None = None) -> None:
        """Learn the vocabulary (and the idf weights) from texts: an array or list of them, or an iterable of
        batches (a dataset of ``(texts, labels)``: the texts are used)."""
        batches = itertools.islice(data_batches(data), steps)
        self.lookup.learn(*count(self.tokens(text) for batch in batches for text in self._texts(batch)[0]))

    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        return self.lookup.get_vocabulary(include_special_tokens)

    def vocabulary_size(self) -> int:
        return self.lookup.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None) -> None:
        self.lookup.set_vocabulary(vocabulary, idf_weights)

    @property
    def idf_weights(self):
        return self.lookup.idf_weights

    # --- running --------------------------------------------------------------------------

    def compute(self, inputs) -> np.ndarray:
        texts, shape = self._texts(inputs)
        single = shape == ()
        token_lists = [self.tokens(t) for t in texts]
        if self.split is None and self.output_mode == "int" and self.output_sequence_length is None:
            # each text is one token: one id per text, in the input's shape (Keras's)
            return self.lookup.ids(np.asarray([t[0] for t in token_lists], dtype=str)).reshape(shape)
        if self.output_mode != "int":
            rows = [self.lookup.encode_ids(self.lookup.ids(np.asarray(t, dtype=str))) for t in token_lists]
            out = np.stack(rows) if rows else np.zeros((0, self.lookup.depth()), self.dtype)
            return out[0] if single else out
        if self.ragged and not single:  # (each text's ids, at most output_sequence_length of them, unpadded)
            return RaggedTensor([self.lookup.ids(np.asarray(t[: self.output_sequence_length], dtype=str))
                                 for t in token_lists], np.int64)  # fmt: skip
        length = self.output_sequence_length or max((len(t) for t in token_lists), default=0)
        ids = np.zeros((len(token_lists), length), np.int64)
        for row, tokens in zip(ids, token_lists):
            found = self.lookup.ids(np.asarray(tokens[:length], dtype=str))
            row[: len(found)] = found
        return ids[0] if single else ids

    def get_config(self) -> dict:
        lookup = self.lookup.get_config()
        for name in ("standardize", "split"):
            if callable(getattr(self, name)):
                raise TypeError(f"TextVectorization: a {name} function has no config; pass its name as a string")
        return {**super().get_config(), "max_tokens": lookup["max_tokens"], "standardize": self.standardize,
                "split": self.split, "ngrams": self.ngrams, "output_mode": self.output_mode,
                "output_sequence_length": self.output_sequence_length,
                "pad_to_max_tokens": lookup["pad_to_max_tokens"], "sparse": False, "ragged": self.ragged,
                "vocabulary": lookup["vocabulary"], "idf_weights": lookup["idf_weights"],
                "encoding": self.encoding, "vocabulary_size": self.vocabulary_size()}  # fmt: skip

    @classmethod
    def from_config(cls, config: dict) -> TextVectorization:
        return checked_size(super().from_config({k: v for k, v in config.items() if k != "vocabulary_size"}),
                            config.get("vocabulary_size"))  # fmt: skip
