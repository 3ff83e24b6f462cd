"""Keras 3 on its PyTorch backend: the independent reference of the Keras side's tests."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys

import numpy as np
from conftest import require


def keras_on_torch():
    """The ``keras`` module on the PyTorch backend, seeded; skips locally (fails in CI) when keras or torch is missing.

    Seeded on every call (as ``conftest`` seeds nabla before every test) so that a reference model's
    random initial weights, and whatever a test checks about training from them, are the same each run.
    """
    os.environ["KERAS_BACKEND"] = "torch"  # must be set before the first import of keras
    require("torch")
    keras = require("keras")
    assert keras.backend.backend() == "torch", "keras was imported earlier with another backend"
    keras.utils.set_random_seed(0)
    return keras


_ON_TENSORFLOW = """import json
import numpy as np
import keras
import tensorflow as tf

{source}
print(json.dumps({name}(tf, keras)))
"""


def keras_on_tensorflow(fn):
    """``fn(tf, keras)`` (a module-level function returning JSON-able values) run by Keras 3 on TensorFlow: see
    :func:`run_on_keras_tensorflow`."""
    return run_on_keras_tensorflow(_ON_TENSORFLOW.format(source=inspect.getsource(fn), name=fn.__name__))


def assert_ops_match(fn, inputs, rtol=1e-5, atol=1e-6, grad_rtol=1e-4, grad_atol=1e-5):
    """``fn(ops, *tensors)`` through ``nabla.keras.ops`` and Keras 3's ``keras.ops`` (torch backend): the same
    values, shape and dtype, and the same gradients of ``sum(out)`` for every input (torch's autograd)."""
    import numpy as np
    import torch

    import nabla as nb
    from nabla.keras import ops

    keras = keras_on_torch()
    theirs = [torch.tensor(a, requires_grad=True) for a in inputs]
    want = fn(keras.ops, *theirs)
    want.sum().backward()
    ours = [nb.tensor(a, requires_grad=True) for a in inputs]
    got = fn(ops, *ours)
    got.sum().backward()
    assert got.shape == tuple(want.shape) and got.dtype == np.dtype(str(want.dtype).removeprefix("torch."))
    np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=rtol, atol=atol)
    for ours_x, theirs_x in zip(ours, theirs):
        np.testing.assert_allclose(ours_x.grad.numpy(), theirs_x.grad.numpy(), rtol=grad_rtol, atol=grad_atol)


def assert_values_match(call, rtol=1e-6, atol=0.0):
    """``call(ops)`` through ``nabla.keras.ops`` and Keras 3's ``keras.ops``: the same values and shape, and a
    dtype of the same kind (int, float, bool); a tuple or list of results is compared element by element."""
    import numpy as np

    from nabla.keras import ops

    keras = keras_on_torch()
    want, got = call(keras.ops), call(ops)
    pairs = zip(want, got) if isinstance(want, (tuple, list)) else [(want, got)]
    for w, g in pairs:
        w, g = keras.ops.convert_to_numpy(w), ops.convert_to_numpy(g)
        assert g.shape == w.shape and g.dtype.kind == w.dtype.kind, (g.shape, w.shape, g.dtype, w.dtype)
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)


def data(*shape: int, seed: int = 0) -> np.ndarray:
    """Standard-normal float32 samples of ``shape``, the same for a given seed (inputs for layer comparisons)."""
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def run_on_keras_tensorflow(script: str, *args: str, stdin: str | None = None, timeout: int = 600):
    """The JSON that ``script`` prints last, run by Keras 3 on TensorFlow in a fresh interpreter (this process's
    keras is on PyTorch, and a backend is chosen once per process). ``args`` reach it as ``sys.argv[1:]`` (a test's
    folder, to import the test module from); the tests folder is on its path. Skips locally without TensorFlow."""
    require("tensorflow")
    tests = os.path.dirname(os.path.abspath(__file__))
    env = {**os.environ, "KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONDONTWRITEBYTECODE": "1"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [tests, os.environ.get("PYTHONPATH")]))
    done = subprocess.run([sys.executable, "-c", script, *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=timeout)  # fmt: skip
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
