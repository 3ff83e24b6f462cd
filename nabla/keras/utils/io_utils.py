"""Printing while a progress bar is on screen."""

from __future__ import annotations

import sys


def print_msg(message: str) -> None:
    """Print a line to stdout without breaking a live progress bar (``tqdm.write`` moves it down)."""
    from tqdm.auto import tqdm

    tqdm.write(message, file=sys.stdout)
