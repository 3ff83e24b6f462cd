"""Training on a file larger than the process's address-space limit: the data streams from disk."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import nabla as nb

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS and /proc are Linux's")
def test_one_epoch_over_a_file_larger_than_the_memory_limit(tmp_path):
    rows, width = 75_000, 4096  # 307 MB of uint8 rows

    def batches():
        rng = np.random.default_rng(0)
        for _ in range(rows // 5000):
            x = rng.integers(0, 256, size=(5000, width), dtype=np.uint8)
            yield x, (x[:, :16].mean(axis=1) > 127.5).astype(np.int64)  # learnable from 16 of the pixels

    path = nb.data.write_chunked(tmp_path / "big.nbd", batches())
    # NOTE: one BLAS thread and two malloc arenas keep the address space that threads reserve small.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1", "MALLOC_ARENA_MAX": "2"}
    proc = subprocess.run(
        [sys.executable, str(HERE / "larger_than_memory.py"), str(path), "128"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    size = path.stat().st_size
    assert size > got["limit"], (size, got["limit"])  # the whole file could not even be addressed
    assert not got["could_load_file"]
    assert got["rows"] == rows
    assert got["peak_rss_growth"] < size / 3  # the training held a fraction of the file at any time
    assert got["last"] < 0.9 * got["first"]  # it learned while streaming
    assert got["fit_loss"] < got["first"]  # and fit trained on the same file within the same limit
