"""Weighted reductions: ``Sum`` and ``Mean`` of given values, ``MeanMetricWrapper`` of a per-sample function."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .metric import ArrayMetric
from .metrics_utils import weights_like


class _WeightedTotal(ArrayMetric):
    """Accumulates ``total = sum(w * v)`` and ``count = sum(w)`` of the values given to :meth:`update_state`."""

    def reset_state(self) -> None:
        self.total = 0.0
        self.count = 0.0

    def update_state(self, values, sample_weight=None) -> None:
        """Add ``values`` (any shape) with weights indexing their first axis (default 1)."""
        values = np.asarray(values, dtype=np.float64)
        if sample_weight is not None and np.ndim(sample_weight) > values.ndim:
            # One value for a batch with per-sample weights: the value of each sample.
            values = np.broadcast_to(values, np.shape(sample_weight)[: max(values.ndim, 1)])
        w = weights_like(sample_weight, values.shape, self.name)
        self.total += float(np.sum(values * w))
        self.count += float(np.sum(w))


class Sum(_WeightedTotal):
    """Weighted sum of the values given to :meth:`update_state`: ``sum(w * v)``.

    Args:
        name: defaults to ``"sum"``.
        dtype: of the result, ``"float32"`` by default (Keras's; a subclass passes it on, Géron's HuberMetric).

    Example:
        >>> m = Sum()
        >>> m.update_state([1, 3, 5, 7])
        >>> float(m.result())
        16.0
        >>> m.update_state([1, 3], sample_weight=[0.5, 0])
        >>> float(m.result())
        16.5
    """

    def __init__(self, name: str = "sum", dtype=None):
        super().__init__(name, dtype)

    def _value(self) -> float:
        return self.total


class Mean(_WeightedTotal):
    """Weighted mean of the values given to :meth:`update_state`: ``sum(w * v) / sum(w)``.

    Args:
        name: defaults to ``"mean"``.
        dtype: of the result, ``"float32"`` by default (Keras's; a subclass passes it on, Géron's HuberMetric).

    Example:
        >>> m = Mean()
        >>> m.update_state([1, 3, 5, 7])
        >>> float(m.result())
        4.0
        >>> m.reset_state()
        >>> m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
        >>> float(m.result())
        2.0
    """

    def __init__(self, name: str = "mean", dtype=None):
        super().__init__(name, dtype)

    def _value(self) -> float:
        return self.total / self.count if self.count else 0.0


class MeanMetricWrapper(Mean):
    """Weighted mean of a per-sample function ``fn(y_true, y_pred, **kwargs)``.

    This is how ``metrics=[my_fn]`` is tracked: the function returns one value
    per sample (NumPy arrays in, array out), averaged over all batches.

    Args:
        fn: ``fn(y_true, y_pred, **kwargs) -> values`` of shape ``(N,)``
            (other shapes are averaged with weights indexing the first axis).
        name: defaults to ``fn.__name__``.
        dtype: of the result, ``"float32"`` by default.
        **kwargs: passed to ``fn`` (e.g. ``threshold``).

    Example:
        >>> def max_error(y_true, y_pred):
        ...     return np.abs(np.asarray(y_true) - np.asarray(y_pred)).max(axis=-1)
        >>> m = MeanMetricWrapper(max_error)
        >>> m.update_state([[0.0, 1.0]], [[0.5, 3.0]])
        >>> float(m.result()), m.name
        (2.0, 'max_error')
    """

    def __init__(self, fn: Callable, name: str | None = None, dtype=None, **kwargs):
        if not callable(fn):
            raise TypeError(f"MeanMetricWrapper: fn must be callable, got {type(fn).__name__}")
        self.fn = fn
        self._fn_kwargs = kwargs
        super().__init__(name or getattr(fn, "__name__", type(fn).__name__), dtype)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        values = np.asarray(self.fn(y_true, y_pred, **self._fn_kwargs), dtype=np.float64)
        super().update_state(values, sample_weight)

    def get_config(self) -> dict:
        # A user's function is not JSON: only its name is recorded (not rebuildable).
        return {"name": self.name, "dtype": self.dtype, "fn": getattr(self.fn, "__name__", repr(self.fn)),
                **self._fn_kwargs}  # fmt: skip


class _BuiltinWrapper(MeanMetricWrapper):
    """A MeanMetricWrapper over one of this module's functions; its config is its arguments."""

    def get_config(self) -> dict:
        return {**Mean.get_config(self), **self._fn_kwargs}  # (not the wrapper's: no "fn")
