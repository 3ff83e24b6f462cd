"""Keras 2's text to words: ``text_to_word_sequence``, and the hashed word indices ``hashing_trick`` and
``one_hot`` (``keras.preprocessing.text``; Keras 3 dropped them for the ``TextVectorization`` and ``Hashing``
layers)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

#: Keras 2's default: punctuation, tab and newline, but not the apostrophe ("don't" stays one word).
FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'


def text_to_word_sequence(input_text: str, filters: str = FILTERS, lower: bool = True, split: str = " ") -> list[str]:
    """The words of ``input_text``: lower-cased (``lower``), every character of ``filters`` replaced by
    ``split``, then split on ``split`` with the empty pieces dropped.

    Example: ``text_to_word_sequence("This is a sample sentence.")`` is
    ``["this", "is", "a", "sample", "sentence"]``.
    """
    if not isinstance(input_text, str):
        raise TypeError(f"text_to_word_sequence: expected a string, got {type(input_text).__name__}")
    if lower:
        input_text = input_text.lower()
    return [word for word in input_text.translate(str.maketrans({c: split for c in filters})).split(split) if word]


def hashing_trick(text: str, n: int, hash_function: Callable[[str], int] | str | None = None,
                  filters: str = FILTERS, lower: bool = True, split: str = " ",
                  analyzer: Callable[[str], list[str]] | None = None) -> list[int]:  # fmt: skip
    """Each word of ``text`` as ``hash(word) % (n - 1) + 1``: an index in ``[1, n)`` (0 stays free for
    padding); different words may share an index. ``hash_function``: None for Python's ``hash`` (which
    changes from one run to the next unless ``PYTHONHASHSEED`` is set, as in Keras 2), "md5" for a stable
    hash, or a function of a string. ``analyzer`` splits the text instead of :func:`text_to_word_sequence`."""
    if hash_function is None:
        hash_function = hash
    elif hash_function == "md5":
        hash_function = lambda word: int(hashlib.md5(word.encode()).hexdigest(), 16)
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise ValueError(f"hashing_trick: n (the size of the index space) must be an integer of at least 2, got {n!r}")
    words = analyzer(text) if analyzer is not None else text_to_word_sequence(text, filters, lower, split)
    return [hash_function(word) % (n - 1) + 1 for word in words]


def one_hot(input_text: str, n: int, filters: str = FILTERS, lower: bool = True, split: str = " ",
            analyzer: Callable[[str], list[str]] | None = None) -> list[int]:  # fmt: skip
    """Keras 2's ``one_hot``, which despite its name gives word indices: :func:`hashing_trick` with Python's
    ``hash``."""
    return hashing_trick(input_text, n, hash, filters, lower, split, analyzer)
