"""Write the labs' notebooks: examples/notebooks/NN_name.ipynb from each examples/NN_name.py.

Each lab is one file, a Python script in jupytext's "percent" format: ``# %%`` starts a code
cell, ``# %% [markdown]`` a text cell. The script runs as it is (``python
examples/01_perceptron_logic_gates.py --quick``); this script turns each into a notebook with
the same cells, no outputs, for Jupyter. Edit the scripts, never the notebooks, then run

    python examples/make_notebooks.py            # rewrite examples/notebooks/*.ipynb
    python examples/make_notebooks.py --check    # exit 1 if a notebook differs from its script

The test suite runs the check, so a notebook cannot drift from its script. Needs jupytext
(``pip install jupytext``, in nabla's test extra). Jupyter with jupytext installed also opens
the scripts themselves as notebooks.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent
NOTEBOOKS = EXAMPLES / "notebooks"
KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}


def labs() -> list[Path]:
    """The lab scripts, in order."""
    return sorted(EXAMPLES.glob("[0-9]*.py"))


def notebook_text(script: Path) -> str:
    """The .ipynb text of one lab: a note on where it comes from, then the script's cells."""
    try:
        import jupytext
        import nbformat
    except ImportError as e:
        raise SystemExit("make_notebooks needs jupytext: pip install jupytext (or pip install -e '.[test]')") from e
    notebook = jupytext.reads(script.read_text(encoding="utf-8"), fmt="py:percent")
    note = nbformat.v4.new_markdown_cell(
        f"*Made from [`examples/{script.name}`](../{script.name}) by `python examples/make_notebooks.py`: "
        "edit the script, not this notebook. Run it as a script with `--quick` for a seconds-long run; "
        "here, set `NABLA_LAB_ARGS=--quick` in Jupyter's environment or change the defaults in Settings.*"
    )
    notebook.cells.insert(0, note)
    for i, cell in enumerate(notebook.cells):
        cell.id = f"cell-{i}"  # fixed ids: the same script gives the same file, byte for byte
        cell.metadata = {}
    notebook.metadata = {"kernelspec": KERNEL, "language_info": {"name": "python"}}
    return nbformat.writes(notebook, version=4) + "\n"


def target(script: Path) -> Path:
    return NOTEBOOKS / f"{script.stem}.ipynb"


def stale() -> list[Path]:
    """The notebooks that are missing or differ from what their scripts give, and any without a script."""
    wrong = [
        target(s)
        for s in labs()
        if not target(s).is_file() or target(s).read_text(encoding="utf-8") != notebook_text(s)
    ]
    orphans = sorted(set(NOTEBOOKS.glob("*.ipynb")) - {target(s) for s in labs()})
    return wrong + orphans


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that every notebook matches its script")
    args = parser.parse_args(argv)
    if args.check:
        wrong = stale()
        for path in wrong:
            print(f"{path.relative_to(EXAMPLES.parent)} differs from its script: run python examples/make_notebooks.py")
        return 1 if wrong else 0
    NOTEBOOKS.mkdir(exist_ok=True)
    for script in labs():
        path = target(script)
        text = notebook_text(script)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            tmp = path.with_suffix(".ipynb.tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)  # atomic: a reader never sees half a notebook
            print(f"wrote {path.relative_to(EXAMPLES.parent)}")
    for orphan in sorted(set(NOTEBOOKS.glob("*.ipynb")) - {target(s) for s in labs()}):
        orphan.unlink()
        print(f"removed {orphan.relative_to(EXAMPLES.parent)} (its script is gone)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
