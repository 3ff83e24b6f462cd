"""Collectives: every rank calls the same function, in the same order, and gets a combined result.

Horovod's names and semantics: :func:`allreduce` returns a new value (:func:`allreduce_` works in
place), ``op`` is :data:`Average` (the default), :data:`Sum`, :data:`Min` or :data:`Max`;
:func:`broadcast` hands root's value to everyone; :func:`allgather` concatenates every rank's
along the first axis. Each takes a Tensor, a NumPy array or a number and returns the same kind.
Objects travel as JSON (:func:`broadcast_object`, :func:`allgather_object`), never as pickle.

With one process every collective returns its input unchanged.
"""

from __future__ import annotations

import enum
import json
import math
import zlib

import numpy as np

from ._engine import changed, rewrap, unwrap, writable
from .world import group


class ReduceOp(str, enum.Enum):
    """How :func:`allreduce` combines the ranks' values (element-wise)."""

    AVERAGE = "average"
    SUM = "sum"
    MIN = "min"
    MAX = "max"


Average, Sum, Min, Max = ReduceOp.AVERAGE, ReduceOp.SUM, ReduceOp.MIN, ReduceOp.MAX


def _op(op) -> ReduceOp:
    try:
        return ReduceOp(op.lower() if isinstance(op, str) else op)
    except ValueError:
        raise ValueError(f"op must be one of Average, Sum, Min, Max, got {op!r}") from None


def _wire(array: np.ndarray, who: str) -> np.ndarray:
    """``array`` as a contiguous 1-D array of a type MPI carries (float16 travels as float32, exactly)."""
    if array.dtype.kind not in "iuf" or array.dtype.itemsize > 8:
        raise TypeError(f"{who}: cannot reduce or send an array of {array.dtype}; use a float or integer dtype")
    flat = np.ascontiguousarray(array).reshape(-1)
    return flat.astype(np.float32) if array.dtype == np.float16 else flat


def _check_root(root: int, who: str) -> int:
    n = group().size
    if isinstance(root, bool) or not isinstance(root, (int, np.integer)) or not 0 <= root < n:
        raise ValueError(f"{who}: root must be a rank in [0, {n}), got {root!r}")
    return int(root)


def _reduce(array: np.ndarray, op: ReduceOp, weight, name, who: str) -> np.ndarray:
    g = group()
    if op is not ReduceOp.AVERAGE and weight is not None:
        raise ValueError(f"{who}: weight= only applies to op=Average (a weighted mean), got op={op.name.title()}")
    if op is ReduceOp.AVERAGE and array.dtype.kind != "f":
        raise TypeError(f"{who}: the average of {array.dtype} values is not an integer; use op=Sum and divide")
    w = 1.0 if weight is None else float(weight)
    if not (math.isfinite(w) and w >= 0):
        raise ValueError(f"{who}: weight must be a finite number >= 0, got {weight!r}")
    if g.size == 1:
        return array.copy()
    flat = _wire(array, who)
    if op is not ReduceOp.AVERAGE:
        out = g.allreduce(flat, op.value, name)
    else:
        # NOTE: a weighted mean sum_r(w_r x_r) / sum_r(w_r) in one collective: the weight rides along as the
        # last element. With equal weights it is the plain mean; with w_r = rank r's batch size it is the mean
        # over the union of the batches, whatever their sizes.
        buf = np.empty(flat.size + 1, flat.dtype)
        np.multiply(flat, w, out=buf[:-1])
        buf[-1] = w
        out = g.allreduce(buf, "sum", name)
        total = float(out[-1])
        if total == 0:
            raise ValueError(f"{who}: the weights of every rank are 0, so their weighted mean is undefined")
        out = out[:-1] / out.dtype.type(total)
    return out.astype(array.dtype, copy=False).reshape(array.shape)


def allreduce(tensor, op=Average, weight: float | None = None, name: str | None = None):
    """Combine every rank's ``tensor`` element-wise; every rank gets the same (bit-identical) result.

    Args:
        tensor: a Tensor, NumPy array or number, of the same shape and dtype on every rank.
        op: :data:`Average` (default), :data:`Sum`, :data:`Min` or :data:`Max`.
        weight: with ``op=Average``, this rank's weight ``w_r`` (for instance its number of
            samples): the result is ``sum_r(w_r x_r) / sum_r(w_r)``. Default: equal weights.
        name: a label for the error messages ("allreduce #12 (val_loss) timed out...").

    Returns:
        A new value of the input's kind, shape and dtype (a Tensor outside any graph).

    Example::

        >>> val_loss = dist.allreduce(local_loss, weight=len(x_local))   # the mean over every rank's samples
        >>> correct = dist.allreduce(np.array(n_correct), op=dist.Sum)
    """
    array, kind = unwrap(tensor, "allreduce")
    return rewrap(_reduce(array, _op(op), weight, name, "allreduce"), kind)


def allreduce_(tensor, op=Average, weight: float | None = None, name: str | None = None):
    """:func:`allreduce` in place: ``tensor`` (a Tensor or a NumPy array) receives the result; returns it."""
    array = writable(tensor, "allreduce_")
    array[...] = _reduce(array, _op(op), weight, name, "allreduce_")
    changed(tensor)
    return tensor


def broadcast(tensor, root: int = 0, name: str | None = None):
    """Root's ``tensor`` on every rank, as a new value (the shape and dtype must agree on every rank)."""
    array, kind = unwrap(tensor, "broadcast")
    root = _check_root(root, "broadcast")
    if group().size == 1:
        return rewrap(array.copy(), kind)
    flat = _wire(array, "broadcast").copy()
    group().broadcast(flat, root, name)
    return rewrap(flat.astype(array.dtype, copy=False).reshape(array.shape), kind)


def broadcast_(tensor, root: int = 0, name: str | None = None):
    """:func:`broadcast` in place: ``tensor`` (a Tensor or a NumPy array) is overwritten with root's; returns it."""
    array = writable(tensor, "broadcast_")
    array[...] = broadcast(array, root, name)
    changed(tensor)
    return tensor


def allgather(tensor, name: str | None = None):
    """Every rank's ``tensor`` concatenated along the first axis, in rank order (the first sizes may differ).

    Shape: ``(n_r, *S)`` on rank r gives ``(sum_r n_r, *S)`` on every rank. The other dimensions and
    the dtype must agree, which is checked first (every rank raises the same error otherwise).
    """
    array, kind = unwrap(tensor, "allgather")
    if array.ndim == 0:
        array = array.reshape(1)
    g = group()
    if g.size == 1:
        return rewrap(array.copy(), kind)
    layout = f"{array.dtype.str}{array.shape[1:]}"
    # NOTE: one small collective carries every rank's row count and a checksum of its layout; the layouts
    # themselves travel only when the checksums disagree, to name them in the error.
    header = g.allgather(np.array([len(array), zlib.crc32(layout.encode())], np.int64), name)
    if len(set(header[:, 1].tolist())) > 1:
        layouts = allgather_object(layout)
        described = ", ".join(f"rank {r}: {text}" for r, text in enumerate(layouts))
        raise ValueError(f"allgather: the ranks' tensors differ beyond the first axis or in dtype ({described})")
    row = math.prod(array.shape[1:])
    flat = _wire(array, "allgather")
    out = g.allgatherv(flat, [int(n) * row for n in header[:, 0]], name)
    return rewrap(out.astype(array.dtype, copy=False).reshape((-1,) + array.shape[1:]), kind)


def _bytes_to_all(data: bytes | None, root: int, name: str) -> bytes | None:
    """Root's bytes on every rank (None on every rank if root has none)."""
    g = group()
    length = np.array([-1 if data is None else len(data)], np.int64)
    g.broadcast(length, root, name)
    if length[0] < 0:
        return None
    buf = np.frombuffer(data, np.uint8).copy() if g.rank == root else np.empty(int(length[0]), np.uint8)
    g.broadcast(buf, root, name)
    return buf.tobytes()


def broadcast_object(obj=None, root: int = 0, name: str | None = None):
    """Root's ``obj`` on every rank, sent as JSON (dicts, lists, strings, numbers, bools, None; no arrays).

    Tuples arrive as lists and dict keys as strings, as with ``json``. Nothing is unpickled.
    """
    root = _check_root(root, "broadcast_object")
    if group().size == 1:
        return json.loads(json.dumps(obj))
    data = None
    if group().rank == root:
        try:
            data = json.dumps(obj).encode()
        except (TypeError, ValueError) as e:
            _bytes_to_all(None, root, name or "object")  # tell the others, so that every rank raises
            raise TypeError(f"broadcast_object sends JSON, and this object is not JSON: {e}") from None
    received = _bytes_to_all(data, root, name or "object")
    if received is None:
        raise TypeError(f"broadcast_object: rank {root}'s object is not JSON (see rank {root}'s error)")
    return json.loads(received)


def allgather_object(obj, name: str | None = None) -> list:
    """Every rank's ``obj`` (JSON), as a list indexed by rank."""
    try:
        data = json.dumps(obj).encode()
    except (TypeError, ValueError) as e:
        raise TypeError(f"allgather_object sends JSON, and this object is not JSON: {e}") from None
    g = group()
    if g.size == 1:
        return [json.loads(data)]
    lengths = g.allgather(np.array([len(data)], np.int64), name).reshape(-1)
    raw = g.allgatherv(np.frombuffer(data, np.uint8), lengths.tolist(), name).tobytes()
    ends = np.cumsum(lengths)
    return [json.loads(raw[end - n : end]) for end, n in zip(ends.tolist(), lengths.tolist())]


def barrier(name: str | None = None) -> None:
    """Wait until every rank has called it (for instance: rank 0 has finished writing a file)."""
    group().barrier(name)
