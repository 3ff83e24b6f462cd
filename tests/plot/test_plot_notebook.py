"""nabla.plot's figures draw themselves inline in a Jupyter kernel, without pyplot."""

from __future__ import annotations

from conftest import require
from notebook_runner import code_cell, execute, outputs

import nabla.plot as nbplot


def test_figures_are_cells_values_drawn_as_png_in_a_kernel(tmp_path):
    require("matplotlib")
    require("nbformat")
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        code_cell("import sys\nimport nabla.plot as nbplot\nfig = nbplot.figure(figsize=(3, 2))"),
        code_cell("fig.subplots().plot([1, 3, 2])\nfig"),
        code_cell("nbplot.history({'loss': [1.0, 0.5, 0.25], 'val_loss': [1.1, 0.7, 0.6]})"),
        code_cell("print('matplotlib.pyplot' in sys.modules)"),
    ]
    execute(notebook, tmp_path)
    for cell in notebook.cells[1:3]:
        assert "image/png" in outputs(cell)[1], cell.outputs
    assert outputs(notebook.cells[3])[0].strip() == "False"  # pyplot's global state is left alone
    assert not any(tmp_path.iterdir())  # drawn inline, no file written


def test_outside_a_kernel_nothing_is_registered():
    require("matplotlib")
    assert nbplot.show_figures_inline() is False
    fig = nbplot.figure(figsize=(2, 2))
    assert fig.get_figwidth() == 2 and fig.get_layout_engine() is not None
