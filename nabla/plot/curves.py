"""Training curves: the History of ``fit``, the TrainingMonitor's norms, histograms of the weights."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence

import numpy as np

from ._common import class_colors, new_figure, save, to_numpy, trim_axes

# Quantities whose values span decades: drawn on a log scale.
_LOG_SCALE = ("learning_rate", "lr")


def _grid(n: int, max_cols: int) -> tuple[int, int]:
    cols = min(n, max_cols)
    return math.ceil(n / cols), cols


def history(
    history,
    metrics: Sequence[str] | None = None,
    path: str | os.PathLike | None = None,
    held_out: str = "validation",
):
    """Plot the loss and metric curves of a training run: one subplot per quantity, train and held-out data.

    Each quantity (``loss``, ``accuracy``...) gets an axes with its training
    curve (solid) and, when ``fit`` had validation data, its ``val_`` curve
    (dashed), against the epoch (from 1, integer ticks). Quantities that are
    not measured on data (the learning rate) get one unlabelled curve. On a
    validation split, the epoch of the lowest validation loss is marked with
    a dot: where early stopping would stop. The loss is drawn on a log scale
    when it falls by more than 100x, the learning rate always.

    Args:
        history: the ``History`` that ``model.fit`` returns, or its ``.history``
            dict (``{"loss": [...], "val_loss": [...], ...}``).
        metrics: the quantities to draw, without the ``val_`` prefix (default:
            all of them, the loss first).
        path: file to save the figure to (.png, .svg, .pdf).
        held_out: what the ``val_`` curves were measured on: ``"validation"``
            (default) or ``"test"``, when ``fit`` was given the test split as
            ``validation_data`` only to draw its curve (as Keras's MNIST examples
            do). The curves are then labelled "test" and no best epoch is marked:
            choosing anything by the test split would make it a validation split.

    Returns:
        The matplotlib Figure; ``fig.axes[i].lines`` holds one line per series.

    Example::

        hist = model.fit(x, y, epochs=50, validation_split=0.2, verbose=0)
        nabla.plot.history(hist, path="curves.png")
    """
    if held_out not in ("validation", "test"):
        raise ValueError(f"history: held_out must be 'validation' or 'test', got {held_out!r}")
    logs = getattr(history, "history", history)
    if not isinstance(logs, Mapping):
        raise TypeError(f"history: expected a History or its .history dict, got {type(history).__name__}")
    logs = {k: np.asarray(v, dtype=np.float64) for k, v in logs.items() if len(v)}
    if not logs:
        raise ValueError("history: nothing was recorded (is it the History of a fit that ran at least one epoch?)")
    names = []
    for key in logs:
        base = key[4:] if key.startswith("val_") else key
        if base not in names:
            names.append(base)
    names.sort(key=lambda n: (n != "loss", n in _LOG_SCALE))  # loss first, learning rate last, else as recorded
    if metrics is not None:
        wanted = [m[4:] if m.startswith("val_") else m for m in metrics]
        unknown = [m for m in wanted if m not in names]
        if unknown:
            raise ValueError(f"history: no values recorded for {unknown}; recorded: {sorted(logs)}")
        names = wanted

    rows, cols = _grid(len(names), 3)
    fig, axes = new_figure(rows, cols, figsize=(4.6 * cols, 3.6 * rows))
    from matplotlib.ticker import MaxNLocator  # after new_figure, which says how to install matplotlib

    epochs0 = getattr(history, "epoch", None)
    if epochs0 is not None and not np.all(np.diff(epochs0) > 0):
        epochs0 = None  # a History reused by several fit calls restarts its epoch numbers: count instead
    for ax, name in zip(trim_axes(fig, axes, len(names)), names):
        on_data = name not in _LOG_SCALE  # a learning rate is not measured on the training data
        for key, label, style in ((name, "train" if on_data else None, "-"), ("val_" + name, held_out, "--")):
            if key not in logs:
                continue
            values = logs[key]
            epochs = np.arange(1, len(values) + 1)
            if epochs0 is not None and len(epochs0) == len(values):
                epochs = np.asarray(epochs0) + 1
            marker = "o" if len(values) <= 30 else None
            ax.plot(epochs, values, style, marker=marker, markersize=3.5, label=label)
        if held_out == "validation" and name == "loss" and "val_loss" in logs and np.isfinite(logs["val_loss"]).any():
            best = int(np.nanargmin(logs["val_loss"]))
            ax.scatter([best + 1], [logs["val_loss"][best]], s=60, color="black", zorder=3, label="lowest val_loss")
        values = np.concatenate([logs[k] for k in (name, "val_" + name) if k in logs])
        values = values[np.isfinite(values)]
        positive = values.size and values.min() > 0
        if name in _LOG_SCALE or (name == "loss" and positive and values.max() > 100 * values.min()):
            ax.set_yscale("log")
        ax.set_title(name)
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))  # epochs are counted: no tick at 2.5
        if len(epochs) == 1:
            ax.set_xlim(epochs[0] - 0.5, epochs[0] + 0.5)  # one epoch: matplotlib would zoom to 0.96-1.04
        ax.grid(alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8)
    return save(fig, path)


def monitor(record_or_monitor, path: str | os.PathLike | None = None):
    """Plot a TrainingMonitor's record: weight norms, gradient norms and update/weight ratios per parameter.

    One subplot per quantity, one line per parameter (the same colour in
    every subplot), against the epoch, on a log scale. The update/weight
    ratio subplot has a dotted reference line at 1e-3, the healthy size of
    one step (Karpathy's rule of thumb; the monitor's ratio is over a whole
    epoch, so larger values are expected with many steps per epoch). Epochs
    with flags (NaN, exploding or vanishing gradients, dead ReLUs) are shaded
    red. When the monitor had a probe batch, a fourth subplot shows the
    fraction of dead ReLU units per layer.

    Args:
        record_or_monitor: a :class:`nabla.diagnostics.TrainingMonitor` or its ``.record`` list.
        path: file to save the figure to (.png, .svg, .pdf).

    Returns:
        The matplotlib Figure.

    Example::

        mon = nabla.diagnostics.TrainingMonitor()
        model.fit(x, y, epochs=20, callbacks=[mon], verbose=0)
        nabla.plot.monitor(mon, path="norms.png")
    """
    record = getattr(record_or_monitor, "record", record_or_monitor)
    if not isinstance(record, Sequence) or not record:
        raise ValueError("monitor: the record is empty: pass a TrainingMonitor after fit, or its .record list")
    epochs = np.asarray([e.get("epoch", i) for i, e in enumerate(record)]) + 1
    params = []
    for entry in record:
        for key in ("weight_norm", "grad_norm", "update_ratio"):
            params += [p for p in entry.get(key, {}) if p not in params]
    colors = dict(zip(params, class_colors(len(params))))
    quantities = [("weight_norm", "weight norm ‖w‖"), ("grad_norm", "gradient norm ‖g‖")]
    quantities.append(("update_ratio", "update / weight ratio"))
    layers = []
    for entry in record:
        layers += [name for name in entry.get("dead_relu", {}) if name not in layers]
    if layers:
        quantities.append(("dead_relu", "fraction of dead ReLU units"))

    rows, cols = (2, 2) if len(quantities) == 4 else (1, len(quantities))
    fig, axes = new_figure(rows, cols, figsize=(4.8 * cols, 3.8 * rows))
    flagged = [ep for ep, entry in zip(epochs, record) if entry.get("flags")]
    for ax, (key, title) in zip(axes.ravel(), quantities):
        series = layers if key == "dead_relu" else params
        for i, name in enumerate(series):
            values = np.asarray([entry.get(key, {}).get(name, np.nan) for entry in record], dtype=np.float64)
            color = class_colors(len(series))[i] if key == "dead_relu" else colors[name]
            ax.plot(epochs, values, marker="o" if len(epochs) <= 30 else None, markersize=3, color=color, label=name)
        if key == "update_ratio":
            ax.axhline(1e-3, color="0.3", linestyle=":", linewidth=1.2, label="1e-3")
        if key != "dead_relu":
            ax.set_yscale("log")
        else:
            ax.set_ylim(-0.02, 1.02)
        for ep in flagged:
            ax.axvspan(ep - 0.5, ep + 0.5, color="red", alpha=0.12, linewidth=0)
        ax.set_title(title)
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3, which="both")
        if key in ("weight_norm", "dead_relu"):
            ax.legend(fontsize=7 if len(series) <= 12 else 6, ncol=1 if len(series) <= 12 else 2, loc="best")
    return save(fig, path)


def _named_arrays(model) -> list[tuple[str, np.ndarray]]:
    if hasattr(model, "named_parameters"):
        return [(name, to_numpy(p)) for name, p in model.named_parameters()]
    if isinstance(model, Mapping):
        return [(str(name), to_numpy(w)) for name, w in model.items()]
    raise TypeError(
        f"weights_histogram: expected a model (named_parameters) or a dict of arrays, got {type(model).__name__}"
    )


def weights_histogram(model, path: str | os.PathLike | None = None, bins: int = 40, grads: bool = False):
    """Histograms of every parameter tensor, one row per layer (kernel, bias... side by side).

    Each subplot's title gives the parameter's name, shape, mean and
    standard deviation: compare a layer's spread with its initialisation
    (Glorot: std ≈ sqrt(2 / (fan_in + fan_out))) to see how training moved it.

    Args:
        model: an ``nn.Module`` or Keras-style model (its ``named_parameters()``),
            or a dict from name to array (a ``state_dict``).
        path: file to save the figure to (.png, .svg, .pdf).
        bins: histogram bins (default 40).
        grads: histogram the parameters' ``.grad`` instead (after a backward).

    Returns:
        The matplotlib Figure, one Axes per parameter.

    Example::

        nabla.plot.weights_histogram(model, path="weights.png")
    """
    if grads:
        if not hasattr(model, "named_parameters"):
            raise TypeError("weights_histogram(grads=True) needs a model with named_parameters()")
        named = [(name, to_numpy(p.grad)) for name, p in model.named_parameters() if p.grad is not None]
        if not named:
            raise ValueError("weights_histogram(grads=True): no parameter has a gradient; call loss.backward() first")
    else:
        named = _named_arrays(model)
    if not named:
        raise ValueError("weights_histogram: the model has no parameters (has it been built? call it on data first)")
    layers: dict[str, list] = {}
    for name, w in named:
        layer = name.rsplit(".", 1)[0] if "." in name else ""
        layers.setdefault(layer, []).append((name, w))
    cols = max(len(v) for v in layers.values())
    fig, axes = new_figure(len(layers), cols, figsize=(4.2 * cols, 2.7 * len(layers)))
    colors = class_colors(cols)
    for r, items in enumerate(layers.values()):
        for c in range(cols):
            ax = axes[r, c]
            if c >= len(items):
                fig.delaxes(ax)
                continue
            name, w = items[c]
            flat = w.astype(np.float64).ravel()
            finite = flat[np.isfinite(flat)]
            ax.hist(finite, bins=bins, color=colors[c], alpha=0.85)
            kind = "grad of " if grads else ""
            ax.set_title(
                f"{kind}{name} {tuple(w.shape)}\nmean {finite.mean():.3g}, std {finite.std():.3g}"
                if finite.size
                else f"{kind}{name} {tuple(w.shape)}: no finite values",
                fontsize=9,
            )
            ax.tick_params(labelsize=8)
            ax.grid(alpha=0.3)
    return save(fig, path)


__all__ = ["history", "monitor", "weights_histogram"]
