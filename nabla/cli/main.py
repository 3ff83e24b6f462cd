"""The ``nabla`` command's parser and entry point: options in, one command run, one-line errors out."""

from __future__ import annotations

import argparse
import difflib
import os
import sys

from .. import datasets
from . import datasets as datasets_command
from . import evaluate, predict, train, xor
from .errors import UsageError
from .optimizers import NAMES as OPTIMIZERS
from .options import hidden_sizes, name_choice, positive_float, positive_int, rate, seed
from .recipes import HIDDEN_ACTIVATIONS, RECIPES


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error (the usage of a command with many options fills a screen).

    ``commands`` holds the parsers of the subcommands, by name (empty for a subcommand's own parser).
    """

    commands: dict[str, argparse.ArgumentParser] = {}

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _dataset_option(parser: argparse.ArgumentParser, default: str | None, help_default: str) -> None:
    aliases = {alias: name for name in RECIPES for alias in datasets.lookup(name).aliases}
    parser.add_argument(
        "--dataset",
        default=default,
        type=name_choice("dataset", RECIPES, aliases),
        metavar="NAME",
        help=f"{', '.join(RECIPES)} or an alias ({', '.join(aliases)}); case and - _ do not matter ({help_default})",
    )


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

    cmd = sub.add_parser(
        "train",
        help="train an MLP on a dataset and write the model, metrics and pictures",
        description="Train an MLP on a dataset; print train/test metrics; write the model, metrics.json, "
        "history.csv, the loss curves and (for 2-D inputs) the decision boundary to --out. "
        "Every option defaults to the dataset's tuned recipe (nabla/cli/recipes.py).",
    )
    _dataset_option(cmd, "moons", "default moons")
    cmd.add_argument(
        "--hidden", type=hidden_sizes, metavar="W1,W2", help="hidden layer widths, e.g. 16,16; none for no hidden layer"
    )
    cmd.add_argument(
        "--activation",
        type=name_choice("activation", HIDDEN_ACTIVATIONS),
        metavar="NAME",
        help=f"hidden activation: {', '.join(HIDDEN_ACTIVATIONS)} (default relu)",
    )
    cmd.add_argument(
        "--optimizer",
        type=name_choice("optimizer", OPTIMIZERS),
        metavar="NAME",
        help=f"{', '.join(OPTIMIZERS)}, with Keras's defaults (default adam; momentum = SGD with 0.9)",
    )
    cmd.add_argument("--lr", type=positive_float, help="learning rate (default: the dataset's)")
    cmd.add_argument("--epochs", type=positive_int, help="passes over the training split (default: the dataset's)")
    cmd.add_argument("--batch-size", type=positive_int, help="mini-batch size (default: the dataset's)")
    cmd.add_argument("--dropout", type=rate, help="dropout rate after each hidden layer")
    cmd.add_argument("--seed", type=seed, default=0, help="seed of the data split, the weights and the batches")
    cmd.add_argument("--out", default="nabla-run", help="output folder (default ./nabla-run)")
    cmd.add_argument("--quiet", action="store_true", help="no progress bar; print only the final metrics")
    cmd.set_defaults(run=train.run)
    commands = {"train": cmd}

    cmd = sub.add_parser(
        "datasets",
        help="list the datasets and whether each is on disk; --download one",
        description="List every dataset of nabla's catalogue, its aliases and whether a real one is on disk "
        "(in $NABLA_DATA_DIR, else the user cache folder).",
    )
    cmd.add_argument(
        "--download",
        type=name_choice(
            "dataset", datasets.CATALOG, {a: e.name for e in datasets.CATALOG.values() for a in e.aliases}
        ),
        metavar="NAME",
        help="fetch the files of a real dataset (mnist, fashion_mnist) into the data folder (needs pooch)",
    )
    cmd.set_defaults(run=datasets_command.run)
    commands["datasets"] = cmd

    cmd = sub.add_parser(
        "evaluate",
        help="print a saved model's metrics on a dataset's test split",
        description="Load a model written by 'nabla train' and print its loss and metrics on the test split "
        "(regenerated from the same seed for synthetic sets).",
    )
    cmd.add_argument("model", help="a model file, e.g. nabla-run/model.nabla")
    _dataset_option(cmd, None, "default: the one in metrics.json beside the model")
    cmd.add_argument("--seed", type=seed, help="seed of the split (default: the training run's, else 0)")
    cmd.add_argument("--split", type=name_choice("split", ("test", "train")), default="test", help="test or train")
    cmd.set_defaults(run=evaluate.run)
    commands["evaluate"] = cmd

    cmd = sub.add_parser(
        "predict",
        help="predict the rows of a CSV file with a saved model",
        description="One row of raw features per line, UTF-8, comma-separated; a header row is optional and "
        "picks the columns by name. A model trained by 'nabla train' on one-hot columns (fish: Species=Bream...) "
        "also takes the raw column (Species). Prints CSV: the class and its probabilities, or the predicted value.",
    )
    cmd.add_argument("model", help="a model file, e.g. nabla-run/model.nabla")
    cmd.add_argument("input", help="a CSV file of feature rows")
    cmd.add_argument("--output", "-o", help="write the predictions to this CSV file instead of printing them")
    cmd.set_defaults(run=predict.run)
    commands["predict"] = cmd

    cmd = sub.add_parser("xor", help="the engine alone: a 2-2-1 network learns XOR by gradient descent")
    cmd.add_argument("--epochs", type=positive_int, default=2000)
    cmd.add_argument("--lr", type=positive_float, default=0.5)
    cmd.add_argument("--seed", type=seed, default=2)
    cmd.set_defaults(run=xor.run)
    commands["xor"] = cmd
    parser.commands = commands
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
