"""Transition alias: autograd's names at their old path (they live in nabla/engine/: grad_mode, graph, backward...)."""

from .engine.anomaly_mode import detect_anomaly, is_library_file, user_frame
from .engine.backward import backward, grad, run_backward
from .engine.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .engine.graph import Node, RemovableHandle, Version
from .engine.tracing import CaptureError, refuse_in_capture

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
