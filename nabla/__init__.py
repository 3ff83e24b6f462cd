"""nabla: a neural-network engine you can read in an afternoon.

``import nabla as nb``. The bottom layer is :class:`nb.Tensor` with
reverse-mode automatic differentiation over NumPy arrays; every operation is
a function here (``nb.exp``, ``nb.matmul``, ``nb.cross_entropy``...) and a
Tensor method.

The engine is ``nabla.engine`` (tensors, autograd, the operations) and the
step compiler ``nabla.capture`` (``nb.capture``); docs/architecture.md shows
the rooms of the package and which may import which.

Above the engine: ``nabla.nn`` (modules, layers, losses), ``nabla.optim``
and ``nabla.data`` with PyTorch's names; ``nabla.keras`` with Keras's, its
modules also reachable as ``nabla.layers``, ``nabla.models``,
``nabla.losses``, ``nabla.metrics``, ``nabla.callbacks``,
``nabla.regularizers``... (the same module objects: see nabla/keras/__init__.py);
``nabla.diagnostics`` for the course's debugging habits; ``nabla.datasets``
for the course's data.
"""

import sys as _sys

from . import data, datasets, diagnostics, keras, nn, optim
from .capture import capture
from .engine import ops, random
from .engine.anomaly_mode import detect_anomaly
from .engine.backward import grad
from .engine.creation import (
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
from .engine.dtypes import bool_, float16, float32, float64, int8, int16, int32, int64, uint8
from .engine.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .engine.gradcheck import GradcheckError, gradcheck, numerical_grad
from .engine.ops import *  # noqa: F403  (the differentiable functions: nb.exp, nb.matmul, ...)
from .engine.random import manual_seed
from .engine.serialization import load, save
from .engine.tensor import Tensor
from .engine.tracing import CaptureError
from .keras import _aliases, activations, callbacks, initializers, layers, losses, metrics, models, regularizers
from .keras.utils import tf_data as _keras_tf_data
from .tf import data as _tf_data

__version__ = "0.1.0"

_aliases.register(__name__)  # nabla.layers is nabla.keras.layers, nabla.models.checks nabla.keras.models.checks...
# keras.utils' datasets are nabla.tf.data's, as Keras 3's are TensorFlow's; the Keras side, below nabla.tf, cannot
# import it, so the top hands it over (nabla/keras/utils/tf_data.py).
_keras_tf_data.install(_tf_data)
# nb.ops and nb.random are public modules that live in the engine: `import nabla.random` finds them there.
_sys.modules[f"{__name__}.ops"] = ops
_sys.modules[f"{__name__}.random"] = random


def __getattr__(name: str):
    # nabla.plot needs matplotlib (an optional extra), so it is imported on first use only; nabla.distributed is
    # imported on first use too, as most scripts never run on several processes.
    if name in ("plot", "distributed"):
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'nabla' has no attribute {name!r}")
