"""Run the same function through nabla and PyTorch and compare values, dtypes and gradients.

Most op tests are one line::

    compare(lambda x, y: x * y, shapes=[(3, 1), (1, 4)])

``fn`` receives nabla tensors in one run and torch tensors in the other, so
it must only use what both libraries spell the same way (operators and the
methods they share); pass ``torch_fn`` when the spellings differ.
"""

from __future__ import annotations

import contextlib
import json

import numpy as np

import nabla as nb

TOL = {np.float32: dict(rtol=1e-5, atol=1e-5), np.float64: dict(rtol=1e-10, atol=1e-10)}

#: Where :func:`compare` puts nabla's inputs: "cpu" (NumPy) or another array library's device
#: ("array_api_strict:device1"); a test module's fixture sets it. The output and the gradients must
#: come back on that device: nothing may fall back to NumPy on the way.
DEVICE = {"name": "cpu"}


@contextlib.contextmanager
def on_device(name: str):
    """Run :func:`compare` (and the test) on device ``name``: nabla's inputs go there, and on "cuda" PyTorch's
    default device is the GPU too, so the reference runs on PyTorch's CUDA kernels. Skips where ``name``'s
    library is missing (:func:`conftest.require_device`)."""
    from conftest import require_device

    require_device(name)
    DEVICE["name"] = name
    th = torch() if name == "cuda" else None
    if th is not None:
        th.set_default_device("cuda")
    try:
        yield name
    finally:
        DEVICE["name"] = "cpu"
        if th is not None:
            th.set_default_device("cpu")


def torch():
    from conftest import require

    return require("torch")


def random_inputs(shapes, dtype=np.float64, low=-2.0, high=2.0, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.uniform(low, high, size=s).astype(dtype) for s in shapes]


def compare(
    fn,
    shapes=None,
    torch_fn=None,
    inputs=None,
    dtype=np.float64,
    grad=True,
    low=-2.0,
    high=2.0,
    rtol=None,
    atol=None,
    seed=0,
):
    """Compare ``fn`` in nabla with ``torch_fn`` (default: ``fn``) in torch.

    Checks the output's shape, dtype and values, then the gradients of
    ``sum(out * w)`` for a random ``w`` with respect to every float input.
    Returns the nabla output.
    """
    th = torch()
    if inputs is None:
        inputs = random_inputs(shapes, dtype, low, high, seed)
    tol = dict(TOL[np.dtype(dtype).type])
    if rtol is not None:
        tol["rtol"] = rtol
    if atol is not None:
        tol["atol"] = atol
    floats = [isinstance(a, np.ndarray) and a.dtype.kind == "f" for a in inputs]
    device = DEVICE["name"]
    if device.endswith("no_float64") and any(isinstance(a, np.ndarray) and a.dtype == np.float64 for a in inputs):
        import pytest

        pytest.skip("this device has no float64")
    nb_in = [
        nb.tensor(a, requires_grad=grad and f, device=device) if isinstance(a, np.ndarray) else a
        for a, f in zip(inputs, floats)
    ]
    at = "cuda" if device.startswith("cuda") else "cpu"  # (on a GPU, the reference is PyTorch's CUDA kernels)
    th_in = [
        th.tensor(a, requires_grad=grad and f, device=at) if isinstance(a, np.ndarray) else a
        for a, f in zip(inputs, floats)
    ]
    nb_out = fn(*nb_in)
    th_out = (torch_fn or fn)(*th_in)
    expect = th_out.detach().cpu().numpy()
    assert nb_out.shape == tuple(expect.shape), f"shape {nb_out.shape} != torch {tuple(expect.shape)}"
    assert nb_out.dtype == expect.dtype, f"dtype {nb_out.dtype} != torch {expect.dtype}"
    assert nb_out.device == nb.tensor(0.0, device=device).device, f"the output moved to {nb_out.device}"
    np.testing.assert_allclose(nb_out.detach().cpu().numpy(), expect, **tol, err_msg="forward values differ")
    if not grad or not any(floats) or nb_out.dtype.kind != "f":
        return nb_out
    w = np.random.default_rng(seed + 1).uniform(0.5, 1.5, size=expect.shape).astype(expect.dtype)
    (nb_out * nb.tensor(w, device=device)).sum().backward()
    (th_out * th.tensor(w, device=at)).sum().backward()
    for i, (a, b, f) in enumerate(zip(nb_in, th_in, floats)):
        if not f:
            continue
        tg = b.grad.cpu().numpy() if b.grad is not None else np.zeros(b.shape, dtype=expect.dtype)
        if a.grad is not None:
            assert a.grad.device == a.device, f"the gradient of input {i} moved to {a.grad.device}"
        ng = a.grad.cpu().numpy() if a.grad is not None else np.zeros(a.shape, dtype=a.dtype)
        assert ng.dtype == a.dtype, f"gradient of input {i} has dtype {ng.dtype}, input is {a.dtype}"
        np.testing.assert_allclose(ng, tg, **tol, err_msg=f"gradient of input {i} differs")
    return nb_out


def json_and_arrays(state_dict):
    """Round-trip a state dict as a saver would: arrays apart, the rest through JSON (int keys -> str)."""
    arrays = {}

    def encode(obj):
        if isinstance(obj, np.ndarray):
            arrays[str(len(arrays))] = obj.copy()
            return {"__array__": str(len(arrays) - 1)}
        if isinstance(obj, dict):
            return {str(k): encode(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [encode(v) for v in obj]
        assert obj is None or isinstance(obj, (bool, int, float, str)), f"not plain data: {obj!r} ({type(obj)})"
        return obj

    def decode(obj):
        if isinstance(obj, dict):
            return arrays[obj["__array__"]] if "__array__" in obj else {k: decode(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [decode(v) for v in obj]
        return obj

    return decode(json.loads(json.dumps(encode(state_dict))))
