"""Loops compiled by Numba where it is installed (``pip install nabla[fast]``), and nothing where it is not.

The engine's NumPy kernels make one vectorised call per step of their work; a few of them (max pooling,
ReLU's gradient) are a handful of such passes over a large array that one compiled loop does in a single
pass. Such a loop is written here as plain Python over arrays and marked :func:`compiled`: its ``kernel``
is the Numba-compiled function, built at its first use in a process (about a second), or None without
Numba, where the caller keeps its NumPy form. No fast-math: a compiled loop rounds as the NumPy form it
replaces, and a test compares the two.
"""

from __future__ import annotations

_UNSET = object()


class compiled:  # noqa: N801 (used as a decorator, lower case as functools' are)
    """A loop nest to compile with Numba at its first use: ``.kernel`` is the compiled function or None."""

    def __init__(self, loops):
        self.loops = loops
        self._kernel = _UNSET

    @property
    def kernel(self):
        if self._kernel is _UNSET:
            try:
                from numba import njit
            except ImportError:
                self._kernel = None
            else:
                self._kernel = njit(cache=False, boundscheck=False)(self.loops)
        return self._kernel
