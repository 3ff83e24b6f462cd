"""Metrics for the Keras-style API: stateful objects that accumulate over batches.

Keras 3's names and numbers. A metric is updated once per batch with
``update_state(y_true, y_pred, sample_weight=None)`` and read with
``result()``; ``reset_state()`` starts it again (``fit`` does it at the start
of every epoch, ``evaluate`` at its start). Everything works on NumPy
arrays: ``y_pred`` is the model's output converted with ``np.asarray``
(nabla Tensors convert), so a metric never builds a graph.

    >>> m = BinaryAccuracy()
    >>> m.update_state([1, 1, 0, 0], [0.98, 1.0, 0.0, 0.6])
    >>> float(m.result())
    0.75

Conventions (where Keras leaves them to the backend's broadcasting):

* The first axis is the batch. A *per-sample* function returns one value per
  sample, averaging over the remaining axes; a 1-D array is ``N`` samples of
  one value each. ``sample_weight`` holds one weight per sample (shape
  ``()``, ``(N,)`` or ``(N, 1)``) and defaults to 1; weight 0 masks a sample.
* ``y_true`` of shape ``(N,)`` against ``y_pred`` of shape ``(N, 1)`` (or the
  reverse) is reshaped, never broadcast to ``(N, N)``.
* A prediction is positive when ``y_pred > threshold`` (strictly, as Keras; with logits, use
  ``threshold=0``). The confusion metrics (Precision, Recall, AUC...) take ``y_true > 0.5`` as positive;
  ``binary_accuracy`` compares ``y_true`` as it is, as Keras does (a soft label matches neither class).
* ``result()`` is a 0-d float32 tensor, as Keras 3's (``.numpy()``, ``float()``,
  ``f"{m.result():.2f}"``); 0/0 gives 0.0, as Keras's ``divide_no_nan``. The
  state and the arithmetic stay float64 NumPy; ``fit``'s logs hold
  ``float(result())``. Metrics with several values (``TruePositives(thresholds=[0.3, 0.5])``,
  ``F1Score(average=None)``) return a 1-d tensor, one value per threshold or class, as Keras.

``AUC`` counts predictions at 200 thresholds and integrates as Keras does, so
its value equals Keras's; ``AUC(num_thresholds=None)`` computes the exact area
instead (see its docstring). Each metric has ``direction`` ``"up"`` (higher is
better) or ``"down"``, which callbacks read in ``mode="auto"``.
"""

from __future__ import annotations

import functools
import re

import numpy as np

from .. import losses as _losses
from .._engine import Tensor
from ..output_class import SHORT_NAMES, offer_functions, returns_like_inputs
from ..utils.naming import snake_case
from . import accuracy_metrics
from .accuracy_metrics import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    _InferredAccuracy,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from .auc_metrics import AUC
from .confusion_metrics import FalseNegatives, FalsePositives, Precision, Recall, TrueNegatives, TruePositives
from .f_score_metrics import F1Score, FBetaScore
from .hinge_metrics import CategoricalHinge, Hinge, SquaredHinge, categorical_hinge, hinge, squared_hinge
from .iou_metrics import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from .metric import Metric
from .probabilistic_metrics import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
    binary_crossentropy,
    categorical_crossentropy,
    kl_divergence,
    poisson,
    sparse_categorical_crossentropy,
)
from .reduction_metrics import Mean, MeanMetricWrapper, Sum
from .regression_metrics import (
    CosineSimilarity,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    R2Score,
    RootMeanSquaredError,
    cosine_similarity,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)
from .sensitivity_specificity_metrics import (
    PrecisionAtRecall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
)

# The metrics of (y_true, y_pred), by class; Keras's names for them are derived below.
_PAIR_METRICS: tuple[type[Metric], ...] = (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    KLDivergence,
    Poisson,
    Hinge,
    SquaredHinge,
    CategoricalHinge,
    MeanAbsoluteError,
    MeanSquaredError,
    RootMeanSquaredError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    LogCoshError,
    CosineSimilarity,
    R2Score,
    Precision,
    Recall,
    TruePositives,
    FalsePositives,
    TrueNegatives,
    FalseNegatives,
    AUC,
    F1Score,
    FBetaScore,
    BinaryIoU,
)

# Metrics that need an argument (a rate's floor, the number of classes): by class, not by string.
_ARGUMENT_METRICS: tuple[type[Metric], ...] = (
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
    PrecisionAtRecall,
    RecallAtPrecision,
    IoU,
    MeanIoU,
    OneHotIoU,
    OneHotMeanIoU,
)

_FUNCTIONS = (
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    top_k_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    binary_crossentropy,
    categorical_crossentropy,
    sparse_categorical_crossentropy,
    kl_divergence,
    poisson,
    hinge,
    squared_hinge,
    categorical_hinge,
    mean_absolute_error,
    mean_squared_error,
    mean_absolute_percentage_error,
    mean_squared_logarithmic_error,
    log_cosh,
    cosine_similarity,
)

__all__ = sorted(
    [cls.__name__ for cls in (*_PAIR_METRICS, *_ARGUMENT_METRICS)]
    + [fn.__name__ for fn in _FUNCTIONS]
    + ["Mean", "MeanMetricWrapper", "Metric", "Sum", "deserialize", "get", "serialize"]
    + ["KLD", "MAE", "MAPE", "MSE", "MSLE", "kld", "kullback_leibler_divergence", "logcosh", "mae", "mape"]
    + ["mse", "msle"]
)


# --- lookup ----------------------------------------------------------------------------

# Keras's string names: the class name and its snake_case (``"TruePositives"``, ``"true_positives"``),
# looked up case-insensitively, plus Keras's abbreviations and a few Keras 2 spellings.
_ABBREVIATIONS: dict[str, type[Metric]] = {
    "mae": MeanAbsoluteError,
    "mse": MeanSquaredError,
    "rmse": RootMeanSquaredError,
    "r2": R2Score,
    "mape": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError,
    "bce": BinaryCrossentropy,
    "kld": KLDivergence,
    "kullback_leibler_divergence": KLDivergence,
    "logcosh": LogCoshError,
    "log_cosh": LogCoshError,
}
_BY_NAME: dict[str, type[Metric]] = {
    key: cls for cls in _PAIR_METRICS for key in (cls.__name__.lower(), snake_case(cls.__name__))
} | _ABBREVIATIONS
_ACCURACY = ("accuracy", "acc")

_CLASSES: dict[str, type[Metric]] = {
    cls.__name__: cls for cls in (*_PAIR_METRICS, *_ARGUMENT_METRICS, Mean, Sum, _InferredAccuracy)
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
      :class:`MeanMetricWrapper` named as Keras names it: its ``name`` (a loss
      object's), else its ``__name__`` (or class name) in snake_case.
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
        <SparseCategoricalAccuracy name=accuracy>
        >>> get("mae")
        <MeanAbsoluteError name=mae>
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
        names = (*_ACCURACY, *_ABBREVIATIONS, *(snake_case(cls.__name__) for cls in _PAIR_METRICS))
        valid = ", ".join(repr(n) for n in dict.fromkeys(names))
        raise ValueError(f"metrics.get: unknown metric {identifier!r}; valid names are {valid}")
    if any(identifier is fn for fn in _FUNCTION_METRICS.values()):  # (keras.metrics.mean_absolute_error)
        return _BY_NAME[identifier.__name__](name=identifier.__name__)
    if callable(identifier):
        # Keras's get_object_name: a loss object's name (the overfitting lab's
        # BinaryCrossentropy(name="binary_crossentropy") logs as "binary_crossentropy"), else the snake_case name.
        name = getattr(identifier, "name", None)
        if not isinstance(name, str):
            name = snake_case(getattr(identifier, "__name__", type(identifier).__name__))
        return MeanMetricWrapper(identifier, name=name)
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


# Called on tf.Tensors (nabla.tf's), the functions return tf.Tensors, as tf.keras's do; tf.keras's short names.
offer_functions(globals(), __all__)

# Keras 3's loss-like metric functions are its losses' (keras.metrics.mean_absolute_error is
# keras.losses.mean_absolute_error): float32 tensors, averaged over the last axis, so a 1-D series gives one
# number (the time-series labs' tf.keras.metrics.mean_absolute_error(x_valid, forecast).numpy()). The metric
# classes keep the NumPy functions above; compile(metrics=[one of these]) takes the class of its name (get).
_LOSS_FUNCTIONS = {
    name: getattr(_losses, name)
    for name in (
        "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy", "kl_divergence",
        "poisson", "hinge", "squared_hinge", "categorical_hinge", "mean_absolute_error", "mean_squared_error",
        "mean_absolute_percentage_error", "mean_squared_logarithmic_error", "log_cosh",
    )
}  # fmt: skip
_FUNCTION_METRICS = dict(_LOSS_FUNCTIONS)  # (the public functions compile takes as the classes of their names)
globals().update(_LOSS_FUNCTIONS)
globals().update({short: globals()[long] for short, long in SHORT_NAMES.items()})


def _float32_tensors(fn):
    """An accuracy function (NumPy, per sample) that returns a float32 tensor, as Keras's do."""

    @functools.wraps(fn)
    def accuracy_function(y_true, y_pred, *args, **kwargs):
        return Tensor._make(np.asarray(fn(y_true, y_pred, *args, **kwargs), dtype=np.float32))

    return returns_like_inputs(accuracy_function)


for _name in ("accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
              "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy"):  # fmt: skip
    globals()[_name] = _FUNCTION_METRICS[_name] = _float32_tensors(getattr(accuracy_metrics, _name))
