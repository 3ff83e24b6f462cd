"""``nabla.plot.image_grid``'s title says what the images are, and counts the errors among those shown."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require

import nabla.plot as nbplot


@pytest.fixture(autouse=True)
def mpl():
    matplotlib = require("matplotlib")
    matplotlib.use("Agg")


def test_the_default_title_counts_the_errors_among_the_images_shown():
    fig = nbplot.image_grid(np.zeros((4, 5, 5)), labels=[0, 1, 2, 3], predictions=[0, 2, 2, 1])
    assert fig._suptitle.get_text() == "2 of the 4 images shown are misclassified (in red)"
    assert [ax.get_title() for ax in fig.axes][:2] == ["pred 0\ntrue 0", "pred 2\ntrue 1"]


def test_a_given_title_says_what_was_chosen():
    title = "the first 4 of the 145 misclassified test digits (of 10,000)"
    fig = nbplot.image_grid(np.zeros((4, 5, 5)), labels=[0, 1, 2, 3], predictions=[1, 2, 3, 0], title=title)
    assert fig._suptitle.get_text() == title
