"""Start N processes under ``mpiexec``, and make sure none outlives the launch.

``python -m nabla.distributed --np 4 train.py`` and ``nabla train --np 4 ...`` come here. The
launcher finds ``mpiexec`` (the MPICH wheel installs it next to Python; Open MPI's is used too, with
the flags it needs to run as root and on more processes than cores), starts it in a session of its
own, and stays in charge of it:

- Ctrl-C is passed on to every rank (``mpiexec`` forwards it): a ``fit`` stops after the current
  batch on every rank; a script without a handler stops with ``KeyboardInterrupt``. If the ranks
  have not stopped 10 seconds later, or at a second Ctrl-C, ``mpiexec`` is told to end them
  (SIGTERM), and a third Ctrl-C kills it.
- ``timeout`` ends the job the same way when it runs too long.
- Whatever happened, any process of the launch still alive afterwards (found by a marker in its
  environment, ``NABLA_LAUNCH_ID``) is killed by its process id; and on Linux, if the launcher itself
  is killed, ``mpiexec`` receives SIGTERM and ends the ranks (the kernel's parent-death signal).
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import sysconfig
import threading
import time
from collections.abc import Sequence
from pathlib import Path

__all__ = ["command", "launch", "mpiexec"]

_INSTALL = "pip install 'nabla[mpi]' (mpi4py and the MPICH runtime, which brings mpiexec)"
_GRACE_S = 10.0  # after a Ctrl-C, how long the ranks may take to stop on their own


def mpiexec() -> str:
    """The path of ``mpiexec``: next to this Python (a virtual environment's), else on the PATH."""
    for folder in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        candidate = Path(folder) / ("mpiexec.exe" if os.name == "nt" else "mpiexec")
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which("mpiexec")
    if found is None:
        raise FileNotFoundError(f"running on several processes needs mpiexec, which was not found: {_INSTALL}")
    return found


def _is_open_mpi(path: str) -> bool:
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "open mpi" in (out.stdout + out.stderr).lower() or "openrte" in (out.stdout + out.stderr).lower()


def command(np: int, argv: Sequence[str]) -> list[str]:
    """The ``mpiexec`` command line that runs ``argv`` as ``np`` processes."""
    if isinstance(np, bool) or not isinstance(np, int) or np < 1:
        raise ValueError(f"the number of processes must be a positive integer, got {np!r}")
    if not argv:
        raise ValueError("nothing to run: give the program and its arguments")
    path = mpiexec()
    flags = []
    if _is_open_mpi(path):  # MPICH's Hydra needs neither
        flags.append("--oversubscribe")
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            flags.append("--allow-run-as-root")
    return [path, "-n", str(np), *flags, *argv]


def _marked(marker: str) -> list[int]:
    """The ids of the live processes whose environment carries ``NABLA_LAUNCH_ID=marker`` (Linux's /proc)."""
    needle = f"NABLA_LAUNCH_ID={marker}".encode()
    pids = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                pids.append(int(entry.name))
        except OSError:  # gone meanwhile, or not ours
            continue
    return [pid for pid in pids if pid != os.getpid()]


def _kill_marked(marker: str) -> None:
    for pid in _marked(marker):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


class _Stopper:
    """Turns Ctrl-C (and SIGTERM) into escalating requests to stop the job."""

    def __init__(self, proc: subprocess.Popen):
        self.proc, self.level, self.since = proc, 0, None
        self.previous = {}

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self.previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc):
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)
        return False

    def _handle(self, signum, frame):
        self.escalate(first=signal.SIGINT if signum == signal.SIGINT else signal.SIGTERM)

    def escalate(self, first: int = signal.SIGINT) -> None:
        """Ask once (Ctrl-C to the ranks), then insist (SIGTERM to mpiexec), then kill."""
        self.level = max(self.level + 1, 2 if first == signal.SIGTERM else 1)
        self.since = time.monotonic()
        try:
            if self.level == 1:
                self.proc.send_signal(signal.SIGINT)
            elif self.level == 2:
                self.proc.terminate()
            else:
                self.proc.kill()
        except OSError:
            pass

    def overdue(self) -> bool:
        return self.since is not None and time.monotonic() - self.since > _GRACE_S


def launch(
    argv: Sequence[str],
    np: int,
    timeout: float | None = None,
    env: dict | None = None,
    capture_output: bool = False,
    cwd: str | os.PathLike | None = None,
) -> subprocess.CompletedProcess:
    """Run ``argv`` (e.g. ``[sys.executable, "train.py"]``) as ``np`` MPI processes and wait for them.

    Args:
        argv: the program and its arguments, as each rank runs it.
        np: the number of processes.
        timeout: seconds after which the job is stopped (as by Ctrl-C, then harder); None waits.
        env: the environment of the ranks (default: this process's).
        capture_output: collect stdout and stderr (text) instead of passing them through.
        cwd: the ranks' working folder.

    Returns:
        The completed process: ``returncode`` (nonzero when a rank failed or the job was stopped;
        ``-1`` after a timeout), and ``stdout``/``stderr`` when captured.
    """
    cmd = command(np, argv)
    marker = secrets.token_hex(8)
    env = dict(os.environ if env is None else env, NABLA_LAUNCH_ID=marker)
    pipe = subprocess.PIPE if capture_output else None
    session = {"preexec_fn": _own_session} if os.name == "posix" else {}
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=pipe, stderr=pipe, text=True, **session)
    start = time.monotonic()
    timed_out = False
    collected: dict = {}
    try:
        with _Stopper(proc) as stopper:
            if capture_output:
                reader = threading.Thread(target=_collect, args=(proc, collected), daemon=True)
                reader.start()
            while proc.poll() is None:
                if timeout is not None and not timed_out and time.monotonic() - start > timeout:
                    timed_out = True
                    stopper.escalate(signal.SIGTERM)
                elif stopper.overdue():
                    stopper.escalate()
                time.sleep(0.05)
            if capture_output:
                reader.join(timeout=10)
    finally:
        if proc.poll() is None:
            if os.name == "posix":
                os.killpg(proc.pid, signal.SIGKILL)
            else:
                proc.kill()
            proc.wait()
        _kill_marked(marker)
    code = -1 if timed_out else proc.returncode
    return subprocess.CompletedProcess(cmd, code, collected.get("stdout"), collected.get("stderr"))


def _own_session() -> None:
    """In the child before exec: a session of its own (Ctrl-C reaches it only through the launcher), and on
    Linux a SIGTERM when the launcher dies, so that mpiexec ends its ranks rather than outliving a killed launcher."""
    os.setsid()
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _collect(proc: subprocess.Popen, into: dict) -> None:
    """Read both pipes to the end (a thread, so that a full pipe never blocks the ranks)."""
    out, err = proc.communicate()
    into["stdout"], into["stderr"] = out, err
