"""Keras's losses by name or as objects, for ``model.compile(loss=...)``, in Keras 3's names and signatures.

Keras conventions, which differ from :mod:`nabla.nn`'s PyTorch ones:

* arguments are ``(y_true, y_pred)``;
* each function returns one loss per sample (reduced over the last axis), and the objects weight
  and reduce those with ``reduction`` (default "sum over batch size": ``sum(w * loss) / N``);
* losses on probabilities clip them to ``[1e-7, 1 - 1e-7]`` (Keras's epsilon) before the log; with
  ``from_logits=True`` the stable fused forms on raw scores are used instead (recommended).

The files, by family: ``loss.py`` (the :class:`Loss` base), ``regression.py``, ``crossentropy.py``
(with the focal forms), ``hinge.py``, ``probabilistic.py`` (KL divergence, Poisson), ``segmentation.py``
(Dice, Tversky).
"""

from __future__ import annotations

from ..output_class import offer_functions
from .crossentropy import (
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    SparseCategoricalCrossentropy,
    binary_crossentropy,
    binary_crossentropy_elements,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    sparse_categorical_crossentropy,
)
from .hinge import CategoricalHinge, Hinge, SquaredHinge, categorical_hinge, hinge, squared_hinge
from .loss import EPSILON, REDUCTIONS, Loss, _FunctionLoss
from .probabilistic import KLDivergence, Poisson, kl_divergence, poisson
from .regression import (
    CosineSimilarity,
    Huber,
    LogCosh,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    cosine_similarity,
    huber,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)
from .segmentation import Dice, Tversky, dice, tversky

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
    "mape": MeanAbsolutePercentageError,
    "mean_absolute_percentage_error": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError,
    "mean_squared_logarithmic_error": MeanSquaredLogarithmicError,
    "log_cosh": LogCosh,
    "logcosh": LogCosh,
    "cosine_similarity": CosineSimilarity,
    "kld": KLDivergence,
    "kl_divergence": KLDivergence,
    "kullback_leibler_divergence": KLDivergence,
    "poisson": Poisson,
    "hinge": Hinge,
    "squared_hinge": SquaredHinge,
    "categorical_hinge": CategoricalHinge,
    "binary_focal_crossentropy": BinaryFocalCrossentropy,
    "categorical_focal_crossentropy": CategoricalFocalCrossentropy,
    "dice": Dice,
    "tversky": Tversky,
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


__all__ = [
    "EPSILON", "REDUCTIONS", "BinaryCrossentropy", "BinaryFocalCrossentropy", "CategoricalCrossentropy",
    "CategoricalFocalCrossentropy", "CategoricalHinge", "CosineSimilarity", "Dice", "Hinge", "Huber", "KLDivergence",
    "LogCosh", "Loss", "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanSquaredError",
    "MeanSquaredLogarithmicError", "Poisson", "SparseCategoricalCrossentropy", "SquaredHinge", "Tversky",
    "binary_crossentropy", "binary_crossentropy_elements", "binary_focal_crossentropy", "categorical_crossentropy",
    "categorical_focal_crossentropy", "categorical_hinge", "cosine_similarity", "deserialize", "dice", "get", "hinge",
    "huber", "kl_divergence", "log_cosh", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_error", "mean_squared_logarithmic_error", "poisson", "serialize", "sparse_categorical_crossentropy",
    "squared_hinge", "tversky",
    "KLD", "MAE", "MAPE", "MSE", "MSLE", "kld", "kullback_leibler_divergence", "logcosh", "mae", "mape", "mse", "msle",
]  # fmt: skip

# Called on tf.Tensors (nabla.tf's), the functions return tf.Tensors, as tf.keras's do; tf.keras's short names.
offer_functions(globals(), __all__)
