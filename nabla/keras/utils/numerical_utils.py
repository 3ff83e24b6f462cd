"""Label and feature conversions of ``keras.utils``: :func:`to_categorical` (one-hot) and :func:`normalize`."""

from __future__ import annotations

import numpy as np

from .._engine import Tensor, dtypes


def to_categorical(x, num_classes: int | None = None, dtype="float32"):
    """Class labels as one-hot rows: label ``k`` becomes a row of zeros with a 1 at position ``k``.

    Keras's rules: a trailing axis of size 1 is dropped first, so ``(N, 1)`` labels give ``(N, C)`` like
    ``(N,)`` labels do; other shapes keep their axes, ``(...,)`` -> ``(..., C)``. ``num_classes=None`` (or 0)
    means ``max(x) + 1``.

    Differences from Keras 3, by choice: the result is float32 (nabla's default float, and Keras 2's
    ``dtype="float32"`` default, which ``dtype=`` still sets) where Keras 3 returns NumPy's float64; a
    negative label, a label ``>= num_classes`` or a label with a fraction is an error naming it (Keras 3
    wraps negative labels around and truncates fractions silently). A :class:`nabla.Tensor` gives a Tensor.

    Args:
        x: integer class labels (array-like or Tensor; floats holding whole numbers are accepted).
        num_classes: the number of classes C; ``max(x) + 1`` when None.
        dtype: the result's dtype (default float32).

    Shape:
        ``x (..., )`` or ``(..., 1)`` -> ``(..., C)``.

    Example:
        >>> to_categorical([0, 2, 1], num_classes=3)
        array([[1., 0., 0.],
               [0., 0., 1.],
               [0., 1., 0.]], dtype=float32)
    """
    as_tensor = isinstance(x, Tensor)
    labels = np.asarray(x.detach()._data if as_tensor else x)
    if labels.dtype == object or labels.dtype.kind not in "biuf":
        raise TypeError(f"to_categorical: labels must be integers, got an array of {labels.dtype}")
    if labels.ndim > 1 and labels.shape[-1] == 1:
        labels = labels[..., 0]
    if labels.dtype.kind == "f" and not np.all(np.isfinite(labels) & (labels == np.round(labels))):
        raise ValueError("to_categorical: labels must be whole numbers (class indices), got fractions or NaN")
    labels = labels.astype(np.int64)
    if labels.size and labels.min() < 0:
        raise ValueError(f"to_categorical: labels must be >= 0 (class indices), got {labels.min()}")
    if not num_classes:
        if not labels.size:
            raise ValueError("to_categorical: no labels to infer the number of classes from; give num_classes=")
        num_classes = int(labels.max()) + 1
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes < 0:
        raise ValueError(f"to_categorical: num_classes must be a positive integer or None, got {num_classes!r}")
    if labels.size and labels.max() >= num_classes:
        raise ValueError(
            f"to_categorical: label {labels.max()} does not fit num_classes={num_classes} (labels go 0..C-1); "
            f"raise num_classes or leave it None"
        )
    out = np.zeros(labels.shape + (int(num_classes),), dtype=dtypes.resolve(dtype) or np.float32)
    np.put_along_axis(out, labels[..., None], 1, axis=-1)
    return Tensor._make(out) if as_tensor else out


def normalize(x, axis: int = -1, order: int = 2):
    """``x`` divided by its ``order``-norm along ``axis`` (rows of norm 0 stay 0), as ``keras.utils.normalize``.

    Shape: ``x`` any shape; the result has the same shape. float64 input becomes float32 (nabla's default).
    """
    array = np.asarray(x.detach()._data if isinstance(x, Tensor) else x)
    if array.dtype.kind != "f" or array.dtype == np.float64:
        array = array.astype(np.float32)
    norm = np.linalg.norm(array, order, axis, keepdims=True)
    norm[norm == 0] = 1  # NOTE: a zero row has no direction; Keras leaves it at 0 rather than NaN
    out = array / norm
    return Tensor._make(out) if isinstance(x, Tensor) else out
