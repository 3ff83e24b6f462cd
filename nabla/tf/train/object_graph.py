"""The object graph a checkpoint follows: what is saved, under which names, and how it is found again.

TensorFlow saves the objects reachable from a checkpoint by named edges (attributes, list indices, dict
keys) and restores by walking the same edges in the live program: values go back into the very objects
that the code built, matched by where they sit, not by the variables' names. nabla.tf keeps that model:

- a *variable* (``tf.Variable``, a Keras weight) holds a value;
- an *optimizer* (nabla's and Keras's) holds its state (moments, step counts) for its variables;
- a ``tf.Module``, a ``tf.train.Checkpoint``, a Keras layer or model, a list, tuple or dict holds named
  children; for a Keras layer or model, its weights and layers under their attribute names and the
  Variables and modules of its other public attributes.

Each object is listed once, under the first path a breadth-first walk reaches it by (TensorFlow's rule), so
a variable shared by two layers is saved once and restored into both.
"""

from __future__ import annotations

from collections import deque

import nabla as nb

from ..module import Trackable

VALUE_SUFFIX = "/.ATTRIBUTES/VARIABLE_VALUE"  # TensorFlow's key of a variable's value


def is_variable(obj) -> bool:
    """A tensor a checkpoint saves: a tf.Variable or a Keras weight (constants are not saved, as in TF)."""
    return isinstance(obj, nb.Tensor) and (getattr(obj, "_tf_variable", False) or isinstance(obj, nb.nn.Parameter))


def is_optimizer(obj) -> bool:
    return isinstance(obj, nb.optim.Optimizer)


def is_trackable(obj) -> bool:
    """Whether a checkpoint follows ``obj`` (a container only when it holds something that is followed)."""
    if is_variable(obj) or is_optimizer(obj) or isinstance(obj, (Trackable, nb.nn.Module)):
        return True
    if isinstance(obj, dict):
        return any(is_trackable(v) for v in obj.values())
    if isinstance(obj, (list, tuple)):
        return any(is_trackable(v) for v in obj)
    return False


def escape(name: str) -> str:
    """An edge's name in a key, as TensorFlow writes it ("." doubled, "/" as ".S")."""
    return name.replace(".", "..").replace("/", ".S")


def children(obj) -> list[tuple[str, object]]:
    """The named children of ``obj`` that a checkpoint follows, in the order they were set."""
    if isinstance(obj, Trackable):
        items = getattr(obj, "_checkpoint_children", lambda: vars(obj).items())()
    elif isinstance(obj, nb.nn.Module):
        registered = [
            *obj._parameters.items(),
            *((k, b) for k, b in obj._buffers.items() if k not in obj._non_persistent),
            *obj._modules.items(),
        ]
        others = [(k, v) for k, v in vars(obj).items() if not k.startswith("_") and not is_optimizer(v)]
        items = registered + others
    elif isinstance(obj, dict):
        items = [(str(k), v) for k, v in obj.items()]
    elif isinstance(obj, (list, tuple)):
        items = [(str(i), v) for i, v in enumerate(obj)]
    else:
        items = []
    return [(name, value) for name, value in items if is_trackable(value)]


def walk(root) -> list[tuple[object, str, list[tuple[str, int]]]]:
    """Every object reachable from ``root``, breadth first, once: ``(object, path, [(edge, index)...])``,
    the root first, ``index`` pointing into the list."""
    index = {id(root): 0}
    found: list = [(root, "", [])]
    queue = deque([0])
    while queue:
        obj, path, edges = found[queue.popleft()]
        for name, child in children(obj):
            if id(child) not in index:
                index[id(child)] = len(found)
                found.append((child, f"{path}/{escape(name)}" if path else escape(name), []))
                queue.append(index[id(child)])
            edges.append((name, index[id(child)]))
    return found
