"""Atomic writes (nabla/atomic.py): killed writers leave the target intact, and the next save removes their debris.

The writers are real processes killed with SIGKILL mid-write, as a crash or the out-of-memory killer would.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

import nabla as nb
from nabla.atomic import atomic_write, remove_stale_temporaries

ROOT = Path(__file__).resolve().parents[1]
posix_only = pytest.mark.skipif(os.name == "nt", reason="SIGKILL and flock are POSIX")

# A writer that writes half its data, says so, then waits for a line on stdin before finishing.
WRITER = """
import sys
from nabla.atomic import atomic_write

def write(f):
    f.write(b"new" * 100_000)
    f.flush()
    print("half", flush=True)
    sys.stdin.readline()
    f.write(b"end")

atomic_write(sys.argv[1], write)
print("done", flush=True)
"""


def _start_writer(target: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(target)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True
    )
    assert proc.stdout.readline() == "half\n"
    return proc


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@posix_only
def test_writer_killed_mid_write_leaves_the_target_intact_and_the_next_save_removes_its_debris(tmp_path):
    target = tmp_path / "model.st"
    nb.save({"w": nb.ones(3)}, target)
    before = target.read_bytes()
    proc = _start_writer(target)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    debris = _temporaries(tmp_path)
    assert len(debris) == 1 and debris[0].startswith(".model.st.")  # what a killed writer leaves
    assert target.read_bytes() == before
    nb.save({"w": nb.zeros(3)}, target)
    assert _temporaries(tmp_path) == []
    np.testing.assert_array_equal(nb.load(target)["w"].numpy(), np.zeros(3, np.float32))


@posix_only
def test_saves_killed_at_random_moments_never_leave_a_broken_target(tmp_path):
    """Processes saving 8 MB in a loop, killed at random moments: the target is absent or whole, never broken."""
    target = tmp_path / "ckpt.st"
    script = textwrap.dedent(
        """
        import sys, numpy as np, nabla as nb
        x = np.arange(2_000_000, dtype=np.float32)
        i = 0
        while True:
            nb.save({"x": x, "i": np.array(i)}, sys.argv[1])
            i += 1
        """
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"}
    rng = np.random.default_rng(0)
    for _ in range(4):
        proc = subprocess.Popen([sys.executable, "-c", script, str(target)], env=env)
        time.sleep(1.0 + float(rng.uniform(0.0, 1.0)))  # NOTE: a moment to kill at, not a timing assertion
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert len(_temporaries(tmp_path)) <= 1  # each new writer removed the debris of the one killed before it
        if target.exists():
            loaded = nb.load(target)
            np.testing.assert_array_equal(loaded["x"], np.arange(2_000_000, dtype=np.float32))
    nb.save({"x": np.zeros(1)}, target)
    assert _temporaries(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt.st"]


@posix_only
def test_a_save_never_removes_the_temporary_file_of_a_writer_still_at_work(tmp_path):
    target = tmp_path / "m.st"
    proc = _start_writer(target)
    try:
        nb.save({"w": nb.ones(2)}, target)  # another writer of the same target, meanwhile
        assert len(_temporaries(tmp_path)) == 1  # the live writer's file survived
        assert remove_stale_temporaries(target) == []
        proc.stdin.write("go\n")
        proc.stdin.flush()
        assert proc.stdout.readline() == "done\n"
    finally:
        proc.kill()
        proc.wait()
    assert target.read_bytes() == b"new" * 100_000 + b"end"  # the last rename wins, whole
    assert _temporaries(tmp_path) == []


def test_only_stale_temporaries_of_the_same_target_are_removed(tmp_path):
    target = tmp_path / "m.st"
    stale = tmp_path / ".m.st.0123456789abcdef.tmp"
    others = [
        ".m.st.0123456789ABCDEF.tmp",  # not the pattern (upper-case hex)
        ".m.st.0123.tmp",
        ".m.stx.0123456789abcdef.tmp",  # another target's
        ".n.st.0123456789abcdef.tmp",
        "m.st.0123456789abcdef.tmp",
    ]
    for name in [stale.name, *others]:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / ".m.st.fedcba9876543210.tmp").mkdir()  # a folder with the pattern's name is not a file
    atomic_write(target, b"data")
    assert not stale.exists()
    for name in others:
        assert (tmp_path / name).read_bytes() == b"x"
    assert (tmp_path / ".m.st.fedcba9876543210.tmp").is_dir()
    assert target.read_bytes() == b"data"


@pytest.mark.skipif(os.name == "nt", reason="symbolic links")
def test_a_symlink_named_like_a_temporary_is_left_alone(tmp_path):
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep")
    os.symlink(victim, tmp_path / ".m.st.0123456789abcdef.tmp")
    atomic_write(tmp_path / "m.st", b"data")
    assert victim.read_bytes() == b"keep" and (tmp_path / ".m.st.0123456789abcdef.tmp").is_symlink()


def test_the_file_and_then_its_folder_are_synced_after_the_rename(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(
        os, "fsync", lambda fd: (events.append(("fsync", stat.S_ISDIR(os.fstat(fd).st_mode))), real_fsync(fd))
    )
    monkeypatch.setattr(os, "replace", lambda a, b: (events.append(("replace", None)), real_replace(a, b)))
    atomic_write(tmp_path / "m.st", b"data")
    expected = [("fsync", False), ("replace", None)] + ([("fsync", True)] if os.name != "nt" else [])
    assert events == expected


def test_a_failing_writer_leaves_the_old_target_and_no_temporary(tmp_path):
    target = tmp_path / "m.st"
    target.write_bytes(b"old")

    def write(f):
        f.write(b"partial")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        atomic_write(target, write)
    assert target.read_bytes() == b"old" and _temporaries(tmp_path) == []


def test_permissions_follow_the_umask_and_long_names_work(tmp_path):
    old = os.umask(0o027)
    try:
        path = atomic_write(tmp_path / ("n" * 250), b"data")  # the temporary's name would exceed 255 bytes as is
    finally:
        os.umask(old)
    assert path.read_bytes() == b"data" and _temporaries(tmp_path) == []
    if os.name != "nt":
        assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_missing_folder_is_named_before_anything_is_written(tmp_path):
    """As Keras 3's save, a missing folder is an error (FileNotFoundError); the message names the folder and what
    to do, not the hidden temporary file the OS could not create."""
    target = tmp_path / "training_1" / "cp.weights.h5"
    with pytest.raises(FileNotFoundError, match=r"folder '.*training_1' does not exist; create it first"):
        atomic_write(target, b"data")
    assert not (tmp_path / "training_1").exists()
