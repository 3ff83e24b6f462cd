"""The ``nabla`` command's parser and entry point: options in, one command run, one-line errors out."""

from __future__ import annotations

import argparse
import difflib
import os
import sys

from . import datasets, evaluate, export, playground, predict, train, xor
from .errors import UsageError

# Each module: add_parser(subparsers) and run(args).
_COMMANDS = (train, datasets, evaluate, predict, export, playground, xor)


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error (the usage of a command with many options fills a screen).

    ``commands`` holds the parsers of the subcommands, by name (empty for a subcommand's own parser).
    """

    commands: dict[str, argparse.ArgumentParser] = {}

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> _Parser:
    """The ``nabla`` parser; ``parser.commands`` maps each command's name to its parser."""
    from .. import __version__

    parser = _Parser(
        prog="nabla",
        description="Train, evaluate and use small neural networks with nabla (NumPy + autograd).",
        epilog="Run 'nabla COMMAND --help' for a command's options. 'nabla train' alone trains on two moons.",
    )
    parser.add_argument("--version", action="version", version=f"nabla {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    parser.commands = {cmd.prog.split()[-1]: cmd for cmd in (m.add_parser(sub) for m in _COMMANDS)}
    return parser


def _unrecognized(command: argparse.ArgumentParser, extra: list[str]) -> str:
    """'unrecognized arguments: --optimiser (did you mean --optimizer?)', in the command's own words."""
    known = [s for action in command._actions for s in action.option_strings]
    message = f"unrecognized arguments: {' '.join(extra)}"
    for word in extra:
        if word.startswith("--"):
            close = difflib.get_close_matches(word.split("=", 1)[0], known, n=1)
            if close:
                return f"{message} (did you mean {close[0]}?)"
    return message


def main(argv: list[str] | None = None) -> int:
    """Run the ``nabla`` command; returns the exit status (0 ok, 1 a failure, 2 a usage error)."""
    parser = build_parser()
    commands = parser.commands
    args, extra = parser.parse_known_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)  # `nabla train --np N` runs this command again
    if args.command is None:
        if extra:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        parser.print_help()
        return 2
    if extra:  # reported by the command, so that the hint is 'nabla train --help', not 'nabla --help'
        commands[args.command].error(_unrecognized(commands[args.command], extra))
    try:
        return args.run(args)
    except UsageError as e:
        print(f"nabla {args.command}: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"nabla {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `nabla predict ... | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
