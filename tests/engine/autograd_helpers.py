"""What the engine's autograd tests share: the same data in nabla and in torch, a comparison, a fixture."""

from __future__ import annotations

import numpy as np
import pytest
from reference import torch

import nabla as nb

TOL = dict(rtol=1e-10, atol=1e-10)


def pair(*arrays, requires_grad=True):
    """The same float64 data as nabla and as torch tensors: ``[(nb_t, th_t), ...]``."""
    th = torch()
    out = []
    for a in arrays:
        a = np.asarray(a, dtype=np.float64)
        out.append((nb.tensor(a, requires_grad=requires_grad), th.tensor(a, requires_grad=requires_grad)))
    return out


def close(nb_value, th_value, **tol):
    nb_array = nb_value.detach().numpy() if isinstance(nb_value, nb.Tensor) else np.asarray(nb_value)
    th_array = th_value.detach().numpy() if hasattr(th_value, "detach") else np.asarray(th_value)
    assert nb_array.shape == th_array.shape, f"shape {nb_array.shape} != torch {th_array.shape}"
    np.testing.assert_allclose(nb_array, th_array, **(tol or TOL))


def rand(*shape, seed=0, low=-1.0, high=1.0):
    return np.random.default_rng(seed).uniform(low, high, size=shape)


@pytest.fixture(autouse=True)
def _grad_mode_restored():
    """A test that leaves grad mode off fails itself, not every test after it."""
    yield
    leaked = not nb.is_grad_enabled()
    nb.set_grad_enabled(True)
    assert not leaked, "the test left grad mode off"
