"""Every lab script in examples/ runs with ``--quick`` and writes its figures.

tests/examples/test_lab_notebooks.py runs the same labs as notebooks.

Each runs in a subprocess, as a student would run it, with ``--out`` in a
temporary folder; the datasets come from ``$NABLA_DATA_DIR`` (or ``shared/data``
beside the repository), set by conftest. One BLAS thread per script: on a busy
machine OpenBLAS's threads otherwise spin against each other and small
matrix products get many times slower.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FISH_FILES, MNIST_FILES, real_data, require

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
NEEDS_DATA = {"04_fish_market.py": FISH_FILES, "05_mnist_mlp.py": MNIST_FILES, "05b_mnist_cnn.py": MNIST_FILES}

# The figures (and drawings) each lab writes into --out.
FIGURES = {
    "01_perceptron_logic_gates.py": ["logic_gates.png"],
    "02_xor_hidden_layer.py": ["xor_hidden_layer.png"],
    "03_moons_circles_spiral.py": ["boundaries.png"],
    "04_fish_market.py": ["fish_predictions.png", "fish_mlp_history.png"],
    "05_mnist_mlp.py": ["mnist_mlp_history.png", "mnist_mlp_confusion.png", "mnist_mlp_misclassified.png"],
    "05b_mnist_cnn.py": ["mnist_cnn_history.png", "mnist_cnn_filters.png", "mnist_cnn_misclassified.png"],
    "06_optimizers.py": ["optimizers_loss.png", "optimizers_paths.png"],
    "07_learning_rate_batch_size.py": ["learning_rates.png", "learning_rate_valley.png", "batch_sizes.png"],
    "08_finite_differences_vs_backprop.py": ["fd_vs_backprop.png"],
    "09_regularization.py": ["regularization.png"],
    "10_universal_approximation.py": ["universal_approximation.png", "linear_regions.png"],
    "11_double_descent.py": ["double_descent.png"],
    "12_computational_graph.py": ["neuron_graph.png", "neuron_graph.dot", "mlp_graph.png", "mlp_graph.dot"],
}


def header(path: Path) -> str:
    """A lab's first cell, the text that opens its notebook: the ``# %% [markdown]`` comment block."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0] != "# %% [markdown]":
        return ""
    text = []
    for line in lines[1:]:
        if not line.startswith("#") or line.startswith("# %%"):
            break
        text.append(line[2:])
    return "\n".join(text)


def test_every_example_is_listed_and_documented():
    scripts = sorted(p.name for p in EXAMPLES.glob("[0-9]*.py"))
    assert scripts == sorted(FIGURES)
    for name in scripts:
        text = header(EXAMPLES / name)
        assert text.startswith("# Lab ") and "--quick" in text, (
            f"{name} needs a first markdown cell with its title and how to run it"
        )


@pytest.mark.parametrize("script", sorted(FIGURES))
def test_example_runs_quick_and_writes_its_figures(script, tmp_path):
    require("matplotlib")
    if script in NEEDS_DATA:
        real_data(*NEEDS_DATA[script])
    env = {**os.environ, "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / script), "--quick", "--out", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, f"{script} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    assert done.stdout.strip(), f"{script} printed nothing"
    for name in FIGURES[script]:
        path = tmp_path / name
        assert path.is_file() and path.stat().st_size > 0, f"{script} did not write {name}"
        if name.endswith(".png"):
            assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_lab_12_without_graphviz_draws_with_matplotlib_and_says_so(tmp_path):
    require("matplotlib")
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {**os.environ, "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1", "PATH": str(empty)}  # no 'dot' on it
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "12_computational_graph.py"), "--out", str(tmp_path / "out")],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Graphviz's 'dot' is not installed: the PNGs are drawn with matplotlib" in done.stdout
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["mlp_graph.dot", "mlp_graph.png", "neuron_graph.dot", "neuron_graph.png"]
    assert (tmp_path / "out" / "neuron_graph.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
