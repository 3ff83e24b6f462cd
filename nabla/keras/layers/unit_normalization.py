"""``UnitNormalization``: each sample scaled to length 1."""

from __future__ import annotations

from .._engine import ops
from .layer import Layer

#: Keras's bound: a vector shorter than this is scaled by 1 / EPSILON instead (no division by zero).
EPSILON = 1e-12


class UnitNormalization(Layer):
    """``x / max(||x||, 1e-12)`` along ``axis`` (an int or a list of ints; default -1), the L2 norm:
    every vector comes out with length 1 (a zero vector stays zero). Computed as Keras does,
    ``x * rsqrt(max(sum(x^2), 1e-24))``. Shape: any, unchanged. Parameters: 0.
    """

    INTEGER_TENSORS = "refuse"  # as Keras on TensorFlow, whose kernel takes floats (on PyTorch: float32)
    BUILT_AT_INIT = True  # no weights (Keras 3 marks it built at construction)
    PASSES_MASKS = True  # as Keras's: the mask goes on unchanged

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        axes = list(axis) if isinstance(axis, (list, tuple)) else [axis]
        if not axes or not all(isinstance(a, int) and not isinstance(a, bool) for a in axes):
            raise ValueError(f"UnitNormalization: axis must be an int or a list of ints, got {axis!r}")
        self.axis = axes if isinstance(axis, (list, tuple)) else axis

    def call(self, inputs, training=None):
        axis = tuple(self.axis) if isinstance(self.axis, list) else self.axis
        squares = ops.sum(inputs * inputs, axis=axis, keepdims=True)
        return inputs / ops.sqrt(ops.maximum(squares, EPSILON**2))

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}
