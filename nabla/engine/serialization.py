"""Saving and loading: ``nb.save(obj, path)`` / ``nb.load(path)`` in the safetensors format.

safetensors stores raw arrays plus a JSON header and nothing executable, so
loading a file from someone else cannot run code (unlike pickle, which
nabla never uses). Files are written atomically: to a temporary file in the
same folder, then renamed over the target, so a crash mid-save never leaves
a truncated file behind.

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
import os
import secrets
from pathlib import Path

import numpy as np

from .tensor import Tensor

_FORMAT = "nabla.save/1"


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
    if isinstance(obj, Tensor):
        return {"__tensor__": _store(arrays, path, obj._data)}
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


def atomic_write(path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: a temporary file in the same folder, flushed, then renamed over
    ``path``, so a crash mid-write never leaves a truncated file under that name (nabla's one way of writing
    files: :func:`save`, the ONNX export)."""
    path = Path(path)
    # Not tempfile.mkstemp: its files are private (0600); os.open with 0o666 applies the umask like open() does.
    tmp = path.parent / f".{path.name}.{secrets.token_hex(8)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def load(path):
    """Read what :func:`save` wrote; tensors come back as Tensors, NumPy arrays as arrays.

    Raises ``ValueError`` with the reason if the file is not a valid safetensors
    file (truncated, random bytes); never executes anything from the file.
    """
    _require_safetensors()
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"nb.load: no file at {path}")
    try:
        from safetensors import safe_open

        with safe_open(str(path), framework="numpy") as f:
            metadata = f.metadata() or {}
            arrays = {k: f.get_tensor(k) for k in f.keys()}
    except Exception as e:  # safetensors raises its own error type for corrupt headers
        raise ValueError(f"nb.load: {path} is not a valid safetensors file ({type(e).__name__}: {e})") from None
    if "nabla" not in metadata:
        # A plain safetensors file from another tool: a flat dict of tensors.
        return {k: Tensor._make(v) for k, v in arrays.items()}
    try:
        return _decode(json.loads(metadata["nabla"]), arrays)
    except (ValueError, KeyError, TypeError, RecursionError) as e:  # JSONDecodeError is a ValueError
        raise ValueError(f"nb.load: {path} has a corrupt nabla header ({type(e).__name__}: {e})") from None
