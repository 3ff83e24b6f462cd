"""A checkpoint's file: ``PREFIX.safetensors``, written atomically, read without pickle, checked before use.

TensorFlow writes ``PREFIX.index`` and ``PREFIX.data-00000-of-00001`` (its tensor-bundle format); nabla.tf
writes one safetensors file through ``nb.save`` (so atomically: the old file or the whole new one, never a
torn one) and reads it through ``nb.load`` (nothing in it is executed). What it holds:

- ``values``: each variable's values under TensorFlow's key (``model/dense_1/w/.ATTRIBUTES/VARIABLE_VALUE``);
- ``graph``: the object graph, one entry per object: its named edges to other entries, and its value's key;
- ``optimizers``: for an optimizer's entry, its ``state_dict()``, its update count, and which entries are
  its variables (in its own order).

:func:`read` checks every part of that structure (types, indices in range, keys present) before any of it
is used, so a damaged or foreign file is one ``ValueError`` that names the problem, and restores nothing.
"""

from __future__ import annotations

import json
import os

import numpy as np

import nabla as nb

from ..dtypes import as_dtype
from ..errors import NotFoundError
from .object_graph import VALUE_SUFFIX, is_optimizer, is_variable, walk

SUFFIX = ".safetensors"
FORMAT = "nabla.tf.train.Checkpoint/1"
GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"  # TensorFlow lists its object graph among the keys too


def write(root, prefix: str) -> None:
    """Save the values of everything reachable from ``root`` to ``prefix + SUFFIX``."""
    found = walk(root)
    number = {id(obj): i for i, (obj, _, _) in enumerate(found)}
    graph, values, optimizers = [], {}, {}
    for i, (obj, path, edges) in enumerate(found):
        entry = {"children": [[name, j] for name, j in edges], "value": None}
        if is_variable(obj):
            entry["value"] = path + VALUE_SUFFIX
            values[entry["value"]] = np.array(obj.numpy(), copy=True)
        elif is_optimizer(obj):
            params = [p for group in obj.param_groups for p in group["params"]]
            optimizers[str(i)] = {
                "params": [number.get(id(p), -1) for p in params],
                "iterations": int(obj._step_calls),  # (Keras's optimizer.iterations, as model.save keeps it)
                "state": obj.state_dict(),
            }
        graph.append(entry)
    folder = os.path.dirname(prefix)
    if folder:
        os.makedirs(folder, exist_ok=True)
    nb.save({"format": FORMAT, "graph": graph, "values": values, "optimizers": optimizers}, prefix + SUFFIX)


def _fail(path: str, what: str):
    raise ValueError(
        f"tf.train.Checkpoint: {path} is not a checkpoint nabla.tf can read ({what}); nothing was restored"
    )


def read(prefix: str) -> dict:
    """What :func:`write` saved at ``prefix``, checked: ``{"graph", "values", "optimizers"}``."""
    path = prefix + SUFFIX
    if not os.path.isfile(path):
        if os.path.isfile(prefix + ".index"):
            raise NotFoundError(
                f"{prefix} is a TensorFlow checkpoint (.index and .data files): nabla.tf reads the checkpoints "
                f"nabla.tf writes ({prefix}{SUFFIX}); save the model with nabla.tf again"
            )
        raise NotFoundError(
            f"Failed to find any matching files for {prefix} (a nabla.tf checkpoint is {path}). You may be missing "
            "the checkpoint suffix (e.g. the '-1' in 'path/to/ckpt-1')"
        )
    data = nb.load(path)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        _fail(path, "it was not written by tf.train.Checkpoint")
    graph, values, optimizers = data.get("graph"), data.get("values"), data.get("optimizers")
    if not isinstance(values, dict) or not all(isinstance(k, str) for k in values):
        _fail(path, "its values are not a dict of keys to arrays")
    values = {k: v.numpy() if isinstance(v, nb.Tensor) else v for k, v in values.items()}
    if not all(isinstance(v, np.ndarray) for v in values.values()):
        _fail(path, "a value is not an array")
    if not isinstance(graph, list) or not graph:
        _fail(path, "its object graph is not a list of objects")
    for i, entry in enumerate(graph):
        if not isinstance(entry, dict) or not isinstance(entry.get("children"), list):
            _fail(path, f"object {i} of its graph has no list of children")
        for edge in entry["children"]:
            ok = isinstance(edge, list) and len(edge) == 2 and isinstance(edge[0], str)
            if not ok or type(edge[1]) is not int or not 0 <= edge[1] < len(graph):
                _fail(path, f"object {i} has a child {edge!r} that is not [name, index of an object]")
        if entry.get("value") is not None and entry["value"] not in values:
            _fail(path, f"object {i} names a value {entry['value']!r} that the file does not hold")
    if not isinstance(optimizers, dict):
        _fail(path, "its optimizers are not a dict")
    for key, saved in optimizers.items():
        if not (isinstance(key, str) and key.isdigit() and int(key) < len(graph)) or not isinstance(saved, dict):
            _fail(path, f"optimizer entry {key!r} does not name an object of the graph")
        params, iterations = saved.get("params"), saved.get("iterations")
        if not isinstance(params, list) or not all(type(p) is int and -1 <= p < len(graph) for p in params):
            _fail(path, f"optimizer {key} lists variables that are not objects of the graph")
        if type(iterations) is not int or iterations < 0 or not isinstance(saved.get("state"), dict):
            _fail(path, f"optimizer {key} has no update count or no state")
    return {"graph": graph, "values": values, "optimizers": {int(k): v for k, v in optimizers.items()}}


class CheckpointReader:
    """``tf.train.load_checkpoint(path)``: the saved values by key, without a model to restore them into."""

    def __init__(self, prefix: str):
        self._prefix = prefix
        self._data = read(prefix)
        self._values = self._data["values"]

    def get_variable_to_shape_map(self) -> dict:
        shapes = {key: list(v.shape) for key, v in self._values.items()}
        return {GRAPH_KEY: [], **shapes}

    def get_variable_to_dtype_map(self) -> dict:
        """Each value's dtype (the object graph, a string in TensorFlow, is left out: nabla has no strings)."""
        return {key: as_dtype(v.dtype) for key, v in self._values.items()}

    def has_tensor(self, key: str) -> bool:
        return key in self._values or key == GRAPH_KEY

    def get_tensor(self, key: str):
        """The values saved under ``key``, as a NumPy array (a NumPy scalar for a scalar, as TensorFlow's)."""
        if key == GRAPH_KEY:
            return json.dumps(self._data["graph"]).encode()
        if key not in self._values:
            raise NotFoundError(f"Key {key} not found in checkpoint {self._prefix}")
        value = self._values[key].copy()
        return value[()] if value.ndim == 0 else value
