"""``MonitorCallback``: the base of the callbacks that watch one ``logs`` key (which way is better, what counts
as an improvement, a warning when the key is missing)."""

from __future__ import annotations

import math
import numbers

from ..utils.traceback_utils import warn
from .callback import Callback, log_value

# Name parts of metrics where higher is better (accuracy, acc, auc, precision, recall, r2...).
_HIGHER_IS_BETTER = ("acc", "accuracy", "auc", "precision", "recall", "r2", "f1", "fbeta", "iou", "dice")


def higher_is_better(monitor: str, model=None) -> bool:
    """``mode="auto"``: does ``monitor`` improve upwards?

    A metric of the model (``model.metrics`` or ``model.compiled_metrics``)
    with a ``direction`` decides; otherwise the name, without ``val_``, split
    on ``_``: a part ``loss`` means lower is better, a part among
    accuracy/acc/auc/precision/recall/r2/f1... (or starting with ``acc``)
    means higher; anything else is minimised.
    """
    name = monitor.removeprefix("val_")
    model_metrics = [*(getattr(model, "metrics", None) or ()), *(getattr(model, "compiled_metrics", None) or ())]
    for metric in model_metrics:
        if getattr(metric, "name", None) == name and getattr(metric, "direction", None) in ("up", "down"):
            return metric.direction == "up"
    parts = name.lower().split("_")
    if "loss" in parts:
        return False
    return any(p in _HIGHER_IS_BETTER or p.startswith("acc") for p in parts)


def check_mode(mode: str, name: str) -> str:
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"{name}: mode must be 'auto', 'min' or 'max', got {mode!r}")
    return mode


def check_nonnegative_int(value, what: str, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(f"{name}: {what} must be a non-negative integer, got {value!r}")
    return int(value)


class MonitorCallback(Callback):
    """Shared by the callbacks that watch one ``logs`` key: direction, improvement test, missing-key warning."""

    def __init__(self, monitor: str, mode: str, min_delta: float = 0.0):
        super().__init__()
        if not isinstance(monitor, str):
            raise TypeError(f"{type(self).__name__}: monitor must be a logs key (a string), got {monitor!r}")
        self.monitor = monitor
        self.mode = check_mode(mode, type(self).__name__)
        self.min_delta = abs(float(min_delta))
        self._warned_missing = False

    def _greater(self) -> bool:
        return self.mode == "max" or (self.mode == "auto" and higher_is_better(self.monitor, self.model))

    def _worst(self) -> float:
        return -math.inf if self._greater() else math.inf

    def _improves(self, current: float, reference: float) -> bool:
        """``current`` beats ``reference`` by more than ``min_delta`` in the monitored direction."""
        if self._greater():
            return current - self.min_delta > reference
        return current + self.min_delta < reference

    def _get_monitor_value(self, logs: dict | None) -> float | None:
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            if not self._warned_missing:
                self._warned_missing = True
                warn(
                    f"{type(self).__name__} is monitoring '{self.monitor}', which is not in the logs "
                    f"(available: {', '.join(logs) or 'none'}); it does nothing on epochs without it. "
                    "Pass validation data for 'val_' keys, or monitor one of the available keys.",
                )
            return None
        return log_value(value)
