"""Saving and loading: ``nb.save(obj, path)`` / ``nb.load(path)`` in the safetensors format.

safetensors stores raw arrays plus a JSON header and nothing executable, so
loading a file from someone else cannot run code (unlike pickle, which
nabla never uses). Files are written atomically by :func:`nabla.atomic.atomic_write`:
to a temporary file in the same folder, then renamed over the target, so a
crash mid-save never leaves a truncated file behind, and the next save removes
the temporary file a killed save left.

What can be saved: a state dict (name -> Tensor), or any nesting of dicts,
lists and tuples holding Tensors, NumPy arrays, numbers, strings, bools and
None (an optimizer's or scheduler's ``state_dict()``, a training checkpoint).
Arrays are stored as safetensors tensors; the structure around them is
stored as JSON in the header's metadata under ``"nabla"``. A flat dict of
tensors keeps its names as the tensor keys, so other safetensors tools can
read a model file directly (a name that two entries would share, as with
``{1: x, "1": y}``, gets a ``#n`` suffix for the second). Tensors come back
as separate tensors: two entries holding the same tensor are saved twice.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..atomic import atomic_write
from . import backend
from .tensor import Tensor

_FORMAT = "nabla.save/1"
_MAX_HEADER_ITEMS = 1 << 22  # items (values, lists, dicts) in the structure around the arrays: ~256 MB once read


def _require_safetensors():
    try:
        import safetensors.numpy  # noqa: F401

        return safetensors
    except ImportError:
        raise ImportError("nb.save/nb.load need the safetensors package: pip install safetensors") from None


def _store(arrays: dict, path: str, array: np.ndarray) -> str:
    """Put ``array`` into ``arrays`` under a name not yet taken (``path``, else ``path#1``...); return the name."""
    if array.dtype.kind not in "biufc":
        raise TypeError(f"nb.save: cannot save an array of dtype {array.dtype} at '{path or '<root>'}'")
    name, n = path, 0
    while name in arrays:  # e.g. {"a.b": x, "a": {"b": y}} or {1: x, "1": y} give the same path
        n += 1
        name = f"{path}#{n}"
    # NOTE: ascontiguousarray turns a 0-d array into shape (1,); the reshape keeps ().
    arrays[name] = np.ascontiguousarray(array).reshape(array.shape)
    return name


def _encode(obj, arrays: dict, path: str):
    """Replace arrays in ``obj`` by references into ``arrays``; return a JSON-able skeleton."""
    if isinstance(obj, Tensor):  # (a tensor on another device is saved from a copy on the host)
        return {"__tensor__": _store(arrays, path, backend.to_host(obj._data))}
    if isinstance(obj, np.ndarray):
        return {"__array__": _store(arrays, path, obj)}
    if isinstance(obj, np.generic):
        return obj.item()
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, dict):
        items = [[k, _encode(v, arrays, f"{path}.{k}" if path else str(k))] for k, v in obj.items()]
        for k, _ in items:
            if not isinstance(k, (str, int)) or isinstance(k, bool):
                raise TypeError(f"nb.save: dict keys must be strings or ints, got {k!r} at '{path}'")
        return {"__dict__": items}
    if isinstance(obj, (list, tuple)):
        items = [_encode(v, arrays, f"{path}.{i}" if path else str(i)) for i, v in enumerate(obj)]
        return {"__tuple__": items} if isinstance(obj, tuple) else items
    raise TypeError(
        f"nb.save: cannot save an object of type {type(obj).__name__} at '{path or '<root>'}'; "
        "save tensors, arrays, numbers, strings and dicts/lists of them (e.g. model.state_dict())"
    )


def _decode(node, arrays: dict):
    if isinstance(node, list):
        return [_decode(v, arrays) for v in node]
    if isinstance(node, dict):
        if "__tensor__" in node:
            return Tensor._make(arrays[node["__tensor__"]])
        if "__array__" in node:
            return arrays[node["__array__"]]
        if "__tuple__" in node:
            return tuple(_decode(v, arrays) for v in node["__tuple__"])
        if "__dict__" in node:
            return {k: _decode(v, arrays) for k, v in node["__dict__"]}
    return node


def save(obj, path) -> None:
    """Write ``obj`` (e.g. ``model.state_dict()``) to ``path`` in the safetensors format, atomically."""
    st = _require_safetensors()
    arrays: dict[str, np.ndarray] = {}
    skeleton = _encode(obj, arrays, "")
    metadata = {"format": _FORMAT, "nabla": json.dumps(skeleton)}
    try:
        data = st.numpy.save(arrays, metadata=metadata)
    except Exception as e:  # e.g. a dtype safetensors does not store (complex128)
        raise TypeError(f"nb.save: safetensors cannot store this object: {e}") from None
    atomic_write(path, data)


def _brief(error: Exception) -> str:
    """The library's reason, on one line and short: it may quote a 100 MB header."""
    text = " ".join(f"{type(error).__name__}: {error}".split())
    return text if len(text) <= 300 else text[:300] + "..."


def _foreign_kind(path: Path) -> str | None:
    """What a file that safetensors refused looks like, from its first bytes; None if nothing known.

    NOTE: a safetensors file starts with its header's length (8 bytes, little-endian), so a damaged one
    can start with any bytes: pickle and ONNX are told by three bytes, not one.
    """
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(b"PK\x03\x04"):
        return "a zip archive (a Keras .keras file, or a PyTorch .pt/.pth file?)"
    if head.startswith(b"\x89HDF\r\n\x1a\n"):
        return "an HDF5 file (a Keras .h5 file?)"
    if head.startswith(b"\x93NUMPY"):
        return "a NumPy .npy file"
    if len(head) > 2 and head[0] == 0x80 and 2 <= head[1] <= 5 and head[2] in b"\x95\x8a}]cq(":
        return "a Python pickle (a PyTorch or joblib file?)"
    if len(head) > 2 and head[0] == 0x08 and head[2] == 0x12:  # ir_version, then producer_name
        return "an ONNX model"
    return None


def load(path):
    """Read what :func:`save` wrote; tensors come back as Tensors, NumPy arrays as arrays.

    Raises ``ValueError`` with the reason if the file is not a valid safetensors
    file (truncated, random bytes) or its structure header is damaged or holds more
    than 2**22 items (which would take gigabytes to read); never executes anything
    from the file.
    """
    _require_safetensors()
    path = Path(path)
    if not path.is_file():
        what = f"{path} is a folder, not a file" if path.is_dir() else f"no file at {path}"
        raise FileNotFoundError(f"nb.load: {what}")
    try:
        from safetensors import safe_open

        with safe_open(str(path), framework="numpy") as f:
            metadata = f.metadata() or {}
            arrays = {k: f.get_tensor(k) for k in f.keys()}
    except Exception as e:  # safetensors raises its own error type for corrupt headers
        kind = _foreign_kind(path)
        if kind:
            raise ValueError(
                f"nb.load: {path} is {kind}, not a safetensors file; nabla reads the files nb.save, model.save and "
                "save_weights write (nothing loads with pickle)"
            ) from None
        raise ValueError(f"nb.load: {path} is not a valid safetensors file ({_brief(e)})") from None
    if "nabla" not in metadata:
        # A plain safetensors file from another tool: a flat dict of tensors.
        return {k: Tensor._make(v) for k, v in arrays.items()}
    header = metadata["nabla"]
    # NOTE: json.loads makes a Python object of ~64 bytes for each item of the header; a header of 100 MB of
    # "{}," (which safetensors allows) would take 2 GB. nabla's own headers hold a few items per tensor.
    if len(header) > _MAX_HEADER_ITEMS and sum(map(header.count, "[{,")) > _MAX_HEADER_ITEMS:
        raise ValueError(
            f"nb.load: {path} has a nabla header of more than {_MAX_HEADER_ITEMS:,} items; it was not read"
        )
    try:
        return _decode(json.loads(header), arrays)
    except (ValueError, KeyError, TypeError, RecursionError) as e:  # JSONDecodeError is a ValueError
        raise ValueError(f"nb.load: {path} has a corrupt nabla header ({_brief(e)})") from None
