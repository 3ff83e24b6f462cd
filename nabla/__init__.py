"""nabla: a neural-network engine you can read in an afternoon.

``import nabla as nb``. The bottom layer is :class:`nb.Tensor` with
reverse-mode automatic differentiation over NumPy arrays; every operation is
a function here (``nb.exp``, ``nb.matmul``, ``nb.cross_entropy``...) and a
Tensor method.

Above the engine: ``nabla.nn`` (modules, layers, losses), ``nabla.optim``
and ``nabla.data`` with PyTorch's names; ``nabla.keras`` with Keras's, its
modules also reachable as ``nabla.layers``, ``nabla.models``,
``nabla.losses``, ``nabla.metrics``, ``nabla.callbacks``,
``nabla.regularizers``... (the same module objects: see nabla/keras/__init__.py);
``nabla.diagnostics`` for the course's debugging habits; ``nabla.datasets``
for the course's data.
"""

# The engine's ops first: nabla.ops imports nabla.tensor, which needs nabla.ops to exist already.
from . import ops  # isort: split

from . import data, datasets, diagnostics, keras, nn, optim, random
from .autograd import CaptureError, detect_anomaly, enable_grad, grad, is_grad_enabled, no_grad, set_grad_enabled
from .capturing import capture
from .creation import (
    arange,
    empty,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    normal,
    ones,
    ones_like,
    rand,
    randint,
    randn,
    tensor,
    uniform,
    zeros,
    zeros_like,
)
from .dtypes import bool_, float16, float32, float64, int8, int16, int32, int64, uint8
from .gradcheck import GradcheckError, gradcheck, numerical_grad
from .keras import _aliases, activations, callbacks, initializers, layers, losses, metrics, models, regularizers
from .ops import *  # noqa: F403  (the differentiable functions: nb.exp, nb.matmul, ...)
from .random import manual_seed
from .serialization import load, save
from .tensor import Tensor

__version__ = "0.1.0"

_aliases.register(__name__)  # nabla.layers is nabla.keras.layers, nabla.models.checks nabla.keras.models.checks...


def __getattr__(name: str):
    # nabla.plot needs matplotlib (an optional extra), so it is imported on first use only; nabla.distributed is
    # imported on first use too, as most scripts never run on several processes.
    if name in ("plot", "distributed"):
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'nabla' has no attribute {name!r}")
