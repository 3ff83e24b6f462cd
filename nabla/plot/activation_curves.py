"""The activation functions of the course and their derivatives, the derivatives from nabla's autograd."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence

import numpy as np

from .. import activations as activations_module
from ..engine.creation import linspace
from ..engine.dtypes import float64
from ._common import new_figure, save, to_numpy, trim_axes

COURSE_ACTIVATIONS = ("step", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "swish", "softplus")

_NOTES = {"leaky_relu": "slope 0.2", "elu": "α = 1", "swish": "x·sigmoid(x)", "gelu": "exact (erf)"}


def derivative(fn: Callable, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``fn(x)`` and its derivative at every point of ``x``, by nabla's autograd (backward of the sum).

    For an elementwise function, ``d/dx_i sum_j f(x_j) = f'(x_i)``: one
    backward pass gives the derivative at all points.

    Example::

        y, dy = derivative(nb.tanh, np.linspace(-3, 3, 7))   # dy = 1 - y**2
    """
    from ..engine.creation import tensor

    t = tensor(np.asarray(x, dtype=np.float64), requires_grad=True)
    y = fn(t)
    if y.shape != t.shape:
        raise ValueError(f"activations: the function must be elementwise, it mapped shape {t.shape} to {y.shape}")
    y.sum().backward()
    grad = np.zeros_like(to_numpy(t)) if t.grad is None else to_numpy(t.grad)  # no path to x: derivative 0
    return to_numpy(y), grad


def activations(
    names: Sequence[str | Callable] | None = None,
    path: str | os.PathLike | None = None,
    x_range: tuple[float, float] = (-5.0, 5.0),
):
    """Plot activation functions (left) and their derivatives (right), pair by pair.

    The derivatives are not written by hand: each is computed by nabla's
    autograd, as the gradient of ``f(x).sum()`` with respect to ``x``, so the
    figure also shows what backprop sees (the step function's derivative is
    0 everywhere: no gradient flows through a perceptron's step).

    Args:
        names: activation names of :mod:`nabla.activations` (default: step,
            sigmoid, tanh, relu, leaky_relu, elu, gelu, swish, softplus), or
            elementwise callables on Tensors.
        path: file to save the figure to (.png, .svg, .pdf).
        x_range: the interval of x (default (-5, 5)).

    Returns:
        The matplotlib Figure: two Axes per activation, the function then its derivative.

    Example::

        nabla.plot.activations(["sigmoid", "tanh", "relu"], path="activations.png")
    """
    names = list(COURSE_ACTIVATIONS if names is None else names)
    if not names:
        raise ValueError("activations: names is empty")
    fns = []
    for name in names:
        if callable(name):
            fns.append((getattr(name, "__name__", "f"), name))
        elif name in ("softmax", "log_softmax"):
            raise ValueError(f"activations: {name} is not elementwise (it normalises a vector); plot sigmoid instead")
        else:
            fns.append((name, activations_module.get(name)))

    x = to_numpy(linspace(x_range[0], x_range[1], 801, dtype=float64))
    pairs_per_row = min(3, len(fns))
    rows = math.ceil(len(fns) / pairs_per_row)
    fig, axes = new_figure(rows, 2 * pairs_per_row, figsize=(3.1 * 2 * pairs_per_row, 2.5 * rows))
    used = trim_axes(fig, axes, 2 * len(fns))
    for i, (name, fn) in enumerate(fns):
        y, dy = derivative(fn, x)
        note = _NOTES.get(name)
        for ax, values, title, color in (
            (used[2 * i], y, f"{name}(x)", "C0"),
            (used[2 * i + 1], dy, f"{name}'(x)", "C3"),
        ):
            ax.axhline(0, color="0.75", linewidth=0.8)
            ax.axvline(0, color="0.75", linewidth=0.8)
            ax.plot(x, values, color=color, linewidth=2)
            ax.set_title(title if note is None or color == "C3" else f"{title}  ({note})", fontsize=10)
            ax.grid(alpha=0.25)
            ax.tick_params(labelsize=8)
            lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
            pad = max(0.1 * (hi - lo), 0.1)
            ax.set_ylim(lo - pad, hi + pad)
    fig.suptitle("activation functions (blue) and their derivatives by autograd (red)", fontsize=11)
    return save(fig, path)


__all__ = ["activations", "derivative"]
