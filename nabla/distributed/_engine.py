"""The one place where nabla.distributed reaches into the engine: a Tensor's array (``_data``, ``_make``,
the version counter) and the step compiler's mark for calls that a captured step must repeat."""

from __future__ import annotations

import numbers

import numpy as np

from ..engine.tensor import Tensor
from ..engine.tracing import replayed as replayed  # (re-exported: marks a call a captured step repeats)


def unwrap(value, who: str) -> tuple[np.ndarray, type]:
    """The array behind a Tensor, an array or a number, and the kind of value to return."""
    if isinstance(value, Tensor):
        return value._data, Tensor
    if isinstance(value, np.ndarray):
        return value, np.ndarray
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        return np.asarray(value), type(value)
    raise TypeError(f"{who} takes a Tensor, a NumPy array or a number, got {type(value).__name__}")


def writable(value, who: str) -> np.ndarray:
    """The array behind a Tensor or an array that a collective overwrites in place."""
    if isinstance(value, (Tensor, np.ndarray)):
        return unwrap(value, who)[0]
    raise TypeError(f"{who} works in place, so it takes a Tensor or a NumPy array, got {type(value).__name__}")


def changed(value) -> None:
    """Record an in-place change of a Tensor (graphs that saved it are now stale)."""
    if isinstance(value, Tensor):
        value._version.v += 1


def rewrap(array: np.ndarray, kind: type):
    """``array`` as the kind of value :func:`unwrap` was given."""
    if kind is Tensor:
        return Tensor._make(array)
    if kind is np.ndarray:
        return array
    return kind(array.reshape(()).item())


def array_of(t: Tensor) -> np.ndarray:
    return t._data


def tensor_of(array: np.ndarray) -> Tensor:
    return Tensor._make(array)


def grad_array(p: Tensor) -> np.ndarray | None:
    """The gradient's array of parameter ``p`` (None without one); read at every step, so the slot itself."""
    g = p._grad
    return None if g is None else g._data


def set_grad(p: Tensor, array: np.ndarray) -> None:
    """Make ``array`` the gradient of ``p``, writing into the existing gradient when it can."""
    g = p._grad
    if g is not None and g._node is None and g._data.flags.writeable and g._data.dtype == array.dtype:
        g._data[...] = array
        g._version.v += 1
    else:
        p._grad = Tensor._make(array.copy())


def write_into(t: Tensor, array: np.ndarray) -> None:
    """Overwrite ``t``'s values in place (a parameter that other tensors and optimizers hold)."""
    if t._data.flags.writeable:
        t._data[...] = array
    else:
        t._data = array.astype(t._data.dtype, copy=True)
    t._version.v += 1
