"""``nabla.plot.descent_path`` draws a diverging path only until it leaves the plot: no streaks across it."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require

import nabla.plot as nbplot


@pytest.fixture(autouse=True)
def mpl():
    matplotlib = require("matplotlib")
    matplotlib.use("Agg")


def valley(w):
    return 0.5 * w[0] ** 2 + 10.0 * w[1] ** 2


def test_a_diverging_path_is_drawn_up_to_the_edge_of_the_plot():
    fig, paths = nbplot.descent_path(valley, starts=[(-4.0, 1.0)], lrs=[0.03, 0.3], optimizer="sgd", steps=10)
    ax = fig.axes[0]
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    assert paths[1].diverged and np.abs(paths[1].points).max() > 1e3  # it went far away
    drawn = [line for line in ax.lines if line.get_label().startswith("lr=0.3")][0]
    xy = np.column_stack([drawn.get_xdata(), drawn.get_ydata()])
    assert len(xy) == 2  # the start, then the point where its first step leaves the plot
    assert np.all((xy[:, 0] >= x0 - 1e-9) & (xy[:, 0] <= x1 + 1e-9) & (xy[:, 1] >= y0 - 1e-9) & (xy[:, 1] <= y1 + 1e-9))
    assert abs(xy[1, 1] - y0) < 1e-9 or abs(xy[1, 1] - y1) < 1e-9  # on the bottom or top edge
    first_step = paths[1].points[1] - paths[1].points[0]
    direction = xy[1] - xy[0]
    assert abs(first_step[0] * direction[1] - first_step[1] * direction[0]) < 1e-6  # along its first step
    assert drawn.get_label() == "lr=0.3: diverged, off the plot after 1 step"
    converging = [line for line in ax.lines if line.get_label().startswith("lr=0.03")][0]
    assert len(converging.get_xdata()) == 11  # a path that stays inside is drawn whole
