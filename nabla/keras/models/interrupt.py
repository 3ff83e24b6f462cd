"""Ctrl-C during ``fit`` stops after the current batch, keeping the weights and the history so far."""

from __future__ import annotations

import signal
import threading


class StopOnInterrupt:
    """Turns Ctrl-C during fit into "stop after the current batch"; a second Ctrl-C aborts at once.

    A context manager: inside it, the first SIGINT sets :attr:`requested` (``fit`` checks it after
    each batch) instead of raising ``KeyboardInterrupt``; the previous handler is put back on exit.
    Signal handlers can only be set from the main thread: elsewhere it does nothing, and Ctrl-C
    behaves as usual.
    """

    def __init__(self):
        self.requested = False
        self.previous = None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum, frame):
        if self.requested:  # a second Ctrl-C aborts at once
            raise KeyboardInterrupt
        self.requested = True

    def __exit__(self, *exc):
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
        return False
