"""Running a script under ``mpiexec`` from a test: skip without MPI (fail in CI), never leave a process behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def require_mpi() -> None:
    """Skip (locally) or fail (in CI) when mpi4py or mpiexec is missing, naming the extra that brings them."""
    try:
        import mpi4py  # noqa: F401

        from nabla.distributed.launch import mpiexec

        mpiexec()
    except (ImportError, FileNotFoundError) as e:
        if os.environ.get("CI", "").lower() == "true":
            raise
        pytest.skip(f"needs MPI: pip install -e '.[mpi]' (mpi4py and mpich): {e}")


def run_mpi(script: str, *args: str, n: int, timeout: float = 120, env: dict | None = None):
    """Run ``tests/distributed/<script> args...`` as ``n`` ranks; the completed process with its output.

    Each launch has a timeout, after which the launcher stops mpiexec and kills any rank left by its id.
    """
    require_mpi()
    from nabla.distributed.launch import launch

    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")]))
    full_env = {
        **os.environ,
        "PYTHONPATH": path,
        "OPENBLAS_NUM_THREADS": "1",  # N ranks on 2 cores: one BLAS thread each
        "OMP_NUM_THREADS": "1",
        "NABLA_DIST_TIMEOUT": "60",
        **(env or {}),
    }
    return launch([sys.executable, str(HERE / script), *args], n, timeout=timeout, env=full_env, capture_output=True)


def output(proc: subprocess.CompletedProcess) -> str:
    return f"exit {proc.returncode}\n--- stdout\n{proc.stdout[-4000:]}\n--- stderr\n{proc.stderr[-4000:]}"
