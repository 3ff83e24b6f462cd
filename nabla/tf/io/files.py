"""``tf.io.read_file`` and ``tf.io.write_file``: a whole file as a scalar ``tf.string`` and back.

``read_file(filename)`` gives the file's bytes; a missing file raises ``tf.errors.NotFoundError``.
``write_file(filename, contents)`` writes a scalar string (``bytes`` or ``str`` too), creating the folders
it needs, as TensorFlow does; the write is atomic (:func:`nabla.atomic.atomic_write`: the file is the old
one or the complete new one, never a part).

Inside ``Dataset.map``, while nabla works out the ``element_spec`` on made-up file names
(:mod:`nabla.tf._made_up`), ``read_file`` hands back the made-up name itself instead of reading it: what the
function does with the contents runs on made-up bytes (the image decoders make up an image of them).
"""

from __future__ import annotations

import os

import numpy as np

from ...atomic import atomic_write
from .. import _made_up
from ..errors import FailedPreconditionError, InvalidArgumentError
from ..string_tensor import StringTensor, text_data
from .gfile import _tf_errors


def _scalar_text(value, who: str, what: str) -> bytes:
    data = text_data(os.fspath(value) if isinstance(value, os.PathLike) else value)
    if data is None or data.ndim != 0:
        raise InvalidArgumentError(f"{who}: {what} must be a scalar string, got {type(value).__name__}"
                                   + ("" if data is None else f" of shape {data.shape}"))  # fmt: skip
    return data[()]


def read_file(filename, name=None) -> StringTensor:
    """``tf.io.read_file``: the bytes of the file ``filename`` as a scalar ``tf.string``."""
    path = _scalar_text(filename, "tf.io.read_file", "filename")
    if _made_up.running():
        return StringTensor(np.array(path, dtype=object))
    path = os.fsdecode(path)
    with _tf_errors(path), open(path, "rb") as f:
        contents = f.read()
    return StringTensor(np.array(contents, dtype=object))


def write_file(filename, contents, name=None) -> None:
    """``tf.io.write_file``: ``contents`` (a scalar string) written to ``filename``, its folders created."""
    path = os.fsdecode(_scalar_text(filename, "tf.io.write_file", "filename"))
    data = _scalar_text(contents, "tf.io.write_file", "contents")
    if _made_up.running():
        return None
    if os.path.isdir(path):
        raise FailedPreconditionError(f"tf.io.write_file: {path} is a directory; name a file in it")
    folder = os.path.dirname(path)
    if folder:
        with _tf_errors(folder):
            os.makedirs(folder, exist_ok=True)
    atomic_write(path, data)
    return None
