"""The command: ``nabla playground [--host 127.0.0.1] [--port 8000] [--no-browser]``, also
``python -m nabla.playground``. It needs no web library until it runs, so ``nabla --help`` works
without the playground extra."""

from __future__ import annotations

import argparse

DEFAULT_PORT = 8000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's options (``nabla playground`` and ``python -m nabla.playground`` share them)."""
    parser.add_argument(
        "--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1: this machine)"
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}; 0 picks a free one")
    parser.add_argument("--no-browser", action="store_true", help="print the address without opening a browser")


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl+C; a bad port or one in use exits with a one-line message."""
    if not 0 <= args.port <= 65535:
        raise SystemExit(f"nabla playground: --port must be between 0 and 65535, got {args.port}")
    from . import _server

    try:
        _server().serve(args.host, args.port, open_browser=not args.no_browser)
    except KeyboardInterrupt:
        pass
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="nabla playground", description="Watch a network learn in the browser.")
    add_arguments(parser)
    return run(parser.parse_args(argv))
