"""The few engine names ``nabla.tf`` needs that are not part of nabla's public API.

They are imported here and nowhere else in ``nabla.tf``, so that when the engine moves, one file is
re-pointed. Everything else in the facade uses public names (``import nabla as nb``).
"""

from __future__ import annotations

from ..engine.custom_gradient import custom_vjp
from ..engine.grad_mode import GradMode
from ..engine.graph import sequence_mark
from ..engine.tracing import Tracing, derive, recompute, refuse_in_capture

# GradMode.enabled is what nb.is_grad_enabled() returns. nabla.tf reads and switches it around each operation
# outside a recording tape, where a context manager's cost would be paid at every operation.


def rewrap(cls, tensor):
    """A new object of ``cls`` (a subclass of nb.Tensor with slots of its own) for the same values and graph
    node as ``tensor``: nabla's fast constructor, which copies nothing."""
    return cls._make(tensor._data, tensor._node, tensor._version)


def capture_has_applied_effects() -> bool:
    """Inside ``nb.capture``: whether the step already did something that must not run twice (a ``.grad``
    written, a parameter updated), so that running it again eagerly after a refusal would do it twice."""
    tracer = Tracing.tracer
    return tracer is not None and tracer.applied


__all__ = [
    "GradMode",
    "capture_has_applied_effects",
    "custom_vjp",
    "derive",
    "recompute",
    "refuse_in_capture",
    "rewrap",
    "sequence_mark",
]
