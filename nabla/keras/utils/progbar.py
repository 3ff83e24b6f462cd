"""The progress display's rendering: the choice of verbosity, Keras's number format, and the bar itself.

:class:`Progbar` draws one phase (an epoch of ``fit``, an ``evaluate``, a ``predict``) with tqdm:
a widget in a Jupyter notebook that has ipywidgets, text in a terminal;
:class:`nabla.keras.callbacks.ProgbarLogger` decides which phase to draw and what to print when it ends.

A notebook kernel without ipywidgets gets no live bar: text redrawn with carriage returns piles up
in a saved notebook's output, and ``tqdm.auto`` warns there (``TqdmWarning: IProgress not found``).
It gets what Keras's bar leaves on screen in a notebook instead, one line per epoch.
"""

from __future__ import annotations

import math
import sys
import time

import numpy as np


def resolve_verbose(verbose: int | str) -> int:
    """``fit``'s ``verbose``: 0 (or False) silent, 1 (or True) progress bar, 2 one line per epoch; ``"auto"``
    picks 1 or 2.

    ``"auto"`` is 1 (a live bar) when stdout is a terminal or a Jupyter
    notebook with ipywidgets (a widget bar), and 2 otherwise (logs, CI, a
    notebook without ipywidgets), where a bar redrawn in place would fill
    the output with lines. In a notebook without ipywidgets 1 is 2 as
    well: one line per epoch, the line Keras's bar ends on there.

    Example:
        >>> resolve_verbose(2)
        2
    """
    if isinstance(verbose, bool):  # (Keras 3 takes them as 0 and 1: DLAI's labs pass verbose=False)
        verbose = int(verbose)
    if verbose not in (0, 1, 2, "auto"):
        raise ValueError(f"verbose must be 0, 1, 2 or 'auto', got {verbose!r}")
    if verbose in (1, "auto") and _in_notebook():
        return 1 if _has_widgets() else 2
    if verbose == "auto":
        try:
            return 1 if sys.stdout.isatty() else 2
        except (AttributeError, ValueError):  # replaced or closed stdout
            return 2
    return int(verbose)


def _in_notebook() -> bool:
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except Exception:  # an IPython too old or half-initialised: not a notebook we can drive
        return False
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _has_widgets() -> bool:
    """Whether ipywidgets can be imported (tqdm's notebook bar is an ipywidgets widget)."""
    try:
        from ipywidgets import FloatProgress  # noqa: F401
    except ImportError:
        return False
    return True


def _bar_class():
    """tqdm's widget bar in a notebook with ipywidgets, its text bar outside notebooks, None in a notebook
    without ipywidgets (imported on first use: tqdm looks for Jupyter as it is imported)."""
    if not _in_notebook():
        from tqdm.std import tqdm

        return tqdm
    if _has_widgets():
        from tqdm.notebook import tqdm

        return tqdm
    return None


def format_value(value, one_line: bool = False) -> str:
    """As Keras's progress bar: 4 decimals, scientific notation at and below 1e-3 in absolute value (so 0 is
    ``0.0000e+00``); an array (per class) in brackets. ``one_line``: Keras's ``verbose=2`` line, which
    compares the value itself (a negative value is in scientific notation there)."""
    if np.ndim(value) > 0:
        return "[" + " ".join(format_value(v, one_line) for v in np.ravel(value)) + "]"
    try:
        value = float(np.asarray(value, dtype=np.float64))
    except (TypeError, ValueError):
        return str(value)
    if (value if one_line else abs(value)) > 1e-3 or not math.isfinite(value):
        return f"{value:.4f}"
    return f"{value:.4e}"


def format_logs(logs: dict | None, one_line: bool = False) -> str:
    return " - ".join(f"{k}: {format_value(v, one_line)}" for k, v in (logs or {}).items())


def _per_step(seconds: float) -> str:
    """A step's time in Keras's units: whole seconds from 1 s, else milliseconds, else microseconds."""
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s"
    return f"{seconds * 1e3:.0f}ms" if seconds >= 1e-3 else f"{seconds * 1e6:.0f}us"


def format_time(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f}s"
    if seconds < 3600:
        return f"{int(seconds // 60)}m {int(seconds % 60):02d}s"
    return f"{int(seconds // 3600)}h {int(seconds % 3600 // 60):02d}m"


class Progbar:
    """One phase's progress: a live bar when ``verbose == 1``, and the count and time for its closing line.

    With ``verbose == 2`` (or 0) nothing is drawn while the phase runs; the caller prints one line at
    its end with :meth:`summary`.

    nabla's drawing class for :class:`~nabla.keras.callbacks.ProgbarLogger`, on tqdm; Keras's
    ``keras.utils.Progbar`` (which averages the values it is given) is :mod:`.text_progbar`'s.

    Args:
        target: the number of steps of the phase, or None (a bar without total).
        description: the text before the bar, e.g. ``"Epoch 3/10"``.
        verbose: 1 draws a live bar; other values draw nothing.
        unit_name: the unit of a step shown by the bar, default ``"step"``.
    """

    def __init__(self, target: int | None, description: str, verbose: int = 1, unit_name: str = "step"):
        self.target, self.unit_name = target, unit_name
        self.seen = 0
        self._start = time.perf_counter()
        self._bar = None
        tqdm = _bar_class() if verbose == 1 else None
        if tqdm is not None:
            self._bar = tqdm(
                total=target, desc=description, unit=unit_name, file=sys.stdout, dynamic_ncols=True, leave=True
            )

    def update(self, current: int, logs: dict | None = None) -> None:
        """``current`` steps are done; the running ``logs`` are shown beside the bar."""
        self.seen = current
        if self._bar is not None:
            if logs:
                self._bar.set_postfix_str(format_logs(logs), refresh=False)
            self._bar.update(self.seen - self._bar.n)

    def close(self, logs: dict | None = None) -> None:
        """Leave the bar on screen with the final ``logs`` (a second call does nothing)."""
        if self._bar is not None:
            if logs:
                self._bar.set_postfix_str(format_logs(logs), refresh=False)
            self._bar.close()
            self._bar = None

    def elapsed(self) -> str:
        """The time since the phase began, as Keras shows it: ``"3s"``, ``"2m 05s"``, ``"1h 02m"``."""
        return format_time(time.perf_counter() - self._start)

    def summary(self, logs: dict | None = None) -> str:
        """The phase's closing line, Keras 3's with ``verbose=2``:
        ``"1875/1875 - 3s - 2ms/step - accuracy: 0.9512 - loss: 0.1234"`` (the steps, right-aligned to the
        total's width; the seconds since the phase began; the mean time per step; the logs). Without a
        total the steps seen are the total, as Keras sets it when the phase ends."""
        seconds = time.perf_counter() - self._start
        target = self.target or self.seen
        line = f"{self.seen:{len(str(target))}d}/{target} - {seconds:.0f}s - {_per_step(seconds / max(self.seen, 1))}"
        return f"{line}/{self.unit_name} - {format_logs(logs, one_line=True)}" if logs else f"{line}/{self.unit_name}"
