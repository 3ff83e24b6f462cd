"""Feature scaling and one-hot labels, with scikit-learn's estimator interface.

A scaler learns per-feature statistics with ``fit`` on the training set only,
then applies the same affine map to any data with ``transform``; fitted
attributes end with ``_`` (``mean_``, ``scale_``...) and only exist after
``fit``. Both scalers accept NumPy arrays and Tensors and return the kind they
receive; on a Tensor the map is made of nabla operations, so gradients flow
through it.
"""

from __future__ import annotations

import numbers

import numpy as np

from ..engine.tensor import Tensor


class NotFittedError(ValueError, AttributeError):
    """A scaler was used before ``fit`` (a ValueError and an AttributeError, as in scikit-learn)."""


def _values(X, who: str) -> np.ndarray:
    """The array behind ``X``, checked to be a 2-D numeric matrix (samples, features)."""
    values = X._data if isinstance(X, Tensor) else np.asarray(X)
    if values.ndim != 2:
        raise ValueError(
            f"{who}: expected a 2-D array of shape (n_samples, n_features), got shape {values.shape}; "
            "reshape one feature with X.reshape(-1, 1) or one sample with X.reshape(1, -1)"
        )
    if values.dtype.kind not in "biuf":
        raise TypeError(f"{who}: expected numbers, got an array of {values.dtype}")
    return values


def _as_float(X, values: np.ndarray):
    """``X`` (a Tensor, or else a NumPy array) with a floating dtype: its own, or float64 for integers."""
    dtype = values.dtype if values.dtype.kind == "f" else np.dtype(np.float64)
    if isinstance(X, Tensor):
        return (X if X.dtype == dtype else X.astype(dtype)), dtype
    return values.astype(dtype, copy=False), dtype


def _handle_zeros_in_scale(scale: np.ndarray) -> np.ndarray:
    """Scales of (numerically) zero replaced by 1, so constant features are shifted, never divided by 0."""
    return np.where(scale < 10 * np.finfo(scale.dtype).eps, 1.0, scale)


class _Scaler:
    """What both scalers share: input checks, the fitted check, fit_transform and repr."""

    def _check_fitted(self, X, who: str):
        if not hasattr(self, "n_features_in_"):
            raise NotFittedError(
                f"{type(self).__name__}.{who}: this scaler is not fitted yet; call fit(X_train) "
                "or fit_transform(X_train) first"
            )
        values = _values(X, f"{type(self).__name__}.{who}")
        if values.shape[1] != self.n_features_in_:
            raise ValueError(
                f"{type(self).__name__}.{who}: X has {values.shape[1]} features, "
                f"but the scaler was fitted on {self.n_features_in_}"
            )
        return _as_float(X, values)

    def _fit_values(self, X) -> np.ndarray:
        """The data as float64 (statistics are computed in float64 whatever the input dtype)."""
        values = _values(X, f"{type(self).__name__}.fit")
        if values.shape[0] == 0:
            raise ValueError(f"{type(self).__name__}.fit: X has 0 samples; need at least one")
        self.n_features_in_ = values.shape[1]
        self.n_samples_seen_ = values.shape[0]
        return values.astype(np.float64)

    def fit_transform(self, X):
        """``fit(X)`` then ``transform(X)``."""
        return self.fit(X).transform(X)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class StandardScaler(_Scaler):
    """Standardise features to zero mean and unit variance: ``(X - mean_) / scale_``.

    ``mean_`` and ``var_`` are the per-feature mean and population variance
    (ddof=0, as scikit-learn) of the data given to ``fit``, and
    ``scale_ = sqrt(var_)``, set to 1 for constant features so that they
    become 0 rather than NaN. Fitted attributes are float64; ``transform``
    returns the input's floating dtype (float32 stays float32), and float64
    for integer input.

    Shape:
        - X: :math:`(N, F)`, output: :math:`(N, F)`
        - ``mean_``, ``var_``, ``scale_``: :math:`(F,)`

    Example::

        >>> scaler = nb.data.StandardScaler()
        >>> X_train = scaler.fit_transform(np.array([[1.0, 10.0], [3.0, 10.0]]))
        >>> X_train
        array([[-1.,  0.],
               [ 1.,  0.]])
        >>> scaler.mean_, scaler.scale_
        (array([ 2., 10.]), array([1., 1.]))
        >>> X_test = scaler.transform(np.array([[5.0, 12.0]]))  # the training statistics
    """

    def fit(self, X) -> StandardScaler:
        """Learn ``mean_``, ``var_`` and ``scale_`` from ``X`` of shape (N, F); returns self."""
        values = self._fit_values(X)
        n = values.shape[0]
        self.mean_ = values.mean(axis=0)
        self.var_ = values.var(axis=0)
        # NOTE: a constant column's variance computed in floating point is tiny
        # rather than 0 (0.1 is not exact). scikit-learn's test: the variance is
        # below the bound of its rounding error, n*eps*var + (n*mean*eps)^2.
        eps = np.finfo(np.float64).eps
        constant = self.var_ <= n * eps * self.var_ + (n * self.mean_ * eps) ** 2
        self.scale_ = np.where(constant, 1.0, np.sqrt(self.var_))
        return self

    def transform(self, X):
        """``(X - mean_) / scale_``, of the same kind (Tensor or array) as ``X``."""
        X, dtype = self._check_fitted(X, "transform")
        return (X - self.mean_.astype(dtype)) / self.scale_.astype(dtype)

    def inverse_transform(self, X):
        """``X * scale_ + mean_``: back to the original units."""
        X, dtype = self._check_fitted(X, "inverse_transform")
        return X * self.scale_.astype(dtype) + self.mean_.astype(dtype)


class MinMaxScaler(_Scaler):
    """Rescale each feature linearly so that the training data spans ``feature_range``.

    With ``(a, b) = feature_range`` and ``data_range_ = data_max_ - data_min_``::

        X_scaled = (X - data_min_) / data_range_ * (b - a) + a  =  X * scale_ + min_

    where ``scale_ = (b - a) / data_range_`` and ``min_ = a - data_min_ * scale_``.
    A constant feature (``data_range_`` of 0) is treated as having range 1, so
    it maps to ``a``. Data outside the training range lands outside
    ``feature_range`` (no clipping). Fitted attributes are float64.

    Args:
        feature_range: the target interval ``(a, b)`` with ``a < b``, default ``(0, 1)``.

    Shape:
        - X: :math:`(N, F)`, output: :math:`(N, F)`
        - ``data_min_``, ``data_max_``, ``data_range_``, ``scale_``, ``min_``: :math:`(F,)`

    Example::

        >>> scaler = nb.data.MinMaxScaler(feature_range=(-1, 1))
        >>> scaler.fit_transform(np.array([[0.0], [5.0], [10.0]]))
        array([[-1.],
               [ 0.],
               [ 1.]])
    """

    def __init__(self, feature_range: tuple[float, float] = (0, 1)):
        if (
            not isinstance(feature_range, (tuple, list))
            or len(feature_range) != 2
            or not all(isinstance(v, numbers.Real) for v in feature_range)
        ):
            raise TypeError(f"MinMaxScaler: feature_range must be a pair of numbers (min, max), got {feature_range!r}")
        if not feature_range[0] < feature_range[1]:
            raise ValueError(
                f"MinMaxScaler: the minimum of feature_range must be smaller than its maximum, got {feature_range!r}"
            )
        self.feature_range = tuple(feature_range)

    def fit(self, X) -> MinMaxScaler:
        """Learn ``data_min_``, ``data_max_``, ``data_range_``, ``scale_`` and ``min_``; returns self."""
        values = self._fit_values(X)
        low, high = self.feature_range
        self.data_min_ = values.min(axis=0)
        self.data_max_ = values.max(axis=0)
        self.data_range_ = self.data_max_ - self.data_min_
        self.scale_ = (high - low) / _handle_zeros_in_scale(self.data_range_)
        self.min_ = low - self.data_min_ * self.scale_
        return self

    def transform(self, X):
        """``X * scale_ + min_``, of the same kind (Tensor or array) as ``X``."""
        X, dtype = self._check_fitted(X, "transform")
        return X * self.scale_.astype(dtype) + self.min_.astype(dtype)

    def inverse_transform(self, X):
        """``(X - min_) / scale_``: back to the original units."""
        X, dtype = self._check_fitted(X, "inverse_transform")
        return (X - self.min_.astype(dtype)) / self.scale_.astype(dtype)

    def __repr__(self) -> str:
        return f"MinMaxScaler(feature_range={self.feature_range})"


def one_hot(labels, num_classes: int | None = None) -> np.ndarray:
    """Integer class labels to one-hot rows, as a float32 NumPy array.

    ``out[..., c]`` is 1 where ``labels == c`` and 0 elsewhere. Unlike
    :func:`nabla.one_hot` (int64 Tensor, like PyTorch), this returns float32
    NumPy targets, ready for a mean-squared-error or Keras-style loss.

    Args:
        labels: integer labels in ``[0, num_classes)``: a Tensor, array or list.
        num_classes: the number of classes; by default the largest label + 1.

    Shape:
        - labels: :math:`(*)`, output: :math:`(*, C)`

    Example::

        >>> nb.data.one_hot([0, 2, 1])
        array([[1., 0., 0.],
               [0., 0., 1.],
               [0., 1., 0.]], dtype=float32)
    """
    idx = labels._data if isinstance(labels, Tensor) else np.asarray(labels)
    if idx.size == 0:
        idx = idx.astype(np.int64)  # np.asarray([]) is float64
    if idx.dtype.kind not in "iu":
        raise TypeError(f"one_hot: labels must be integers, got {idx.dtype}; convert them with .astype(np.int64)")
    if num_classes is None:
        if idx.size == 0:
            raise ValueError("one_hot: cannot infer num_classes from empty labels; pass num_classes")
        num_classes = int(idx.max()) + 1
    elif isinstance(num_classes, bool) or not isinstance(num_classes, numbers.Integral) or num_classes < 1:
        raise ValueError(f"one_hot: num_classes must be a positive integer, got {num_classes!r}")
    if idx.size and (idx.min() < 0 or idx.max() >= num_classes):
        raise ValueError(f"one_hot: labels must lie in [0, {num_classes}), got values from {idx.min()} to {idx.max()}")
    return np.eye(num_classes, dtype=np.float32)[idx]
