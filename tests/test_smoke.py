import numpy as np
import pytest
from reference import compare


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_linear_chain_matches_torch(dtype):
    compare(lambda x, w, b: ((x @ w + b).tanh() * 2).exp().sum(1).log(), shapes=[(4, 3), (3, 5), (5,)], dtype=dtype)


def test_xor_demo_learns():
    from nabla.cli import train_xor

    assert train_xor(epochs=2000, log_every=0) < 0.01
