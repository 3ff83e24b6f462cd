"""Execute a notebook in a fresh Jupyter kernel, as a learner's Jupyter would, and read its outputs.

The kernel is the ``python3`` kernel of the interpreter running the tests, started in ``cwd``
with the repository on its ``PYTHONPATH`` and matplotlib's default notebook backend (the
tests' ``MPLBACKEND=Agg``, where a caller set it, is dropped). An error in any cell fails
the run with the cell and its traceback (nbclient's ``CellExecutionError``).
"""

from __future__ import annotations

import os
from pathlib import Path

from conftest import ROOT, require


def execute(notebook, cwd: Path, env: dict[str, str] | None = None, timeout: int = 300):
    """Run every cell of ``notebook`` (an nbformat NotebookNode, changed in place); return it."""
    require("nbclient")
    require("ipykernel")
    from nbclient import NotebookClient

    kernel_env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    kernel_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    kernel_env["OPENBLAS_NUM_THREADS"] = "1"  # as the script tests: threads spinning on a shared machine
    kernel_env.update(env or {})
    client = NotebookClient(
        notebook, kernel_name="python3", timeout=timeout, resources={"metadata": {"path": str(cwd)}}
    )
    client.execute(env=kernel_env)
    return notebook


def outputs(cell) -> tuple[str, list[str]]:
    """A code cell's printed text (stdout and stderr, in order) and the MIME types of what it displayed."""
    text, shown = [], []
    for out in cell.get("outputs", []):
        if out["output_type"] == "stream":
            text.append(out["text"])
        elif out["output_type"] in ("display_data", "execute_result"):
            shown.extend(out["data"])
    return "".join(text), shown


def code_cell(source: str):
    require("nbformat")
    import nbformat

    return nbformat.v4.new_code_cell(source)
