"""Dropout: randomly zero activations during training (a regulariser)."""

from __future__ import annotations

from . import functional as F
from .module import Module


class Dropout(Module):
    """Inverted dropout with probability ``p``: active in training mode only.

    In training each value is zeroed with probability p and the survivors are
    scaled by 1/(1-p); in eval mode the input passes unchanged.
    """

    def __init__(self, p: float = 0.5):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: p must be in [0, 1], got {p}")
        self.p = p

    def forward(self, x):
        return F.dropout(x, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}"
