"""Keras's losses by name or as objects, for ``model.compile(loss=...)``.

Keras conventions, which differ from :mod:`nabla.nn`'s PyTorch ones:

* arguments are ``(y_true, y_pred)``;
* each function returns one loss per sample (averaged over the last axis),
  and the objects reduce with "sum over batch size": ``sum(w * loss) / N``;
* losses on probabilities clip them to ``[1e-7, 1 - 1e-7]`` (Keras's
  epsilon) before the log; with ``from_logits=True`` the stable fused forms
  on raw scores are used instead (recommended).
"""

from __future__ import annotations

import numpy as np

from ._engine import Tensor, backend, ops, recompute
from .utils.naming import snake_case

EPSILON = 1e-7


def _as_target(y_true, like: Tensor, integer: bool = False) -> Tensor:
    data = y_true._data if isinstance(y_true, Tensor) else np.asarray(y_true)
    source = y_true if isinstance(y_true, Tensor) else data  # (a Tensor: a captured replay reads its values)
    pred = like._data if isinstance(like, Tensor) else like
    if isinstance(data, np.ndarray) and hasattr(pred, "device") and not isinstance(pred, np.ndarray):
        source = data = backend.to_device(data, pred.device)  # targets on the host join a model on a device
    if integer:
        return Tensor._make(data)
    return Tensor._make(recompute(_as_dtype, source, like.dtype))


def _as_dtype(data, dtype):
    return backend.namespace(data).astype(data, dtype)


def _match_rank(y: Tensor, pred: Tensor) -> Tensor:
    """Keras squeezes or expands a trailing size-1 axis so that target and prediction have one rank."""
    if y.ndim == pred.ndim - 1 and pred.shape[-1] == 1:
        return y.reshape(y.shape + (1,))
    if y.ndim == pred.ndim + 1 and y.shape[-1] == 1:
        return y.reshape(y.shape[:-1])
    return y


def _check_shapes(y: Tensor, pred: Tensor, who: str) -> None:
    if y.shape != pred.shape:
        raise ValueError(
            f"{who}: targets of shape {y.shape} do not match the model's output shape {pred.shape}; "
            "reshape the labels (e.g. y.reshape(-1, 1) for one output unit)"
        )


def mean_squared_error(y_true, y_pred) -> Tensor:
    """``mean((y_pred - y_true)^2, axis=-1)`` per sample."""
    y = _match_rank(_as_target(y_true, y_pred), y_pred)
    _check_shapes(y, y_pred, "mean_squared_error")
    d = y_pred - y
    return ops.mean(d * d, axis=-1)


def mean_absolute_error(y_true, y_pred) -> Tensor:
    """``mean(|y_pred - y_true|, axis=-1)`` per sample."""
    y = _match_rank(_as_target(y_true, y_pred), y_pred)
    _check_shapes(y, y_pred, "mean_absolute_error")
    return ops.mean(ops.abs(y_pred - y), axis=-1)


def huber(y_true, y_pred, delta: float = 1.0) -> Tensor:
    """Huber loss per sample: quadratic below ``delta``, linear above; mean over the last axis."""
    y = _match_rank(_as_target(y_true, y_pred), y_pred)
    _check_shapes(y, y_pred, "huber")
    return ops.mean(ops.huber_loss(y_pred, y, reduction="none", delta=delta), axis=-1)


def binary_crossentropy(y_true, y_pred, from_logits: bool = False, label_smoothing: float = 0.0) -> Tensor:
    """``-mean(y log p + (1 - y) log(1 - p), axis=-1)``; p clipped to [1e-7, 1 - 1e-7] unless ``from_logits``."""
    y = _match_rank(_as_target(y_true, y_pred), y_pred)
    if label_smoothing:
        y = y * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return ops.mean(binary_crossentropy_elements(y, y_pred, from_logits), axis=-1)


def binary_crossentropy_elements(y_true, y_pred: Tensor, from_logits: bool = False) -> Tensor:
    """``-(y log p + (1 - y) log(1 - p))`` per element (``keras.ops.binary_crossentropy``); targets and
    predictions of one shape; p clipped to [1e-7, 1 - 1e-7] unless ``from_logits``."""
    y = _as_target(y_true, y_pred)
    _check_shapes(y, y_pred, "binary_crossentropy")
    if from_logits:
        return ops.binary_cross_entropy_with_logits(y_pred, y, reduction="none")
    p = ops.clip(y_pred, EPSILON, 1.0 - EPSILON)
    return -(y * ops.log(p) + (1.0 - y) * ops.log(1.0 - p))


def categorical_crossentropy(y_true, y_pred, from_logits: bool = False, label_smoothing: float = 0.0) -> Tensor:
    """``-sum(y * log p, axis=-1)`` for one-hot (or probability) targets.

    On probabilities, p is renormalised to sum to 1 and clipped as Keras does;
    ``from_logits=True`` uses log-softmax.
    """
    y = _as_target(y_true, y_pred)
    _check_shapes(y, y_pred, "categorical_crossentropy")
    if label_smoothing:
        y = y * (1.0 - label_smoothing) + label_smoothing / y_pred.shape[-1]
    if from_logits:
        logp = ops.log_softmax(y_pred, axis=-1)
    else:
        p = y_pred / ops.sum(y_pred, axis=-1, keepdims=True)
        logp = ops.log(ops.clip(p, EPSILON, 1.0 - EPSILON))
    return -ops.sum(y * logp, axis=-1)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits: bool = False) -> Tensor:
    """``-log p[label]`` per sample for integer labels of shape (N,) or (N, 1)."""
    y = _as_target(y_true, y_pred, integer=True)
    if y.ndim == y_pred.ndim and y.shape[-1] == 1:
        y = y.reshape(y.shape[:-1])
    if y.shape != y_pred.shape[:-1]:
        raise ValueError(
            f"sparse_categorical_crossentropy: integer labels of shape {y.shape} do not fit outputs of shape "
            f"{y_pred.shape}; expected labels of shape {y_pred.shape[:-1]}"
        )
    labels = y._data
    if backend.numpy_dtype(labels.dtype).kind == "f":
        labels = recompute(_integer_labels, y)
    if from_logits:  # PyTorch's fused softmax cross-entropy: one node, gradient softmax - onehot
        flat = ops.cross_entropy(
            y_pred.reshape(-1, y_pred.shape[-1]), Tensor._make(labels).reshape(-1), reduction="none"
        )
        return flat.reshape(y.shape)
    p = y_pred / ops.sum(y_pred, axis=-1, keepdims=True)
    logp = ops.log(ops.clip(p, EPSILON, 1.0 - EPSILON))
    flat = Tensor._make(labels).reshape(-1)
    return ops.nll_loss(logp.reshape(-1, y_pred.shape[-1]), flat, reduction="none").reshape(y.shape)


def _integer_labels(labels):
    """Float labels holding class indices, as int64 (Keras accepts 3.0 for class 3)."""
    xp = backend.namespace(labels)
    integers = xp.astype(labels, np.int64)
    if not bool(xp.all(xp.astype(integers, labels.dtype) == labels)):
        raise ValueError("sparse_categorical_crossentropy: labels must be integer class indices")
    return integers


def _sample_weights(sample_weight, dtype, shape: tuple) -> np.ndarray:
    return np.asarray(sample_weight, dtype=dtype).reshape(shape)


class Loss:
    """A loss with options; ``loss(y_true, y_pred, sample_weight=None)`` gives the batch's scalar loss.

    Reduction is Keras's "sum over batch size": ``sum(sample_weight * per_sample) / N``.
    """

    fn = None

    def __init__(self, name: str | None = None, **options):
        self.options = options
        self.name = name or snake_case(type(self).__name__)

    @property
    def from_logits(self) -> bool:
        """Whether the loss takes raw scores (logits) rather than probabilities, as Keras's ``loss.from_logits``."""
        return bool(self.options.get("from_logits", False))

    def per_sample(self, y_true, y_pred) -> Tensor:
        return type(self).fn(y_true, y_pred, **self.options)

    def __call__(self, y_true, y_pred, sample_weight=None) -> Tensor:
        values = self.per_sample(y_true, y_pred)
        if sample_weight is not None:
            shape = values.shape[:1] + (1,) * (values.ndim - 1)
            values = values * Tensor._make(recompute(_sample_weights, sample_weight, values.dtype, shape))
        return ops.sum(values) * (1.0 / max(values.size, 1))

    def get_config(self) -> dict:
        return {"name": self.name, **self.options}


class MeanSquaredError(Loss):
    fn = staticmethod(mean_squared_error)


class MeanAbsoluteError(Loss):
    fn = staticmethod(mean_absolute_error)


class Huber(Loss):
    """The Huber loss with threshold ``delta``; named "huber_loss" by default, as in Keras."""

    fn = staticmethod(huber)

    def __init__(self, delta: float = 1.0, name: str | None = "huber_loss"):
        super().__init__(name, delta=delta)


class BinaryCrossentropy(Loss):
    fn = staticmethod(binary_crossentropy)

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, name: str | None = None):
        super().__init__(name, from_logits=from_logits, label_smoothing=label_smoothing)


class CategoricalCrossentropy(Loss):
    fn = staticmethod(categorical_crossentropy)

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, name: str | None = None):
        super().__init__(name, from_logits=from_logits, label_smoothing=label_smoothing)


class SparseCategoricalCrossentropy(Loss):
    fn = staticmethod(sparse_categorical_crossentropy)

    def __init__(self, from_logits: bool = False, name: str | None = None):
        super().__init__(name, from_logits=from_logits)


class _FunctionLoss(Loss):
    """Wraps a user function ``f(y_true, y_pred)`` returning per-sample losses (or a scalar)."""

    def __init__(self, fn, name: str | None = None):
        super().__init__(name or getattr(fn, "__name__", "loss"))
        self._fn = fn

    def per_sample(self, y_true, y_pred) -> Tensor:
        out = self._fn(y_true, y_pred)
        return out if isinstance(out, Tensor) else Tensor._make(np.asarray(out))


_NAMES = {
    "mse": MeanSquaredError,
    "mean_squared_error": MeanSquaredError,
    "mae": MeanAbsoluteError,
    "mean_absolute_error": MeanAbsoluteError,
    "huber": Huber,
    "huber_loss": Huber,
    "binary_crossentropy": BinaryCrossentropy,
    "bce": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
}


_CLASSES = {cls.__name__: cls for cls in _NAMES.values()}


def serialize(loss: Loss) -> dict | None:
    """``{"class_name": ..., "config": ...}`` for nabla's loss classes, None for a wrapped function (not savable)."""
    if type(loss).__name__ not in _CLASSES or type(loss) is not _CLASSES[type(loss).__name__]:
        return None
    return {"class_name": type(loss).__name__, "config": loss.get_config()}


def deserialize(config: dict) -> Loss:
    """Rebuild a loss from :func:`serialize`'s output (options such as ``from_logits`` included)."""
    name = config.get("class_name")
    if name not in _CLASSES:
        raise ValueError(f"unknown loss class {name!r}; known: {', '.join(sorted(_CLASSES))}")
    return _CLASSES[name](**config.get("config", {}))


def get(identifier) -> Loss:
    """A :class:`Loss` from a name ("mse", "binary_crossentropy"...), an instance, a config dict
    (from :func:`serialize`), or a callable."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        if identifier not in _NAMES:
            raise ValueError(f"unknown loss {identifier!r}; valid names: {', '.join(sorted(_NAMES))}")
        return _NAMES[identifier]()
    if callable(identifier):
        return _FunctionLoss(identifier)
    raise TypeError(f"loss must be a name, a nabla.losses.Loss or a callable, got {type(identifier).__name__}")
