"""Metrics for the Keras-style API: stateful objects that accumulate over batches.

Keras 3's names and numbers. A metric is updated once per batch with
``update_state(y_true, y_pred, sample_weight=None)`` and read with
``result()``; ``reset_state()`` starts it again (``fit`` does it at the start
of every epoch, ``evaluate`` at its start). Everything works on NumPy
arrays: ``y_pred`` is the model's output converted with ``np.asarray``
(nabla Tensors convert), so a metric never builds a graph.

    >>> m = BinaryAccuracy()
    >>> m.update_state([1, 1, 0, 0], [0.98, 1.0, 0.0, 0.6])
    >>> m.result()
    0.75

Conventions (where Keras leaves them to the backend's broadcasting):

* The first axis is the batch. A *per-sample* function returns one value per
  sample, averaging over the remaining axes; a 1-D array is ``N`` samples of
  one value each. ``sample_weight`` holds one weight per sample (shape
  ``()``, ``(N,)`` or ``(N, 1)``) and defaults to 1; weight 0 masks a sample.
* ``y_true`` of shape ``(N,)`` against ``y_pred`` of shape ``(N, 1)`` (or the
  reverse) is reshaped, never broadcast to ``(N, N)``.
* Binary labels are ``y_true > 0.5``; a prediction is positive when
  ``y_pred > threshold`` (strictly, as Keras). With logits, use
  ``threshold=0``.
* ``result()`` is a Python float; 0/0 gives 0.0, as Keras's ``divide_no_nan``.

``AUC`` is exact rather than Keras's 200-threshold approximation: see its
docstring. Each metric has ``direction`` ``"up"`` (higher is better) or
``"down"``, which callbacks read in ``mode="auto"``.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable

import numpy as np

__all__ = [
    "AUC",
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "Mean",
    "MeanAbsoluteError",
    "MeanMetricWrapper",
    "MeanSquaredError",
    "Metric",
    "Precision",
    "R2Score",
    "Recall",
    "RootMeanSquaredError",
    "SparseCategoricalAccuracy",
    "SparseTopKCategoricalAccuracy",
    "TopKCategoricalAccuracy",
    "binary_accuracy",
    "categorical_accuracy",
    "deserialize",
    "get",
    "mean_absolute_error",
    "mean_squared_error",
    "serialize",
    "sparse_categorical_accuracy",
    "sparse_top_k_categorical_accuracy",
    "top_k_categorical_accuracy",
]


# --- array helpers --------------------------------------------------------------------


def _match(y_true, y_pred, name: str) -> tuple[np.ndarray, np.ndarray]:
    """``y_true`` and ``y_pred`` as float arrays of one shape; ``(N,)`` vs ``(N, 1)`` is reshaped."""
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    if y_true.shape != y_pred.shape:
        # NOTE: (N,) - (N, 1) would broadcast to an (N, N) matrix and give a
        # plausible-looking wrong number; same-size arrays are reshaped instead.
        if y_true.size != y_pred.size:
            raise ValueError(
                f"{name}: y_true has shape {y_true.shape} and y_pred {y_pred.shape}; they must have the same shape"
            )
        y_true = y_true.reshape(y_pred.shape)
    return y_true, y_pred


def _per_sample(values: np.ndarray) -> np.ndarray:
    """Average over every axis but the first (the batch): shape ``(N,)``."""
    if values.ndim <= 1:
        return values.reshape(-1)
    return values.reshape(values.shape[0], -1).mean(axis=1)


def _weights_like(sample_weight, shape: tuple, name: str) -> np.ndarray:
    """Per-sample weights broadcast to ``shape`` (weights index the first axis)."""
    if sample_weight is None:
        return np.ones(shape)
    w = np.asarray(sample_weight, dtype=np.float64)
    while w.ndim > len(shape) and w.shape[-1] == 1:
        w = w[..., 0]
    if 0 < w.ndim < len(shape):
        w = w.reshape(w.shape + (1,) * (len(shape) - w.ndim))
    try:
        return np.broadcast_to(w, shape)
    except ValueError:
        raise ValueError(
            f"{name}: sample_weight has shape {np.shape(sample_weight)}, which does not match values of shape "
            f"{shape}; give one weight per sample"
        ) from None


def _labels(y_true, y_pred: np.ndarray, name: str) -> np.ndarray:
    """Integer class labels for sparse metrics: ``(N,)`` or ``(N, 1)`` against ``y_pred`` ``(N, C)``."""
    y_true = np.asarray(y_true)
    if y_true.ndim == y_pred.ndim and y_true.ndim > 0 and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    if y_true.shape != y_pred.shape[:-1]:
        raise ValueError(
            f"{name}: y_true has shape {y_true.shape} but y_pred {y_pred.shape}; sparse labels need shape "
            f"{y_pred.shape[:-1]} (one class index per sample) or {y_pred.shape[:-1] + (1,)}"
        )
    labels = y_true.astype(np.int64)
    if labels.size and (labels.min() < 0 or labels.max() >= y_pred.shape[-1] or np.any(labels != y_true)):
        raise ValueError(
            f"{name}: class labels must be integers in [0, {y_pred.shape[-1]}), got values from "
            f"{y_true.min()} to {y_true.max()}"
        )
    return labels


def _scores(y_pred, name: str) -> np.ndarray:
    y_pred = np.asarray(y_pred, dtype=np.float64)
    if y_pred.ndim == 0:
        raise ValueError(f"{name}: y_pred must have a class axis, got a scalar")
    return y_pred


# --- per-sample functions (Keras's keras.metrics.binary_accuracy etc.) -----------------


def binary_accuracy(y_true, y_pred, threshold: float = 0.5) -> np.ndarray:
    """Per-sample fraction of outputs where ``y_pred > threshold`` agrees with ``y_true > 0.5``."""
    y_true, y_pred = _match(y_true, y_pred, "binary_accuracy")
    return _per_sample(((y_pred > threshold) == (y_true > 0.5)).astype(np.float64))


def categorical_accuracy(y_true, y_pred) -> np.ndarray:
    """Per-sample 1.0 where ``argmax(y_pred)`` equals ``argmax(y_true)`` (one-hot labels)."""
    y_true, y_pred = _match(y_true, y_pred, "categorical_accuracy")
    return _per_sample((np.argmax(y_true, axis=-1) == np.argmax(y_pred, axis=-1)).astype(np.float64))


def sparse_categorical_accuracy(y_true, y_pred) -> np.ndarray:
    """Per-sample 1.0 where ``argmax(y_pred)`` equals the integer label ``y_true``."""
    y_pred = _scores(y_pred, "sparse_categorical_accuracy")
    labels = _labels(y_true, y_pred, "sparse_categorical_accuracy")
    return _per_sample((np.argmax(y_pred, axis=-1) == labels).astype(np.float64))


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
    y_true, y_pred = _match(y_true, y_pred, "top_k_categorical_accuracy")
    return _per_sample(_in_top_k(np.argmax(y_true, axis=-1), y_pred, _check_k(k)))


def sparse_top_k_categorical_accuracy(y_true, y_pred, k: int = 5) -> np.ndarray:
    """Per-sample 1.0 where the integer label is among the ``k`` highest scores."""
    y_pred = _scores(y_pred, "sparse_top_k_categorical_accuracy")
    labels = _labels(y_true, y_pred, "sparse_top_k_categorical_accuracy")
    return _per_sample(_in_top_k(labels, y_pred, _check_k(k)))


def mean_absolute_error(y_true, y_pred) -> np.ndarray:
    """Per-sample ``mean(|y_true - y_pred|)``."""
    y_true, y_pred = _match(y_true, y_pred, "mean_absolute_error")
    return _per_sample(np.abs(y_true - y_pred))


def mean_squared_error(y_true, y_pred) -> np.ndarray:
    """Per-sample ``mean((y_true - y_pred)^2)``."""
    y_true, y_pred = _match(y_true, y_pred, "mean_squared_error")
    return _per_sample(np.square(y_true - y_pred))


# --- base classes ----------------------------------------------------------------------


def _snake_case(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


class Metric:
    """Base class of the metrics: state updated per batch, read with :meth:`result`.

    A subclass sets its options, then calls ``super().__init__(name)`` (which
    calls :meth:`reset_state` to create the state), and implements
    :meth:`update_state`, :meth:`result` and :meth:`reset_state`.

    Args:
        name: the key under which ``fit`` logs the value; defaults to the
            class name in snake_case.

    Attributes:
        direction: ``"up"`` if higher is better, ``"down"`` if lower is,
            ``None`` if unknown; read by callbacks in ``mode="auto"``.

    Example::

        class Maximum(Metric):
            def reset_state(self):
                self.value = -math.inf

            def update_state(self, y_true, y_pred, sample_weight=None):
                self.value = max(self.value, float(np.max(y_pred)))

            def result(self):
                return self.value
    """

    direction: str | None = None

    def __init__(self, name: str | None = None):
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{type(self).__name__}: name must be a string, got {type(name).__name__}")
        self.name = name or _snake_case(type(self).__name__)
        self.reset_state()

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        """Accumulate the statistics of one batch."""
        raise NotImplementedError(f"{type(self).__name__} must implement update_state")

    def result(self) -> float:
        """The metric's value over everything seen since the last reset."""
        raise NotImplementedError(f"{type(self).__name__} must implement result")

    def reset_state(self) -> None:
        """Forget everything accumulated."""
        raise NotImplementedError(f"{type(self).__name__} must implement reset_state")

    def __call__(self, y_true, y_pred, sample_weight=None) -> float:
        """Update with one batch and return the accumulated result (as Keras's ``metric(...)``)."""
        self.update_state(y_true, y_pred, sample_weight=sample_weight)
        return self.result()

    def get_config(self) -> dict:
        """The constructor arguments, JSON-able: ``type(m).from_config(m.get_config())`` rebuilds it."""
        return {"name": self.name}

    @classmethod
    def from_config(cls, config: dict) -> Metric:
        """Build a metric from what :meth:`get_config` returned."""
        return cls(**config)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"


class Mean(Metric):
    """Weighted mean of the values given to :meth:`update_state`: ``sum(w * v) / sum(w)``.

    Args:
        name: defaults to ``"mean"``.

    Example:
        >>> m = Mean()
        >>> m.update_state([1, 3, 5, 7])
        >>> m.result()
        4.0
        >>> m.reset_state()
        >>> m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
        >>> m.result()
        2.0
    """

    def __init__(self, name: str = "mean"):
        super().__init__(name)

    def reset_state(self) -> None:
        self.total = 0.0
        self.count = 0.0

    def update_state(self, values, sample_weight=None) -> None:
        """Add ``values`` (any shape) with weights indexing their first axis (default 1)."""
        values = np.asarray(values, dtype=np.float64)
        if sample_weight is not None and np.ndim(sample_weight) > values.ndim:
            # One value for a batch with per-sample weights: the value of each sample.
            values = np.broadcast_to(values, np.shape(sample_weight)[: max(values.ndim, 1)])
        w = _weights_like(sample_weight, values.shape, self.name)
        self.total += float(np.sum(values * w))
        self.count += float(np.sum(w))

    def result(self) -> float:
        return self.total / self.count if self.count else 0.0


class MeanMetricWrapper(Mean):
    """Weighted mean of a per-sample function ``fn(y_true, y_pred, **kwargs)``.

    This is how ``metrics=[my_fn]`` is tracked: the function returns one value
    per sample (NumPy arrays in, array out), averaged over all batches.

    Args:
        fn: ``fn(y_true, y_pred, **kwargs) -> values`` of shape ``(N,)``
            (other shapes are averaged with weights indexing the first axis).
        name: defaults to ``fn.__name__``.
        **kwargs: passed to ``fn`` (e.g. ``threshold``).

    Example:
        >>> def max_error(y_true, y_pred):
        ...     return np.abs(np.asarray(y_true) - np.asarray(y_pred)).max(axis=-1)
        >>> m = MeanMetricWrapper(max_error)
        >>> m.update_state([[0.0, 1.0]], [[0.5, 3.0]])
        >>> m.result(), m.name
        (2.0, 'max_error')
    """

    def __init__(self, fn: Callable, name: str | None = None, **kwargs):
        if not callable(fn):
            raise TypeError(f"MeanMetricWrapper: fn must be callable, got {type(fn).__name__}")
        self.fn = fn
        self._fn_kwargs = kwargs
        super().__init__(name or getattr(fn, "__name__", type(fn).__name__))

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        values = np.asarray(self.fn(y_true, y_pred, **self._fn_kwargs), dtype=np.float64)
        super().update_state(values, sample_weight)

    def get_config(self) -> dict:
        # A user's function is not JSON: only its name is recorded (not rebuildable).
        return {"name": self.name, "fn": getattr(self.fn, "__name__", repr(self.fn)), **self._fn_kwargs}


class _BuiltinWrapper(MeanMetricWrapper):
    """A MeanMetricWrapper over one of this module's functions; its config is its arguments."""

    def get_config(self) -> dict:
        return {"name": self.name, **self._fn_kwargs}


# --- accuracy --------------------------------------------------------------------------


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
        >>> m.result()
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
        >>> m.result()
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
        >>> m.result()
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
        >>> m.result()
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
        >>> m.result()
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


# --- regression ------------------------------------------------------------------------


class MeanAbsoluteError(_BuiltinWrapper):
    """Mean of ``|y_true - y_pred|`` over all samples seen.

    Args:
        name: defaults to ``"mean_absolute_error"``.

    Example:
        >>> m = MeanAbsoluteError()
        >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
        >>> m.result()
        0.25
    """

    direction = "down"

    def __init__(self, name: str = "mean_absolute_error"):
        super().__init__(mean_absolute_error, name=name)


class MeanSquaredError(_BuiltinWrapper):
    """Mean of ``(y_true - y_pred)^2`` over all samples seen.

    Args:
        name: defaults to ``"mean_squared_error"``.

    Example:
        >>> m = MeanSquaredError()
        >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
        >>> m.result()
        0.25
    """

    direction = "down"

    def __init__(self, name: str = "mean_squared_error"):
        super().__init__(mean_squared_error, name=name)


class RootMeanSquaredError(_BuiltinWrapper):
    """``sqrt(mean((y_true - y_pred)^2))`` over all samples seen (the root of the accumulated mean).

    Args:
        name: defaults to ``"root_mean_squared_error"``.

    Example:
        >>> m = RootMeanSquaredError()
        >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]], sample_weight=[1, 0])
        >>> round(m.result(), 6)
        0.707107
    """

    direction = "down"

    def __init__(self, name: str = "root_mean_squared_error"):
        super().__init__(mean_squared_error, name=name)

    def result(self) -> float:
        return math.sqrt(super().result())


class R2Score(Metric):
    """Coefficient of determination ``R^2 = 1 - SS_res / SS_tot``, accumulated over all batches.

    ``SS_res = sum(w (y_true - y_pred)^2)`` and ``SS_tot = sum(w (y_true -
    mean_w(y_true))^2)`` per output column, over every sample since the last
    reset (not an average of per-batch scores), as Keras's ``R2Score`` and
    scikit-learn's ``r2_score``. A column whose ``y_true`` is constant
    scores 1.0 if predicted exactly, else 0.0 (scikit-learn's
    ``force_finite``; Keras gives NaN or 0).

    Args:
        class_aggregation: how columns combine: ``"uniform_average"``
            (default) or ``"variance_weighted_average"`` (weights ``SS_tot``).
        num_regressors: ``p`` for the adjusted score ``1 - (1 - R^2)(n - 1) /
            (n - p - 1)`` with ``n`` samples; 0 (default) is the plain score.
        name: defaults to ``"r2_score"``.

    Shape: ``(N,)`` or ``(N, D)`` (more axes are flattened into columns).

    Example:
        >>> m = R2Score()
        >>> m.update_state([[1], [4], [3]], [[2], [4], [4]])
        >>> round(m.result(), 6)
        0.571429
    """

    direction = "up"
    _AGGREGATIONS = ("uniform_average", "variance_weighted_average")

    def __init__(self, class_aggregation: str = "uniform_average", num_regressors: int = 0, name: str = "r2_score"):
        if class_aggregation not in self._AGGREGATIONS:
            raise ValueError(
                f"R2Score: class_aggregation must be one of {self._AGGREGATIONS}, got {class_aggregation!r}"
            )
        if isinstance(num_regressors, bool) or not isinstance(num_regressors, int) or num_regressors < 0:
            raise ValueError(f"R2Score: num_regressors must be a non-negative int, got {num_regressors!r}")
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        super().__init__(name)

    def reset_state(self) -> None:
        self.weight = None  # per column: sum of weights
        self.mean = None  # per column: weighted mean of y_true
        self.m2 = None  # per column: sum of w (y_true - mean)^2, i.e. SS_tot
        self.ss_res = None
        self.num_samples = 0

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_true, y_pred = _match(y_true, y_pred, self.name)
        n = y_true.shape[0] if y_true.ndim else 1
        y_true, y_pred = y_true.reshape(n, -1), y_pred.reshape(n, -1)
        w = _weights_like(sample_weight, y_true.shape, self.name)
        b_weight = w.sum(axis=0)
        b_mean = np.divide((w * y_true).sum(axis=0), b_weight, out=np.zeros_like(b_weight), where=b_weight > 0)
        b_m2 = (w * np.square(y_true - b_mean)).sum(axis=0)
        b_res = (w * np.square(y_true - y_pred)).sum(axis=0)
        if self.weight is None:
            self.weight, self.mean, self.m2, self.ss_res = b_weight, b_mean, b_m2, b_res
        else:
            if b_weight.shape != self.weight.shape:
                raise ValueError(
                    f"{self.name}: this batch has {b_weight.size} outputs, earlier ones {self.weight.size}"
                )
            # NOTE: Chan et al.'s pairwise merge of (count, mean, M2) rather than
            # accumulating sum(y) and sum(y^2): SS_tot = sum(y^2) - n mean^2
            # cancels catastrophically when the targets have a large offset.
            total = self.weight + b_weight
            delta = b_mean - self.mean
            frac = np.divide(b_weight, total, out=np.zeros_like(total), where=total > 0)
            self.m2 = self.m2 + b_m2 + np.square(delta) * self.weight * frac
            self.mean = self.mean + delta * frac
            self.weight = total
            self.ss_res = self.ss_res + b_res
        self.num_samples += n

    def result(self) -> float:
        if self.weight is None:
            return 0.0
        ss_tot, ss_res = self.m2, self.ss_res
        with np.errstate(divide="ignore", invalid="ignore"):
            raw = np.where(ss_tot > 0, 1.0 - ss_res / ss_tot, np.where(ss_res == 0, 1.0, 0.0))
        if self.class_aggregation == "variance_weighted_average" and ss_tot.sum() > 0:
            r2 = float(np.sum(raw * ss_tot) / ss_tot.sum())
        else:
            r2 = float(np.mean(raw))
        n, p = self.num_samples, self.num_regressors
        if p:
            if p >= n - 1:
                warnings.warn(
                    f"{self.name}: adjusted R2 needs more samples than num_regressors + 1 "
                    f"({n} samples, {p} regressors); returning the plain R2 score",
                    stacklevel=2,
                )
            else:
                r2 = 1.0 - (1.0 - r2) * (n - 1) / (n - p - 1)
        return r2

    def get_config(self) -> dict:
        return {"name": self.name, "class_aggregation": self.class_aggregation, "num_regressors": self.num_regressors}


# --- confusion-matrix metrics ------------------------------------------------------------


def _check_threshold(thresholds, name: str) -> float:
    if isinstance(thresholds, (list, tuple, np.ndarray)):
        raise TypeError(f"{name}: nabla's metric takes one threshold (a float), got {thresholds!r}")
    if isinstance(thresholds, bool) or not isinstance(thresholds, (int, float, np.number)):
        raise TypeError(f"{name}: thresholds must be a number, got {type(thresholds).__name__}")
    return float(thresholds)


class _Confusion(Metric):
    """Weighted true positives, false positives and false negatives at one threshold."""

    direction = "up"

    def __init__(self, thresholds: float = 0.5, name: str | None = None):
        self.thresholds = _check_threshold(thresholds, type(self).__name__)
        super().__init__(name)

    def reset_state(self) -> None:
        self.true_positives = 0.0
        self.false_positives = 0.0
        self.false_negatives = 0.0

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_true, y_pred = _match(y_true, y_pred, self.name)
        w = _weights_like(sample_weight, y_pred.shape, self.name)
        actual, predicted = y_true > 0.5, y_pred > self.thresholds
        self.true_positives += float(np.sum(w * (actual & predicted)))
        self.false_positives += float(np.sum(w * (~actual & predicted)))
        self.false_negatives += float(np.sum(w * (actual & ~predicted)))

    def get_config(self) -> dict:
        return {"name": self.name, "thresholds": self.thresholds}


class Precision(_Confusion):
    """Precision ``TP / (TP + FP)``: of the predicted positives, how many are positive.

    A prediction is positive when ``y_pred > thresholds``; labels are
    ``y_true > 0.5``. With several outputs per sample each output counts.

    Args:
        thresholds: the decision threshold, default 0.5 (0 for logits). One
            float only (Keras also accepts a list).
        name: defaults to ``"precision"``.

    Example:
        >>> m = Precision()
        >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
        >>> round(m.result(), 4)
        0.6667
    """

    def __init__(self, thresholds: float = 0.5, name: str = "precision"):
        super().__init__(thresholds, name)

    def result(self) -> float:
        denominator = self.true_positives + self.false_positives
        return self.true_positives / denominator if denominator else 0.0


class Recall(_Confusion):
    """Recall ``TP / (TP + FN)``: of the positives, how many were predicted positive.

    Args:
        thresholds: the decision threshold, default 0.5 (0 for logits).
        name: defaults to ``"recall"``.

    Example:
        >>> m = Recall()
        >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
        >>> round(m.result(), 4)
        0.6667
    """

    def __init__(self, thresholds: float = 0.5, name: str = "recall"):
        super().__init__(thresholds, name)

    def result(self) -> float:
        denominator = self.true_positives + self.false_negatives
        return self.true_positives / denominator if denominator else 0.0


def _grouped(scores: np.ndarray, pos_w: np.ndarray, neg_w: np.ndarray):
    """Sort by score and sum the weights of tied scores: (positive, negative) weight per distinct score."""
    order = np.argsort(scores, kind="stable")
    scores = scores[order]
    starts = np.concatenate([[0], np.flatnonzero(np.diff(scores)) + 1])
    return np.add.reduceat(pos_w[order], starts), np.add.reduceat(neg_w[order], starts)


class AUC(Metric):
    """Area under the ROC curve (or the precision-recall curve) of a binary classifier, computed exactly.

    **A deliberate difference from Keras.** Keras's ``AUC`` buckets the
    predictions into 200 thresholds and integrates the curve by
    interpolation: an approximation that depends on ``num_thresholds`` and
    assumes scores in [0, 1]. nabla keeps every prediction since the last
    reset and computes the exact area, equal to scikit-learn's
    ``roc_auc_score`` (``curve="ROC"``) and ``average_precision_score``
    (``curve="PR"``), with sample weights:

    * ROC: the rank statistic (Mann-Whitney U): the probability that a random
      positive scores higher than a random negative, ties counting one half
      (which is the average-ranks rule)::

          AUC = sum_{i pos, j neg} w_i w_j ([s_i > s_j] + 0.5 [s_i = s_j]) / (W_pos W_neg)

      computed in ``O(n log n)`` by sorting, not over pairs.
    * PR: average precision ``sum_k (R_k - R_{k-1}) P_k`` over the distinct
      thresholds, the step-wise area (no interpolation).

    Only the order of the scores matters, so logits and probabilities give
    the same value. With several outputs per sample, all outputs are pooled
    (Keras's ``multi_label=False``). Memory grows with the samples seen and
    :meth:`result` sorts them all; when only one class has been seen the
    area is undefined and 0.0 is returned (as Keras); a NaN score gives NaN.

    Args:
        curve: ``"ROC"`` (default) or ``"PR"``.
        name: defaults to ``"auc"``.

    Example:
        >>> m = AUC()
        >>> m.update_state([0, 0, 1, 1], [0.0, 0.5, 0.3, 0.9])
        >>> m.result()
        0.75
    """

    direction = "up"
    _CURVES = ("ROC", "PR")

    def __init__(self, curve: str = "ROC", name: str = "auc"):
        if not isinstance(curve, str) or curve.upper() not in self._CURVES:
            raise ValueError(f"AUC: curve must be 'ROC' or 'PR', got {curve!r}")
        self.curve = curve.upper()
        super().__init__(name)

    def reset_state(self) -> None:
        self._labels: list[np.ndarray] = []
        self._scores: list[np.ndarray] = []
        self._weights: list[np.ndarray] = []

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_true, y_pred = _match(y_true, y_pred, self.name)
        w = _weights_like(sample_weight, y_pred.shape, self.name)
        self._labels.append((y_true > 0.5).ravel())
        self._scores.append(y_pred.ravel())
        self._weights.append(np.array(w, dtype=np.float64).ravel())

    def _consolidate(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # Keep one chunk so that calling result() after every batch does not re-join every batch.
        if len(self._scores) != 1:
            self._labels = [np.concatenate(self._labels)] if self._labels else [np.zeros(0, bool)]
            self._scores = [np.concatenate(self._scores)] if self._scores else [np.zeros(0)]
            self._weights = [np.concatenate(self._weights)] if self._weights else [np.zeros(0)]
        return self._labels[0], self._scores[0], self._weights[0]

    def result(self) -> float:
        labels, scores, weights = self._consolidate()
        if np.isnan(scores).any():
            return math.nan
        pos_w, neg_w = weights * labels, weights * ~labels
        total_pos, total_neg = float(pos_w.sum()), float(neg_w.sum())
        if total_pos == 0 or total_neg == 0:
            return 0.0
        if self.curve == "ROC":
            g_pos, g_neg = _grouped(scores, pos_w, neg_w)
            neg_below = np.cumsum(g_neg) - g_neg
            return float(np.sum(g_pos * (neg_below + 0.5 * g_neg)) / (total_pos * total_neg))
        # PR: walk the thresholds from the highest score down.
        g_pos, g_neg = _grouped(-scores, pos_w, neg_w)
        tp, fp = np.cumsum(g_pos), np.cumsum(g_neg)
        precision = np.divide(tp, tp + fp, out=np.zeros_like(tp), where=(tp + fp) > 0)
        recall_step = g_pos / total_pos
        return float(np.sum(recall_step * precision))

    def get_config(self) -> dict:
        return {"name": self.name, "curve": self.curve}


# --- lookup ----------------------------------------------------------------------------

_BY_NAME: dict[str, type[Metric]] = {
    "binary_accuracy": BinaryAccuracy,
    "categorical_accuracy": CategoricalAccuracy,
    "sparse_categorical_accuracy": SparseCategoricalAccuracy,
    "top_k_categorical_accuracy": TopKCategoricalAccuracy,
    "sparse_top_k_categorical_accuracy": SparseTopKCategoricalAccuracy,
    "mae": MeanAbsoluteError,
    "mean_absolute_error": MeanAbsoluteError,
    "mse": MeanSquaredError,
    "mean_squared_error": MeanSquaredError,
    "rmse": RootMeanSquaredError,
    "root_mean_squared_error": RootMeanSquaredError,
    "r2": R2Score,
    "r2_score": R2Score,
    "precision": Precision,
    "recall": Recall,
    "auc": AUC,
}
_ACCURACY = ("accuracy", "acc")

_CLASSES: dict[str, type[Metric]] = {
    cls.__name__: cls
    for cls in (
        Mean,
        BinaryAccuracy,
        CategoricalAccuracy,
        SparseCategoricalAccuracy,
        TopKCategoricalAccuracy,
        SparseTopKCategoricalAccuracy,
        _InferredAccuracy,
        MeanAbsoluteError,
        MeanSquaredError,
        RootMeanSquaredError,
        R2Score,
        Precision,
        Recall,
        AUC,
    )
}


def _loss_kind(loss) -> tuple[str | None, bool]:
    """(``"binary"``/``"categorical"``/``"sparse"``/None, from_logits) read off a loss name or object."""
    if loss is None:
        return None, False
    if isinstance(loss, str):
        names = [loss]
    else:
        # A Keras-style loss's name (may be user-chosen), a function's name, then the class name
        # (nn.BCELoss(), nn.CrossEntropyLoss(), losses.BinaryCrossentropy()...).
        names = [getattr(loss, "name", None), getattr(loss, "__name__", None), type(loss).__name__]
    from_logits = getattr(loss, "from_logits", None)
    if from_logits is None and callable(getattr(loss, "get_config", None)):
        try:
            from_logits = loss.get_config().get("from_logits")
        except Exception:  # a get_config that needs more than the object: no information
            from_logits = None
    from_logits = bool(from_logits)
    for name in names:
        if not isinstance(name, str):
            continue
        key = re.sub(r"loss$", "", name.replace("_", "").lower())
        logits = from_logits or key.endswith("withlogits")
        key = key.removesuffix("withlogits")
        if key in ("binarycrossentropy", "bce", "binaryfocalcrossentropy"):
            return "binary", logits
        if key in ("categoricalcrossentropy", "categoricalfocalcrossentropy"):
            return "categorical", logits
        if key in ("sparsecategoricalcrossentropy", "nll"):
            return "sparse", logits
    # PyTorch's cross_entropy takes class indices or probabilities: decided from the data.
    return None, from_logits


def get(identifier, loss=None, output_shape: tuple | None = None) -> Metric | None:
    """Resolve ``compile(metrics=[...])`` entries: a name, a Metric, a function or a config dict.

    * A :class:`Metric` instance is returned as is; a Metric class is
      instantiated with its defaults.
    * A string is looked up (case-insensitive); the metric's ``name`` (its key
      in the logs) is the string as given, so ``"mae"`` logs as ``"mae"`` and
      ``"accuracy"`` as ``"accuracy"``, as in Keras.
    * ``"accuracy"`` / ``"acc"`` pick the accuracy that fits the loss, as
      Keras does: ``"binary_crossentropy"`` (also ``nn.BCELoss``,
      ``nn.BCEWithLogitsLoss``) gives binary accuracy (threshold 0 if the loss
      takes logits: a ``*_with_logits`` name or ``from_logits=True``),
      ``"categorical_crossentropy"`` categorical, and
      ``"sparse_categorical_crossentropy"`` (also ``nn.NLLLoss``) sparse. For
      any other loss, an ``output_shape`` whose last dimension is 1 gives
      binary accuracy; otherwise the choice is made from the first batch's
      shapes (as Keras 3 does when it builds its metrics): one output per
      sample is binary, ``y_true`` without a class axis is sparse, ``y_true``
      shaped like ``y_pred`` is categorical.
    * A callable ``fn(y_true, y_pred) -> per-sample values`` is wrapped in a
      :class:`MeanMetricWrapper` named ``fn.__name__``.
    * A dict ``{"class_name": ..., "config": ...}`` (from :func:`serialize`)
      is rebuilt.
    * ``None`` gives ``None``.

    Args:
        identifier: what to resolve.
        loss: the model's loss (a name, function or loss object), used only
            for ``"accuracy"``.
        output_shape: the model's output shape, used only for ``"accuracy"``.

    Raises:
        ValueError: an unknown name; the message lists the valid ones.

    Example:
        >>> get("accuracy", loss="sparse_categorical_crossentropy")
        SparseCategoricalAccuracy(name='accuracy')
        >>> get("mae")
        MeanAbsoluteError(name='mae')
    """
    if identifier is None or isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        key = identifier.strip().lower()
        if key in _ACCURACY:
            kind, from_logits = _loss_kind(loss)
            threshold = 0.0 if from_logits else 0.5
            if kind is None and output_shape is not None and len(output_shape) and output_shape[-1] == 1:
                kind = "binary"
            if kind == "binary":
                return BinaryAccuracy(threshold=threshold, name=identifier)
            if kind == "categorical":
                return CategoricalAccuracy(name=identifier)
            if kind == "sparse":
                return SparseCategoricalAccuracy(name=identifier)
            return _InferredAccuracy(name=identifier, threshold=threshold)
        if key in _BY_NAME:
            return _BY_NAME[key](name=identifier)
        valid = ", ".join(repr(n) for n in (*_ACCURACY, *_BY_NAME))
        raise ValueError(f"metrics.get: unknown metric {identifier!r}; valid names are {valid}")
    if callable(identifier):
        return MeanMetricWrapper(identifier)
    raise TypeError(
        f"metrics.get: a metric is a name, a Metric, a function fn(y_true, y_pred) or a config dict, "
        f"got {type(identifier).__name__}"
    )


def serialize(metric: Metric) -> dict:
    """``{"class_name": ..., "config": ...}``: a JSON-able description that :func:`deserialize` rebuilds."""
    if type(metric).__name__ not in _CLASSES:
        raise ValueError(
            f"metrics.serialize: {type(metric).__name__} is not one of nabla's metric classes; "
            "use its get_config() and from_config() directly"
        )
    return {"class_name": type(metric).__name__, "config": metric.get_config()}


def deserialize(config: dict) -> Metric:
    """Rebuild a metric from :func:`serialize`'s output."""
    name = config.get("class_name")
    if name not in _CLASSES:
        raise ValueError(f"metrics.deserialize: unknown class_name {name!r}; known: {sorted(_CLASSES)}")
    return _CLASSES[name].from_config(config.get("config", {}))
