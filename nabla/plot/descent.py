"""Gradient descent on a 2-D loss surface: the paths of nabla's optimizers over its contour lines."""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .. import optim
from ..engine.creation import tensor
from ..engine.dtypes import float64
from ..engine.grad_mode import no_grad
from ..engine.tensor import Tensor
from ._common import as_list, class_colors, new_figure, save, trim_axes

# Optimizer names -> (label, factory(params, lr)). "momentum" is SGD with momentum 0.9.
OPTIMIZERS: dict[str, tuple[str, Callable]] = {
    "sgd": ("SGD", lambda p, lr: optim.SGD(p, lr=lr)),
    "momentum": ("SGD, momentum 0.9", lambda p, lr: optim.SGD(p, lr=lr, momentum=0.9)),
    "nesterov": ("SGD, Nesterov 0.9", lambda p, lr: optim.SGD(p, lr=lr, momentum=0.9, nesterov=True)),
    "rmsprop": ("RMSprop", lambda p, lr: optim.RMSprop(p, lr=lr)),
    "adagrad": ("Adagrad", lambda p, lr: optim.Adagrad(p, lr=lr)),
    "adam": ("Adam", lambda p, lr: optim.Adam(p, lr=lr)),
    "adamw": ("AdamW", lambda p, lr: optim.AdamW(p, lr=lr)),
}

# A path whose coordinates leave this range has diverged: it is stopped before NumPy overflows.
_BLOWUP = 1e8


@dataclass
class DescentPath:
    """One run of an optimizer: where it went and the loss at each point.

    Attributes:
        optimizer: the optimizer's label ("SGD", "Adam"...).
        lr: the learning rate.
        start: the starting point.
        points: array (steps + 1, 2): the start, then the point after each step
            (fewer rows if the run diverged and was stopped).
        losses: the loss at each point, shape (len(points),).
        diverged: True when the loss became NaN/Inf or ended above where it started.
    """

    optimizer: str
    lr: float
    start: tuple[float, float]
    points: np.ndarray = field(repr=False)
    losses: np.ndarray = field(repr=False)
    diverged: bool = False

    @property
    def final(self) -> np.ndarray:
        """The last point reached."""
        return self.points[-1]


def _optimizer_factory(spec) -> tuple[str, Callable]:
    if isinstance(spec, str):
        key = spec.lower()
        if key not in OPTIMIZERS:
            raise ValueError(f"descent_path: unknown optimizer {spec!r}; valid names: {', '.join(OPTIMIZERS)}")
        return OPTIMIZERS[key]
    if isinstance(spec, type) and issubclass(spec, optim.Optimizer):
        return spec.__name__, lambda p, lr: spec(p, lr=lr)
    if callable(spec):  # factory(params, lr) -> optimizer
        return getattr(spec, "__name__", "optimizer"), spec
    raise TypeError(
        f"descent_path: an optimizer is a name ({', '.join(OPTIMIZERS)}), an Optimizer class or a "
        f"callable(params, lr); got {type(spec).__name__}"
    )


def _run(loss_fn: Callable, start, lr: float, label: str, make: Callable, steps: int) -> DescentPath:
    w = tensor(np.asarray(start, dtype=np.float64), requires_grad=True)
    if w.shape != (2,):
        raise ValueError(f"descent_path: a starting point must have 2 coordinates, got shape {w.shape}")
    opt = make([w], lr)
    points, losses = [w._data.copy()], []
    diverged = False
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            opt.zero_grad()
            loss = loss_fn(w)
            if not isinstance(loss, Tensor) or loss.size != 1:
                raise ValueError(
                    "descent_path: loss_fn_2d(w) must return a scalar Tensor computed from w with nabla ops"
                )
            losses.append(float(loss.item()))
            if not math.isfinite(losses[-1]):
                diverged = True
                break
            loss.backward()
            opt.step()
            points.append(w._data.copy())
            if not np.isfinite(points[-1]).all() or np.abs(points[-1]).max() > _BLOWUP:
                diverged = True
                break
        if len(losses) < len(points):
            with no_grad():
                losses.append(float(loss_fn(tensor(points[-1], dtype=float64)).item()))
    losses = np.asarray(losses)
    diverged = bool(diverged or not np.isfinite(losses[-1]) or losses[-1] > losses[0])
    return DescentPath(label, float(lr), tuple(float(v) for v in start), np.asarray(points), losses, diverged)


def _surface(loss_fn: Callable, gx: np.ndarray, gy: np.ndarray) -> np.ndarray:
    """The loss on a grid: in one call when ``loss_fn`` is elementwise in w[0], w[1], else point by point."""
    with no_grad(), np.errstate(all="ignore"):
        w = tensor(np.stack([gx.ravel(), gy.ravel()]), dtype=float64)  # shape (2, G*G): w[0], w[1] are rows
        try:
            z = np.asarray(loss_fn(w)._data, dtype=np.float64)
            if z.shape == (gx.size,):
                return z.reshape(gx.shape)
        except Exception:  # a loss written for shape (2,) only (a matmul, a sum): evaluate point by point
            pass
        flat = [float(loss_fn(tensor(np.array([a, b]), dtype=float64)).item()) for a, b in zip(gx.ravel(), gy.ravel())]
        return np.asarray(flat).reshape(gx.shape)


def _default_bounds(paths: list[DescentPath], starts: list) -> tuple[float, float, float, float]:
    pts = [np.asarray(starts, dtype=np.float64).reshape(-1, 2)]
    pts += [p.points for p in paths if not p.diverged]
    allp = np.concatenate(pts)
    lo, hi = allp.min(axis=0), allp.max(axis=0)
    span = np.maximum(hi - lo, 1e-9)
    pad = np.maximum(0.2 * span.max(), 0.5)
    return lo[0] - pad, hi[0] + pad, lo[1] - pad, hi[1] + pad


def descent_path(
    loss_fn_2d: Callable[[Tensor], Tensor],
    starts,
    lrs,
    optimizer="sgd",
    steps: int = 50,
    bounds: tuple[float, float, float, float] | None = None,
    path: str | os.PathLike | None = None,
    resolution: int = 120,
) -> tuple:
    """Run nabla's optimizers on a 2-D loss and draw their paths over its contour lines.

    Every combination of a starting point and a learning rate is run with
    every optimizer, for ``steps`` steps, on ``w``, a float64 Tensor of shape
    (2,). One subplot per optimizer; in each, one path per (start, lr), so
    that a too small learning rate (crawls), a good one and a too large one
    (zig-zags or diverges) can be compared, and the panels show what
    momentum or Adam change. A diverged path (loss NaN/Inf, or above where
    it started) is stopped and marked "diverged" in the legend. A path is
    drawn up to where it first leaves the plot, marked there with an ✕ (a
    diverging path would otherwise cross the plot in long streaks).

    Args:
        loss_fn_2d: ``loss(w)`` from nabla ops, ``w`` a Tensor of shape (2,),
            returning a scalar Tensor. Written elementwise in ``w[0]`` and
            ``w[1]`` (e.g. ``w[0]**2 + 10 * w[1]**2``) the contour grid is
            computed in one call (``w`` then has shape (2, G) for the grid);
            otherwise point by point.
        starts: one starting point ``(w0, w1)`` or a list of them.
        lrs: one learning rate or a list of them.
        optimizer: a name ("sgd", "momentum", "nesterov", "rmsprop", "adagrad",
            "adam", "adamw"), an Optimizer class, a callable ``(params, lr) ->
            optimizer``, or a list of these.
        steps: optimizer steps per run (default 50).
        bounds: ``(xmin, xmax, ymin, ymax)`` of the plot (default: the starts
            and every path that did not diverge, with a margin).
        path: file to save the figure to (.png, .svg, .pdf).
        resolution: grid points per axis for the contour lines.

    Returns:
        ``(fig, paths)``: the matplotlib Figure and a list of
        :class:`DescentPath` (optimizer, lr, start, points, losses, diverged),
        in the order optimizer, start, lr. For plain SGD,
        ``paths[i].points[1] == start - lr * grad(start)``.

    Example::

        loss = lambda w: w[0] ** 2 + 10 * w[1] ** 2          # a long, narrow valley
        fig, paths = nabla.plot.descent_path(loss, starts=[(-4, 1.5)], lrs=[0.01, 0.05, 0.105],
                                             optimizer=["sgd", "momentum", "adam"], path="lr.png")
    """
    starts_arr = np.asarray(starts, dtype=np.float64)
    if starts_arr.shape == (2,):
        starts_arr = starts_arr[None]
    if starts_arr.ndim != 2 or starts_arr.shape[1] != 2:
        raise ValueError(
            f"descent_path: starts must be a point (2,) or a list of points (N, 2), got {starts_arr.shape}"
        )
    lr_list = [float(lr) for lr in as_list(lrs)]
    if not lr_list or any(lr <= 0 for lr in lr_list):
        raise ValueError(f"descent_path: learning rates must be positive, got {lrs!r}")
    if steps < 1:
        raise ValueError(f"descent_path: steps must be at least 1, got {steps}")
    opt_specs = [_optimizer_factory(spec) for spec in as_list(optimizer)]

    paths = [
        _run(loss_fn_2d, start, lr, label, make, steps)
        for (label, make), start, lr in itertools.product(opt_specs, starts_arr, lr_list)
    ]
    x0, x1, y0, y1 = bounds if bounds is not None else _default_bounds(paths, starts_arr)
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    z = _surface(loss_fn_2d, gx, gy)

    n = len(opt_specs)
    cols = min(n, 3)
    rows = math.ceil(n / cols)
    equal = max(x1 - x0, y1 - y0) <= 4 * min(x1 - x0, y1 - y0)
    # With equal axes a panel's height follows the plane's shape (plus room for the title and labels).
    height = float(np.clip(4.4 * (y1 - y0) / (x1 - x0) + 1.2, 2.8, 6.0)) if equal else 4.6
    fig, axes = new_figure(rows, cols, figsize=(5.4 * cols, height * rows))
    colors = class_colors(len(lr_list) * len(starts_arr))
    levels = _levels(z)
    imin = np.unravel_index(np.nanargmin(z), z.shape) if np.isfinite(z).any() else None
    per_panel = len(starts_arr) * len(lr_list)
    for k, ax in enumerate(trim_axes(fig, axes, n)):
        ax.contour(gx, gy, z, levels=levels, cmap="viridis", linewidths=0.9, alpha=0.8)
        if imin is not None:
            ax.plot(gx[imin], gy[imin], marker="*", markersize=13, color="gold", markeredgecolor="black", linestyle="")
        for j, p in enumerate(paths[k * per_panel : (k + 1) * per_panel]):
            label = f"lr={p.lr:g}"
            if len(starts_arr) > 1:
                label += f", start ({p.start[0]:g}, {p.start[1]:g})"
            shown, left = _inside(p.points, (x0, x1, y0, y1))
            if p.diverged:
                label += f": diverged, off the plot after {left} step{'s' * (left > 1)}" if left else ": diverged"
            else:
                label += f": loss {p.losses[-1]:.3g}"
            ax.plot(*shown.T, "-o", color=colors[j], markersize=2.5, linewidth=1.4, label=label)
            if left is not None:  # where it left the plot, for good or for a while
                ax.scatter(*shown[-1], marker="X", s=64, color=colors[j], edgecolors="black", clip_on=False, zorder=3)
        ax.plot(*starts_arr.T, marker="s", color="white", markersize=7, markeredgecolor="black", linestyle="")
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        if equal:
            ax.set_aspect("equal")  # true angles: a gradient step crosses the contour lines at a right angle
        ax.set_title(f"{opt_specs[k][0]}, {steps} steps")
        ax.set_xlabel("$w_0$")
        ax.set_ylabel("$w_1$")
        ax.legend(fontsize=8, loc="best", framealpha=0.85)
    return save(fig, path), paths


def _inside(points: np.ndarray, bounds: tuple[float, float, float, float]) -> tuple[np.ndarray, int | None]:
    """The path up to where it first leaves the plot, ending on the plot's edge; and after how many steps.

    A diverging path jumps between ever larger points on both sides: drawn whole, its segments
    would cross the plot as long streaks. Returns ``(points, None)`` for a path that stays inside.
    """
    lo = np.array([bounds[0], bounds[2]])
    hi = np.array([bounds[1], bounds[3]])
    outside = np.flatnonzero(~np.all((points >= lo) & (points <= hi), axis=1))
    if outside.size == 0 or outside[0] == 0:
        return points, None
    i = int(outside[0])
    a, b = points[i - 1], points[i]
    # NOTE: the largest t in (0, 1] with a + t (b - a) inside the box, per coordinate then overall.
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(b > hi, (hi - a) / (b - a), np.where(b < lo, (lo - a) / (b - a), 1.0))
    edge = a + float(np.nanmin(t)) * (b - a)
    return np.vstack([points[:i], edge]), i


def _levels(z: np.ndarray, n: int = 18) -> np.ndarray:
    """Contour levels: log-spaced above the minimum when the loss spans decades (bowls), else linear."""
    finite = z[np.isfinite(z)]
    lo, hi = float(finite.min()), float(finite.max())
    if hi - lo <= 0:
        return np.array([lo, lo + 1.0])
    # NOTE: quadratic bowls have most of their area at high loss; log spacing puts rings near the minimum too.
    return lo + np.geomspace((hi - lo) * 1e-3, hi - lo, n)


__all__ = ["OPTIMIZERS", "DescentPath", "descent_path"]
