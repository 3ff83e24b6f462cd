"""Whether operations record a graph: ``no_grad``, ``enable_grad``, ``set_grad_enabled``.

One switch, :attr:`GradMode.enabled`, read by every operation: while it is
off, results do not require grad and no graph node is made (no memory for
saved values, raw NumPy speed). The backward walk turns it off too, except
when it records the backward pass itself (``create_graph=True``).
Each switch is a context manager and a decorator, as in PyTorch's
``torch/autograd/grad_mode.py``. As in PyTorch, the switch is per thread: ``no_grad`` in one
thread (a data-loading thread, a server's worker) leaves every other thread recording, and a
new thread starts with recording on.
"""

from __future__ import annotations

import contextlib
import threading


class _GradModeSwitch(threading.local):
    """The switch: whether operations record a graph now, in this thread."""

    enabled: bool = True  # the class default is what every new thread sees


GradMode = _GradModeSwitch()


def is_grad_enabled() -> bool:
    """Whether operations currently record a graph."""
    return GradMode.enabled


class ModeSwitch(contextlib.ContextDecorator):
    """Set ``enabled`` of a mode (:class:`GradMode` unless a subclass names another) inside a ``with`` block or
    a decorated function, and restore it after."""

    _mode = GradMode
    _target = False

    def __enter__(self):
        self.prev = self._mode.enabled
        self._mode.enabled = self._target
        return self

    def __exit__(self, *exc):
        self._mode.enabled = self.prev
        return False

    def _recreate_cm(self):
        # contextlib's hook for decorators: a fresh switch per call, so that a
        # recursive or nested decorated function restores the right state.
        return type(self)()


class no_grad(ModeSwitch):
    """Build no graph inside: ``with nb.no_grad():`` or ``@nb.no_grad()``.

    Results computed inside do not require grad, use no memory for saved
    values, and run at raw NumPy speed. Use it for evaluation and for
    updating parameters in place.
    """


class enable_grad(ModeSwitch):
    """Record a graph inside, even within ``no_grad``."""

    _target = True


class set_grad_enabled(ModeSwitch):
    """Turn graph recording on or off: a context manager, a decorator, or a plain call.

    As a plain call (``nb.set_grad_enabled(False)``) the mode changes at once;
    as a decorator it changes only while the decorated function runs.
    """

    def __init__(self, mode: bool):
        self.prev = GradMode.enabled
        self._target = bool(mode)
        GradMode.enabled = self._target

    def __enter__(self):
        GradMode.enabled = self._target  # self.prev was taken by __init__, before the switch
        return self

    def __call__(self, fn):
        GradMode.enabled = self.prev  # decorating must not switch the mode for the caller
        return super().__call__(fn)

    def _recreate_cm(self):
        return enable_grad() if self._target else no_grad()
