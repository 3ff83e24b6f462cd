"""Transition alias: autograd's names at their old path (they live in nabla/engine/: grad_mode, graph, backward...)."""

from .engine.anomaly_mode import AnomalyMode, detect_anomaly, is_library_file, user_frame
from .engine.backward import backward, grad, run_backward
from .engine.grad_mode import GradMode, enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .engine.graph import Node, RemovableHandle, Version
from .engine.tracing import CaptureError, Tracing, refuse_in_capture


class _ModeAlias:
    """The old ``_Mode`` state: ``grad_enabled``, ``anomaly``, ``tape``, read and set through the engine's modes
    (``GradMode.enabled``, ``AnomalyMode.enabled``, ``Tracing.tracer``) for code not yet re-pointed."""

    grad_enabled = property(lambda self: GradMode.enabled, lambda self, v: setattr(GradMode, "enabled", v))
    anomaly = property(lambda self: AnomalyMode.enabled, lambda self, v: setattr(AnomalyMode, "enabled", v))
    tape = property(lambda self: Tracing.tracer)


_Mode = _ModeAlias()

__all__ = [
    "CaptureError",
    "Node",
    "RemovableHandle",
    "Version",
    "backward",
    "detect_anomaly",
    "enable_grad",
    "grad",
    "is_grad_enabled",
    "is_library_file",
    "no_grad",
    "refuse_in_capture",
    "run_backward",
    "set_grad_enabled",
    "user_frame",
]
