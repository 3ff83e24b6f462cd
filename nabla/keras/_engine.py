"""The engine's names that the Keras side uses, imported in one place.

The Keras side is built on the engine (tensors, ops, the step compiler, the array backend) and on
:mod:`nabla.nn`. Every engine name it needs is imported here and nowhere else in ``nabla/keras/``, so
that a move of the engine re-points this one file. Public packages (``nabla.nn``, ``nabla.optim``)
are imported directly where they are used.
"""

from .. import dtypes, ops, random
from ..autograd import CaptureError, no_grad, refuse_in_capture
from ..backend import TRANSLATE_FILL_MODES, TRANSLATE_INTERPOLATIONS, translate
from ..capturing import capture, recompute, update_in_place
from ..creation import sample
from ..serialization import load, save
from ..tensor import Tensor

__all__ = [
    "TRANSLATE_FILL_MODES",
    "TRANSLATE_INTERPOLATIONS",
    "CaptureError",
    "Tensor",
    "capture",
    "dtypes",
    "load",
    "no_grad",
    "ops",
    "random",
    "recompute",
    "refuse_in_capture",
    "sample",
    "save",
    "translate",
    "update_in_place",
]
