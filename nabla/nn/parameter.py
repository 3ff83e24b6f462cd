"""Parameter: a Tensor that a Module registers as trainable."""

from __future__ import annotations

import numpy as np

from ..engine import dtypes
from ..engine.tensor import Tensor


class Parameter(Tensor):
    """A leaf Tensor that requires grad and is registered by the Module it is assigned to.

    ``Parameter(t)`` shares ``t``'s memory (as in PyTorch); NumPy arrays and
    lists are converted (Python floats to float32).
    """

    __slots__ = ()

    def __init__(self, data=None, requires_grad: bool = True):
        if data is None:
            array = np.empty(0, dtype=dtypes.default_float)
        elif isinstance(data, Tensor):
            array = data._data
        else:
            array = dtypes.to_array(data)
        Tensor.__init__(self, np.empty(0), requires_grad=False)
        self._data = array
        self.requires_grad = requires_grad

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
