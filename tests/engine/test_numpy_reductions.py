"""NumPy's reductions called on a tensor (``np.sum(model(x))``, course material's habit): NumPy hands them to
the tensor's method of that name with ``out=`` and ``dtype=`` keywords. The result is a tensor (the method's:
differentiable) holding what NumPy computes on the values, in NumPy's dtype (``np.std`` is the population's).
(PyTorch's tensors refuse these calls, so NumPy on the arrays is the reference.)"""

from __future__ import annotations

import numpy as np
import pytest

import nabla as nb

REDUCTIONS = [np.sum, np.mean, np.prod, np.max, np.min, np.var, np.std, np.any, np.all]


@pytest.mark.parametrize("reduce", REDUCTIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("kwargs", [{}, {"axis": 0}, {"axis": 1, "keepdims": True}, {"axis": (0, 1)}])
def test_a_numpy_reduction_of_a_tensor_is_numpy_s_on_its_values(reduce, kwargs):
    values = np.array([[1.5, -2.0, 3.0], [4.0, 0.5, -1.0]], dtype=np.float32)
    ours, theirs = reduce(nb.tensor(values), **kwargs), reduce(values, **kwargs)
    assert type(ours) is nb.Tensor
    assert ours.numpy().dtype == np.asarray(theirs).dtype and ours.shape == np.shape(theirs)
    np.testing.assert_allclose(ours.numpy(), theirs, rtol=1e-6)


def test_gradients_flow_dtype_converts_and_out_is_refused():
    t = nb.tensor([[1.0, 2.0]], requires_grad=True)
    np.mean(t).backward()
    np.testing.assert_allclose(t.grad.numpy(), [[0.5, 0.5]])
    assert np.sum(t, dtype=np.float64).dtype == np.float64 and t.sum(1, True).shape == (1, 1)
    with pytest.raises(TypeError, match="out= is not supported"):
        np.mean(t, out=np.zeros(()))
