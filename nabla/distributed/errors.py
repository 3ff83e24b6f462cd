"""What a distributed job reports when a rank fails or goes missing."""

from __future__ import annotations


class DistributedError(RuntimeError):
    """Base class of the errors of :mod:`nabla.distributed`."""


class RankFailedError(DistributedError):
    """Another rank raised an exception, so this one stops too (rather than waiting for it forever).

    Attributes:
        failed_rank: the rank that raised.
        error: its exception, as ``"TypeName: message"``.
    """

    def __init__(self, failed_rank: int, error: str):
        super().__init__(
            f"rank {failed_rank} failed with {error}; every rank stops (rank {failed_rank}'s output has the traceback)"
        )
        self.failed_rank, self.error = failed_rank, error


class CollectiveTimeoutError(DistributedError, TimeoutError):
    """A collective waited longer than the timeout; the message names the ranks that never joined it.

    Attributes:
        missing: the ranks that did not answer (still computing, stuck, or already finished).
        elsewhere: ``{rank: "broadcast #7"}`` for ranks waiting in a different collective
            (the ranks' programs disagree, e.g. unequal numbers of batches).
    """

    def __init__(self, message: str, missing: list[int], elsewhere: dict[int, str]):
        super().__init__(message)
        self.missing, self.elsewhere = missing, elsewhere
