"""A failing, stalled or interrupted rank stops the whole job, and every rank says why; nothing is left running."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

from mpirun import HERE, ROOT, output, require_mpi, run_mpi


def test_a_rank_that_raises_stops_every_rank_with_its_error_named():
    start = time.monotonic()
    proc = run_mpi("mpi_faults.py", "raise", n=3, timeout=60)
    assert proc.returncode != 0, output(proc)
    assert time.monotonic() - start < 45, "the job hung instead of stopping"
    error = "ValueError: bad label 12 in the shard of rank 1 (10 classes)"
    assert f"rank 1 of 3 failed with {error}" in proc.stderr, output(proc)
    for r in (0, 2):
        assert f"rank {r}: rank 1 failed with {error}" in proc.stderr, output(proc)
    assert "Traceback" in proc.stderr  # rank 1's own traceback, as Python prints it


def test_a_collective_that_times_out_names_the_missing_rank():
    proc = run_mpi("mpi_faults.py", "stall", n=3, timeout=60)
    assert proc.returncode != 0, output(proc)
    assert "allreduce #2 (gradients) timed out after" in proc.stderr, output(proc)
    assert "rank 2 did not join it" in proc.stderr, output(proc)
    assert "ranks 0, 1 are waiting in it" in proc.stderr, output(proc)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"  # a zombie has already stopped
    except OSError:
        return False


def test_ctrl_c_on_the_launcher_stops_every_rank():
    require_mpi()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"}
    launcher = subprocess.Popen(
        [sys.executable, "-m", "nabla.distributed", "--np", "2", "--timeout", "60"]
        + [str(HERE / "mpi_faults.py"), "loop"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    pids, said = [], ""
    try:
        deadline = time.monotonic() + 60
        while len(pids) < 2 and time.monotonic() < deadline:
            line = launcher.stdout.readline()
            if not line and launcher.poll() is not None:
                break
            # The ranks share the launcher's stdout: one rank's line may arrive inside the other's.
            said += line
            pids = [int(pid) for pid in re.findall(r"ready \d+ (\d+)", said)]
        assert len(pids) == 2, output(subprocess.CompletedProcess([], launcher.poll(), "", launcher.stderr.read()))
        launcher.send_signal(signal.SIGINT)  # what the terminal sends to the launcher at Ctrl-C
        launcher.wait(timeout=30)
        time.sleep(0.5)
        assert launcher.returncode != 0
        assert not [pid for pid in pids if _alive(pid)], "a rank outlived Ctrl-C"
        assert "interrupted (Ctrl-C)" in launcher.stderr.read()
    finally:
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGKILL)
            launcher.wait()
        for pid in pids:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
