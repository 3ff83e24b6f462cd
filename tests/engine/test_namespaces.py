"""The two array namespaces the gradient rules run on offer the same functions under the same names.

A rule is written once against ``xp``: ``backend.numpy_ns`` (NumPy's functions on arrays) in a first-order
backward, ``ops.tensor_ns`` (nabla's differentiable functions on Tensors) under ``create_graph=True``. A name
missing from one of them would break that rule in one mode only, and the mirror is kept by hand.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import nabla as nb
from nabla.engine import backend, ops

PACKAGE = Path(nb.__file__).parent
X = np.array([[0.5, -1.5, 2.0], [3.0, 0.25, -0.75]])


def test_the_namespaces_offer_the_same_names():
    arrays, tensors = set(vars(backend.numpy_ns)), set(vars(ops.tensor_ns))
    assert arrays - tensors == set(), "in backend.numpy_ns only: add them to ops.tensor_ns"
    assert tensors - arrays == set(), "in ops.tensor_ns only: add them to backend.numpy_ns"


def test_every_name_a_primitive_calls_is_in_both():
    used = set()
    for path in PACKAGE.rglob("*.py"):  # (primitives live in nabla/engine/ops/, and a few in nabla/nn/)
        used |= set(re.findall(r"\bxp\.(\w+)", path.read_text(encoding="utf-8")))
    assert used  # (the pattern finds the calls)
    assert used - set(vars(backend.numpy_ns)) == set()
    assert used - set(vars(ops.tensor_ns)) == set()


@pytest.mark.parametrize(
    "name, x, args",
    [
        ("exp", X, ()),
        ("tanh", X, ()),
        ("sum", X, ()),
        ("swapaxes", X, (0, 1)),
        ("sigmoid", X, ()),
        ("softmax", X, ()),
        ("max_pool", np.arange(16.0).reshape(1, 1, 4, 4), ((2, 2), (2, 2))),
    ],
)
def test_the_tensor_twin_computes_what_numpy_computes(name, x, args):
    got = getattr(ops.tensor_ns, name)(nb.tensor(x), *args)
    assert isinstance(got, nb.Tensor)
    np.testing.assert_allclose(got.numpy(), getattr(backend.numpy_ns, name)(x, *args), rtol=1e-12)


def test_the_standard_namespace_offers_numpys_names():
    strict = pytest.importorskip("array_api_strict")
    from nabla.engine import standard

    ns = standard.namespace(strict.asarray([1.0]))
    missing = set(vars(backend.numpy_ns)) - set(vars(ns))
    assert missing == set(), "in backend.numpy_ns only: add them to nabla.engine.standard"


def test_the_standard_namespace_offers_every_name_of_numpys():
    """Another array library's namespace (nabla/engine/standard.py) has each of NumPy's kernels: a rule never
    meets a missing name on a device, nor a NumPy kernel run on another library's arrays."""
    from conftest import require

    from nabla.engine import standard

    strict = require("array_api_strict")
    ns = standard.namespace(strict.asarray(0.0, device=strict.Device("device1")))
    assert set(vars(backend.numpy_ns)) - set(vars(ns)) == set()
