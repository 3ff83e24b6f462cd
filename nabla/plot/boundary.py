"""The decision boundary of a classifier of 2-D points: what the network learned, over the plane."""

from __future__ import annotations

import inspect
import os
import warnings

import numpy as np

from ..engine.grad_mode import no_grad
from ..engine.tensor import Tensor
from ._common import as_class_indices, class_colors, new_figure, save, sigmoid, softmax, to_numpy


def _call_module(module, x: np.ndarray) -> np.ndarray:
    """Outputs of an ``nn.Module`` in eval mode, without a graph; its training mode is restored."""
    mode = getattr(module, "training", None)
    if mode is not None:
        module.eval()
    try:
        with no_grad():
            return to_numpy(module(Tensor._make(x)))
    finally:
        if mode is not None:
            module.train(mode)


def model_outputs(model, x: np.ndarray) -> np.ndarray:
    """What ``model`` outputs for the points ``x`` (N, 2), as an (N, K) float64 array.

    ``model`` may have a Keras-style ``predict``, be an ``nn.Module`` (called
    on a Tensor, in eval mode, without a graph), or be any callable: it is
    given the NumPy array first and, if that raises TypeError/AttributeError,
    a Tensor.
    """
    from ..nn import Module

    x = np.ascontiguousarray(x, dtype=np.float32)
    predict = getattr(model, "predict", None)
    if callable(predict) and not isinstance(model, type):
        params = inspect.signature(predict).parameters
        options = {k: v for k, v in (("batch_size", 4096), ("verbose", 0)) if k in params}  # (no progress line)
        out = predict(x, **options)
    elif isinstance(model, Module):
        out = _call_module(model, x)
    elif callable(model):
        try:
            out = model(x)
        except (TypeError, AttributeError):
            with no_grad():
                out = model(Tensor._make(x))
    else:
        raise TypeError(
            f"decision_boundary: model must have a predict method, be an nn.Module or a callable, "
            f"got {type(model).__name__}"
        )
    out = to_numpy(out)
    if out.dtype.kind in "iub" and out.ndim == 1 and out.size and out.max() > 1:
        out = np.eye(int(out.max()) + 1)[out]  # class indices (a scikit-learn predict): one-hot
    out = out.astype(np.float64)
    if out.ndim == 1:
        out = out[:, None]
    if out.ndim != 2 or out.shape[0] != len(x):
        raise ValueError(
            f"decision_boundary: the model should map {len(x)} points to {len(x)} rows of outputs, "
            f"got an output of shape {out.shape}"
        )
    return out


def class_probabilities(out: np.ndarray) -> np.ndarray:
    """Outputs (N, 1) or (N, K) as probabilities (N, K), K >= 2.

    One column: P(class 1), a sigmoid output, or a logit when any value is
    outside [0, 1] (then the sigmoid is applied). Several columns: rows that
    are probabilities (in [0, 1], summing to 1) are kept, anything else is
    taken as logits (softmax applied).
    """
    if out.shape[1] == 1:
        p1 = out[:, 0]
        if p1.min() < 0.0 or p1.max() > 1.0:
            p1 = sigmoid(p1)
        return np.stack([1.0 - p1, p1], axis=1)
    if out.min() >= 0.0 and out.max() <= 1.0 and np.allclose(out.sum(axis=1), 1.0, atol=1e-3):
        return out
    return softmax(out)


def _bounds(points: list[np.ndarray], margin: float = 0.15) -> tuple[float, float, float, float]:
    allx = np.concatenate(points)
    lo, hi = allx.min(axis=0), allx.max(axis=0)
    pad = np.maximum((hi - lo) * margin, 0.5)
    return lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1]


def decision_boundary(
    model,
    X,
    y,
    ax=None,
    resolution: int = 200,
    proba: bool = True,
    test: tuple | None = None,
    path: str | os.PathLike | None = None,
    bounds: tuple[float, float, float, float] | None = None,
    title: str | None = None,
    colorbar: bool = True,
    legend: bool = True,
):
    """Draw what a classifier of 2-D points predicts over the plane, with the data on top.

    Binary models (one output: a sigmoid probability, or a logit, detected
    by values outside [0, 1]) shade the plane by P(class 1) from blue (0) to
    red (1) and draw the decision line P = 0.5 in black. Multi-class models
    (K outputs: softmax probabilities or logits) colour the plane by the
    predicted class, more transparent where the model is less sure (the
    alpha follows the largest probability), with black lines between classes.

    Args:
        model: a Keras-style model (``predict``), an ``nn.Module``, or any
            callable mapping an (N, 2) array (or Tensor) to outputs.
        X: training points, shape (N, 2); drawn as circles coloured by label.
        y: their labels, shape (N,), (N, 1) or one-hot (N, K).
        ax: a matplotlib Axes to draw on (default: a new figure).
        resolution: grid points per axis (default 200).
        proba: shade by probability (default True); False paints the hard
            predicted regions only.
        test: optional ``(X_test, y_test)``, drawn as triangles with a black edge.
        path: file to save the figure to (.png, .svg, .pdf).
        bounds: ``(xmin, xmax, ymin, ymax)`` of the plane (default: the data, plus 15%).
        title: the axes title (default: accuracies on the points drawn).
        colorbar: add the P(class 1) colour bar of a binary model (default True;
            False in a grid of small panels).
        legend: add the legend of the classes (and of the test points).

    Returns:
        The matplotlib Figure.

    Example::

        model.fit(X, y, epochs=200, verbose=0)
        fig = nabla.plot.decision_boundary(model, X, y, test=(X_test, y_test), path="moons.png")
    """
    X = to_numpy(X).astype(np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"decision_boundary: X must have shape (N, 2), got {X.shape}")
    y = as_class_indices(y, "y").astype(np.int64)
    if len(y) != len(X):
        raise ValueError(f"decision_boundary: X has {len(X)} points but y has {len(y)} labels")
    Xt = yt = None
    if test is not None:
        Xt, yt = to_numpy(test[0]).astype(np.float64), as_class_indices(test[1], "y_test").astype(np.int64)
        if Xt.ndim != 2 or Xt.shape[1] != 2 or len(Xt) != len(yt):
            raise ValueError(
                f"decision_boundary: test must be (X_test (M, 2), y_test (M,)), got {Xt.shape}, {yt.shape}"
            )

    if ax is None:
        fig, axes = new_figure(figsize=(6.4, 5.2))
        ax = axes[0, 0]
    fig = ax.figure
    x0, x1, y0, y1 = bounds if bounds is not None else _bounds([X] if Xt is None else [X, Xt])
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    probs = class_probabilities(model_outputs(model, grid))
    k = max(probs.shape[1], int(y.max()) + 1, int(yt.max()) + 1 if yt is not None else 0)
    colors = class_colors(k)
    pred = probs.argmax(axis=1).reshape(gx.shape)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "no contour levels were found" when one class fills the plane
        if probs.shape[1] == 2:
            _binary_background(fig, ax, gx, gy, probs[:, 1].reshape(gx.shape), proba, colorbar)
        else:
            _multiclass_background(ax, gx, gy, probs, pred, colors, proba, (x0, x1, y0, y1))

    for c in range(k):
        mask = y == c
        if mask.any():
            ax.scatter(
                *X[mask].T, s=28, color=colors[c], edgecolors="white", linewidths=0.7, label=f"class {c}", zorder=3
            )
    if Xt is not None:
        ax.scatter(*Xt.T, s=46, marker="^", c=[colors[c] for c in yt], edgecolors="black", linewidths=0.9, zorder=4)
    if legend:
        handles, texts = ax.get_legend_handles_labels()
        if Xt is not None:
            from matplotlib.lines import Line2D

            handles.append(Line2D([], [], marker="^", linestyle="", color="0.6", markeredgecolor="black", markersize=7))
            texts.append("test")
        ax.legend(handles, texts, loc="best", fontsize=8, framealpha=0.8)

    if title is None:
        title = f"train accuracy {_accuracy(model, X, y):.0%}"
        if Xt is not None:
            title += f", test accuracy {_accuracy(model, Xt, yt):.0%}"
    ax.set_title(title)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return save(fig, path)


def _accuracy(model, X: np.ndarray, y: np.ndarray) -> float:
    return float((class_probabilities(model_outputs(model, X)).argmax(axis=1) == y).mean())


def _binary_background(fig, ax, gx, gy, p1, proba: bool, colorbar: bool) -> None:
    if proba:
        shade = ax.contourf(gx, gy, p1, levels=np.linspace(0.0, 1.0, 21), cmap="RdBu_r", vmin=0.0, vmax=1.0, alpha=0.45)
        if colorbar:
            bar = fig.colorbar(shade, ax=ax, ticks=[0, 0.25, 0.5, 0.75, 1.0])
            bar.set_label("P(class 1)")
    else:
        ax.contourf(gx, gy, p1, levels=[0.0, 0.5, 1.0], colors=["#a6c8e6", "#f2aeae"])
    ax.contour(gx, gy, p1, levels=[0.5], colors="black", linewidths=1.8)


def _multiclass_background(ax, gx, gy, probs, pred, colors, proba: bool, extent) -> None:
    from matplotlib.colors import to_rgb

    k = probs.shape[1]
    rgba = np.ones(gx.shape + (4,))
    rgba[..., :3] = np.asarray([to_rgb(c) for c in colors[:k]])[pred]
    if proba:
        confidence = probs.max(axis=1).reshape(gx.shape)
        # From chance (1/K: nearly transparent) to certainty (1: strong colour).
        rgba[..., 3] = 0.08 + 0.5 * np.clip((confidence - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 1.0)
    else:
        rgba[..., 3] = 0.35
    ax.imshow(rgba, extent=extent, origin="lower", aspect="auto", interpolation="nearest", zorder=0)
    # The boundary of class c is where its probability equals the largest other one: the zero level of
    # p_c - max_{j != c} p_j, which contour interpolates between grid points (smooth, not a staircase).
    for c in range(k):
        others = np.delete(probs, c, axis=1).max(axis=1)
        margin = (probs[:, c] - others).reshape(gx.shape)
        if margin.max() > 0 > margin.min():
            ax.contour(gx, gy, margin, levels=[0.0], colors="black", linewidths=1.2)


__all__ = ["decision_boundary"]
