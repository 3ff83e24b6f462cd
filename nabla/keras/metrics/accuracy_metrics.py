"""Accuracy metrics: exact match, binary, categorical, sparse, top-k, and ``"accuracy"`` inferred from the data."""

from __future__ import annotations

import numpy as np

from .metrics_utils import class_labels, class_scores, match_shapes, per_sample
from .reduction_metrics import _BuiltinWrapper

# --- per-sample functions (Keras's keras.metrics.binary_accuracy etc.) -----------------


def accuracy(y_true, y_pred) -> np.ndarray:
    """Per-sample fraction of entries where ``y_pred`` equals ``y_true`` exactly (e.g. predicted class ids)."""
    y_true, y_pred = match_shapes(y_true, y_pred, "accuracy")
    return per_sample((y_true == y_pred).astype(np.float64))


def binary_accuracy(y_true, y_pred, threshold: float = 0.5) -> np.ndarray:
    """Per-sample fraction of outputs where ``y_pred > threshold`` (as 0 or 1) equals ``y_true``.

    ``y_true`` is compared as it is, as Keras 2 and 3 compare it: a soft label (0.9, label smoothing's)
    matches neither prediction and counts as a miss.
    """
    y_true, y_pred = match_shapes(y_true, y_pred, "binary_accuracy")
    return per_sample((np.asarray(y_true) == (y_pred > threshold)).astype(np.float64))


def categorical_accuracy(y_true, y_pred) -> np.ndarray:
    """Per-sample 1.0 where ``argmax(y_pred)`` equals ``argmax(y_true)`` (one-hot labels)."""
    y_true, y_pred = match_shapes(y_true, y_pred, "categorical_accuracy")
    return per_sample((np.argmax(y_true, axis=-1) == np.argmax(y_pred, axis=-1)).astype(np.float64))


def sparse_categorical_accuracy(y_true, y_pred) -> np.ndarray:
    """Per-sample 1.0 where ``argmax(y_pred)`` equals the integer label ``y_true``."""
    y_pred = class_scores(y_pred, "sparse_categorical_accuracy")
    labels = class_labels(y_true, y_pred, "sparse_categorical_accuracy")
    return per_sample((np.argmax(y_pred, axis=-1) == labels).astype(np.float64))


def _in_top_k(labels: np.ndarray, y_pred: np.ndarray, k: int) -> np.ndarray:
    # NOTE: as tf.math.in_top_k, a class tied with the k-th score counts as in
    # the top k: the label is in when fewer than k classes score strictly higher.
    target = np.take_along_axis(y_pred, labels[..., None], axis=-1)
    return (np.sum(y_pred > target, axis=-1) < k).astype(np.float64)


def _check_k(k) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"top-k accuracy: k must be a positive integer, got {k!r}")
    return int(k)


def top_k_categorical_accuracy(y_true, y_pred, k: int = 5) -> np.ndarray:
    """Per-sample 1.0 where the one-hot label's class is among the ``k`` highest scores."""
    y_true, y_pred = match_shapes(y_true, y_pred, "top_k_categorical_accuracy")
    return per_sample(_in_top_k(np.argmax(y_true, axis=-1), y_pred, _check_k(k)))


def sparse_top_k_categorical_accuracy(y_true, y_pred, k: int = 5) -> np.ndarray:
    """Per-sample 1.0 where the integer label is among the ``k`` highest scores."""
    y_pred = class_scores(y_pred, "sparse_top_k_categorical_accuracy")
    labels = class_labels(y_true, y_pred, "sparse_top_k_categorical_accuracy")
    return per_sample(_in_top_k(labels, y_pred, _check_k(k)))


# --- the metrics ------------------------------------------------------------------------


class Accuracy(_BuiltinWrapper):
    """How often ``y_pred`` equals ``y_true`` exactly: for predictions that are already labels.

    Unlike ``compile(metrics=["accuracy"])``, which picks the accuracy that
    fits the loss, this compares values as they are, so it suits class ids
    (``argmax`` of the model's output) against integer labels, as in
    TensorFlow's custom training walkthrough.

    Args:
        name: defaults to ``"accuracy"``.

    Shape: ``y_true`` and ``y_pred`` of one shape (``(N,)`` vs ``(N, 1)`` is
    reshaped); with several entries per sample a sample counts the fraction
    it got right.

    Example:
        >>> m = Accuracy()
        >>> m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]])
        >>> float(m.result())
        0.75
    """

    direction = "up"

    def __init__(self, name: str = "accuracy"):
        super().__init__(accuracy, name=name)


class BinaryAccuracy(_BuiltinWrapper):
    """How often ``y_pred > threshold`` matches binary labels.

    Args:
        threshold: the decision threshold on ``y_pred``, default 0.5 (use 0
            when the model outputs logits).
        name: defaults to ``"binary_accuracy"``.

    Shape: ``y_true`` and ``y_pred`` of one shape, e.g. ``(N,)`` or ``(N, 1)``;
    with several outputs per sample, a sample counts the fraction it got right.

    Example:
        >>> m = BinaryAccuracy()
        >>> m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
        >>> float(m.result())
        0.75
    """

    direction = "up"

    def __init__(self, threshold: float = 0.5, name: str = "binary_accuracy"):
        super().__init__(binary_accuracy, name=name, threshold=float(threshold))
        self.threshold = float(threshold)


class CategoricalAccuracy(_BuiltinWrapper):
    """How often ``argmax(y_pred)`` matches one-hot labels.

    Args:
        name: defaults to ``"categorical_accuracy"``.

    Shape: ``y_true`` (one-hot) and ``y_pred`` (scores, probabilities or
    logits) both ``(N, C)``.

    Example:
        >>> m = CategoricalAccuracy()
        >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
        >>> float(m.result())
        0.5
    """

    direction = "up"

    def __init__(self, name: str = "categorical_accuracy"):
        super().__init__(categorical_accuracy, name=name)


class SparseCategoricalAccuracy(_BuiltinWrapper):
    """How often ``argmax(y_pred)`` matches integer labels.

    Args:
        name: defaults to ``"sparse_categorical_accuracy"``.

    Shape: ``y_true`` ``(N,)`` or ``(N, 1)`` class indices; ``y_pred`` ``(N, C)``.

    Example:
        >>> m = SparseCategoricalAccuracy()
        >>> m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
        >>> float(m.result())
        0.5
    """

    direction = "up"

    def __init__(self, name: str = "sparse_categorical_accuracy"):
        super().__init__(sparse_categorical_accuracy, name=name)


class TopKCategoricalAccuracy(_BuiltinWrapper):
    """How often the one-hot label's class is among the ``k`` highest scores.

    A class tied with the k-th highest score counts as in the top k (as
    ``tf.math.in_top_k``).

    Args:
        k: how many of the top scores to look at, default 5.
        name: defaults to ``"top_k_categorical_accuracy"``.

    Shape: ``y_true`` (one-hot) and ``y_pred`` both ``(N, C)``.

    Example:
        >>> m = TopKCategoricalAccuracy(k=1)
        >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
        >>> float(m.result())
        0.5
    """

    direction = "up"

    def __init__(self, k: int = 5, name: str = "top_k_categorical_accuracy"):
        super().__init__(top_k_categorical_accuracy, name=name, k=_check_k(k))
        self.k = int(k)


class SparseTopKCategoricalAccuracy(_BuiltinWrapper):
    """How often the integer label is among the ``k`` highest scores.

    Args:
        k: how many of the top scores to look at, default 5.
        name: defaults to ``"sparse_top_k_categorical_accuracy"``.

    Shape: ``y_true`` ``(N,)`` or ``(N, 1)`` class indices; ``y_pred`` ``(N, C)``.

    Example:
        >>> m = SparseTopKCategoricalAccuracy(k=1)
        >>> m.update_state([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
        >>> float(m.result())
        0.5
    """

    direction = "up"

    def __init__(self, k: int = 5, name: str = "sparse_top_k_categorical_accuracy"):
        super().__init__(sparse_top_k_categorical_accuracy, name=name, k=_check_k(k))
        self.k = int(k)


class _InferredAccuracy(_BuiltinWrapper):
    """``"accuracy"`` when the loss does not say which: binary, sparse or categorical from the first batch.

    As Keras 3 decides at build time: ``y_pred`` with one output per sample
    (``(N,)`` or ``(N, 1)``) is binary; otherwise ``y_true`` without a class
    axis (``(N,)``, or ``(N, 1)`` against ``(N, C)``) is sparse, and ``y_true``
    shaped like ``y_pred`` is one-hot (categorical).
    """

    direction = "up"

    def __init__(self, name: str = "accuracy", threshold: float = 0.5):
        super().__init__(self._infer, name=name, threshold=float(threshold))
        self.threshold = float(threshold)
        self.resolved: str | None = None

    def _infer(self, y_true, y_pred, threshold: float) -> np.ndarray:
        if self.resolved is None:
            t_shape, p_shape = np.shape(y_true), np.shape(y_pred)
            if len(p_shape) <= 1 or p_shape[-1] == 1:
                self.resolved = "binary"
            elif len(t_shape) < len(p_shape) or t_shape[-1] == 1:
                self.resolved = "sparse"
            else:
                self.resolved = "categorical"
        if self.resolved == "binary":
            return binary_accuracy(y_true, y_pred, threshold)
        if self.resolved == "sparse":
            return sparse_categorical_accuracy(y_true, y_pred)
        return categorical_accuracy(y_true, y_pred)
