"""The labs as notebooks: examples/notebooks/*.ipynb match their scripts, and run in a Jupyter kernel.

Each notebook runs as a learner's Jupyter runs it: a fresh ``python3`` kernel, matplotlib's
notebook backend, the lab's options from ``NABLA_LAB_ARGS`` (``--quick --out`` a temporary
folder). A cell that raises fails the test with its traceback. The figures must show inline (a
PNG output per figure), Keras's progress
must print plain lines (no carriage returns, no TqdmWarning), and the figures must still be
written to ``--out``.

In CI every lab runs; elsewhere a representative few (a plain-NumPy lab, a Keras ``fit`` with its
progress, the graph drawings), since tests/examples/test_lab_scripts.py already runs every script.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
from conftest import real_data, require
from notebook_runner import execute, outputs
from test_lab_scripts import EXAMPLES, FIGURES, NEEDS_DATA

IN_CI = os.environ.get("CI", "").lower() == "true"
EVERY_RUN = {"01_perceptron_logic_gates.py", "05_mnist_mlp.py", "12_computational_graph.py"}


def make_notebooks():
    spec = importlib.util.spec_from_file_location("make_notebooks", EXAMPLES / "make_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_notebook_matches_its_script():
    require("jupytext")
    maker = make_notebooks()
    assert [p.name for p in maker.stale()] == [], "run python examples/make_notebooks.py"
    assert sorted(p.stem for p in maker.NOTEBOOKS.glob("*.ipynb")) == sorted(Path(s).stem for s in FIGURES)


def test_a_changed_script_is_caught(tmp_path, monkeypatch):
    require("jupytext")
    maker = make_notebooks()
    script = tmp_path / "01_lab.py"
    script.write_text("# %% [markdown]\n# # Lab\n\n# %%\nx = 1\n", encoding="utf-8")
    monkeypatch.setattr(maker, "EXAMPLES", tmp_path)
    monkeypatch.setattr(maker, "NOTEBOOKS", tmp_path / "notebooks")
    assert maker.main([]) == 0 and maker.main(["--check"]) == 0
    script.write_text("# %% [markdown]\n# # Lab\n\n# %%\nx = 2\n", encoding="utf-8")
    assert maker.main(["--check"]) == 1
    (tmp_path / "notebooks" / "02_gone.ipynb").write_text("{}", encoding="utf-8")
    assert [p.name for p in maker.stale()] == ["01_lab.ipynb", "02_gone.ipynb"]


@pytest.mark.parametrize("script", sorted(FIGURES))
def test_lab_notebook_runs_quick_and_shows_its_figures(script, tmp_path):
    if not IN_CI and script not in EVERY_RUN:
        pytest.skip("every lab notebook runs in CI (CI=true); here a few (test_lab_scripts.py runs every script)")
    require("matplotlib")
    require("nbformat")
    if script in NEEDS_DATA:
        real_data(*NEEDS_DATA[script])
    import nbformat

    notebook = nbformat.read(EXAMPLES / "notebooks" / f"{Path(script).stem}.ipynb", as_version=4)
    out = tmp_path / "out"
    run_in = tmp_path / "cwd"
    run_in.mkdir()
    execute(notebook, run_in, env={"NABLA_LAB_ARGS": f"--quick --out '{out}'"})

    texts, shown = [], []
    for cell in notebook.cells:
        if cell.cell_type == "code":
            text, mimes = outputs(cell)
            texts.append(text)
            shown.extend(mimes)
    printed = "".join(texts)
    assert printed.strip(), f"{script} printed nothing"
    assert "\r" not in printed and "TqdmWarning" not in printed, printed[-2000:]
    pngs = [name for name in FIGURES[script] if name.endswith(".png")]
    assert shown.count("image/png") == len(pngs), f"{script}: {shown.count('image/png')} figures shown inline"
    for name in FIGURES[script]:
        assert (out / name).is_file(), f"{script} did not write {name}"
    assert not any(run_in.iterdir()), f"{script} wrote into the notebook's folder: {list(run_in.iterdir())}"


def test_a_lab_run_with_percent_run_in_a_kernel_reads_its_own_command_line(tmp_path):
    # %run gives the script a __file__ and its own argv: the lab takes those, not $NABLA_LAB_ARGS.
    require("nbformat")
    import nbformat
    from notebook_runner import code_cell

    notebook = nbformat.v4.new_notebook()
    script = EXAMPLES / "12_computational_graph.py"
    notebook.cells = [code_cell(f"%run '{script}' --quick --out '{tmp_path / 'run'}'")]
    execute(notebook, tmp_path, env={"NABLA_LAB_ARGS": f"--out '{tmp_path / 'env'}'"})
    assert (tmp_path / "run" / "mlp_graph.dot").is_file() and not (tmp_path / "env").exists()
