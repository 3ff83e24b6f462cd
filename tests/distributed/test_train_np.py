"""``nabla train --np 2``: the command runs itself on two processes and ends where one process does."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from mpirun import ROOT, require_mpi

from nabla.cli import main


def test_train_on_two_processes_matches_one(tmp_path):
    require_mpi()
    command = ["train", "--dataset", "moons", "--epochs", "3", "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    proc = subprocess.run(
        [sys.executable, "-m", "nabla", *command, "--np", "2", "--out", str(tmp_path / "two")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.count("test:") == 1  # rank 0 reports, once
    assert main([*command, "--out", str(tmp_path / "one")]) == 0
    one, two = (json.loads((tmp_path / run / "metrics.json").read_text()) for run in ("one", "two"))
    assert (one["training"]["processes"], two["training"]["processes"]) == (1, 2)
    assert two["test"]["accuracy"] == one["test"]["accuracy"]
    assert two["test"]["loss"] == pytest.approx(one["test"]["loss"], rel=1e-5)


def test_np_is_checked():
    with pytest.raises(SystemExit):
        main(["train", "--np", "0"])
