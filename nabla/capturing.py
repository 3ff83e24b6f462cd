"""Transition alias: nb.capture's names at their old path; they live in nabla/capture/ and nabla/engine/tracing.py."""

from .capture import CapturedStep, CaptureError, capture
from .engine.tracing import constant, derive, recompute, replay_overrides, replayed, update_in_place

__all__ = [
    "CaptureError",
    "CapturedStep",
    "capture",
    "constant",
    "derive",
    "recompute",
    "replay_overrides",
    "replayed",
    "update_in_place",
]
