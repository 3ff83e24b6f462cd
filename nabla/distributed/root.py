"""Things one rank does for all: printing, writing checkpoints (rank 0, the root).

N ranks printing the same progress line give N lines; N ranks writing the same checkpoint race on
one file. These helpers do it once, on rank 0, and with one process they are plain ``print`` and
``nb.save``.
"""

from __future__ import annotations

import builtins
import functools
import os

from ..engine.serialization import save as _save
from .collectives import barrier
from .world import is_root

__all__ = ["print", "rank_zero_only", "save"]


def print(*args, flush: bool = True, **kwargs) -> None:  # noqa: A001 - dist.print, as accelerate's
    """``print`` on rank 0 only (flushed at once, so that lines from a job's ranks come in order)."""
    if is_root():
        builtins.print(*args, flush=flush, **kwargs)


def save(obj, path: str | os.PathLike) -> None:
    """``nb.save(obj, path)`` on rank 0, then wait until it is written, on every rank.

    Every rank must call it (it ends with a barrier), so that none reads the file, or ends the job,
    before it is complete. The file is written atomically, as ``nb.save`` does. The replicas are
    identical, so rank 0's weights are every rank's; reload the checkpoint with ``nb.load`` on
    every rank (or on rank 0 followed by :func:`broadcast_parameters`), with any number of ranks.
    """
    if is_root():
        _save(obj, path)
    barrier("save")


def rank_zero_only(fn):
    """Decorator: call ``fn`` on rank 0 only; on the other ranks the call does nothing and returns None."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs) if is_root() else None

    return wrapper
