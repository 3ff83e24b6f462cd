"""NumPy's reductions on a tensor (``np.mean(loss)`` in Géron's custom training loop): NumPy asks the tensor's
method with its own keywords (``dtype``, ``out``), and gets what it gives for the tensor's array."""

from __future__ import annotations

import numpy as np
import pytest

import nabla as nb

VALUES = np.array([[1.0, -2.0, 3.5], [4.0, 0.5, -6.0]], dtype=np.float32)


@pytest.mark.parametrize("name", ["sum", "mean", "prod", "max", "min", "var", "std", "any", "all", "argmax", "argmin"])
@pytest.mark.parametrize("axis", [None, 0, 1])
def test_numpy_reduces_a_tensor_as_it_reduces_its_array(name, axis):
    got = getattr(np, name)(nb.tensor(VALUES, requires_grad=True), axis=axis)
    expected = getattr(np, name)(VALUES, axis=axis)
    assert type(got) is type(expected)
    np.testing.assert_array_equal(got, expected)
    assert np.asarray(got).dtype == np.asarray(expected).dtype


def test_the_method_itself_stays_nabla_s():
    t = nb.tensor(VALUES, requires_grad=True)
    assert isinstance(t.mean(), nb.Tensor) and t.mean().requires_grad
