"""``keras.utils.Progbar``: Keras's progress bar for loops of your own, printed to stdout as Keras prints it.

``fit``'s own progress is drawn by :class:`nabla.keras.callbacks.ProgbarLogger` (with tqdm, see
:mod:`.progbar`); this is the class Keras code builds by hand, in a custom training loop::

    bar = keras.utils.Progbar(len(batches), stateful_metrics=["acc"])
    for step, (x, y) in enumerate(batches, start=1):
        loss = train_step(x, y)
        bar.update(step, values=[("loss", loss), ("acc", accuracy)])

It writes the text Keras 3 writes (the same line, bar characters and colour codes), redrawn in place with
``\\r`` at most every ``interval`` seconds, and nothing through tqdm (so no ``IProgress not found`` warning
in a notebook without ipywidgets).
"""

from __future__ import annotations

import math
import sys
import time

import numpy as np

from .._engine import Tensor

_BOLD, _GREEN, _GREY, _RESET = "\x1b[1m", "\33[32m", "\33[37m", "\x1b[0m"


class Progbar:
    """A progress bar with running averages of the values it is given (Keras 3's ``keras.utils.Progbar``).

    Args:
        target: the number of steps expected, or None if unknown.
        width: the bar's width in characters (default 20).
        verbose: 0 silent, 1 a bar redrawn in place, 2 one line when the target is reached.
        interval: the least time between two redraws, in seconds (default 0.05).
        stateful_metrics: names whose values are shown as given; the others are averaged over the steps.
        stateless_metrics: or the names to average, all others shown as given (not both lists).
        unit_name: the unit shown in the time per step (``"step"``).

    A value given for ``n`` steps at once (``update(current)`` jumping by ``n``) counts ``n`` times in its
    average, as in Keras.
    """

    def __init__(self, target: int | None, width: int = 20, verbose: int = 1, interval: float = 0.05,
                 stateful_metrics=None, stateless_metrics=None, unit_name: str = "step"):  # fmt: skip
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError("Only one of `stateful_metrics` or `stateless_metrics` can be provided.")
        self.target, self.width, self.verbose = target, width, verbose
        self.interval, self.unit_name = interval, unit_name
        self.stateful_metrics = set(stateful_metrics or ()) if stateless_metrics is None else None
        self.stateless_metrics = None if stateless_metrics is None else set(stateless_metrics)
        self._seen_so_far = 0
        self._values: dict[str, list] = {}  # name -> [sum of value * steps, steps] (insertion order: display)
        self._start = time.time()
        self._last_update = 0.0
        self._time_after_first_step: float | None = None
        self._prev_total_width = 0

    def update(self, current: int, values=None, finalize: bool | None = None) -> None:
        """Step ``current`` is done; ``values`` is a list of ``(name, value)`` for the last step.

        ``finalize`` (default: ``current >= target``) ends the bar with a newline.
        """
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for name, value in values or []:
            if isinstance(value, Tensor):  # a loss from a training loop: its value, without the graph
                value = value.numpy()
            averaged = name not in self.stateful_metrics if self.stateful_metrics is not None else (
                name in self.stateless_metrics)  # fmt: skip
            if averaged and not finalize:
                steps = max(current - self._seen_so_far, 1)
                total, count = self._values.get(name, [0.0, 0])
                self._values[name] = [total + value * steps, count + steps]
            else:
                self._values[name] = [value, 1]
        self._seen_so_far = current
        now = time.time()
        per_step = self._step_duration(current, now)
        if self.verbose == 1 and (finalize or now - self._last_update >= self.interval):
            self._draw(current, now, per_step, finalize)
        elif self.verbose == 2 and finalize and self.target:
            digits = int(math.log10(self.target)) + 1
            line = f"{current:{digits}d}/{self.target} - {now - self._start:.0f}s -"
            line += _per_step(per_step, self.unit_name)
            _write(line + self._metrics(verbose2=True) + "\n")
        self._last_update = now

    def add(self, n: int, values=None) -> None:
        """``n`` more steps are done: ``update(seen + n, values)``."""
        self.update(self._seen_so_far + n, values)

    def _draw(self, current: int, now: float, per_step: float, finalize: bool) -> None:
        hidden = 0  # the colour codes' characters, which take no room on screen
        if self.target:
            digits = int(math.log10(self.target)) + 1
            filled = int(self.width * current / self.target)
            bar = f"{_BOLD}{current:{digits}d}/{self.target}{_RESET} "
            hidden += 8
            if filled > 0:
                bar += f"{_GREEN}{'━' * filled}{_RESET}"
                hidden += 9
            bar += f"{_GREY}{'━' * (self.width - filled)}{_RESET}"
            hidden += 9
        else:
            bar = f"{current:7d}/Unknown"
        if self.target and not finalize:
            info = f" {_BOLD}{_eta(per_step * (self.target - current))}{_RESET}"
        else:
            info = f" {_BOLD}{now - self._start:.0f}s{_RESET}"
        hidden += 8
        info += _per_step(per_step, self.unit_name) + self._metrics()
        width = len(bar) + len(info) - hidden
        message = "\b" * self._prev_total_width + "\r" + bar + info
        message += " " * max(self._prev_total_width - width, 0) + ("\n" if finalize else "")
        _write(message)
        self._prev_total_width = width

    def _metrics(self, verbose2: bool = False) -> str:
        text = ""
        for name, (total, count) in self._values.items():
            mean = float(np.mean(total)) / max(1, count)
            # NOTE: Keras's one-line form compares the value itself with 1e-3, its bar the absolute value.
            small = mean <= 1e-3 if verbose2 else abs(mean) <= 1e-3
            text += f" - {name}: {mean:.4e}" if small else f" - {name}: {mean:.4f}"
        return text

    def _step_duration(self, current: int, now: float) -> float:
        """Seconds per step, leaving out the first step (often slow: compilation, caches) once there are more."""
        if not current:
            return 0.0
        if self._time_after_first_step is not None and current > 1:
            duration = (now - self._time_after_first_step) / (current - 1)
        else:
            duration = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return duration


def _eta(seconds: float) -> str:
    if seconds > 3600:
        return f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}:{int(seconds % 60):02d}"
    if seconds > 60:
        return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
    return f"{int(seconds)}s"


def _per_step(seconds: float, unit: str) -> str:
    if seconds >= 1 or seconds == 0:
        return f" {seconds:.0f}s/{unit}"
    if seconds >= 1e-3:
        return f" {seconds * 1e3:.0f}ms/{unit}"
    return f" {seconds * 1e6:.0f}us/{unit}"


def _write(message: str) -> None:
    sys.stdout.write(message)
    sys.stdout.flush()
