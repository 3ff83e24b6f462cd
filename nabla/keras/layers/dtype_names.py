"""The dtypes Keras 3's ``Layer`` reports besides ``dtype``: ``compute_dtype``, ``variable_dtype``, ``input_dtype``.

In Keras 3 they come from the layer's ``DTypePolicy`` and are names (``"float32"``); a custom layer writes
``self.add_weight(shape, dtype=self.variable_dtype)`` or ``ops.cast(x, self.compute_dtype)``. nabla offers no
mixed precision, so the layer computes and keeps its weights in its own ``dtype``: all three name that one.
"""

from __future__ import annotations

from ..strings import dtype_name


class DTypeNames:
    """Mixed into :class:`~nabla.keras.layers.Layer`: its dtype under Keras 3's other names."""

    @property
    def compute_dtype(self) -> str:
        """The dtype the layer computes in, as a name (Keras 3's ``layer.compute_dtype``, e.g. ``"float32"``)."""
        return dtype_name(self.dtype)

    @property
    def variable_dtype(self) -> str:
        """The dtype of the layer's weights, as a name (Keras 3's ``layer.variable_dtype``)."""
        return dtype_name(self.dtype)

    @property
    def input_dtype(self):
        """The dtype floating inputs are cast to when ``autocast`` is on (Keras 3's: the layer's dtype)."""
        return self.dtype
