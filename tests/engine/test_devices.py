"""Device semantics as PyTorch users expect them, on array-api-strict's devices (a CPU stand-in for a GPU).

array-api-strict's ``device1`` refuses ``np.asarray``: a silent conversion to NumPy fails loudly there.
The reference for each rule is PyTorch's behaviour (cited per test); values are checked against NumPy.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require

import nabla as nb
from nabla import nn

DEV = "array_api_strict:device1"


@pytest.fixture(autouse=True)
def strict():
    return require("array_api_strict")


def test_tensor_device_to_and_cpu_round_trip():
    x = nb.tensor([[1.0, 2.0], [3.0, 4.0]], device=DEV)
    assert x.device == DEV and x.dtype == nb.float32
    assert nb.tensor([1.0]).device == "cpu"
    back = x.cpu()
    assert back.device == "cpu"
    np.testing.assert_array_equal(back.numpy(), [[1.0, 2.0], [3.0, 4.0]])
    assert x.to(DEV) is x  # nothing to move: the tensor itself, as torch's .to
    y = back.to("array_api_strict:device2", nb.float64)
    assert (y.device, y.dtype) == ("array_api_strict:device2", nb.float64)
    assert nb.tensor([1.0], device="array_api_strict").device == "array_api_strict:CPU_DEVICE"


def test_a_tensor_made_from_a_library_array_stays_in_it(strict):
    dev = strict.Device("device1")
    x = nb.tensor(strict.asarray([1.0, 2.0], device=dev))
    assert x.device == DEV
    assert nb.tensor([0.5], device=dev).device == DEV  # a library's device object works as a name


def test_mixing_devices_names_both():
    x = nb.tensor([1.0, 2.0], device=DEV)
    with pytest.raises(RuntimeError, match=r"add: expected all tensors on one device, found .*device1 and cpu"):
        x + nb.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match="device1 and array_api_strict:device2"):
        nb.matmul(x, nb.tensor([1.0, 2.0], device="array_api_strict:device2"))
    # Python numbers, lists and NumPy arrays are data: they join the tensor's device.
    assert (x * 2 + [1.0, 1.0] + np.ones(2, dtype=np.float32)).device == DEV


def test_host_reads_are_explicit():
    x = nb.tensor([1.5, 2.5], device=DEV)
    with pytest.raises(TypeError, match=r"t\.cpu\(\)"):
        x.numpy()
    with pytest.raises(TypeError, match=r"t\.cpu\(\)"):
        np.asarray(x)
    assert x.tolist() == [1.5, 2.5] and x.sum().item() == 4.0  # reads into Python, as torch allows
    assert "device='array_api_strict:device1'" in repr(x)


def test_to_is_differentiable_and_the_gradient_moves_back():
    x = nb.tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = (x.to(DEV) * nb.tensor([2.0, 3.0, 4.0], device=DEV)).sum()
    assert y.device == DEV
    y.backward()
    assert x.grad.device == "cpu"
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 3.0, 4.0])


def test_creation_functions_take_a_device():
    z = nb.zeros(2, 3, device=DEV)
    assert z.device == DEV and z.shape == (2, 3)
    assert nb.ones_like(z).device == DEV  # *_like follow their argument, as torch's
    assert nb.arange(4, device=DEV).tolist() == [0, 1, 2, 3]


def test_unknown_device_and_missing_library_are_clear():
    with pytest.raises(RuntimeError, match="unknown device 'array_api_strict:gpu7'"):
        nb.tensor([1.0], device="array_api_strict:gpu7")
    try:
        import cupy  # noqa: F401
    except ImportError:
        with pytest.raises(RuntimeError, match="needs the cupy package"):
            nb.tensor([1.0], device="cuda")


def test_in_place_updates_stay_on_the_device():
    x = nb.tensor([1.0, 2.0], device=DEV)
    data = x._data
    x += 1.0
    x.mul_(2.0)
    assert x._data is data and x.tolist() == [4.0, 6.0]
    x.copy_(nb.tensor([7.0, 8.0]))  # copy_ takes any device, as torch's
    assert x.device == DEV and x.tolist() == [7.0, 8.0]


def test_module_to_moves_parameters_in_place():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    params = list(model.parameters())
    assert model.to(DEV) is model
    assert [p is q for p, q in zip(params, model.parameters())] == [True] * 4
    assert {p.device for p in model.parameters()} == {DEV}
    out = model(nb.tensor(np.ones((5, 3), dtype=np.float32), device=DEV))
    assert out.device == DEV and out.shape == (5, 2)
    model.cpu()
    assert {p.device for p in model.parameters()} == {"cpu"}


def test_save_and_load_go_through_the_host(tmp_path):
    model = nn.Linear(3, 2).to(DEV)
    nb.save(model.state_dict(), tmp_path / "m.safetensors")
    state = nb.load(tmp_path / "m.safetensors")
    assert {t.device for t in state.values()} == {"cpu"}
    other = nn.Linear(3, 2).to(DEV)
    other.load_state_dict(state)  # copied onto the model's device, as torch's load_state_dict
    assert other.weight.device == DEV
    np.testing.assert_array_equal(other.weight.detach().cpu().numpy(), model.weight.detach().cpu().numpy())


def test_cupy_runs_on_a_gpu():
    """The same rules on CuPy: runs on a machine with an NVIDIA GPU, skipped elsewhere."""
    cupy = pytest.importorskip("cupy")
    try:
        if cupy.cuda.runtime.getDeviceCount() < 1:
            pytest.skip("no CUDA device")
    except Exception:
        pytest.skip("no CUDA device")
    x = nb.tensor([1.0, -2.0], device="cuda", requires_grad=True)
    assert x.device == "cuda:0"
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.cpu().numpy(), [2.0, -4.0])


def test_random_draws_are_the_same_on_every_device():
    nb.manual_seed(3)
    a = nb.randn(3, 2, device=DEV, requires_grad=True)
    nb.manual_seed(3)
    b = nb.randn(3, 2)
    assert a.device == DEV and a.is_leaf and a.requires_grad
    np.testing.assert_array_equal(a.detach().cpu().numpy(), b.numpy())
    assert nb.randint(5, size=(4,), device=DEV).device == DEV


