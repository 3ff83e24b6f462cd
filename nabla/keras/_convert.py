"""Values to tensors as Keras converts them: shared by ``keras.ops`` and ``keras.activations``."""

from __future__ import annotations

import numpy as np

from ._engine import Tensor, dtypes, made_by, ops


def convert_to_tensor(x, dtype=None, sparse=None) -> Tensor:
    """``x`` as a tensor (a tensor or Variable of that dtype is returned as it is)."""
    if sparse:
        raise ValueError("convert_to_tensor: nabla has no sparse tensors (sparse=False or None)")
    dtype = dtypes.resolve(dtype)
    if isinstance(x, Tensor):
        return x if dtype is None or x.dtype == dtype else ops.astype(x, dtype)
    # (made_by: in a captured step, Python values are constants and an array of yours is read at each replay)
    return made_by(_array, x, dtype)


def _array(x, dtype) -> np.ndarray:
    array = np.asarray(x, dtype=dtype)
    if dtype is None and array.dtype == np.float64 and not isinstance(x, (np.ndarray, np.generic)):
        array = array.astype(dtypes.default_float)  # Python floats are float32, as in Keras
    return array
