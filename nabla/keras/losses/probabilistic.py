"""Losses between distributions and counts: Kullback-Leibler divergence and Poisson (Keras 3's forms)."""

from __future__ import annotations

from .._engine import Tensor, ops
from .loss import EPSILON, Loss, targets


def kl_divergence(y_true, y_pred) -> Tensor:
    """``sum(y log(y / p), axis=-1)`` per sample, y and p clipped to [1e-7, 1] (Keras's clip)."""
    y = ops.clip(targets(y_true, y_pred, "kl_divergence"), EPSILON, 1.0)
    return ops.sum(y * ops.log(y / ops.clip(y_pred, EPSILON, 1.0)), axis=-1)


def poisson(y_true, y_pred) -> Tensor:
    """``mean(p - y log(p + 1e-7), axis=-1)`` per sample: the Poisson negative log-likelihood of counts y
    at rate p, up to a term free of p."""
    y = targets(y_true, y_pred, "poisson")
    return ops.mean(y_pred - y * ops.log(y_pred + EPSILON), axis=-1)


class KLDivergence(Loss):
    """Mean ``sum(y log(y / p))``: how far the predicted distribution is from the target one."""

    fn = staticmethod(kl_divergence)

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str | None = "kl_divergence"):
        super().__init__(name, reduction)


class Poisson(Loss):
    """Mean ``p - y log(p + 1e-7)``, for count targets and a positive rate ``p`` (e.g. an exp output)."""

    fn = staticmethod(poisson)

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str | None = None):
        super().__init__(name, reduction)
