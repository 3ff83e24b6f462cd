"""``model.summary(line_length=..., positions=..., print_fn=...)`` against Keras 3's text (torch backend): the
columns' widths from the positions (fractions, absolute ends, ends short of the line), a line widened,
narrowed or cropped at the console's width (``COLUMNS``), the "Trainable" column, headers that wrap, for a
Sequential model, a functional chain and a functional graph; print_fn called once, as Keras calls it."""

from __future__ import annotations

import pytest
from keras_reference import keras_on_torch

import nabla.keras as nabla_keras

LAYOUTS = [
    dict(), dict(line_length=100), dict(line_length=60), dict(line_length=30),
    dict(line_length=120, show_trainable=True), dict(line_length=40, show_trainable=True),
    dict(positions=[0.5, 0.7, 1.0]), dict(positions=[30, 50, 65]), dict(positions=[0.3, 0.5, 0.6]),
    dict(positions=[0.2, 0.3, 0.4, 1.0]), dict(positions=[0.25, 0.5, 0.75, 1.0], show_trainable=True),
    dict(line_length=95, positions=[0.33, 0.61, 0.79, 0.9]), dict(line_length=50, positions=[0.4, 0.6, 0.8, 1.0]),
]  # fmt: skip


def _models(k):
    """A Sequential model (a long name that wraps), a functional chain and a functional graph (4 columns)."""
    L = k.layers  # noqa: N806
    sequential = k.Sequential([k.Input((4,)), L.Dense(3, name="a_dense_layer_with_a_rather_long_name"),
                               L.Dropout(0.1), L.Dense(2, name="out")], name="sequential_model")  # fmt: skip
    c = k.Input((6,), name="c")
    chain = k.Model(c, L.Dense(3, name="last")(L.Dense(4, name="first")(c)), name="chain")
    a, b = k.Input((8,), name="a"), k.Input((4,), name="b")
    joined = L.Concatenate(name="cat")([L.Dense(5, name="d1")(a), L.Dense(5, name="d2")(b)])
    graph = k.Model([a, b], L.Dense(2, name="head")(joined), name="graph")
    return [sequential, chain, graph]


def _texts(model, **kwargs) -> list[str]:
    calls = []
    model.summary(print_fn=lambda text, *args, **kw: calls.append(text), **kwargs)
    return calls


@pytest.mark.parametrize("columns", ["80", "200"])
def test_the_columns_are_laid_out_as_keras_3_lays_them_out(monkeypatch, columns):
    """COLUMNS=80 (no terminal): the default line is 76 and a longer one is cropped at 80, as rich crops
    Keras's; COLUMNS=200: the default line is 88 (108 for a graph) and nothing is cropped."""
    monkeypatch.setenv("COLUMNS", columns)
    reference = keras_on_torch()
    reference.utils.clear_session()
    nabla_keras.layers.clear_session()
    for ours, theirs in zip(_models(nabla_keras), _models(reference)):
        for kwargs in LAYOUTS:
            if "positions" in kwargs and len(kwargs["positions"]) < (4 if ours.name == "graph" else 3):
                continue  # (too few for the graph's four columns: an error, below)
            assert _texts(ours, **kwargs) == _texts(theirs, **kwargs), (ours.name, kwargs)


def test_print_fn_gets_the_text_once_with_its_newline_and_print_writes_it_as_keras(capsys):
    reference = keras_on_torch()
    printed = []
    for k in (reference, nabla_keras):
        model = _models(k)[0]
        calls = _texts(model, line_length=64)
        assert len(calls) == 1 and calls[0].endswith(" B)\n")
        capsys.readouterr()
        model.summary(line_length=64)
        model.summary(line_length=64, print_fn=print)  # (one blank line more: print adds its own newline)
        printed.append((calls[0], capsys.readouterr().out))
    assert printed[1] == printed[0]


def test_bad_layouts_are_refused_with_what_to_do():
    model = _models(nabla_keras)[2]
    with pytest.raises(ValueError, match=r"positions needs a column end for each of the 4 columns .*got \[0.5, 1.0\]"):
        model.summary(positions=[0.5, 1.0])
    # (Keras 3 raises "Insufficient console width to print summary." there)
    with pytest.raises(ValueError, match="leave a column 2 characters wide, and Keras needs 4 or more"):
        model.summary(positions=[0.3, 0.32, 0.7, 1.0])
    with pytest.raises(ValueError, match="line_length must be a positive integer"):
        model.summary(line_length=0.5)
    with pytest.raises(ValueError, match="expand_nested=True is not offered by nabla"):
        model.summary(expand_nested=True)
