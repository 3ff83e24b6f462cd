"""``tf.compat``: TensorFlow 2's string and path helpers (``as_bytes``, ``as_text``...), as TensorFlow's.

Course material reaches them outside any model: keras-io's image classification example keeps the JPEG files
whose header holds ``tf.compat.as_bytes("JFIF")``. TensorFlow 1 (``tf.compat.v1``) is refused by name.
"""

import codecs as _codecs

from ._missing import missing as _missing


def as_bytes(bytes_or_text, encoding="utf-8") -> bytes:
    """``bytes``, ``bytearray`` or ``str`` (encoded with ``encoding``) as ``bytes``; anything else: TypeError."""
    encoding = _codecs.lookup(encoding).name  # an unknown encoding is a LookupError, as TensorFlow's
    if isinstance(bytes_or_text, bytearray):
        return bytes(bytes_or_text)
    if isinstance(bytes_or_text, str):
        return bytes_or_text.encode(encoding)
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


def as_text(bytes_or_text, encoding="utf-8") -> str:
    """``str`` as it is, ``bytes`` decoded with ``encoding``; anything else: TypeError."""
    encoding = _codecs.lookup(encoding).name
    if isinstance(bytes_or_text, str):
        return bytes_or_text
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text.decode(encoding)
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


as_str = as_text  # TensorFlow 2's str is text, as Python 3's


def as_str_any(value, encoding="utf-8") -> str:
    """``bytes`` decoded (:func:`as_str`), any other value as ``str(value)``."""
    return as_str(value, encoding=encoding) if isinstance(value, bytes) else str(value)


def path_to_str(path):
    """A path-like object (``pathlib.Path``) as its ``str``; anything else as it is."""
    return as_str_any(path.__fspath__()) if hasattr(path, "__fspath__") else path


def __getattr__(name: str):
    raise _missing("tf.compat", name)
