"""``nabla playground``: the local web app where a network learns live (``nabla.playground``, its extra)."""

from __future__ import annotations

import argparse

from .errors import UsageError, one_line


def run(args: argparse.Namespace) -> int:
    from ..playground import command

    try:
        return command.run(args)
    except ImportError as e:  # the playground extra is not installed: the error names it
        raise UsageError(one_line(e)) from None


def add_parser(commands) -> argparse.ArgumentParser:
    from ..playground import command  # its options only: no web library is imported until it runs

    cmd = commands.add_parser(
        "playground",
        help="watch a network learn in the browser: a local web app (pip install 'nabla[playground]')",
        description="Start nabla playground, a local web app where a network learns live in the browser, and "
        "print its address. See docs/playground.md.",
    )
    command.add_arguments(cmd)
    cmd.set_defaults(run=run)
    return cmd
