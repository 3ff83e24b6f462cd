"""Anomaly detection: the first NaN or Inf, in forward and backward, named with where it was made."""

from __future__ import annotations

import inspect
import runpy
import warnings

import numpy as np
import pytest
from autograd_helpers import (
    _grad_mode_restored,  # noqa: F401  (a fixture)
    close,
    pair,
    rand,
)
from reference import torch

import nabla as nb
from nabla.engine import anomaly_mode

# --- infinities and NaNs as answers -----------------------------------------------------------

_SPECIAL = {
    "div": lambda lib, x: x / (x * 0),
    "rdiv": lambda lib, x: 1 / (x * 0),
    "log": lambda lib, x: lib.log(x - 2),
    "log1p": lambda lib, x: lib.log1p(-x - 1),
    "sqrt": lambda lib, x: lib.sqrt(x - 3),
    "exp": lambda lib, x: lib.exp(x * 1000),
    "expm1": lambda lib, x: lib.expm1(x * 1000),
    "pow": lambda lib, x: (x * 1e3) ** 40,
    "square": lambda lib, x: lib.square(x * 1e30),
}


@pytest.mark.parametrize("op", sorted(_SPECIAL))
def test_infinities_and_nans_from_finite_inputs_are_answers_without_warnings(op):
    """x / 0, log(0), exp(1000)...: PyTorch's values, silently, as PyTorch and TensorFlow return them (NumPy
    would warn), in eager mode and in a captured step's replay."""
    th = torch()
    data = np.array([0.0, 1.0, 2.0, -1.0], dtype=np.float32)
    expected = _SPECIAL[op](th, th.tensor(data)).numpy()
    step = nb.capture(lambda x: _SPECIAL[op](nb, x))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        results = [_SPECIAL[op](nb, nb.tensor(data)), step(nb.tensor(data)), step(nb.tensor(data))]
    assert (~np.isfinite(expected)).any()
    for result in results:
        assert result.dtype == nb.float32
        np.testing.assert_array_equal(result.numpy(), expected)


# --- anomaly detection -----------------------------------------------------------------------


def _line_after() -> int:
    return inspect.currentframe().f_back.f_lineno + 1


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_detect_anomaly_in_forward_names_the_first_bad_operation():
    x = nb.tensor([-1.0, 1.0], requires_grad=True)
    with nb.detect_anomaly(), pytest.raises(FloatingPointError, match=r"^'log' produced NaN or Inf at ") as excinfo:
        line = _line_after()
        (nb.log(x) * 2).sum()
    assert f"test_anomaly_mode.py:{line} in test_detect_anomaly_in_forward" in str(excinfo.value)
    assert np.isnan((nb.log(x) * 2).detach().numpy()[0])  # outside the block: no check


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_detect_anomaly_in_backward_names_the_operation_and_where_it_was_made():
    th = torch()
    x = nb.tensor([0.0, 1.0], requires_grad=True)
    with nb.detect_anomaly():
        line = _line_after()
        y = (nb.sqrt(x) * 3).sum()
        with pytest.raises(FloatingPointError, match=r"by 'sqrt' backward holds NaN or Inf.*created at") as excinfo:
            y.backward()
    assert f"test_anomaly_mode.py:{line} in test_detect_anomaly_in_backward" in str(excinfo.value)
    assert x.grad is None
    # outside the block the infinite gradient goes through, as in torch
    (nb.sqrt(x) * 3).sum().backward()
    tx = th.tensor([0.0, 1.0], requires_grad=True)
    (th.sqrt(tx) * 3).sum().backward()
    close(x.grad, tx.grad)
    assert np.isinf(x.grad.numpy()[0])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_detect_anomaly_backward_when_the_forward_ran_outside():
    x = nb.tensor([0.0, 1.0], requires_grad=True)
    y = nb.sqrt(x).sum()
    with nb.detect_anomaly(), pytest.raises(FloatingPointError, match=r"'sqrt' backward") as excinfo:
        y.backward()
    assert "run the forward pass inside nb.detect_anomaly()" in str(excinfo.value)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_detect_anomaly_names_user_code_inside_a_folder_called_nabla(tmp_path):
    """Library frames are told apart by the package's own folder, not by "/nabla/" in a path: a clone of the
    repository is usually called nabla, and the user's code inside it must still be named."""
    script = tmp_path / "nabla" / "tests" / "my_lab.py"
    script.parent.mkdir(parents=True)
    script.write_text("import nabla as nb\n\ndef run(x):\n    return nb.log(x)\n")
    namespace = runpy.run_path(str(script))
    with nb.detect_anomaly(), pytest.raises(FloatingPointError) as excinfo:
        namespace["run"](nb.tensor([-1.0]))
    assert f"{script}:4 in run" in str(excinfo.value)
    assert not anomaly_mode.is_library_file(str(script))
    assert anomaly_mode.is_library_file(anomaly_mode.__file__)


def test_detect_anomaly_lets_finite_computations_through():
    (x, tx) = pair(rand(3))[0]
    with nb.detect_anomaly():
        (x.exp() * x).sum().backward()
    (tx.exp() * tx).sum().backward()
    close(x.grad, tx.grad)
