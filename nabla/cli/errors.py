"""How the ``nabla`` command reports a user's mistake: one line, exit status 1, no traceback."""

from __future__ import annotations

_LONGEST = 600  # characters of a library's message shown on the one line


class UsageError(Exception):
    """A mistake of the user's (a missing file, a CSV of the wrong width): reported in one line, exit status 1."""


def one_line(error: BaseException) -> str:
    """``error``'s message on one line (whitespace runs folded), cut to a readable length."""
    text = " ".join((str(error).strip() or type(error).__name__).split())
    return text if len(text) <= _LONGEST else text[: _LONGEST - 3] + "..."
