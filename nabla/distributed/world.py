"""The group of processes training together: who am I (``rank``), how many are we (``size``).

A script started by ``mpiexec -n N`` (or ``python -m nabla.distributed --np N``) runs as N processes,
numbered 0 to N-1. :func:`init` joins them through MPI (``mpi4py``); a script started as usual is a
group of one, and every collective is then a no-op, so the same script runs anywhere.

Whether the process was started by an MPI launcher is read from the variables the launchers set
(``PMI_SIZE`` for MPICH's Hydra and Intel MPI, ``OMPI_COMM_WORLD_SIZE`` for Open MPI, ``PMIX_RANK``
for PMIx launchers such as Slurm's ``srun``). Only then is ``mpi4py`` imported: a script run by
``mpiexec -n 4`` without ``mpi4py`` would otherwise train four unrelated models, so it stops with an
error that names the extra to install.
"""

from __future__ import annotations

import os

__all__ = ["DEFAULT_TIMEOUT", "init", "is_initialized", "is_root", "local_rank", "local_size", "rank", "size"]

DEFAULT_TIMEOUT = 300.0
"""Seconds a collective waits for the other ranks before it reports which ones are missing.

PyTorch's process groups wait 30 minutes, NCCL's watchdog 10; nabla waits 5 minutes by default,
long enough for a slow epoch's evaluation on one rank, short enough to see a stuck job. Set it with
``init(timeout=...)`` or the ``NABLA_DIST_TIMEOUT`` environment variable (seconds).
"""

_INSTALL = "pip install 'nabla[mpi]' (mpi4py and the MPICH runtime)"


class Solo:
    """A group of one process: rank 0 of 1, and every collective returns its input."""

    rank = 0
    size = 1
    local_rank = 0
    local_size = 1
    timeout = DEFAULT_TIMEOUT

    def __repr__(self) -> str:
        return "nabla.distributed: one process (no MPI launcher)"

    # The collectives of a group of one: what every rank would get is this rank's own data.
    def allreduce(self, array, op: str, name: str | None = None):
        return array.copy()

    def broadcast(self, array, root: int, name: str | None = None) -> None:
        pass

    def allgather(self, array, name: str | None = None):
        return array.reshape(1, -1).copy()

    def allgatherv(self, array, counts, name: str | None = None):
        return array.copy()

    def barrier(self, name: str | None = None) -> None:
        pass


_group = None


def _launched_size() -> int | None:
    """The number of processes an MPI launcher started, None when none did (or it cannot tell)."""
    for var in ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE"):
        value = os.environ.get(var, "").strip()
        if value.isdigit():
            return int(value)
    return 0 if "PMIX_RANK" in os.environ else None


def _timeout_from_env() -> float:
    text = os.environ.get("NABLA_DIST_TIMEOUT", "").strip()
    if not text:
        return DEFAULT_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"NABLA_DIST_TIMEOUT must be a number of seconds, got {text!r}") from None
    if not value > 0:
        raise ValueError(f"NABLA_DIST_TIMEOUT must be positive, got {text!r}")
    return value


def init(timeout: float | None = None):
    """Join the processes of this job; returns the group. Call it once, at the start of the script.

    Args:
        timeout: seconds a collective waits for the other ranks before it raises
            :class:`~nabla.distributed.CollectiveTimeoutError` naming the ranks that did not join;
            default ``$NABLA_DIST_TIMEOUT`` or :data:`DEFAULT_TIMEOUT` (300 s).

    Under an MPI launcher this imports ``mpi4py`` (initialising MPI), and installs the fault handler:
    an exception that escapes the script on one rank is printed there, sent to every other rank
    (which stops with it named, instead of waiting forever in its next collective), and the job is
    ended with ``MPI_Abort``. Without a launcher it does nothing but record the group of one.
    Calling it again returns the same group (a new ``timeout`` replaces the old one).

    Every function of :mod:`nabla.distributed` calls it on first use, so it is optional; calling it
    first makes the fault handler cover the whole script.
    """
    global _group
    if timeout is not None and not (isinstance(timeout, (int, float)) and timeout > 0):
        raise ValueError(f"init: timeout must be a positive number of seconds, got {timeout!r}")
    if _group is None:
        launched = _launched_size()
        if launched is None or launched == 1:
            _group = Solo()
            _group.timeout = _timeout_from_env()
        else:
            try:
                from mpi4py import MPI  # noqa: F401  (imported here: it initialises MPI)
            except ImportError:
                raise ImportError(
                    f"this script was started by an MPI launcher as {launched or 'several'} processes, but mpi4py "
                    f"is not installed, so each would train alone: {_INSTALL}"
                ) from None
            from .mpi import MPIGroup

            _group = MPIGroup(_timeout_from_env())
    if timeout is not None:
        _group.timeout = float(timeout)
    return _group


def group():
    """The current group, joined on first use."""
    return _group if _group is not None else init()


def is_initialized() -> bool:
    """Whether :func:`init` has run (explicitly or on first use)."""
    return _group is not None


def rank() -> int:
    """This process's number in the job, from 0 to ``size() - 1`` (0 without a launcher)."""
    return group().rank


def size() -> int:
    """The number of processes in the job (1 without a launcher)."""
    return group().size


def local_rank() -> int:
    """This process's number among the processes on the same machine (to pick a device or a core set)."""
    return group().local_rank


def local_size() -> int:
    """The number of processes of the job on this machine."""
    return group().local_size


def is_root() -> bool:
    """Whether this is rank 0, the process that prints, logs and writes checkpoints."""
    return group().rank == 0
