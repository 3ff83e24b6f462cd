"""The MPI group: nabla's collectives on NumPy arrays, over ``mpi4py``, each guarded against hangs.

The public collectives (:mod:`nabla.distributed.collectives`) reduce to a few operations on
contiguous 1-D arrays: all-reduce, broadcast, all-gather (of equal or of varying lengths) and barrier.

All-reduce is a reduce-scatter followed by an all-gather: each rank reduces one slice of the array
and sends its result to everyone. That is the bandwidth-optimal ring all-reduce's structure
(each rank sends and receives ``2 (N-1)/N`` times the array), and it makes every rank's result
bit-identical by construction: each element is summed once, on one rank, and copied to the
others, so replicas of a model never drift apart by a rounding.
"""

from __future__ import annotations

import numpy as np

from .guard import Guard, install_excepthook


class MPIGroup:
    """The processes of an ``mpiexec`` job, joined through ``mpi4py``.

    Attributes:
        rank, size: this process's number and the number of processes.
        local_rank, local_size: the same among the processes sharing this machine.
        timeout: seconds a collective waits before reporting the missing ranks.
    """

    def __init__(self, timeout: float):
        from mpi4py import MPI

        self.MPI = MPI
        # NOTE: a private copy of COMM_WORLD: nabla's control messages and collectives never match the user's.
        self.comm = MPI.COMM_WORLD.Dup()
        self.rank, self.size = self.comm.Get_rank(), self.comm.Get_size()
        local = self.comm.Split_type(MPI.COMM_TYPE_SHARED)
        self.local_rank, self.local_size = local.Get_rank(), local.Get_size()
        local.Free()
        self.timeout = timeout
        self.guard = Guard(self.comm, MPI, self.rank, self.size)
        self._ops = {"sum": MPI.SUM, "min": MPI.MIN, "max": MPI.MAX}
        install_excepthook(self.guard, MPI.COMM_WORLD.Abort)

    def __repr__(self) -> str:
        return f"nabla.distributed: rank {self.rank} of {self.size} (MPI, {self.local_size} on this machine)"

    def _run(self, request, what: str) -> None:
        self.guard.wait(request, what, self.timeout)

    def _slices(self, n: int) -> tuple[list[int], list[int]]:
        """Counts and offsets of ``size`` near-equal consecutive slices of ``n`` elements."""
        base, extra = divmod(n, self.size)
        counts = [base + (r < extra) for r in range(self.size)]
        return counts, np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(int).tolist()

    def allreduce(self, array: np.ndarray, op: str, name: str | None = None) -> np.ndarray:
        """``op`` ("sum", "min", "max") of every rank's ``array`` (1-D, contiguous), the same bits on every rank."""
        what = self.guard.enter("allreduce", name)
        counts, offsets = self._slices(array.size)
        part = np.empty(counts[self.rank], array.dtype)
        self._run(self.comm.Ireduce_scatter(array, part, counts, self._ops[op]), what)
        out = np.empty_like(array)
        self._run(self.comm.Iallgatherv(part, [out, (counts, offsets)]), what)
        return out

    def broadcast(self, array: np.ndarray, root: int, name: str | None = None) -> None:
        """Overwrite ``array`` (contiguous) on every rank with root's."""
        what = self.guard.enter("broadcast", name)
        self._run(self.comm.Ibcast(array, root=root), what)

    def allgather(self, array: np.ndarray, name: str | None = None) -> np.ndarray:
        """Every rank's 1-D ``array`` of the same length, stacked in rank order: ``(size, len)``."""
        what = self.guard.enter("allgather", name)
        out = np.empty((self.size, array.size), array.dtype)
        self._run(self.comm.Iallgather(array, out), what)
        return out

    def allgatherv(self, array: np.ndarray, counts: list[int], name: str | None = None) -> np.ndarray:
        """Every rank's 1-D ``array`` (rank r's of length ``counts[r]``), concatenated in rank order."""
        what = self.guard.enter("allgather", name)
        offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(int).tolist()
        out = np.empty(sum(counts), array.dtype)
        self._run(self.comm.Iallgatherv(array, [out, (counts, offsets)]), what)
        return out

    def barrier(self, name: str | None = None) -> None:
        """Wait until every rank has reached this call."""
        what = self.guard.enter("barrier", name)
        self._run(self.comm.Ibarrier(), what)
