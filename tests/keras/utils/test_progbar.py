"""The progress display's rendering: the choice of verbosity."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require

import nabla.keras as nk
from nabla import callbacks as C


def test_resolve_verbose(monkeypatch):
    assert [C.resolve_verbose(v) for v in (0, 1, 2)] == [0, 1, 2]

    class Stream:
        def __init__(self, tty):
            self.tty = tty

        def isatty(self):
            return self.tty

        def write(self, text):
            pass

    monkeypatch.setattr("sys.stdout", Stream(True))
    assert C.resolve_verbose("auto") == 1
    monkeypatch.setattr("sys.stdout", Stream(False))
    assert C.resolve_verbose("auto") == 2
    for bad in (3, "loud", None):
        with pytest.raises(ValueError, match="verbose must be 0, 1, 2 or 'auto'"):
            C.resolve_verbose(bad)
    assert (C.resolve_verbose(False), C.resolve_verbose(True)) == (0, 1)  # (as Keras 3 takes them)


def test_predict_and_evaluate_take_verbose_false_as_keras(keras, capsys):
    """DLAI's labs call model.predict(x, verbose=False): Keras 3 runs it silently (nabla raised)."""
    x, y = np.ones((4, 2), np.float32), np.ones((4, 1), np.float32)
    for k in (nk, keras):
        model = k.Sequential([k.Input((2,)), k.layers.Dense(1)])
        model.compile("sgd", "mse")
        model.predict(x, verbose=False)
        model.evaluate(x, y, verbose=False)
    assert capsys.readouterr().out == ""


FIT_IN_A_NOTEBOOK = """
import sys
sys.modules["ipywidgets"] = None  # a kernel without ipywidgets, even where the test machine has it
import numpy as np
from nabla import layers, models
model = models.Sequential([layers.Input(shape=(2,)), layers.Dense(1)])
model.compile(optimizer="sgd", loss="mse")
x, y = np.zeros((64, 2), np.float32), np.zeros(64, np.float32)
"""


@pytest.mark.parametrize("verbose", ["'auto'", "1", "2"])
def test_fit_in_a_notebook_without_ipywidgets_prints_one_line_per_epoch(verbose, tmp_path):
    # What Keras's bar leaves on screen in a notebook; no live bar, so no carriage returns piling up in
    # the saved output, and no TqdmWarning ("IProgress not found") from tqdm.auto.
    from notebook_runner import code_cell, execute, outputs

    require("nbformat")
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        code_cell(FIT_IN_A_NOTEBOOK),
        code_cell(f"model.fit(x, y, epochs=3, batch_size=16, verbose={verbose}); None"),
        code_cell(f"model.evaluate(x, y, verbose={verbose}); None"),
    ]
    execute(notebook, tmp_path)
    fit_text, _ = outputs(notebook.cells[1])
    evaluate_text, _ = outputs(notebook.cells[2])
    for text in (fit_text, evaluate_text):
        assert "\r" not in text and "Warning" not in text, repr(text)
    lines = fit_text.splitlines()
    assert lines[::2] == ["Epoch 1/3", "Epoch 2/3", "Epoch 3/3"], fit_text
    assert all(line.startswith("4/4 - ") and "loss: 0.0000e+00" in line for line in lines[1::2]), fit_text
    assert "loss: 0.0000e+00" in evaluate_text and len(evaluate_text.splitlines()) <= 2, evaluate_text


@pytest.mark.parametrize("widgets, expected", [(True, [0, 1, 2, 1]), (False, [0, 2, 2, 2])])
def test_resolve_verbose_in_a_notebook(monkeypatch, widgets, expected):
    from nabla.keras.utils import progbar

    monkeypatch.setattr(progbar, "_in_notebook", lambda: True)
    monkeypatch.setattr(progbar, "_has_widgets", lambda: widgets)
    assert [progbar.resolve_verbose(v) for v in (0, 1, 2, "auto")] == expected
    if not widgets:  # a Progbar asked for a live bar directly: none, rather than text full of carriage returns
        assert progbar.Progbar(4, "Epoch 1/1", verbose=1)._bar is None


@pytest.mark.parametrize("verbose", [1, 2])
def test_values_are_formatted_as_keras_progbar_formats_them(verbose, capsys):
    # Keras's bar (verbose=1) compares |value| with 1e-3, its one-line form (verbose=2) the value itself:
    # 0 is "0.0000e+00" in both (keras.io's fraud example prints "val_fn: 0.0000e+00").
    from keras_reference import keras_on_torch

    from nabla.keras.utils.progbar import format_value

    keras = keras_on_torch()
    for value in (0.0, -0.5, 5e-4, 1e-3, 0.25, 1234.5, -2e-5):
        bar = keras.utils.Progbar(1, verbose=verbose, stateful_metrics=["m"])
        capsys.readouterr()
        bar.update(1, values=[("m", value)], finalize=True)
        theirs = capsys.readouterr().out.rstrip().rsplit("m: ", 1)[1]
        assert format_value(value, one_line=verbose == 2) == theirs, (value, theirs)
