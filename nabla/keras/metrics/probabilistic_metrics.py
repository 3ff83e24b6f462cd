"""Probabilistic metrics: the cross-entropies, Kullback-Leibler divergence and Poisson deviance, as running means.

The cross-entropies are the losses of :mod:`nabla.keras.losses` evaluated without a graph (one
implementation of each formula): float32 like Keras, probabilities clipped to ``[1e-7, 1 - 1e-7]``
unless ``from_logits``. Given a Keras sigmoid's or softmax's output (or, in ``fit`` and ``evaluate``, its
values), they use the logits behind it, as Keras on TensorFlow's (see :mod:`..activation_logits`).
"""

from __future__ import annotations

import numpy as np

from .. import losses
from .._engine import Tensor, no_grad
from ..activation_logits import pass_on
from ..losses import EPSILON
from .metrics_utils import match_shapes, per_sample
from .reduction_metrics import _BuiltinWrapper


def _loss_per_sample(loss_fn, y_true, y_pred, **kwargs) -> np.ndarray:
    """One of the Keras losses on arrays: ``(N,)`` per-sample values, no graph, computed in float32 as Keras."""
    with no_grad():
        pred = pass_on(y_pred, Tensor._make(np.asarray(y_pred, dtype=np.float32)))
        return per_sample(np.asarray(loss_fn(y_true, pred, **kwargs)._data, dtype=np.float64))


def binary_crossentropy(y_true, y_pred, from_logits: bool = False, label_smoothing: float = 0.0) -> np.ndarray:
    """Per-sample ``-mean(y log p + (1 - y) log(1 - p), axis=-1)``; labels smoothed to ``y (1 - s) + s / 2``."""
    return _loss_per_sample(
        losses.binary_crossentropy, y_true, y_pred, from_logits=from_logits, label_smoothing=label_smoothing
    )


def categorical_crossentropy(y_true, y_pred, from_logits: bool = False, label_smoothing: float = 0.0) -> np.ndarray:
    """Per-sample ``-sum(y log p, axis=-1)`` for one-hot labels; smoothed to ``y (1 - s) + s / C``."""
    return _loss_per_sample(
        losses.categorical_crossentropy, y_true, y_pred, from_logits=from_logits, label_smoothing=label_smoothing
    )


def sparse_categorical_crossentropy(y_true, y_pred, from_logits: bool = False, ignore_class=None) -> np.ndarray:
    """Per-sample ``-log p[label]`` for integer labels of shape ``(N,)`` or ``(N, 1)``; positions labelled
    ``ignore_class`` lose 0 (and, as in Keras 3's metric, still count in the mean)."""
    return _loss_per_sample(
        losses.sparse_categorical_crossentropy, y_true, y_pred, from_logits=from_logits, ignore_class=ignore_class
    )


def kl_divergence(y_true, y_pred) -> np.ndarray:
    """Per-sample ``sum(y log(y / p), axis=-1)`` with both clipped to ``[1e-7, 1]`` (Keras's ``kl_divergence``)."""
    y_true, y_pred = match_shapes(y_true, y_pred, "kl_divergence")
    y_true, y_pred = np.clip(y_true, EPSILON, 1.0), np.clip(y_pred, EPSILON, 1.0)
    return per_sample(np.sum(y_true * np.log(y_true / y_pred), axis=-1))


def poisson(y_true, y_pred) -> np.ndarray:
    """Per-sample ``mean(p - y log(p + 1e-7), axis=-1)``: the Poisson negative log-likelihood up to a constant."""
    y_true, y_pred = match_shapes(y_true, y_pred, "poisson")
    return per_sample(np.mean(y_pred - y_true * np.log(y_pred + EPSILON), axis=-1))


def _check_last_axis(axis, name: str) -> None:
    """Keras's ``axis`` argument (the classes' axis): nabla's cross-entropy metrics take the last one only."""
    if axis != -1:
        raise ValueError(f"{name}: the classes must be on the last axis (axis=-1), got axis={axis!r}")


def _check_smoothing(label_smoothing, name: str) -> float:
    if isinstance(label_smoothing, bool) or not 0.0 <= float(label_smoothing) <= 1.0:
        raise ValueError(f"{name}: label_smoothing must be a number in [0, 1], got {label_smoothing!r}")
    return float(label_smoothing)


class BinaryCrossentropy(_BuiltinWrapper):
    """Mean binary cross-entropy between labels and predicted probabilities (or logits).

    Args:
        from_logits: ``True`` if ``y_pred`` holds logits (the stable fused form is used).
        label_smoothing: in [0, 1]; labels become ``y (1 - s) + s / 2``.
        name: defaults to ``"binary_crossentropy"``.

    Shape: ``y_true`` and ``y_pred`` of one shape, e.g. ``(N,)`` or ``(N, 1)``.

    Example:
        >>> m = BinaryCrossentropy()
        >>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
        >>> round(float(m.result()), 4)
        0.8149
    """

    direction = "down"

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, name: str = "binary_crossentropy"):
        smoothing = _check_smoothing(label_smoothing, "BinaryCrossentropy")
        super().__init__(binary_crossentropy, name=name, from_logits=bool(from_logits), label_smoothing=smoothing)


class CategoricalCrossentropy(_BuiltinWrapper):
    """Mean cross-entropy between one-hot labels and predicted class probabilities (or logits).

    Probabilities are renormalised to sum to 1 over the class axis and clipped
    (as Keras); ``from_logits=True`` uses log-softmax.

    Args:
        from_logits: ``True`` if ``y_pred`` holds logits.
        label_smoothing: in [0, 1]; labels become ``y (1 - s) + s / C``.
        axis: the classes' axis: -1 (Keras's default; the only one offered).
        name: defaults to ``"categorical_crossentropy"``.

    Shape: ``y_true`` (one-hot) and ``y_pred`` both ``(N, C)``.

    Example:
        >>> m = CategoricalCrossentropy()
        >>> m.update_state([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
        >>> round(float(m.result()), 4)
        1.1769
    """

    direction = "down"

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 name: str = "categorical_crossentropy"):  # fmt: skip
        smoothing = _check_smoothing(label_smoothing, "CategoricalCrossentropy")
        _check_last_axis(axis, "CategoricalCrossentropy")
        super().__init__(categorical_crossentropy, name=name, from_logits=bool(from_logits), label_smoothing=smoothing)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": -1}


class SparseCategoricalCrossentropy(_BuiltinWrapper):
    """Mean cross-entropy between integer labels and predicted class probabilities (or logits).

    Args:
        from_logits: ``True`` if ``y_pred`` holds logits.
        ignore_class: a label whose positions lose 0, or None (Keras's default). As Keras 3's metric (unlike
            its loss) they still count in the mean.
        axis: the classes' axis: -1 (Keras's default; the only one offered).
        name: defaults to ``"sparse_categorical_crossentropy"``.

    Shape: ``y_true`` ``(N,)`` or ``(N, 1)`` class indices; ``y_pred`` ``(N, C)``.

    Example:
        >>> m = SparseCategoricalCrossentropy()
        >>> m.update_state([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
        >>> round(float(m.result()), 4)
        1.1769
    """

    direction = "down"

    def __init__(self, from_logits: bool = False, ignore_class: int | None = None, axis: int = -1,
                 name: str = "sparse_categorical_crossentropy"):  # fmt: skip
        _check_last_axis(axis, "SparseCategoricalCrossentropy")
        if ignore_class is not None and (isinstance(ignore_class, bool) or not isinstance(ignore_class, int)):
            raise ValueError(f"SparseCategoricalCrossentropy: ignore_class must be an integer label or None, got "
                             f"{ignore_class!r}")  # fmt: skip
        super().__init__(
            sparse_categorical_crossentropy, name=name, from_logits=bool(from_logits), ignore_class=ignore_class
        )

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": -1}


class KLDivergence(_BuiltinWrapper):
    """Mean Kullback-Leibler divergence ``sum(y log(y / p), axis=-1)`` between two distributions.

    Both are clipped to ``[1e-7, 1]`` first (as Keras), so zeros in ``y_true`` contribute nothing.

    Args:
        name: defaults to ``"kl_divergence"``.

    Example:
        >>> m = KLDivergence()
        >>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
        >>> round(float(m.result()), 4)
        0.4581
    """

    direction = "down"

    def __init__(self, name: str = "kl_divergence"):
        super().__init__(kl_divergence, name=name)


class Poisson(_BuiltinWrapper):
    """Mean Poisson deviance term ``mean(p - y log(p + 1e-7), axis=-1)``, for count targets.

    Args:
        name: defaults to ``"poisson"``.

    Example:
        >>> m = Poisson()
        >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
        >>> round(float(m.result()), 4)
        0.5
    """

    direction = "down"

    def __init__(self, name: str = "poisson"):
        super().__init__(poisson, name=name)
