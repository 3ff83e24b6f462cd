"""Overlap losses for segmentation masks: Dice and Tversky (Keras 3's forms, summed over ``axis``).

With Keras's default ``axis=None`` the sums run over the whole batch and the loss is one number
(the reduction and sample weights then leave it as it is, as in Keras); ``axis=(1, 2)`` gives
one value per image, which is reduced as other losses are.
"""

from __future__ import annotations

from .._engine import Tensor, ops
from .loss import EPSILON, Loss, _as_target, _check_shapes


def _pair(y_true, y_pred: Tensor, who: str) -> Tensor:
    y = _as_target(y_true, y_pred)
    _check_shapes(y, y_pred, who)
    return y


def _sum(x: Tensor, axis) -> Tensor:
    return ops.sum(x, axis=tuple(axis) if isinstance(axis, list) else axis)


def dice(y_true, y_pred, axis=None) -> Tensor:
    """``1 - 2 sum(y p) / (sum(y) + sum(p) + 1e-7)`` over ``axis`` (None: everything)."""
    y = _pair(y_true, y_pred, "dice")
    return 1.0 - 2.0 * _sum(y * y_pred, axis) / (_sum(y, axis) + _sum(y_pred, axis) + EPSILON)


def tversky(y_true, y_pred, alpha: float = 0.5, beta: float = 0.5, axis=None) -> Tensor:
    """``1 - TP / (TP + α FN + β FP + 1e-7)`` over ``axis`` with soft counts ``TP = sum(y p)``,
    ``FN = sum(y (1 - p))``, ``FP = sum((1 - y) p)``; α = β = 0.5 is the Dice loss.

    NOTE: α weighs the missed mass ``y (1 - p)`` and β the spurious mass ``(1 - y) p``, as Keras 3's code
    does (its docstring says the reverse; nabla follows the numbers).
    """
    y = _pair(y_true, y_pred, "tversky")
    tp = _sum(y * y_pred, axis)
    return 1.0 - tp / (tp + alpha * _sum(y * (1.0 - y_pred), axis) + beta * _sum((1.0 - y) * y_pred, axis) + EPSILON)


def _axis(axis):
    """A JSON-able axis for the config: None, an int, or a list of ints (Keras takes a tuple)."""
    return list(axis) if isinstance(axis, (tuple, list)) else axis


class Dice(Loss):
    """The Dice loss ``1 - 2|Y ∩ P| / (|Y| + |P|)`` on soft masks, over ``axis`` (default None: all)."""

    fn = staticmethod(dice)

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str | None = "dice", axis=None):
        super().__init__(name, reduction, axis=_axis(axis))


class Tversky(Loss):
    """The Tversky loss: Dice with the missed mass weighted by ``alpha`` and the spurious mass by ``beta``."""

    fn = staticmethod(tversky)

    def __init__(self, alpha: float = 0.5, beta: float = 0.5, reduction: str | None = "sum_over_batch_size",
                 name: str | None = "tversky", axis=None):  # fmt: skip
        super().__init__(name, reduction, alpha=alpha, beta=beta, axis=_axis(axis))
