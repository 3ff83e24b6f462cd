"""Data types: nabla's dtypes are NumPy's, with PyTorch's defaults.

On another array library ``Tensor.dtype`` still answers with nabla's dtype of the same name
(``nb.float32``); the array holds the library's own.

Python floats (and lists of them) become float32, as in PyTorch; Python ints
become int64 and bools bool. A NumPy array keeps its own dtype, so a float64
array makes a float64 tensor, as ``torch.tensor`` does.
"""

from __future__ import annotations

import numpy as np

float16 = np.dtype("float16")
float32 = np.dtype("float32")
float64 = np.dtype("float64")
int8 = np.dtype("int8")
int16 = np.dtype("int16")
int32 = np.dtype("int32")
int64 = np.dtype("int64")
uint8 = np.dtype("uint8")
bool_ = np.dtype("bool")

#: dtype given to Python floats and to the results of random and creation
#: functions when no dtype is asked for.
default_float = float32

#: ``[True]`` once an array of a library other than NumPy has been met. Until then every array is NumPy's,
#: and the engine's hot paths skip the checks that other libraries need: NumPy pays nothing for them.
OTHER_LIBRARIES = [False]

_ALIASES = {"float": float32, "double": float64, "half": float16, "long": int64, "int": int32, "bool": bool_}


def resolve(dtype) -> np.dtype | None:
    """Turn ``nb.float32``, ``np.float64``, ``"float64"``, ``"double"``... into a NumPy dtype."""
    if dtype is None:
        return None
    if isinstance(dtype, str) and dtype in _ALIASES:
        return _ALIASES[dtype]
    try:
        return np.dtype(dtype)
    except TypeError:
        raise TypeError(
            f"unknown dtype {dtype!r}: use nb.float32, nb.float64, nb.int64, nb.bool_ or their names"
        ) from None


def is_floating(dtype: np.dtype) -> bool:
    return dtype.kind == "f"


def to_array(data, dtype=None) -> np.ndarray:
    """``data`` (numbers, nested lists, an array) as a new array, with the rules above: what a tensor made
    from it holds. ``dtype``: anything :func:`resolve` takes, or None for the data's own (Python floats:
    :data:`default_float`)."""
    dtype = resolve(dtype)
    if isinstance(data, np.ndarray):
        return data.astype(dtype) if dtype is not None and dtype != data.dtype else data.copy()
    if hasattr(data, "__array_namespace__") and not isinstance(data, np.generic):
        # An array of another library (array API standard): copied within that library, on its device.
        OTHER_LIBRARIES[0] = True
        api = data.__array_namespace__()
        return api.asarray(data, copy=True) if dtype is None else api.astype(data, getattr(api, dtype.name), copy=True)
    if isinstance(data, np.generic):
        arr = np.asarray(data)
    else:
        try:
            arr = np.asarray(data)
        except ValueError as e:
            raise ValueError(f"cannot make a tensor from this data (ragged nested lists?): {e}") from None
    if arr.dtype == object or arr.dtype.kind in "USV":
        raise TypeError(
            f"cannot make a tensor from data of type {type(data).__name__} holding {arr.dtype} values; "
            "pass numbers, nested lists of numbers or a NumPy array"
        )
    if dtype is not None:
        return arr.astype(dtype, copy=False)
    if arr.dtype == np.float64 and not isinstance(data, np.generic):
        return arr.astype(default_float)
    return arr
