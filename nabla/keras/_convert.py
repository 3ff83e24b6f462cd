"""Values to tensors as Keras converts them: shared by ``keras.ops`` and ``keras.activations``."""

from __future__ import annotations

import numpy as np

from ._engine import Tensor, dtypes, ops


def convert_to_tensor(x, dtype=None, sparse=None) -> Tensor:
    """``x`` as a tensor (a tensor or Variable of that dtype is returned as it is)."""
    if sparse:
        raise ValueError("convert_to_tensor: nabla has no sparse tensors (sparse=False or None)")
    dtype = dtypes.resolve(dtype)
    if isinstance(x, Tensor):
        return x if dtype is None or x.dtype == dtype else ops.astype(x, dtype)
    array = np.asarray(x, dtype=dtype)
    if dtype is None and array.dtype == np.float64 and not isinstance(x, (np.ndarray, np.generic)):
        array = array.astype(dtypes.default_float)  # Python floats are float32, as in Keras
    return Tensor._make(array)
