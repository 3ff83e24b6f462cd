"""What a regression network learned: its curve through the data, or its predictions against the truth."""

from __future__ import annotations

import os
from collections.abc import Mapping

import numpy as np

from ._common import new_figure, save, to_numpy
from .boundary import model_outputs


def _axis_label(name: str, units: Mapping[str, str]) -> str:
    unit = units.get(name)
    return f"{name} ({unit})" if unit else name


def regression_fit(
    model,
    x_train,
    y_train,
    test: tuple | None = None,
    feature: str = "x",
    target: str = "y",
    units: Mapping[str, str] | None = None,
    path: str | os.PathLike | None = None,
):
    """Draw a regression model against its data, with units on the axes.

    With one input feature: the training points, the test points and the network's curve
    over the range of the inputs (``y`` against ``x``). With several: the network's
    prediction against the true target, one point per sample (training and test points in
    their own colours, with each split's R²), and the diagonal where a perfect model's points
    would lie.

    Args:
        model: a Keras-style model (``predict``), an ``nn.Module`` or a callable, mapping
            inputs ``(N, F)`` to one output ``(N, 1)``.
        x_train, y_train: the training inputs ``(N, F)`` and targets ``(N,)`` or ``(N, 1)``.
        test: optional ``(x_test, y_test)``.
        feature: the name of the input (one feature only), for the x axis.
        target: the name of the target, for the axes and the title.
        units: unit by name (``{"Weight": "g", "x": "rad"}``); a name without one is shown bare.
        path: file to save the figure to (.png, .svg, .pdf).

    Returns:
        The matplotlib Figure.

    Example::

        nabla.plot.regression_fit(model, X, y, test=(X_test, y_test), target="Weight", units={"Weight": "g"})
    """
    units = dict(units or {})
    splits = [("train", to_numpy(x_train), to_numpy(y_train))]
    if test is not None:
        splits.append(("test", to_numpy(test[0]), to_numpy(test[1])))
    splits = [
        (name, x.astype(np.float32).reshape(len(x), -1), y.astype(np.float64).reshape(-1)) for name, x, y in splits
    ]
    for name, x, y in splits:
        if len(x) != len(y):
            raise ValueError(f"regression_fit: {len(x)} {name} inputs but {len(y)} targets")
    fig, axes = new_figure(figsize=(5.8, 4.4))
    ax = axes[0, 0]
    styles = {"train": {"s": 7, "alpha": 0.45}, "test": {"s": 12, "alpha": 0.8}}
    if splits[0][1].shape[1] == 1:
        for name, x, y in splits:
            ax.scatter(x[:, 0], y, label=f"{name} points", **styles[name])
        lo = min(float(x.min()) for _, x, _ in splits)
        hi = max(float(x.max()) for _, x, _ in splits)
        grid = np.linspace(lo, hi, 400, dtype=np.float32)[:, None]
        ax.plot(grid[:, 0], model_outputs(model, grid)[:, 0], color="black", lw=2, label="the network")
        ax.set_xlabel(_axis_label(feature, units))
        ax.set_ylabel(_axis_label(target, units))
        ax.set_title("the network's curve through the training and test points")
    else:
        lo, hi = np.inf, -np.inf
        for name, x, y in splits:
            predicted = model_outputs(model, x)[:, 0]
            r2 = 1.0 - np.sum((y - predicted) ** 2) / max(np.sum((y - y.mean()) ** 2), 1e-300)
            ax.scatter(y, predicted, label=f"{name} samples (R² {r2:.3f})", **styles[name])
            lo, hi = min(lo, y.min(), predicted.min()), max(hi, y.max(), predicted.max())
        ax.plot([lo, hi], [lo, hi], color="black", lw=1, label="perfect prediction")
        ax.set_xlabel("true " + _axis_label(target, units))
        ax.set_ylabel("predicted " + _axis_label(target, units))
        ax.set_title(f"{target}: predicted against true")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return save(fig, path)


__all__ = ["regression_fit"]
