"""Printing while a progress bar is on screen."""

from __future__ import annotations

import sys


def print_msg(message: str) -> None:
    """Print a line to stdout without breaking a live progress bar (``tqdm.write`` moves it down).

    The text bar's ``write``: a notebook's widget bars need no moving, and ``tqdm.auto`` would warn
    as it is imported in a notebook without ipywidgets.
    """
    from tqdm.std import tqdm

    tqdm.write(message, file=sys.stdout)
