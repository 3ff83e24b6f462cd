"""nb.*: the names a user reaches from ``import nabla as nb`` are the ones they were before the engine moved.

The lists below are nabla's public names as they were on main before the engine had a package of its own
(every public attribute of ``nabla``, by kind). The engine's move into ``nabla/engine/`` and the step
compiler's into ``nabla/capture/`` kept every one of them; the only names gone are the engine's own
modules, which were attributes of ``nabla`` only because ``nabla/__init__.py`` imported them
(:data:`MOVED_MODULES`: their contents are in ``nabla.engine``), and the names added are ``nb.engine`` and
``nb.tf`` (``import nabla`` imports ``nabla.tf`` to hand ``tf.data`` to the Keras side's dataset functions),
and ``nb.records`` (the TFRecord writing that the Keras side's TensorBoard callback imports).
"""

from __future__ import annotations

import importlib
import inspect
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

import nabla as nb

ROOT = Path(__file__).resolve().parents[1]

CLASSES = """
    CaptureError GradcheckError Tensor detect_anomaly enable_grad no_grad set_grad_enabled
""".split()
FUNCTIONS = """
    abs add all any arange argmax argmin astype avg_pool2d binary_cross_entropy
    binary_cross_entropy_with_logits broadcast_to capture cat clamp clip clone concatenate conv2d cos
    cross_entropy div dot einsum elu empty equal erf exp expand_dims expm1 eye flatten flip from_numpy full
    full_like gelu getitem grad gradcheck greater greater_equal huber_loss is_grad_enabled isfinite isnan
    l1_loss leaky_relu less less_equal linear linspace load log log1p log_softmax logical_and logical_not
    logical_or logsumexp manual_seed matmul max max_pool2d maximum mean meshgrid min minimum moveaxis mse_loss mul
    neg nll_loss norm normal not_equal numerical_grad one_hot ones ones_like outer pad permute pow prod rand
    randint randn relu repeat reshape save sigmoid sign silu sin softmax softplus split sqrt square squeeze
    stack std step sub sum swapaxes swish tanh tensor tile transpose uniform unsqueeze unwindows var where
    windows zeros zeros_like
""".split()
MODULES = """
    activations atomic callbacks data datasets diagnostics initializers keras layers losses metrics models nn
    ops optim random regularizers schema
""".split()
DTYPES = "bool_ float16 float32 float64 int8 int16 int32 int64 uint8".split()
#: Modules of the engine that ``import nabla`` used to leave as attributes; now ``nabla.engine.<name>``
#: (``autograd`` became ``grad_mode``, ``anomaly_mode``, ``graph`` and ``backward``; ``capturing`` is nabla.capture).
MOVED_MODULES = {"autograd", "backend", "capturing", "creation", "dtypes", "serialization"}
# (nb.records: the TFRecord and protocol buffer writing, a low room that import nabla loads, as nb.schema)
ADDED = {"engine", "tf", "records"}


def _public() -> set[str]:
    """The public names of a fresh ``import nabla`` (in this process, other tests import nabla.plot...)."""
    code = "import nabla; print(' '.join(n for n in dir(nabla) if not n.startswith('_')))"
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return set(run.stdout.split())


def test_the_public_names_are_the_ones_they_were():
    import nabla.plot  # noqa: F401  (an attribute of nabla from now on in this process, not in the fresh one)
    before = set(CLASSES) | set(FUNCTIONS) | set(MODULES) | set(DTYPES)
    assert not (_public() - before - ADDED), "new nb.* names: add them to this test if they are meant"
    assert not (before - _public()), "nb.* names lost"
    assert not (MOVED_MODULES & _public())


@pytest.mark.parametrize("name", CLASSES)
def test_a_class_is_still_a_class(name):
    assert inspect.isclass(getattr(nb, name))


@pytest.mark.parametrize("name", FUNCTIONS)
def test_a_function_is_still_a_function(name):
    value = getattr(nb, name)
    assert callable(value) and not inspect.isclass(value) and not isinstance(value, types.ModuleType)


@pytest.mark.parametrize("name", DTYPES)
def test_a_dtype_is_numpys(name):
    import numpy as np

    assert getattr(nb, name) == np.dtype(name.rstrip("_"))


@pytest.mark.parametrize(
    "name, home",
    [("ops", "nabla.engine.ops"), ("random", "nabla.engine.random")]
    + [(n, f"nabla.keras.{n}") for n in ("activations", "callbacks", "initializers", "layers", "losses")]
    + [(n, f"nabla.keras.{n}") for n in ("metrics", "models", "regularizers")]
    + [(n, f"nabla.{n}") for n in ("data", "datasets", "diagnostics", "keras", "nn", "optim", "engine")],
)
def test_a_public_module_is_the_module_at_its_home(name, home):
    assert name in MODULES + list(ADDED)
    assert getattr(nb, name) is importlib.import_module(home)
    assert importlib.import_module(f"nabla.{name}") is getattr(nb, name)


def test_the_engines_names_are_the_engines_objects():
    from nabla.engine import backward, creation, grad_mode, tensor, tracing
    from nabla.engine.ops import elementwise

    assert nb.Tensor is tensor.Tensor and nb.tensor is creation.tensor
    assert nb.grad is backward.grad and nb.no_grad is grad_mode.no_grad
    assert nb.CaptureError is tracing.CaptureError and nb.exp is elementwise.exp
    assert nb.ops.exp is nb.exp
