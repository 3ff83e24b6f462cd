"""The course-style labs in ``examples/keras/`` run in quick mode with only the import rule applied, and learn.

Each runs in a subprocess from a temporary folder (what it writes lands there), with ``NABLA_QUICK=1``;
the numbers it prints are read back and checked against what the lab should reach.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MNIST_FILES, real_data

LABS = Path(__file__).resolve().parents[2] / "examples" / "keras"


def _run(script: str, cwd: Path) -> str:
    env = {**os.environ, "NABLA_QUICK": "1", "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1"}
    env["PYTHONPATH"] = os.pathsep.join([str(LABS.parents[1]), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, str(LABS / script)], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"{script} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def _number(pattern: str, text: str) -> float:
    found = re.search(pattern, text)
    assert found, f"no match for {pattern!r} in:\n{text}"
    return float(found.group(1))


@pytest.mark.parametrize("script", sorted(p.name for p in LABS.glob("*.py")))
def test_labs_use_only_the_import_rule(script):
    """Every nabla import is ``nabla.keras`` (what ``import keras`` becomes), and the header says how to run it."""
    tree = ast.parse((LABS / script).read_text(encoding="utf-8"))
    modules = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    modules += [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert all(m == "nabla.keras" or not m.startswith("nabla") for m in modules), modules
    assert "NABLA_QUICK=1" in ast.get_docstring(tree)


def test_regression_lab_learns(tmp_path):
    out = _run("regression_lab.py", tmp_path)
    assert abs(_number(r"prediction for x = 10: (-?[\d.]+)", out) - 19.0) < 0.5
    assert abs(_number(r"learned w = (-?[\d.]+)", out) - 2.0) < 0.05
    first, last = (float(v) for v in re.search(r"first epoch loss ([\d.]+), last ([\d.]+)", out).groups())
    assert last < first / 10
    assert _number(r"test MSE ([\d.]+)", out) < 0.1  # the noise variance is 0.01
    assert "Total params: 353" in out


def test_mnist_lab_learns(tmp_path):
    real_data(*MNIST_FILES)
    if shutil.which("dot") is None and os.environ.get("CI", "").lower() != "true":
        pytest.skip("the lab draws its convnet with plot_model, which needs Graphviz's dot")
    out = _run("mnist_lab.py", tmp_path)
    assert "x_train: (2000, 28, 28) uint8" in out and "one-hot labels: (2000, 10)" in out
    assert _number(r"Dense test accuracy: ([\d.]+)", out) > 0.75
    assert _number(r"Convnet test accuracy: ([\d.]+)", out) > 0.6
    assert "Total params: 34,826" in out  # Keras's "simple MNIST convnet" count
    assert (tmp_path / "mnist_convnet.png").read_bytes()[:4] == b"\x89PNG"
