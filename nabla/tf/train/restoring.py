"""Restoring a checkpoint into live objects: TensorFlow's matching by position in the object graph.

The walk pairs the checkpoint's root with the live root and follows the edges both have (``model`` ->
``dense_1`` -> ``w``); every value goes back into the very variable found at its place, whatever its name.
Everything is checked before anything changes: a variable whose shape or dtype differs from the saved one,
or a saved variable that meets something else, raises ``ValueError`` and leaves every variable as it was.

What the live program does not have yet is restored when it appears (TensorFlow's deferred restoration):
an attribute of a ``tf.Module`` or ``tf.train.Checkpoint`` that is set after the restore (a module that makes
its variables at its first call; ``checkpoint.save_counter``). A Keras layer that is not built yet is refused
instead: its weights are not attributes set later but made by ``build``; call the model once, then restore.
"""

from __future__ import annotations

from collections import deque

import numpy as np

import nabla as nb

from ..module import Trackable
from .object_graph import children, escape, is_optimizer, is_variable


class Restoring:
    """One restore of a checkpoint file (``data``, as :func:`checkpoint_file.read` returns it): what matched."""

    def __init__(self, data: dict, prefix: str):
        self.graph, self.values, self.optimizers = data["graph"], data["values"], data["optimizers"]
        self.prefix = prefix
        self.matched: dict[int, object] = {}  # checkpoint object -> the live object restored from it
        self.paths = self._paths()

    def _paths(self) -> dict[int, str]:
        """Each checkpoint object's first path from the root, for messages ("model/dense_1/w")."""
        paths, queue = {0: "(root)"}, deque([0])
        while queue:
            i = queue.popleft()
            for name, j in self.graph[i]["children"]:
                if j not in paths:
                    paths[j] = escape(name) if i == 0 else f"{paths[i]}/{escape(name)}"
                    queue.append(j)
        return paths

    def into(self, live, index: int) -> None:
        """Restore the checkpoint's object ``index``, and what it holds, into ``live``."""
        found: dict[int, object] = {}
        assignments, optimizers, deferred = [], [], []
        queue = deque([(live, index)])
        while queue:
            obj, i = queue.popleft()
            if i in found or i in self.matched:
                continue
            found[i] = obj
            entry = self.graph[i]
            if entry["value"] is not None:
                assignments.append((obj, self._checked_value(obj, i)))
            if i in self.optimizers:
                optimizers.append((obj, i))
            live_children = dict(children(obj))
            for name, j in entry["children"]:
                if name in live_children:
                    queue.append((live_children[name], j))
                elif isinstance(obj, Trackable):
                    deferred.append((obj, name, j))
                elif isinstance(obj, nb.nn.Module) and getattr(obj, "built", True) is False:
                    raise ValueError(
                        f"tf.train.Checkpoint: {self.paths[i]} ({type(obj).__name__}) is not built yet, so its weights "
                        f"do not exist to restore from {self.prefix}: call the model on a batch once, then restore"
                    )
        known = {**self.matched, **found}
        bindings = [(obj, i, self._optimizer_params(obj, i, known)) for obj, i in optimizers]
        # The checks passed: now change things (an optimizer refuses a state that does not fit before changing).
        for obj, i, params in bindings:
            if not obj.param_groups:
                obj.bind(params)
            obj.load_state_dict(self.optimizers[i]["state"])
            obj._step_calls = self.optimizers[i]["iterations"]  # (optimizer.iterations, as load_model sets it)
        with nb.no_grad():
            for obj, values in assignments:
                obj.copy_(values)
        self.matched.update(found)
        for obj, name, j in deferred:
            obj.__dict__.setdefault("_restore_on_assign", {})[name] = lambda value, j=j: self.into(value, j)

    def _checked_value(self, obj, i: int) -> np.ndarray:
        values = self.values[self.graph[i]["value"]]
        if not is_variable(obj):
            raise ValueError(
                f"tf.train.Checkpoint: {self.prefix} holds a variable at {self.paths[i]}, where this program has a "
                f"{type(obj).__name__}"
            )
        if tuple(obj.shape) != values.shape:
            raise ValueError(
                f"Received incompatible tensor with shape {values.shape} when attempting to restore variable with "
                f"shape {tuple(obj.shape)} and name {getattr(obj, 'name', '')} ({self.paths[i]} in {self.prefix})."
            )
        if np.dtype(obj.numpy().dtype) != values.dtype:
            raise ValueError(
                f"tf.train.Checkpoint: {self.paths[i]} was saved as {values.dtype}, the variable here is "
                f"{obj.numpy().dtype}; nothing was restored"
            )
        return values

    def _optimizer_params(self, obj, i: int, known: dict) -> list:
        """The live variables the optimizer ``obj`` updates, as the checkpoint lists them."""
        if not is_optimizer(obj):
            raise ValueError(
                f"tf.train.Checkpoint: {self.prefix} holds an optimizer at {self.paths[i]}, where this program has a "
                f"{type(obj).__name__}"
            )
        saved = self.optimizers[i]["params"]
        if obj.param_groups:
            return []  # bound already: load_state_dict checks that its variables fit
        if any(j not in known for j in saved):
            raise ValueError(
                f"tf.train.Checkpoint: the optimizer at {self.paths[i]} has not made its variables yet, and the "
                "checkpoint does not hold all of the variables it updates; restore it together with the model"
            )
        return [known[j] for j in saved]

    # --- what the status reports ---------------------------------------------------------------------

    def unresolved(self) -> list[str]:
        """The checkpoint's variables and optimizers that no live object took."""
        holding = [i for i, e in enumerate(self.graph) if e["value"] is not None or i in self.optimizers]
        return [self.paths.get(i, str(i)) for i in holding if i not in self.matched]

    def restored_ids(self) -> set[int]:
        return {id(obj) for obj in self.matched.values()}
