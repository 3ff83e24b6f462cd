"""Intersection-over-union metrics: ``IoU``, ``MeanIoU``, their one-hot forms and ``BinaryIoU``."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .metric import ArrayMetric
from .metrics_utils import weights_like

EPSILON = 1e-7  # Keras's backend.epsilon(), where Keras adds it


class IoU(ArrayMetric):
    """Intersection over union ``TP / (TP + FP + FN)`` of chosen classes, averaged over them.

    A confusion matrix over ``num_classes`` classes is accumulated over all
    batches (weighted); for each class ``c`` in ``target_class_ids``,
    ``IoU_c = cm[c, c] / (row_c + col_c - cm[c, c])``, and the result is the
    mean over the target classes that have occurred (a class never seen, in
    the labels or the predictions, is left out, as Keras). Entries whose
    label or prediction is outside ``[0, num_classes)``, or whose label is
    ``ignore_class``, are skipped.

    A deliberate difference from Keras: sample weights are used as given;
    Keras keeps an integer matrix and truncates fractional weights (with a
    warning). Integer weights give Keras's numbers.

    Args:
        num_classes: the number of classes ``C``.
        target_class_ids: the classes to average over.
        name: defaults to ``"io_u"`` (Keras's snake_case of the class).
        ignore_class: a label value to skip (e.g. the "void" class), or None.
        sparse_y_true: ``True`` if ``y_true`` holds class ids; ``False`` for
            one-hot / scores (``argmax`` along ``axis`` is taken).
        sparse_y_pred: likewise for ``y_pred`` (``False`` for the model's scores).
        axis: the class axis when not sparse, default -1.

    Shape: class ids of any shape (``(N,)``, ``(N, H, W)``...), the same
    number in ``y_true`` and ``y_pred``; weights one per sample or per entry.

    Example:
        >>> m = IoU(num_classes=2, target_class_ids=[0])
        >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
        >>> round(float(m.result()), 4)
        0.3333
    """

    direction = "up"
    float32_result = True

    def __init__(
        self,
        num_classes: int,
        target_class_ids: Sequence[int],
        name: str | None = None,
        ignore_class: int | None = None,
        sparse_y_true: bool = True,
        sparse_y_pred: bool = True,
        axis: int = -1,
    ):
        kind = type(self).__name__
        if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 1:
            raise ValueError(f"{kind}: num_classes must be a positive int, got {num_classes!r}")
        ids = [int(c) for c in target_class_ids]
        if not ids or min(ids) < 0 or max(ids) >= num_classes:
            raise ValueError(f"{kind}: target_class_ids must be class ids in [0, {num_classes}), got {ids}")
        self.num_classes, self.target_class_ids, self.ignore_class = num_classes, ids, ignore_class
        self.sparse_y_true, self.sparse_y_pred, self.axis = bool(sparse_y_true), bool(sparse_y_pred), int(axis)
        super().__init__(name)
        # NOTE: Keras 3's dtype is the confusion matrix's, "int32" unless given; its result is float32 whatever
        # it is. nabla counts in float64 and keeps the dtype only to give it back.
        self._dtype = "int32"

    def _take_dtype(self, dtype) -> None:
        self._dtype = np.dtype(dtype).name

    def reset_state(self) -> None:
        self.total_cm = np.zeros((self.num_classes, self.num_classes))  # rows: labels, columns: predictions

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
        if not self.sparse_y_true:
            y_true = np.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = np.argmax(y_pred, axis=self.axis)
        if y_true.size != y_pred.size:
            raise ValueError(
                f"{self.name}: y_true has {y_true.size} class ids (shape {y_true.shape}) but y_pred "
                f"{y_pred.size} (shape {y_pred.shape}); give one per entry (sparse_y_pred=False for scores)"
            )
        weights = weights_like(sample_weight, y_true.shape, self.name).ravel()
        # As Keras: ids are cast to integers (truncated), out-of-range entries skipped.
        labels, predictions = y_true.astype(np.int64).ravel(), y_pred.astype(np.int64).ravel()
        keep = (labels >= 0) & (labels < self.num_classes) & (predictions >= 0) & (predictions < self.num_classes)
        if self.ignore_class is not None:
            keep &= labels != self.ignore_class
        cells = labels[keep] * self.num_classes + predictions[keep]
        counts = np.bincount(cells, weights=weights[keep], minlength=self.num_classes**2)
        self.total_cm += counts.reshape(self.num_classes, self.num_classes)

    def _value(self) -> float:
        true_positives = np.diag(self.total_cm)
        union = self.total_cm.sum(axis=0) + self.total_cm.sum(axis=1) - true_positives
        true_positives, union = true_positives[self.target_class_ids], union[self.target_class_ids]
        valid = union > 1e-9
        iou = np.where(valid, true_positives / (union + EPSILON), 0.0)
        return float(iou.sum() / (valid.sum() + EPSILON))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "num_classes": self.num_classes,
            "target_class_ids": self.target_class_ids,
            "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


class MeanIoU(IoU):
    """Mean intersection over union over all ``num_classes`` classes (semantic segmentation's usual score).

    :class:`IoU` with ``target_class_ids = range(num_classes)``.

    Args:
        num_classes: the number of classes.
        name: defaults to ``"mean_io_u"``.
        ignore_class, sparse_y_true, sparse_y_pred, axis: as :class:`IoU`.

    Example:
        >>> m = MeanIoU(num_classes=2)
        >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
        >>> round(float(m.result()), 4)
        0.3333
    """

    def __init__(self, num_classes: int, name=None, ignore_class=None, sparse_y_true=True, sparse_y_pred=True, axis=-1):
        if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 1:
            raise ValueError(f"MeanIoU: num_classes must be a positive int, got {num_classes!r}")
        super().__init__(num_classes, range(num_classes), name, ignore_class, sparse_y_true, sparse_y_pred, axis)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["target_class_ids"]
        return config


class OneHotIoU(IoU):
    """:class:`IoU` for one-hot labels and the model's class scores (``argmax`` of both is taken).

    Args:
        num_classes, target_class_ids, name, ignore_class, axis: as :class:`IoU`.
        sparse_y_pred: ``True`` if ``y_pred`` already holds class ids.

    Example:
        >>> m = OneHotIoU(num_classes=3, target_class_ids=[0, 2])
        >>> m.update_state([[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0]],
        ...                [[0.2, 0.3, 0.5], [0.1, 0.2, 0.7], [0.5, 0.3, 0.1], [0.1, 0.4, 0.5]])
        >>> round(float(m.result()), 4)
        0.1667
    """

    def __init__(self, num_classes, target_class_ids, name=None, ignore_class=None, sparse_y_pred=False, axis=-1):
        super().__init__(num_classes, target_class_ids, name, ignore_class, False, sparse_y_pred, axis)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["sparse_y_true"]
        return config


class OneHotMeanIoU(MeanIoU):
    """:class:`MeanIoU` for one-hot labels and the model's class scores (``argmax`` of both is taken).

    Args:
        num_classes, name, ignore_class, axis: as :class:`IoU`.
        sparse_y_pred: ``True`` if ``y_pred`` already holds class ids.

    Example:
        >>> m = OneHotMeanIoU(num_classes=3)
        >>> m.update_state([[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0]],
        ...                [[0.2, 0.3, 0.5], [0.1, 0.2, 0.7], [0.5, 0.3, 0.1], [0.1, 0.4, 0.5]])
        >>> round(float(m.result()), 4)
        0.1111
    """

    def __init__(self, num_classes, name=None, ignore_class=None, sparse_y_pred=False, axis=-1):
        super().__init__(num_classes, name, ignore_class, False, sparse_y_pred, axis)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["sparse_y_true"]
        return config


class BinaryIoU(IoU):
    """:class:`IoU` of a binary task: predictions are ``y_pred >= threshold`` (inclusive, as Keras).

    Args:
        target_class_ids: the classes to average over, default ``(0, 1)``.
        threshold: the decision threshold, default 0.5.
        name: defaults to ``"binary_io_u"``.

    Example:
        >>> m = BinaryIoU(target_class_ids=[0, 1], threshold=0.3)
        >>> m.update_state([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7])
        >>> round(float(m.result()), 4)
        0.3333
    """

    def __init__(self, target_class_ids: Sequence[int] = (0, 1), threshold: float = 0.5, name=None):
        super().__init__(2, target_class_ids, name)
        self.threshold = float(threshold)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        predicted = (np.asarray(y_pred, dtype=np.float32) >= np.float32(self.threshold)).astype(np.int64)
        super().update_state(y_true, predicted, sample_weight)

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "target_class_ids": self.target_class_ids,
                "threshold": self.threshold}  # fmt: skip
