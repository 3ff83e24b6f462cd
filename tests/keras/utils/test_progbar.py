"""The progress display's rendering: the choice of verbosity."""

from __future__ import annotations

import pytest

from nabla import callbacks as C


def test_resolve_verbose(monkeypatch):
    assert [C.resolve_verbose(v) for v in (0, 1, 2)] == [0, 1, 2]

    class Stream:
        def __init__(self, tty):
            self.tty = tty

        def isatty(self):
            return self.tty

        def write(self, text):
            pass

    monkeypatch.setattr("sys.stdout", Stream(True))
    assert C.resolve_verbose("auto") == 1
    monkeypatch.setattr("sys.stdout", Stream(False))
    assert C.resolve_verbose("auto") == 2
    for bad in (3, "loud", True, None):
        with pytest.raises(ValueError, match="verbose must be 0, 1, 2 or 'auto'"):
            C.resolve_verbose(bad)
