"""``nabla.plot.regression_fit``: the curve for one feature, predicted against true for several, units on the axes."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require


@pytest.fixture(autouse=True)
def mpl():
    matplotlib = require("matplotlib")
    matplotlib.use("Agg")


def test_one_feature_draws_both_splits_and_the_curve_with_units(tmp_path):
    import nabla.plot as nbplot

    x = np.linspace(-3, 3, 40, dtype=np.float32)[:, None]
    y = np.sin(x)
    fig = nbplot.regression_fit(
        np.sin,
        x[::2],
        y[::2],
        test=(x[1::2], y[1::2]),
        feature="x",
        target="y",
        units={"x": "rad"},
        path=tmp_path / "fit.png",
    )
    ax = fig.axes[0]
    assert ax.get_xlabel() == "x (rad)" and ax.get_ylabel() == "y"
    assert "training and test points" in ax.get_title() and "(test split)" not in ax.get_title()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train points", "test points", "the network"]
    curve = ax.lines[0]
    np.testing.assert_allclose(curve.get_ydata(), np.sin(curve.get_xdata()), atol=1e-6)
    assert (tmp_path / "fit.png").stat().st_size > 0


def test_several_features_draw_predicted_against_true_with_each_splits_r2():
    import nabla.plot as nbplot

    rng = np.random.default_rng(0)
    x = rng.normal(size=(50, 3)).astype(np.float32)
    y = x.sum(1, keepdims=True) * 100
    model = lambda a: a.sum(1, keepdims=True) * 100 + 1.0  # noqa: E731  (off by 1 g)
    fig = nbplot.regression_fit(model, x[:40], y[:40], test=(x[40:], y[40:]), target="Weight", units={"Weight": "g"})
    ax = fig.axes[0]
    assert ax.get_xlabel() == "true Weight (g)" and ax.get_ylabel() == "predicted Weight (g)"
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    r2 = 1 - np.sum(1.0**2 * np.ones(10)) / np.sum((y[40:] - y[40:].mean()) ** 2)
    assert texts[0].startswith("train samples (R² 1.000") and texts[1] == f"test samples (R² {r2:.3f})"
    with pytest.raises(ValueError, match="40 train inputs but 39 targets"):
        nbplot.regression_fit(model, x[:40], y[:39])
