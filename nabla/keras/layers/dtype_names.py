"""A layer's dtype: Keras 3's other names for it (``compute_dtype``, ``variable_dtype``, ``input_dtype``,
``dtype_policy``) and ``to(dtype)``.

In Keras 3 they come from the layer's ``DTypePolicy`` and are names (``"float32"``); a custom layer writes
``self.add_weight(shape, dtype=self.variable_dtype)`` or ``ops.cast(x, self.compute_dtype)``. nabla offers no
mixed precision, so the layer computes and keeps its weights in its own ``dtype``: all three name that one.
``layer.dtype`` and these are names as in Keras 3, :class:`~nabla.keras.keras_dtype.KerasDType` objects, which
equal the NumPy dtype too (``layer.dtype == np.float32``).
"""

from __future__ import annotations

import numpy as np

from .._engine import devices, dtypes
from ..dtype_policies import DTypePolicy, get
from ..keras_dtype import KerasDType, keras_dtype, numpy_dtype
from ..strings import dtype_name


class DTypeNames:
    """Mixed into :class:`~nabla.keras.layers.Layer` (before :class:`nabla.nn.Module`): its dtype, ``self.dtype``."""

    @property
    def dtype(self) -> KerasDType:
        """The layer's dtype as Keras 3 names it (``'float32'``; a :class:`KerasDType`, equal to the NumPy dtype)."""
        return keras_dtype(vars(self).get("_dtype"))

    @dtype.setter
    def dtype(self, value) -> None:
        object.__setattr__(self, "_dtype", numpy_dtype(value))

    @property
    def compute_dtype(self) -> str:
        """The dtype the layer computes in, as a name (Keras 3's ``layer.compute_dtype``, e.g. ``"float32"``)."""
        return self.dtype

    @property
    def variable_dtype(self) -> str:
        """The dtype of the layer's weights, as a name (Keras 3's ``layer.variable_dtype``)."""
        return self.dtype

    @property
    def input_dtype(self):
        """The dtype floating inputs are cast to when ``autocast`` is on (Keras 3's: the layer's dtype)."""
        return self.dtype

    @property
    def dtype_policy(self) -> DTypePolicy:
        """Keras 3's ``layer.dtype_policy``: a :class:`~nabla.keras.DTypePolicy` named after the layer's dtype;
        setting it (a name or a policy) sets the dtype new weights and inputs take, as ``dtype=`` does."""
        return DTypePolicy(dtype_name(self.dtype))

    @dtype_policy.setter
    def dtype_policy(self, value) -> None:
        self._take_dtype(dtypes.resolve(get(value).name))

    def to(self, *args, device=None, dtype=None) -> DTypeNames:
        """:meth:`Module.to`; a floating ``dtype`` becomes every inner Keras layer's dtype too (what its inputs
        are cast to and new weights are made in), as for a layer made with ``dtype=``: ``model.to("float64")``
        computes in float64."""
        super().to(*args, device=device, dtype=dtype)
        dtype = devices.to_arguments(args, device, dtype)[1]
        for layer in (m for m in self.modules() if isinstance(m, DTypeNames)) if dtype is not None else ():
            layer._take_dtype(dtypes.resolve(dtype))
        return self

    def _take_dtype(self, dtype: np.dtype) -> None:
        """Compute in ``dtype`` from now on (see :meth:`to`); a model's float ``keras.Input`` follows too."""
        self.dtype = dtype
