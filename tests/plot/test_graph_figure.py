"""``GraphDrawing.figure()``: the computational graph drawn with matplotlib, for machines without Graphviz."""

from __future__ import annotations

import pytest
from conftest import require

import nabla as nb
import nabla.plot as nbplot

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def mpl():
    matplotlib = require("matplotlib")
    matplotlib.use("Agg")


def test_every_node_is_a_box_and_every_edge_an_arrow_without_graphviz(tmp_path, monkeypatch):
    monkeypatch.setattr(nbplot.dot.shutil, "which", lambda name: None)  # no Graphviz on this machine
    x = nb.tensor([1.0, 2.0], requires_grad=True)
    w = nb.tensor([0.5, -1.0], requires_grad=True)
    out = ((x * w).sum() * 2.0).tanh()
    drawing = nbplot.graph(out, labels={x: "x", w: "w", out: "out"}, compute_grads=True)
    fig = drawing.figure(path=tmp_path / "graph.png")
    assert (tmp_path / "graph.png").read_bytes()[:8] == PNG
    from matplotlib.text import Annotation

    ax = fig.axes[0]
    boxes = [t for t in ax.texts if not isinstance(t, Annotation)]
    arrows = [t for t in ax.texts if isinstance(t, Annotation)]
    texts = [t.get_text() for t in boxes]
    assert len(boxes) == len(drawing.nodes) and len(arrows) == len(drawing.edges)
    assert any(t.startswith("x\n(2,) float32") for t in texts) and any("grad" in t for t in texts)
    assert any(t.startswith("out = tanh") for t in texts) and "mul" in texts and "2" in texts  # the constant
    column = {t.get_text().split("\n")[0]: t.get_position()[0] for t in boxes}
    assert column["x"] == min(column.values()) and column["out = tanh"] == max(column.values())  # left to right


def test_a_freed_graph_says_so_in_the_picture():
    x = nb.tensor([1.0, 2.0], requires_grad=True)
    out = (x * x).sum()
    out.backward()
    fig = nbplot.graph(out).figure()
    assert any("retain_graph=True" in t.get_text() for t in fig.axes[0].texts)
