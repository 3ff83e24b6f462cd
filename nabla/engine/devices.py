"""Devices: which array library and which device a tensor's values live on, and moving them.

The rules, as PyTorch users expect them:

* **The data chooses.** A tensor made from a NumPy array lives on ``"cpu"``; one made from an array of
  another library that implements the Python array API standard (CuPy, array-api-strict...) stays in
  that library, on that array's device. Nothing is converted silently: an operation runs in the library
  of its inputs and its result (and, in backward, its gradients) stays there.
* **Device names** are strings: ``"cpu"`` (NumPy), ``"cuda"`` / ``"cuda:1"`` (CuPy, GPU 0 / GPU 1), and
  ``"<library>:<device>"`` for any other array API library, e.g. ``"array_api_strict:device1"``
  (``"array_api_strict"`` alone means that library's default device).
* **Moving is explicit**: ``nb.tensor(data, device=...)``, ``t.to(device)``, ``t.cpu()``,
  ``Module.to(device)``. ``t.to(device)`` is differentiable (its gradient moves back).
* **Mixing devices** in one operation is an error naming both devices, as in PyTorch; Python numbers mix
  with any device.

The transfers themselves (``to_device``, ``to_host``) are in :mod:`nabla.engine.standard`, next to the
per-library table: the standard's DLPack exchange (``np.from_dlpack(x, device="cpu")``), or a library's
own (CuPy's ``.get()``).
"""

from __future__ import annotations

import importlib
import re

import numpy as np

from . import dtypes

CPU = "cpu"

# Libraries a device name may start with: "cuda" is CuPy's; any other prefix is the module's own name.
_CUDA = "cupy"


class DeviceError(RuntimeError):
    """An operation mixed tensors on different devices, or a device name was not understood."""


def is_foreign(data) -> bool:
    """Whether ``data`` is an array of a library other than NumPy (one that implements the array API standard)."""
    return hasattr(data, "__array_namespace__") and not isinstance(data, (np.ndarray, np.generic))


def library_name(array) -> str:
    """The top-level module of ``array``'s library: "numpy", "cupy", "array_api_strict"..."""
    return type(array).__module__.split(".", 1)[0]


def device_of(array) -> str:
    """The device name of an array (see the module docstring for the names)."""
    if type(array) is np.ndarray or isinstance(array, (np.ndarray, np.generic)):
        return CPU
    lib = library_name(array)
    dev = array.device
    if lib == _CUDA:
        return f"cuda:{dev.id}"
    return f"{lib}:{_device_label(dev)}"


def _device_label(dev) -> str:
    """A device object's short name: array_api_strict.Device('device1') -> "device1"."""
    text = str(dev)
    if "('" in text and text.endswith("')"):
        return text[text.index("('") + 2 : -2]
    return text


# TensorFlow's names of the CPU ("/CPU:0", "/device:CPU:0", "/job:localhost/replica:0/task:0/device:CPU:0"): what
# a tf.Tensor's .device says (nabla.tf), so that an operation given one as a device places its result here.
_TF_CPU = re.compile(r"(/job:\w+/replica:\d+/task:\d+)?/(device:)?CPU:\d+", re.IGNORECASE)


def parse(device) -> tuple[str, object]:
    """``device`` (a name, or a library's device object) as ``(library module name, device object or None)``.

    None means the library's default device. Raises DeviceError on a name it cannot resolve.
    """
    if device is None or device == CPU or (isinstance(device, str) and _TF_CPU.fullmatch(device)):
        return "numpy", None
    if not isinstance(device, str):  # a library's own device object (cupy.cuda.Device, array_api_strict.Device)
        lib = type(device).__module__.split(".", 1)[0]
        return (_CUDA if lib == _CUDA else lib), device
    lib, _, label = device.partition(":")
    if lib == "cuda":
        module = _import(_CUDA, device)
        return _CUDA, module.cuda.Device(int(label or 0))
    module = _import(lib, device)
    if not label:
        return lib, None
    info = module.__array_namespace_info__()
    for dev in info.devices():
        if _device_label(dev) == label:
            return lib, dev
    names = ", ".join(f"{lib}:{_device_label(d)}" for d in info.devices())
    raise DeviceError(f"unknown device {device!r}: {lib} offers {names}")


def _import(lib: str, device: str):
    try:
        return importlib.import_module(lib)
    except ImportError:
        hint = "install CuPy for your CUDA version (pip install cupy-cuda12x)" if lib == _CUDA else f"install {lib}"
        raise DeviceError(f"device {device!r} needs the {lib} package, which is not installed: {hint}") from None


def normalize(device) -> str:
    """``device`` as the name :func:`device_of` gives ("cuda" -> "cuda:0", "array_api_strict" -> its default)."""
    lib, dev = parse(device)
    if lib == "numpy":
        return CPU
    if dev is None:
        module = importlib.import_module(lib)
        dev = module.__array_namespace_info__().default_device()
    return f"cuda:{dev.id}" if lib == _CUDA else f"{lib}:{_device_label(dev)}"


def to_arguments(args, device=None, dtype=None) -> tuple:
    """``(device, dtype)`` from the arguments of ``t.to(...)`` / ``module.to(...)``: device names or objects,
    dtypes, or a tensor (its device and dtype), in any order, as PyTorch takes them."""
    for a in args:
        if hasattr(a, "_data") and hasattr(a, "device"):  # a Tensor
            device, dtype = device_of(a._data), a.dtype
        elif isinstance(a, str) and (a in (CPU, "cuda") or ":" in a):
            device = a
        else:
            try:
                dtype = dtypes.resolve(a)
            except TypeError:
                device = a  # a library's device object, or a name parse() will explain
    return device, dtype


def mixed(op: str, arrays) -> DeviceError:
    """The error for an operation ``op`` whose inputs ``arrays`` live on different devices."""
    seen = []
    for a in arrays:
        if hasattr(a, "shape") and not isinstance(a, np.generic):
            name = device_of(a)
            if name not in seen:
                seen.append(name)
    return DeviceError(
        f"{op}: expected all tensors on one device, found {seen[0]} and {seen[1]}; move one with .to(device)"
        if len(seen) > 1
        else f"{op}: inputs from different array libraries; move them to one device with .to(device)"
    )
