"""How a Keras layer's call reads its inputs: arrays, structures of them and text become what ``call`` gets,
and the shapes that ``build`` is given."""

from __future__ import annotations

import numpy as np

from .._engine import Tensor
from ..strings import is_text_array


def as_tensors(inputs, dtype, keep_integers: bool = False):
    """A layer's input as a Tensor, a list (tuple) of Tensors when it is a list (tuple) of arrays (NumPy's,
    pandas columns, tensors), or a dict of them for a dict (Keras 3 converts each array of the structure and
    keeps the structure, as here; a list of numbers is one array).

    Keras casts only floating inputs to the layer's dtype. ``keep_integers`` (a layer of the user's own,
    whose ``call`` decides, as d2l's ``tf.one_hot(inputs, ...)`` on token ids) follows it; nabla's own layers
    read integer arrays as ``dtype``, which their computations expect."""
    if isinstance(inputs, Tensor) or is_text_array(inputs):  # (text: a string input's, see keras/strings.py)
        return inputs
    if isinstance(inputs, dict):
        return {key: as_tensors(value, dtype, keep_integers) for key, value in inputs.items()}
    if isinstance(inputs, (list, tuple)) and inputs and all(is_array_like(x) for x in inputs):
        tensors = [as_tensors(x, dtype, keep_integers) for x in inputs]
        return tuple(tensors) if isinstance(inputs, tuple) else tensors
    array = np.asarray(inputs)
    return Tensor._make(array if keep_integers and array.dtype.kind in "biu" else np.asarray(array, dtype=dtype))


def is_array_like(value) -> bool:
    """Whether ``value`` is one array of a structure: a Tensor, or an array-like of at least one dimension
    (NumPy's arrays, pandas Series and DataFrames), not a number."""
    return isinstance(value, Tensor) or (hasattr(value, "__array__") and np.ndim(value) > 0)


def input_shapes(inputs):
    """The shape(s) ``build`` gets: one tuple, a list of them, or a dict of them (as Keras 3)."""
    if isinstance(inputs, dict):
        return {key: input_shapes(value) for key, value in inputs.items()}
    return [x.shape for x in inputs] if isinstance(inputs, (list, tuple)) else inputs.shape
