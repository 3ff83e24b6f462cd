"""What every plot shares: the lazy matplotlib import, new figures, saving, class colours."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from ..atomic import atomic_write
from ..engine.tensor import Tensor

# Colours of classes 0, 1, 2... (matplotlib's "tab10", then "tab20" for more classes).
_TAB10 = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]


def require_matplotlib():
    """Import matplotlib, or fail with an error that says how to install it."""
    try:
        import matplotlib  # noqa: F401
        from matplotlib.figure import Figure  # noqa: F401
    except ImportError as e:
        raise ImportError(
            "nabla.plot needs matplotlib, which is not installed: pip install 'nabla[plot]' (or pip install matplotlib)"
        ) from e
    return matplotlib


def new_figure(nrows: int = 1, ncols: int = 1, figsize: tuple[float, float] | None = None, **subplot_kw):
    """A Figure and its grid of axes, made without pyplot (no global state, nothing shown).

    Returns ``(fig, axes)`` with ``axes`` a 2-D array of Axes. In a notebook
    the returned Figure displays itself when it is the cell's last value.
    """
    require_matplotlib()
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, subplot_kw=subplot_kw or None)
    return fig, axes


def trim_axes(fig, axes, used: int) -> list:
    """Remove the grid's axes after the first ``used`` ones; return the used ones in order."""
    flat = list(np.asarray(axes).ravel())
    for ax in flat[used:]:
        fig.delaxes(ax)
    return flat[:used]


def save(fig, path: str | os.PathLike | None, dpi: int = 120):
    """Write ``fig`` to ``path`` atomically when one is given (format from the extension: .png, .svg, .pdf; PNG
    without one); return ``fig``."""
    if path is not None:
        fmt = Path(path).suffix.lstrip(".").lower() or "png"
        atomic_write(path, lambda f: fig.savefig(f, format=fmt, dpi=dpi))
    return fig


def to_numpy(x) -> np.ndarray:
    """A Tensor, a list or an array as a NumPy array (detached from any graph)."""
    if isinstance(x, Tensor):
        return np.array(x.detach()._data)
    return np.asarray(x)


def class_colors(n: int) -> list:
    """``n`` distinct colours, one per class, the same in every nabla plot."""
    if n <= len(_TAB10):
        return _TAB10[:n]
    require_matplotlib()
    import matplotlib

    cmap = matplotlib.colormaps["tab20" if n <= 20 else "hsv"]
    return [cmap(i / (20 if n <= 20 else n)) for i in range(n)]


def as_class_indices(y, what: str = "y") -> np.ndarray:
    """Class labels as a 1-D array: one-hot or probability rows become their argmax, (N, 1) is flattened."""
    y = to_numpy(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return y.argmax(axis=1)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"{what} must hold one label per sample, shape (N,), (N, 1) or one-hot (N, K); got {y.shape}")
    return y


def sigmoid(z: np.ndarray) -> np.ndarray:
    # NOTE: exp of a negative number only, so no overflow for large |z|.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softmax(z: np.ndarray) -> np.ndarray:
    # NOTE: subtract the row's max before exp (stable for large logits).
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def as_list(x) -> list:
    """``x`` as a list: a string, a number or a class stays one item."""
    if isinstance(x, (str, bytes, type)) or not isinstance(x, Iterable):
        return [x]
    return list(x)
