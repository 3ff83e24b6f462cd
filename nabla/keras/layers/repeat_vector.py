"""``RepeatVector``: one feature vector per sample, repeated into a sequence."""

from __future__ import annotations

import numpy as np

from .._engine import ops
from .layer import Layer


class RepeatVector(Layer):
    """(batch, features) -> (batch, n, features): the vector repeated ``n`` times (the start of a sequence
    decoder). Gradients sum over the copies. Parameters: 0."""

    def __init__(self, n: int, **kwargs):
        super().__init__(**kwargs)
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n <= 0:
            raise ValueError(f"RepeatVector: n must be a positive integer, got {n!r}")
        self.n = int(n)

    def call(self, inputs, training=None):
        if inputs.ndim != 2:
            raise ValueError(f"RepeatVector '{self.name}' needs (batch, features) inputs, got shape {inputs.shape}")
        return ops.broadcast_to(ops.expand_dims(inputs, 1), (inputs.shape[0], self.n, inputs.shape[1]))

    def get_config(self) -> dict:
        return {**super().get_config(), "n": self.n}
