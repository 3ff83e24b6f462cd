"""Layers that rearrange each sample: ``Reshape(target_shape)``, ``Permute(dims)``. No weights."""

from __future__ import annotations

from .._engine import ops
from .layer import Layer


class Reshape(Layer):
    """Each sample to ``target_shape`` (one entry may be -1): (batch, ...) -> (batch, *target_shape)."""

    BUILT_AT_INIT = True  # no weights (Keras 3 marks it built at construction)

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(int(s) for s in target_shape)

    def call(self, inputs, training=None):
        return ops.reshape(inputs, (inputs.shape[0], *self.target_shape))

    def get_config(self) -> dict:
        return {**super().get_config(), "target_shape": list(self.target_shape)}


class Permute(Layer):
    """The sample axes in the order ``dims`` (numbered from 1, the batch axis staying first)."""

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(int(d) for d in dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(f"Permute: dims must be a permutation of 1..{len(self.dims)}, got {self.dims}")

    def call(self, inputs, training=None):
        return ops.transpose(inputs, 0, *self.dims)

    def get_config(self) -> dict:
        return {**super().get_config(), "dims": list(self.dims)}
