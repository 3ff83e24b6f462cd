"""The array conventions shared by the metrics: matching shapes, per-sample values, weights, class labels.

See the conventions in the package's docstring (:mod:`nabla.keras.metrics`).
"""

from __future__ import annotations

import numpy as np


def match_shapes(y_true, y_pred, name: str) -> tuple[np.ndarray, np.ndarray]:
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


def per_sample(values: np.ndarray) -> np.ndarray:
    """Average over every axis but the first (the batch): shape ``(N,)``."""
    if values.ndim <= 1:
        return values.reshape(-1)
    return values.reshape(values.shape[0], -1).mean(axis=1)


def weights_like(sample_weight, shape: tuple, name: str) -> np.ndarray:
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


def class_labels(y_true, y_pred: np.ndarray, name: str) -> np.ndarray:
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


def class_scores(y_pred, name: str) -> np.ndarray:
    y_pred = np.asarray(y_pred, dtype=np.float64)
    if y_pred.ndim == 0:
        raise ValueError(f"{name}: y_pred must have a class axis, got a scalar")
    return y_pred
