"""Weight penalties added to the loss during ``fit``: ``Dense(64, kernel_regularizer=l2(1e-4))``.

As in Keras, ``l2(c)`` adds ``c * sum(w^2)`` (no factor 1/2) and ``l1(c)``
adds ``c * sum(|w|)``.
"""

from __future__ import annotations

from ._engine import Tensor, ops


class Regularizer:
    """A penalty ``l1 * sum|w| + l2 * sum w^2`` on a weight tensor."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        if l1 < 0 or l2 < 0:
            raise ValueError(f"regularization factors must be non-negative, got l1={l1}, l2={l2}")
        self.l1, self.l2 = float(l1), float(l2)

    def __call__(self, w: Tensor) -> Tensor:
        penalty = 0.0
        if self.l1:
            penalty = penalty + self.l1 * ops.sum(ops.abs(w))
        if self.l2:
            penalty = penalty + self.l2 * ops.sum(w * w)
        return penalty

    def get_config(self) -> dict:
        return {"l1": self.l1, "l2": self.l2}

    def __repr__(self) -> str:
        return f"Regularizer(l1={self.l1}, l2={self.l2})"


def l1(l1: float = 0.01) -> Regularizer:
    """``l1 * sum(|w|)``: pushes weights to exactly zero (sparse models)."""
    return Regularizer(l1=l1)


def l2(l2: float = 0.01) -> Regularizer:
    """``l2 * sum(w^2)``: weight decay, keeps weights small."""
    return Regularizer(l2=l2)


def l1_l2(l1: float = 0.01, l2: float = 0.01) -> Regularizer:
    """Both penalties together (elastic net)."""
    return Regularizer(l1=l1, l2=l2)


L1, L2, L1L2 = l1, l2, l1_l2


def get(identifier) -> Regularizer | None:
    """A regularizer from None, an instance, a config dict, or the names "l1", "l2", "l1_l2"."""
    if identifier is None or isinstance(identifier, Regularizer) or callable(identifier):
        return identifier
    if isinstance(identifier, dict):
        return Regularizer(**identifier)
    if identifier in ("l1", "l2", "l1_l2"):
        return {"l1": l1, "l2": l2, "l1_l2": l1_l2}[identifier]()
    raise ValueError(f"unknown regularizer {identifier!r}; use l1, l2, l1_l2 or nabla.regularizers.l2(0.01)")
