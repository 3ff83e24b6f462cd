"""``tf.strings``: the text functions of a standardization step (``lower``, ``upper``, ``strip``,
``regex_replace``), ``split`` (a split step's), ``reduce_join`` (ids decoded back to words), and ``length``,
``unicode_decode`` / ``unicode_encode`` (strings to code points and back, in :mod:`.unicode_strings`), on string
tensors (``tf.constant(["a"])``, the text of a ``tf.data`` pipeline), Python strings and NumPy arrays of them.

The result keeps the input's kind: a string tensor gives a string tensor (in a ``tf.data`` ``map``), a ``str``
gives a ``str`` (what nabla's ``keras.layers.TextVectorization`` hands its ``standardize`` function, one text at
a time), ``bytes`` give ``bytes`` (TensorFlow's strings are bytes), an array gives an array of its shape. So
keras.io's standardization runs unchanged::

    def custom_standardization(input_data):
        lowercase = tf.strings.lower(input_data)
        stripped_html = tf.strings.regex_replace(lowercase, "<br />", " ")
        return tf.strings.regex_replace(stripped_html, f"[{re.escape(string.punctuation)}]", "")

Patterns are Python's ``re`` syntax, which agrees with TensorFlow's RE2 on the usual classes, groups and
escapes (RE2 has no lookarounds or backreferences in the pattern; ``re`` accepts them).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from ..keras.ragged import RaggedTensor
from ._missing import missing
from .string_tensor import StringTensor, text_data
from .tensor import Tensor

ASCII_LOWER = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")
ASCII_UPPER = bytes.maketrans(b"abcdefghijklmnopqrstuvwxyz", b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _each(input, fn: Callable[[bytes], bytes], who: str):
    """``fn`` on the UTF-8 bytes of each string of ``input``, the result in ``input``'s kind."""
    if isinstance(input, StringTensor):
        return StringTensor(_each(input._data, fn, who))
    if isinstance(input, bytes):
        return fn(input)
    if isinstance(input, str):
        return fn(input.encode("utf-8")).decode("utf-8")
    array = np.asarray(input)
    if array.dtype.kind not in "USO":
        raise TypeError(f"tf.strings.{who}: takes strings (a str, bytes or an array of them), got {array.dtype}")
    out = np.empty(array.shape, dtype=object)
    for index, text in np.ndenumerate(array):
        out[index] = _each(text, fn, who)
    return out.astype(array.dtype) if array.dtype.kind == "U" else out


def lower(input, encoding: str = "", name=None):
    """Lowercases: the ASCII letters only (TensorFlow's default), or every letter with ``encoding="utf-8"``."""
    if encoding.lower().replace("-", "") == "utf8":
        return _each(input, lambda b: b.decode("utf-8").lower().encode("utf-8"), "lower")
    return _each(input, lambda b: b.translate(ASCII_LOWER), "lower")


def upper(input, encoding: str = "", name=None):
    """Uppercases: the ASCII letters only (TensorFlow's default), or every letter with ``encoding="utf-8"``."""
    if encoding.lower().replace("-", "") == "utf8":
        return _each(input, lambda b: b.decode("utf-8").upper().encode("utf-8"), "upper")
    return _each(input, lambda b: b.translate(ASCII_UPPER), "upper")


def strip(input, name=None):
    """Removes the leading and trailing ASCII whitespace."""
    return _each(input, lambda b: b.strip(b" \t\n\r\v\f"), "strip")


def regex_replace(input, pattern: str, rewrite: str, replace_global: bool = True, name=None):
    """Replaces the matches of ``pattern`` by ``rewrite`` (every match, or the first with
    ``replace_global=False``); ``\\1`` in ``rewrite`` is the first group, as in RE2 and ``re``."""
    compiled = re.compile(pattern.encode("utf-8") if isinstance(pattern, str) else pattern)
    replacement = rewrite.encode("utf-8") if isinstance(rewrite, str) else rewrite
    count = 0 if replace_global else 1
    return _each(input, lambda b: compiled.sub(replacement, b, count=count), "regex_replace")


def split(input, sep=None, maxsplit: int = -1, name=None):
    """Each string cut into its tokens, as TensorFlow: at runs of ASCII whitespace (leading and trailing
    whitespace ignored) when ``sep`` is None, else at each ``sep`` (empty tokens kept: ``"a,,b"`` gives
    ``a``, ``""``, ``b``); at most ``maxsplit`` cuts per string (-1: no limit).

    One string (a ``str``, ``bytes`` or a scalar string tensor: what ``TextVectorization`` hands a ``split``
    function of yours) gives a 1-D string tensor of its tokens; a batch of strings gives a
    ``tf.RaggedTensor`` with a row of tokens per string (``to_list()``, ``to_tensor()`` padded with ``b""``).
    """
    data = text_data(input)
    if data is None:
        raise TypeError(f"tf.strings.split: takes strings (a str, bytes, a string tensor or a list of them), "
                        f"got {type(input).__name__}")  # fmt: skip
    if sep is not None:
        sep = sep.numpy() if hasattr(sep, "numpy") else sep
        sep = sep.encode("utf-8") if isinstance(sep, str) else bytes(sep)
        if not sep:
            raise ValueError("tf.strings.split: sep is an empty string; pass None to split at whitespace")
    maxsplit = int(maxsplit)

    def tokens(text: bytes) -> np.ndarray:
        out = np.empty(0, dtype=object)  # (an object array of bytes, even when there is no token)
        return np.append(out, text.split(sep, maxsplit))

    if data.ndim == 0:
        return StringTensor(tokens(data.item()))
    if data.ndim == 1:
        return RaggedTensor([tokens(text) for text in data], object, tensor_class=Tensor, text_class=StringTensor)
    raise ValueError(f"tf.strings.split: takes one string or a 1-D batch of them, got shape {data.shape}; "
                     "reshape the batch to one dimension first")  # fmt: skip


def reduce_join(inputs, axis=None, keepdims: bool = False, separator: str = "", name=None) -> StringTensor:
    """The strings joined with ``separator`` along ``axis`` (all of them by default), as a string tensor:
    ``tf.strings.reduce_join(["a", "b"], separator=" ").numpy()`` is ``b"a b"``, as in TensorFlow."""
    data = text_data(inputs)
    if data is None:
        raise TypeError(f"tf.strings.reduce_join: takes strings (a str, bytes, a string tensor or a list of them), "
                        f"got {type(inputs).__name__}")  # fmt: skip
    sep = separator.encode("utf-8") if isinstance(separator, str) else separator
    axes = tuple(range(data.ndim)) if axis is None else tuple(a % data.ndim for a in np.atleast_1d(axis))
    kept = [d for d in range(data.ndim) if d not in axes]
    moved = np.moveaxis(data, axes, range(data.ndim - len(axes), data.ndim))  # (the joined axes last, in order)
    flat = moved.reshape(*moved.shape[: len(kept)], -1)
    out = np.empty(flat.shape[:-1], dtype=object)
    for index in np.ndindex(out.shape):
        out[index] = sep.join(flat[index])
    if keepdims:
        out = out.reshape([1 if d in axes else n for d, n in enumerate(data.shape)])
    return StringTensor(out)


from .unicode_strings import length, unicode_decode, unicode_encode  # noqa: E402 (the module uses _each's kin)

__all__ = ["length", "lower", "reduce_join", "regex_replace", "split", "strip", "unicode_decode", "unicode_encode",
           "upper"]  # fmt: skip


def __getattr__(name: str):
    raise missing("tf.strings", name)
