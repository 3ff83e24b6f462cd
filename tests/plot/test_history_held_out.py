"""``nabla.plot.history``: what the held-out curves are called, where the best epoch is marked, integer epochs."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require

import nabla.plot as nbplot

LOGS = {
    "loss": [1.0, 0.6, 0.4, 0.3],
    "accuracy": [0.5, 0.7, 0.8, 0.9],
    "val_loss": [1.1, 0.7, 0.8, 0.9],
    "val_accuracy": [0.4, 0.6, 0.7, 0.7],
    "learning_rate": [0.1, 0.05, 0.02, 0.01],
}


@pytest.fixture(autouse=True)
def mpl():
    matplotlib = require("matplotlib")
    matplotlib.use("Agg")


def legend_texts(ax) -> list[str]:
    legend = ax.get_legend()
    return [] if legend is None else [t.get_text() for t in legend.get_texts()]


def test_a_validation_split_is_called_validation_and_its_best_epoch_is_marked():
    fig = nbplot.history(LOGS)
    loss, accuracy, lr = fig.axes
    assert legend_texts(loss) == ["train", "validation", "lowest val_loss"]
    assert legend_texts(accuracy) == ["train", "validation"]
    marked = loss.collections[0].get_offsets()
    np.testing.assert_allclose(marked, [[2, 0.7]])


def test_a_test_split_is_called_test_and_no_epoch_is_chosen_on_it():
    """Choosing the epoch by the test split would make it a validation split: nothing is marked."""
    fig = nbplot.history(LOGS, held_out="test")
    loss, accuracy, _ = fig.axes
    assert legend_texts(loss) == ["train", "test"] and not loss.collections
    assert legend_texts(accuracy) == ["train", "test"]
    with pytest.raises(ValueError, match="held_out must be 'validation' or 'test', got 'val'"):
        nbplot.history(LOGS, held_out="val")


def test_the_learning_rate_is_not_called_train():
    lr = nbplot.history(LOGS).axes[2]
    assert lr.get_title() == "learning_rate" and lr.get_legend() is None and len(lr.lines) == 1


@pytest.mark.parametrize("epochs", [1, 4, 12])
def test_epoch_ticks_are_integers(epochs):
    fig = nbplot.history({"loss": list(np.linspace(1, 0.1, epochs)), "val_loss": list(np.linspace(1, 0.2, epochs))})
    ax = fig.axes[0]
    fig.canvas.draw()
    low, high = ax.get_xlim()
    ticks = [t for t in ax.get_xticks() if low <= t <= high]
    assert ticks and all(float(t).is_integer() for t in ticks), ticks
    if epochs == 1:
        assert ticks == [1.0] and high - low == 1.0
