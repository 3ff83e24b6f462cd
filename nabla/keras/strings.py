"""String tensors: ``keras.Input(shape=(1,), dtype="string")``, the input of a model that takes raw text.

nabla's Tensors hold numbers only, so a string tensor's data is a NumPy array of text: ``str`` (or
``bytes``, decoded as UTF-8 by the layers), of dtype ``<U...``, ``S...`` or ``object`` (a pandas column,
a TensorFlow string tensor read by NumPy). Its dtype, :data:`STRING`, is NumPy's ``object``, named
``"string"`` where Keras writes a dtype (a KerasTensor's repr, a model's config).

A model takes such arrays where its input is a string one (``fit``, ``evaluate``, ``predict`` and
``model(x)`` pass them on untouched to the layers that read text: ``TextVectorization``,
``StringLookup``), and refuses them elsewhere with an error that says how to take text.
"""

from __future__ import annotations

import numpy as np

from ._engine import dtypes

#: The dtype of a string tensor (see the module docstring).
STRING = np.dtype(object)

_NAMES = ("string", "str")


def is_string_dtype(dtype) -> bool:
    """Whether ``dtype`` names strings: ``"string"``, ``str``, ``bytes``, ``tf.string``, a NumPy dtype of text."""
    if dtype is None:
        return False
    if isinstance(dtype, str):
        return dtype in _NAMES
    if dtype is str or dtype is bytes or dtype is object:
        return True
    if not isinstance(dtype, (np.dtype, type)) and getattr(dtype, "name", None) == "string":  # tf.string
        return True
    try:
        return np.dtype(dtype).kind in "USO"
    except TypeError:
        return False


def resolve_dtype(dtype) -> np.dtype | None:
    """A KerasTensor's dtype: :data:`STRING` for strings, else nabla's dtype of that name (None stays None)."""
    return STRING if is_string_dtype(dtype) else dtypes.resolve(dtype)


def dtype_name(dtype: np.dtype) -> str:
    """The name Keras writes for ``dtype``: ``"string"`` for :data:`STRING`."""
    return "string" if dtype == STRING else dtype.name


def is_text(data) -> bool:
    """Whether ``data`` (an array, a list, a string, a TensorFlow string tensor) holds text: an array of
    ``str`` or ``bytes``, or of objects all of which are ``str`` or ``bytes``."""
    if isinstance(data, (str, bytes)):
        return True
    if isinstance(data, np.ndarray):
        array = data
    elif isinstance(data, (list, tuple)) or hasattr(data, "__array__"):
        try:
            array = np.asarray(data)
        except (ValueError, TypeError):
            return False
    else:
        return False
    if array.dtype.kind in "US":
        return True
    return array.dtype == object and array.size > 0 and all(isinstance(v, (str, bytes)) for v in array.flat)


def is_text_array(data) -> bool:
    """Whether ``data`` is a NumPy array of text (what a string tensor's data is, inside a model)."""
    return isinstance(data, np.ndarray) and (data.dtype.kind in "US" or data.dtype == object)


def text_array(data, what: str) -> np.ndarray:
    """``data`` (text, see :func:`is_text`) as a NumPy array with a batch axis."""
    array = np.asarray(data)
    if array.dtype != object and array.dtype.kind not in "US":
        raise TypeError(f"{what} must be strings for a string input, got an array of {array.dtype}")
    if array.ndim == 0:
        raise ValueError(f"{what} must have a batch axis, got a single string: give a list of strings")
    return array
