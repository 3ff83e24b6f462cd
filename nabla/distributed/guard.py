"""Waiting for a collective without hanging: faults are passed on, timeouts name the missing rank.

MPI's blocking calls wait forever for a rank that raised an exception or is stuck. So every
collective of nabla is started non-blocking and finished by :meth:`Guard.wait`, a loop that tests
the request and, between tests, reads nabla's own control messages (on nabla's private copy of the
communicator, so they never meet the user's messages):

- ``FAULT`` (rank q raised): acknowledge, then raise :class:`RankFailedError` naming q's error.
- ``PROBE`` (rank q timed out and asks where we are): answer with the collective we wait in.

When the wait passes the timeout, the rank probes every other rank and waits a short grace for
answers: a rank that answers from the same collective is waiting too; one that answers from a
different collective disagrees with the program (unequal batch counts, a rank-dependent branch);
one that does not answer is missing (computing, stuck, or finished). The error names them.

The loop spins for the first milliseconds (a peer usually arrives within a step's jitter) and then
sleeps with growing pauses, so that a rank waiting for a slow peer leaves the cores to it.
"""

from __future__ import annotations

import json
import sys
import time

from .errors import CollectiveTimeoutError, RankFailedError

FAULT, PROBE, REPLY, ACK = 7301, 7302, 7303, 7304
_SPIN_S = 0.002  # busy-test this long before sleeping: most peers arrive within a step's jitter
_MIN_SLEEP_S, _MAX_SLEEP_S = 20e-6, 500e-6  # the sleeps then double up to this cap
_PROBE_GRACE_S = 3.0  # at most this long a timed-out rank waits for the others to say where they are
_ACK_GRACE_S = 2.0  # how long a failed rank waits for the others to acknowledge its error


class Guard:
    """The control-message side of an :class:`~nabla.distributed.mpi.MPIGroup`."""

    def __init__(self, comm, mpi, rank: int, size: int):
        self.comm, self.MPI, self.rank, self.size = comm, mpi, rank, size
        self.others = [q for q in range(size) if q != rank]
        self.seq = 0  # collectives entered so far: equal on every rank while their programs agree
        self.current: str | None = None  # "allreduce #12 (gradients)" while waiting in it
        self._sends: list = []  # (request, buffer) of messages not yet known to be sent
        self._replies: dict[int, str | None] = {}
        self._acks: set[int] = set()
        self._status = mpi.Status()
        self.unresponsive: set[int] = set()  # ranks found missing by a timed-out collective

    # --- messages ------------------------------------------------------------------------------------

    def _send(self, dest: int, tag: int, payload: dict) -> None:
        data = bytearray(json.dumps(payload).encode())
        self._sends.append((self.comm.Isend([data, self.MPI.BYTE], dest, tag), data))
        self._sends = [(r, d) for r, d in self._sends if not r.Test()]

    def serve(self, raise_faults: bool = True) -> None:
        """Read every control message that has arrived and act on it."""
        status, byte = self._status, self.MPI.BYTE
        while self.comm.Iprobe(self.MPI.ANY_SOURCE, self.MPI.ANY_TAG, status):
            source, tag = status.Get_source(), status.Get_tag()
            data = bytearray(status.Get_count(byte))
            self.comm.Recv([data, byte], source, tag)
            message = json.loads(data) if data else {}
            if tag == PROBE:
                self._send(source, REPLY, {"at": self.current})
            elif tag == REPLY:
                self._replies[source] = message.get("at")
            elif tag == ACK:
                self._acks.add(source)
            elif tag == FAULT:
                self._send(source, ACK, {})
                if raise_faults:
                    error = RankFailedError(source, str(message.get("error", "an exception")))
                    _say(f"rank {self.rank}: {error}")
                    raise error

    # --- waiting -------------------------------------------------------------------------------------

    def enter(self, kind: str, name: str | None) -> str:
        """Count a new collective and return how the errors will call it."""
        self.seq += 1
        return f"{kind} #{self.seq}" + (f" ({name})" if name else "")

    def wait(self, request, what: str, timeout: float) -> None:
        """Wait for ``request`` to complete, serving control messages; raise on a fault or a timeout."""
        if request.Test():
            return
        self.current = what
        start = time.monotonic()
        pause, polls = _MIN_SLEEP_S, 0
        try:
            while not request.Test():
                polls += 1
                if polls % 16 == 0:
                    self.serve()
                    now = time.monotonic()
                    if now - start > timeout:
                        if self._diagnose(request, what, now - start, timeout):
                            return
                    if now - start > _SPIN_S:
                        time.sleep(pause)
                        pause = min(2 * pause, _MAX_SLEEP_S)
                        polls = 15  # once sleeping, serve messages at every wake-up
        finally:
            self.current = None

    def _diagnose(self, request, what: str, waited: float, timeout: float) -> bool:
        """Ask the other ranks where they are; raise naming the missing ones (True if it completed meanwhile)."""
        self._replies.clear()
        for q in self.others:
            self._send(q, PROBE, {"at": what})
        deadline = time.monotonic() + min(_PROBE_GRACE_S, max(0.5, timeout / 2))
        while time.monotonic() < deadline and len(self._replies) < len(self.others):
            if request.Test():
                return True
            self.serve()
            time.sleep(0.001)
        missing = [q for q in self.others if q not in self._replies or self._replies[q] is None]
        elsewhere = {q: at for q, at in self._replies.items() if at is not None and at != what}
        waiting = sorted([self.rank] + [q for q, at in self._replies.items() if at == what])
        self.unresponsive = set(missing)
        parts = []
        if missing:
            ranks = ", ".join(map(str, missing))
            parts.append(
                f"rank{'s' if len(missing) > 1 else ''} {ranks} did not join it (still computing, stuck, or finished)"
            )
        parts += [f"rank {q} is waiting in {at} instead" for q, at in sorted(elsewhere.items())]
        raise CollectiveTimeoutError(
            f"{what} timed out after {waited:.1f} s on rank {self.rank}: {'; '.join(parts) or 'no rank answered'} "
            f"({_ranks(waiting)} waiting in it). If one rank is merely slow, raise "
            "the timeout: nabla.distributed.init(timeout=...) or NABLA_DIST_TIMEOUT; if the ranks ran different "
            "numbers of steps, give every rank the same number of batches (DistributedSampler does)",
            missing,
            elsewhere,
        )

    # --- failing ----------------------------------------------------------------------------------------

    def announce(self, error: str) -> None:
        """Tell every other rank that this one failed with ``error``; wait a little for their acknowledgements."""
        self._acks.clear()
        for q in self.others:
            self._send(q, FAULT, {"error": error})
        expected = set(self.others) - self.unresponsive  # a rank that did not answer a probe will not ack either
        deadline = time.monotonic() + _ACK_GRACE_S
        while time.monotonic() < deadline and not expected <= self._acks:
            self.serve(raise_faults=False)
            time.sleep(0.001)


def _ranks(ranks: list[int]) -> str:
    return f"rank {ranks[0]} is" if len(ranks) == 1 else f"ranks {', '.join(map(str, ranks))} are"


def _say(line: str) -> None:
    """One line on stderr, flushed at once (the job may be ended by MPI_Abort right after)."""
    print(f"nabla.distributed: {line}", file=sys.stderr, flush=True)


def summary(exc: BaseException) -> str:
    """``"TypeName: first line of the message"``, short enough for one line of a log."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = text if len(text) <= 400 else text[:397] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def install_excepthook(guard: Guard, abort) -> None:
    """Make an exception that escapes the script stop the whole job, with the error named on every rank.

    The failing rank prints its traceback as usual, sends the error to the others (each says which
    rank failed and with what, and stops), then ends the job with ``MPI_Abort``. A rank stopping
    because another failed only says so in one line: the traceback that matters is the other's.
    """
    previous = sys.excepthook

    def hook(exc_type, exc, tb):
        code = 130 if issubclass(exc_type, KeyboardInterrupt) else 1
        if isinstance(exc, RankFailedError):
            deadline = time.monotonic() + _ACK_GRACE_S + 1.0
            while time.monotonic() < deadline:  # the failed rank ends the job once every rank has said so
                guard.serve(raise_faults=False)
                time.sleep(0.01)
        else:
            if code == 130:
                _say(f"rank {guard.rank} interrupted (Ctrl-C); stopping every rank")
            else:
                previous(exc_type, exc, tb)
                _say(f"rank {guard.rank} of {guard.size} failed with {summary(exc)}; stopping every rank")
            try:
                guard.announce(summary(exc))
            except BaseException:  # noqa: BLE001 - the job is ending; MPI_Abort below must run whatever happens
                pass
        sys.stdout.flush()
        sys.stderr.flush()
        abort(code)

    sys.excepthook = hook
