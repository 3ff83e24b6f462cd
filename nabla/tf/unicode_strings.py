"""``tf.strings.length``, ``unicode_decode`` and ``unicode_encode``: strings as bytes or code points.

TensorFlow's strings are bytes; ``length`` counts them (``unit="BYTE"``, the default) or the UTF-8 characters
(``unit="UTF8_CHAR"``: ``"café"`` is 5 bytes, 4 characters). ``unicode_decode`` turns each string into its code
points (int32): one string gives a 1-D tensor, a 1-D batch a ``tf.RaggedTensor`` of one row per string;
``unicode_encode`` is its inverse. The encodings are UTF-8 (``"UTF-8"`` or ``"UTF8"``), UTF-16-BE and UTF-32-BE,
TensorFlow's names. Malformed input decodes, as TensorFlow's default ``errors="replace"``, to U+FFFD
(``replacement_char``), is skipped with ``"ignore"`` and raises ``InvalidArgumentError`` with ``"strict"``;
``length`` counts the bytes that do not continue a character, as TensorFlow (a stray byte is one).
"""

from __future__ import annotations

import numpy as np

from ..keras.ragged import RaggedTensor
from ._convert import constant as _constant
from .errors import InvalidArgumentError
from .string_tensor import StringTensor, text_data
from .tensor import Tensor

_ENCODINGS = {"UTF-8": "utf-8", "UTF8": "utf-8", "UTF-16-BE": "utf-16-be", "UTF-32-BE": "utf-32-be"}


def _codec(encoding: str, who: str) -> str:
    if encoding not in _ENCODINGS:
        raise ValueError(f"tf.strings.{who}: encoding must be one of {sorted(_ENCODINGS)}, got {encoding!r}")
    return _ENCODINGS[encoding]


def _strings(input, who: str) -> np.ndarray:
    data = text_data(input)
    if data is None:
        raise TypeError(f"tf.strings.{who}: takes strings (a str, bytes, a string tensor or a list of them), "
                        f"got {type(input).__name__}")  # fmt: skip
    return data


def _decoded(text: bytes, codec: str, who: str, errors: str = "strict", replacement: int = 0xFFFD) -> str:
    """``text`` decoded; each malformed part (Python's, TensorFlow's: a maximal invalid subsequence) raises,
    is skipped or becomes ``chr(replacement)``. A U+FFFD that ``text`` holds stays U+FFFD."""
    parts, start = [], 0
    while True:
        try:
            return "".join(parts) + text[start:].decode(codec)
        except UnicodeDecodeError as e:
            if errors == "strict":
                raise InvalidArgumentError(None, None, f"tf.strings.{who}: {text!r} is not valid {codec}: "
                                           f"{e.reason}") from None  # fmt: skip
            parts.append(e.object[: e.start].decode(codec) + ("" if errors == "ignore" else chr(replacement)))
            start += e.end


def length(input, unit: str = "BYTE", name=None):
    """The length of each string (int32, the input's shape): its bytes (``unit="BYTE"``) or its UTF-8
    characters (``unit="UTF8_CHAR"``)."""
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise ValueError(f"tf.strings.length: unit must be 'BYTE' or 'UTF8_CHAR', got {unit!r}")
    data = _strings(input, "length")
    count = len if unit == "BYTE" else (lambda b: sum(1 for byte in b if byte & 0xC0 != 0x80))
    out = np.vectorize(count, otypes=[np.int32])(data) if data.size else np.zeros(data.shape, np.int32)
    return _constant(out.astype(np.int32))


def unicode_decode(input, input_encoding: str, errors: str = "replace", replacement_char: int = 0xFFFD,
                   replace_control_characters: bool = False, name=None):  # fmt: skip
    """The code points (int32) of each string: a 1-D tensor for one string, a ``tf.RaggedTensor`` with a row
    per string for a 1-D batch. ``errors``: ``"replace"``, ``"ignore"`` or ``"strict"`` (see the module)."""
    codec = _codec(input_encoding, "unicode_decode")
    if errors not in ("replace", "ignore", "strict") or replace_control_characters:
        raise ValueError(f"tf.strings.unicode_decode: errors must be 'replace', 'ignore' or 'strict' (and "
                         f"replace_control_characters False), got {errors!r}")  # fmt: skip
    data = _strings(input, "unicode_decode")

    def points(text: bytes) -> np.ndarray:
        decoded = _decoded(text, codec, "unicode_decode", errors, replacement_char)
        return np.array([ord(c) for c in decoded], dtype=np.int32)

    if data.ndim == 0:
        return _constant(points(data.item()))
    if data.ndim == 1:
        return RaggedTensor([points(text) for text in data], np.int32, tensor_class=Tensor)
    raise ValueError(f"tf.strings.unicode_decode: takes one string or a 1-D batch of them, got shape {data.shape}")


def _character(point: int, errors: str, replacement: int) -> str:
    """The character of a code point; one out of range or a surrogate raises (``errors="strict"``), is
    dropped (``"ignore"``) or becomes ``chr(replacement)`` (``"replace"``), as TensorFlow's."""
    if 0 <= point <= 0x10FFFF and not 0xD800 <= point <= 0xDFFF:
        return chr(point)
    if errors == "strict":
        raise InvalidArgumentError(None, None, f"tf.strings.unicode_encode: {point} is out of range for Unicode, "
                                   "or is a surrogate: pass errors='replace' or 'ignore' to encode it")  # fmt: skip
    return "" if errors == "ignore" else chr(replacement)


def unicode_encode(input, output_encoding: str, errors: str = "replace", replacement_char: int = 0xFFFD,
                   name=None) -> StringTensor:  # fmt: skip
    """The string of each row of code points: a 1-D tensor gives one string (a 0-d string tensor), a 2-D
    tensor or a ``tf.RaggedTensor`` a 1-D batch of them. Invalid code points: ``errors`` (``"replace"``,
    TensorFlow's default, with ``replacement_char``; ``"ignore"``; ``"strict"``)."""
    codec = _codec(output_encoding, "unicode_encode")
    if errors not in ("replace", "ignore", "strict"):
        raise ValueError(f"tf.strings.unicode_encode: errors must be 'replace', 'ignore' or 'strict', got {errors!r}")
    if not 0 <= replacement_char <= 0x10FFFF or 0xD800 <= replacement_char <= 0xDFFF:
        raise ValueError(f"tf.strings.unicode_encode: replacement_char must be a valid code point, got "
                         f"{replacement_char}")  # fmt: skip

    def encoded(points) -> bytes:
        characters = (_character(int(p), errors, replacement_char) for p in np.asarray(points).reshape(-1))
        return "".join(characters).encode(codec)

    if isinstance(input, RaggedTensor):
        rows = [np.asarray(row) for row in input.to_list()]
    else:
        array = np.asarray(input.numpy() if hasattr(input, "numpy") else input)
        if array.dtype.kind not in "iu":
            raise TypeError(f"tf.strings.unicode_encode: takes int32 code points, got {array.dtype}")
        if array.ndim == 1:
            return StringTensor(np.array(encoded(array), dtype=object))
        if array.ndim != 2:
            raise ValueError(f"tf.strings.unicode_encode: takes a 1-D or 2-D tensor of code points, got {array.shape}")
        rows = list(array)
    out = np.empty(len(rows), dtype=object)
    out[:] = [encoded(row) for row in rows]
    return StringTensor(out)
