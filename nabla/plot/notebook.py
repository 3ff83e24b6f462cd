"""Figures in Jupyter: a Figure that is a cell's last value draws itself, as pyplot's figures do.

nabla.plot makes its figures without pyplot (no global state), and IPython draws a bare
``matplotlib.figure.Figure`` only once matplotlib's inline backend has been switched on (by
``import matplotlib.pyplot`` or ``%matplotlib inline``); before that the cell shows
``<Figure size 640x480 with 1 Axes>``. Importing nabla.plot in a notebook kernel registers
the PNG drawing IPython's inline backend uses, by name, so matplotlib is still imported only
when a figure is drawn. Outside IPython nothing happens.
"""

from __future__ import annotations

import sys

from ._common import require_matplotlib


def figure(figsize: tuple[float, float] | None = None, **kwargs):
    """A new matplotlib Figure with constrained layout, made without pyplot.

    In a notebook it draws itself when it is a cell's last value; elsewhere
    ``fig.savefig(path)``. ``kwargs`` go to ``matplotlib.figure.Figure``.

    Example::

        fig = nbplot.figure(figsize=(6, 4))
        ax = fig.subplots()
        ax.plot(losses)
        fig   # the cell's last value: drawn inline
    """
    require_matplotlib()
    from matplotlib.figure import Figure

    kwargs.setdefault("layout", "constrained")
    return Figure(figsize=figsize, **kwargs)


def show_figures_inline() -> bool:
    """In an IPython shell, draw Figures that are a cell's value as PNG (unless something already does).

    Returns whether a shell was found. Called as nabla.plot is imported.
    """
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None and hasattr(ipython, "get_ipython") else None
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    png = shell.display_formatter.formatters.get("image/png")
    if png is None:
        return False
    try:
        png.lookup_by_type("matplotlib.figure.Figure")  # the inline backend's own, or a user's choice
    except KeyError:
        png.for_type_by_name("matplotlib.figure", "Figure", _png)
    return True


def _png(fig) -> bytes | None:
    from IPython.core.pylabtools import print_figure

    return print_figure(fig, "png")
