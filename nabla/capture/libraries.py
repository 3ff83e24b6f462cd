"""Which array library a recorded value lives in: what the tape counts as an array, and the namespace a line
of the program runs on.

A replay calls the primitives and gradient rules that eager mode called, with the namespace eager mode
chose from the data (:func:`nabla.engine.backend.namespace`): NumPy's for NumPy arrays, and for an array of
another library implementing the Python array API standard (CuPy, array-api-strict), the namespace of
:mod:`nabla.engine.standard` on that array's device. So a step recorded on a device replays there, and its
lines compute what eager mode computes, in the same order, with the same functions.

The tape names NumPy's namespace ``xp`` (``xpb`` for the kernels that take the step's buffers: see
:mod:`nabla.capture.buffers`); another library's is bound under a name of its device
(``xp_array_api_strict_device1``). The choice is made once, at capture: a replay pays nothing for it.
"""

from __future__ import annotations

import numpy as np

from ..engine import backend, devices


def is_array(x) -> bool:
    """Whether ``x`` is an array: NumPy's, or another array API library's (a NumPy scalar is not one)."""
    return isinstance(x, np.ndarray) or (hasattr(x, "__array_namespace__") and not isinstance(x, np.generic))


def is_value(x) -> bool:
    """Whether ``x`` is what a recorded line may return: an array, or a NumPy scalar (NumPy's 0-d results)."""
    return isinstance(x, np.generic) or is_array(x)


def is_mask(x) -> bool:
    """Whether ``x`` is a boolean array of any library."""
    return is_array(x) and backend.numpy_dtype(x.dtype) == np.bool_


def foreign(values) -> object | None:
    """The first array among ``values`` that is not NumPy's (None if there is none)."""
    for v in values:
        if is_array(v) and not isinstance(v, np.ndarray):
            return v
    return None


def namespace(values) -> tuple[object, str] | None:
    """For an operation on ``values`` (arrays and Python values): None when it runs on NumPy, else the
    namespace eager mode chose for it and the name of its device (``"array_api_strict:device1"``)."""
    other = foreign(values)
    if other is None:
        return None
    return backend.namespace(*values), devices.device_of(other)
