"""The engine's names that the Keras side uses, imported in one place.

The Keras side is built on the engine (tensors, ops, the step compiler, the array backend) and on
:mod:`nabla.nn`. Every engine name it needs is imported here and nowhere else in ``nabla/keras/``, so
that a move of the engine re-points this one file. Public packages (``nabla.nn``, ``nabla.optim``)
are imported directly where they are used.
"""

from ..capture import capture
from ..engine import backend, devices, dtypes, ops, random
from ..engine.creation import made_by, ones, sample, zeros
from ..engine.custom_gradient import custom_vjp
from ..engine.grad_mode import no_grad
from ..engine.jit import compiled
from ..engine.ops.primitive import ieee_arithmetic, ieee_results
from ..engine.serialization import load, save
from ..engine.tensor import Tensor
from ..engine.tracing import CaptureError, derive, recompute, refuse_in_capture, replayed, update_in_place

__all__ = [
    "CaptureError",
    "Tensor",
    "backend",
    "capture",
    "compiled",
    "custom_vjp",
    "derive",
    "devices",
    "dtypes",
    "ieee_arithmetic",
    "ieee_results",
    "load",
    "made_by",
    "no_grad",
    "ones",
    "ops",
    "random",
    "recompute",
    "refuse_in_capture",
    "replayed",
    "sample",
    "save",
    "update_in_place",
    "zeros",
]
