"""Start every rank from the same point: root's weights and optimizer state, copied to all.

Data-parallel training keeps N replicas of one model; they stay equal only if they start equal
(every rank then applies the same averaged gradient). Call both once, after building the model
and the optimizer and after loading a checkpoint (which may exist on one rank only)::

    dist.broadcast_parameters(model.state_dict(), root=0)
    dist.broadcast_optimizer_state(opt, root=0)
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..nn import Module
from ..optim import Optimizer
from ._engine import array_of, write_into
from .collectives import _check_root, allgather_object, broadcast_object
from .flat import FlatLayout
from .world import group

__all__ = ["broadcast_optimizer_state", "broadcast_parameters"]


def _named(params, who: str) -> list[tuple[str, object]]:
    if isinstance(params, Module):
        params = params.state_dict()
    items = list(params.items()) if isinstance(params, Mapping) else list(params)
    named = []
    for i, item in enumerate(items):
        if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)):
            raise TypeError(
                f"{who} takes a state dict (model.state_dict()), (name, tensor) pairs (model.named_parameters()) "
                f"or a Module; item {i} is {type(item).__name__}"
            )
        name, t = item
        if not hasattr(t, "_data"):
            raise TypeError(f"{who}: '{name}' is a {type(t).__name__}, not a Tensor")
        named.append((name, t))
    return named


def _broadcast_arrays(arrays: list[np.ndarray], root: int, name: str) -> list[np.ndarray]:
    """Root's arrays (same shapes and dtypes on every rank) on every rank: one broadcast per dtype."""
    layout = FlatLayout([a.shape for a in arrays], [a.dtype for a in arrays])
    buffers = layout.pack(arrays)
    for buf in buffers.values():
        group().broadcast(buf.view(np.uint8), root, name)  # a broadcast copies bytes: any dtype travels as uint8
    out: list = [None] * len(arrays)
    layout.unpack(buffers, out.__setitem__)
    return out


def broadcast_parameters(params, root: int = 0) -> None:
    """Overwrite every rank's parameters and buffers with root's, in place.

    Args:
        params: ``model.state_dict()`` (parameters and buffers, such as batch-norm statistics),
            ``model.named_parameters()``, or the Module itself.
        root: the rank whose values win (0: the one that loaded the checkpoint).

    The names, shapes and dtypes are compared first: if a rank built a different model, every rank
    raises a ``ValueError`` naming the first differences, before anything is overwritten. The
    values then travel in one broadcast per dtype.
    """
    named = _named(params, "broadcast_parameters")
    root = _check_root(root, "broadcast_parameters")
    if group().size == 1:
        return
    layout = [[name, list(t.shape), str(t.dtype)] for name, t in named]
    expected = broadcast_object(layout if group().rank == root else None, root, "parameter names and shapes")
    problems = _differences(layout, expected, root)
    reports = allgather_object(problems, "parameter check")
    bad = [f"rank {r}: {report}" for r, report in enumerate(reports) if report]
    if bad:
        raise ValueError(
            "broadcast_parameters: the ranks hold different models (" + "; ".join(bad) + "); build the same model "
            "on every rank (same layers, same input shape) before broadcasting"
        )
    arrays = _broadcast_arrays([array_of(t) for _, t in named], root, "parameters")
    for (_, t), array in zip(named, arrays):
        write_into(t, array)


def _differences(layout: list, expected: list, root: int) -> str | None:
    mine, theirs = {n: (s, d) for n, s, d in layout}, {n: (s, d) for n, s, d in expected}
    notes = [f"lacks '{n}'" for n in theirs if n not in mine][:3]
    notes += [f"has '{n}' that rank {root} lacks" for n in mine if n not in theirs][:3]
    notes += [
        f"'{n}' is {tuple(mine[n][0])} {mine[n][1]}, rank {root}'s is {tuple(theirs[n][0])} {theirs[n][1]}"
        for n in mine
        if n in theirs and mine[n] != tuple(theirs[n])
    ][:3]
    return ", ".join(notes) or None


def _split(node, arrays: list):
    """``node`` with each array replaced by ``{"__array__": i}``, the arrays appended to ``arrays``."""
    if isinstance(node, np.ndarray):
        arrays.append(node)
        return {"__array__": len(arrays) - 1}
    if isinstance(node, Mapping):
        return {str(k): _split(v, arrays) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return [_split(v, arrays) for v in node]
    return node


def _join(node, arrays: list):
    if isinstance(node, dict):
        if set(node) == {"__array__"}:
            return arrays[node["__array__"]]
        return {k: _join(v, arrays) for k, v in node.items()}
    if isinstance(node, list):
        return [_join(v, arrays) for v in node]
    return node


def broadcast_optimizer_state(optimizer: Optimizer, root: int = 0) -> None:
    """Give every rank root's optimizer state (moments, step counts) and hyper-parameters (``lr``...).

    Args:
        optimizer: a bound :class:`nabla.optim.Optimizer` (or a DistributedOptimizer), holding the
            same parameters in the same order on every rank.
        root: the rank whose state wins.

    Ranks whose optimizer has not stepped yet (no state) receive root's, as after a resumed
    checkpoint; the structure travels as JSON and the arrays in one broadcast per dtype.
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"broadcast_optimizer_state takes a nabla.optim optimizer, got {type(optimizer).__name__}")
    root = _check_root(root, "broadcast_optimizer_state")
    if group().size == 1:
        return
    arrays: list[np.ndarray] = []
    skeleton = _split(optimizer.state_dict(), arrays) if group().rank == root else None
    specs = [[list(a.shape), a.dtype.str] for a in arrays]
    skeleton, specs = broadcast_object([skeleton, specs] if group().rank == root else None, root, "optimizer state")
    if group().rank != root:
        arrays = [np.empty(shape, np.dtype(dtype)) for shape, dtype in specs]
    arrays = _broadcast_arrays(arrays, root, "optimizer state")
    if group().rank != root:
        optimizer.load_state_dict(_join(skeleton, arrays))
