"""Seeded mutations of valid files: bytes (bit flips, truncations, splices, odd integers) and JSON trees.

Every function takes a ``numpy.random.Generator``, so a case is reproduced from its seed alone.
``write_safetensors`` writes a safetensors file from a header that may be inconsistent on purpose
(wrong offsets, dtypes, shapes), which ``safetensors`` itself would refuse to write.
"""

from __future__ import annotations

import copy
import json
import struct

import numpy as np

# Integers that break readers: zero, one, sign and width boundaries, and sizes that would not fit in memory.
INTERESTING_INTS = [
    0,
    1,
    -1,
    2,
    7,
    255,
    256,
    2**15,
    2**16 - 1,
    2**31 - 1,
    2**31,
    2**32 - 1,
    2**32,
    2**53 + 1,
    2**63 - 1,
    2**64,
    10**8,
    10**9,
    10**12,
    -(2**31),
    -(10**9),
]
INTERESTING_FLOATS = [0.0, -0.0, 0.5, -1.5, 1e-45, 1e38, 3.5e38, 1e308, float("inf"), float("-inf"), float("nan")]
INTERESTING_STRINGS = [
    "",
    "x",
    "Sequential",
    "Dense",
    "Model",
    "SGD",
    "Adam",
    "Optimizer",
    "__class__",
    "__init__",
    "os",
    "eval",
    "__import__",
    "param_groups",
    "state",
    "relu",
    "softmax",
    "mse",
    "accuracy",
    "channels_first",
    "valid",
    "same",
    "\x00",
    "é" * 3,
    "a" * 5000,
    "1e9",
    "None",
    "null",
]


def _pick(rng: np.random.Generator, options: list):
    return options[int(rng.integers(len(options)))]


# --- bytes ------------------------------------------------------------------------------------------


def flip_bits(rng, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(int(rng.integers(1, 9))):
        if out:
            i = int(rng.integers(len(out)))
            out[i] ^= 1 << int(rng.integers(8))
    return bytes(out)


def truncate(rng, data: bytes) -> bytes:
    return data[: int(rng.integers(len(data) + 1))]


def overwrite_int(rng, data: bytes, offset: int | None = None) -> bytes:
    """An interesting integer written at an offset, 1, 2, 4 or 8 bytes wide, in either byte order."""
    if not data:
        return data
    width = _pick(rng, [1, 2, 4, 8])
    offset = int(rng.integers(len(data))) if offset is None else offset
    value = _pick(rng, INTERESTING_INTS) % (1 << (8 * width))
    packed = value.to_bytes(width, _pick(rng, ["big", "little"]))
    return data[:offset] + packed + data[offset + width :]


def splice(rng, data: bytes) -> bytes:
    """Insert, delete, duplicate or overwrite a random chunk."""
    n = len(data)
    i, j = sorted(int(x) for x in rng.integers(0, n + 1, size=2))
    kind = int(rng.integers(4))
    if kind == 0:
        return data[:i] + rng.bytes(int(rng.integers(1, 64))) + data[i:]
    if kind == 1:
        return data[:i] + data[j:]
    if kind == 2:
        return data[:j] + data[i:j] + data[j:]
    return data[:i] + bytes([_pick(rng, [0, 0xFF, 0x7F, 0x80])]) * (j - i) + data[j:]


def mutate_bytes(rng, data: bytes) -> tuple[bytes, str]:
    """One or a few byte-level mutations; returns the bytes and a description."""
    ops = {"flip": flip_bits, "truncate": truncate, "int": overwrite_int, "splice": splice}
    names = [_pick(rng, list(ops)) for _ in range(int(rng.integers(1, 4)))]
    for name in names:
        data = ops[name](rng, data)
    return data, "bytes:" + "+".join(names)


# --- JSON trees -------------------------------------------------------------------------------------


def paths(node, prefix=()):
    """Every path (a tuple of keys and indices) into a tree of dicts and lists, the root's ``()`` first."""
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from paths(v, (*prefix, i))


def get_at(node, path):
    for p in path:
        node = node[p]
    return node


def _wrong_value(rng, old):
    """A value of another type or an extreme value of the same type."""
    if isinstance(old, bool) or not isinstance(old, (int, float)):
        kinds = ["int", "float", "str", "none", "bool", "list", "dict", "deep"]
    else:
        kinds = ["int", "int", "int", "float", "float", "str", "none", "list", "dict"]
    kind = _pick(rng, kinds)
    if kind == "int":
        return _pick(rng, INTERESTING_INTS)
    if kind == "float":
        return _pick(rng, INTERESTING_FLOATS)
    if kind == "str":
        return _pick(rng, INTERESTING_STRINGS)
    if kind == "none":
        return None
    if kind == "bool":
        return bool(rng.integers(2))
    if kind == "list":
        return _pick(rng, [[], [1], [None], [2**31, 2**31], [[1, 2], [3]], ["a", 1], [old, old]])
    if kind == "dict":
        return _pick(rng, [{}, {"class_name": "Dense"}, {"config": {}}, {"__tensor__": "nope"}, {"a": old}])
    deep = old
    for _ in range(int(rng.integers(50, 900))):  # NOTE: json.dumps itself stops near 1000
        deep = [deep]
    return deep


def mutate_tree(rng, tree, protect: tuple = ()) -> tuple[object, str]:
    """One structural mutation of a JSON-able tree (a deep copy is changed; ``tree`` is not)."""
    tree = copy.deepcopy(tree)
    places = [p for p in paths(tree) if not any(p[: len(q)] == q for q in protect)]
    path = _pick(rng, places)
    where = "/".join(map(str, path)) or "<root>"
    op = _pick(rng, ["replace", "replace", "replace", "delete", "add", "wrap", "swap", "duplicate", "empty"])
    if not path:
        op = _pick(rng, ["replace", "wrap"])
    parent, key = (get_at(tree, path[:-1]), path[-1]) if path else (None, None)
    old = get_at(tree, path)
    new = old
    if op == "replace":
        new = _wrong_value(rng, old)
    elif op == "delete" and parent is not None:
        del parent[key]
        return tree, f"tree:delete {where}"
    elif op == "add":
        target = old if isinstance(old, (dict, list)) else parent
        if isinstance(target, dict):
            target[_pick(rng, ["extra", "units", "class_name", "config", "weights", "__tensor__", "lr", "axis"])] = (
                _wrong_value(rng, 0)
            )
        elif isinstance(target, list):
            target.append(copy.deepcopy(target[0]) if target and rng.integers(2) else _wrong_value(rng, 0))
        return tree, f"tree:add at {where}"
    elif op == "wrap":
        new = [old] if rng.integers(2) else {"value": old}
    elif op == "swap":
        others = [p for p in places if p and p != path and not _is_prefix(p, path) and not _is_prefix(path, p)]
        if others and parent is not None:
            other = _pick(rng, others)
            new = copy.deepcopy(get_at(tree, other))
    elif op == "duplicate" and isinstance(old, list) and old:
        new = old + old
    elif op == "empty":
        new = type(old)() if isinstance(old, (dict, list, str)) else None
    if parent is None:
        return new, f"tree:{op} <root>"
    parent[key] = new
    return tree, f"tree:{op} {where}"


def _is_prefix(a, b) -> bool:
    return len(a) <= len(b) and b[: len(a)] == a


# --- safetensors ------------------------------------------------------------------------------------

_ST_DTYPES = {
    "F64": "<f8",
    "F32": "<f4",
    "F16": "<f2",
    "I64": "<i8",
    "I32": "<i4",
    "I16": "<i2",
    "I8": "i1",
    "U8": "u1",
    "BOOL": "?",
}


def read_safetensors(data: bytes) -> tuple[dict, dict, bytes]:
    """``(header without metadata, metadata, body)`` of a valid safetensors file."""
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    metadata = header.pop("__metadata__", {})
    return header, metadata, data[8 + n :]


def write_safetensors(header: dict, metadata: dict | None, body: bytes) -> bytes:
    """A safetensors file from its parts, consistent or not."""
    full = dict(header)
    if metadata is not None:
        full["__metadata__"] = metadata
    raw = json.dumps(full).encode()
    raw += b" " * (-len(raw) % 8)
    return struct.pack("<Q", len(raw)) + raw + body


def tensors_of(header: dict, body: bytes) -> dict[str, np.ndarray]:
    out = {}
    for name, info in header.items():
        a, b = info["data_offsets"]
        out[name] = np.frombuffer(body[a:b], dtype=_ST_DTYPES[info["dtype"]]).reshape(info["shape"])
    return out


def pack_tensors(arrays: dict[str, np.ndarray]) -> tuple[dict, bytes]:
    """A consistent safetensors header and body for ``arrays`` (any dtypes in ``_ST_DTYPES``)."""
    names = {np.dtype(v).str.lstrip("<|"): k for k, v in _ST_DTYPES.items()}
    header, chunks, offset = {}, [], 0
    for name, array in arrays.items():
        array = np.ascontiguousarray(array)
        code = names[array.dtype.str.lstrip("<|")]
        raw = array.astype(array.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": code, "shape": list(array.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    return header, b"".join(chunks)


def mutate_array(rng, array: np.ndarray) -> tuple[np.ndarray, str]:
    """Another shape, dtype or extreme values for one stored array."""
    kind = _pick(rng, ["shape", "dtype", "values", "empty", "big"])
    if kind == "shape":
        shape = list(array.shape) or [1]
        i = int(rng.integers(len(shape)))
        shape[i] = _pick(rng, [0, 1, shape[i] + 1, max(shape[i] - 1, 0), 3])
        return np.zeros(shape, array.dtype) if np.prod(shape) < 10**6 else array, "array:shape"
    if kind == "dtype":
        return array.astype(_pick(rng, ["<f8", "<f2", "<i8", "<i4", "u1", "?"])), "array:dtype"
    if kind == "values":
        out = np.array(array, dtype=np.float64)
        if out.size:
            out.flat[int(rng.integers(out.size))] = _pick(rng, INTERESTING_FLOATS)
        return out, "array:values"
    if kind == "empty":
        return np.zeros((0,) + array.shape[1:], array.dtype), "array:empty"
    return np.zeros(int(rng.integers(1, 300_000)), np.float32), "array:big"
