"""``keras.preprocessing.text``: Keras 2's ``Tokenizer`` and its word functions, which Keras 3 dropped and
nabla offers for the course material built on them (``from tensorflow.keras.preprocessing.text import
Tokenizer``)."""

from .._missing import missing as _missing
from .tokenizer import Tokenizer, tokenizer_from_json
from .words import hashing_trick, one_hot, text_to_word_sequence

__all__ = ["Tokenizer", "hashing_trick", "one_hot", "text_to_word_sequence", "tokenizer_from_json"]


def __getattr__(name: str):
    raise _missing("keras.preprocessing.text", name)
