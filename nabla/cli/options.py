"""The values the ``nabla`` command's options take, checked as they are parsed.

Names (datasets, activations, optimizers, splits) follow one rule, that of the dataset
catalogue: letter case and the separators ``-``, ``_``, space and ``.`` do not matter
(:func:`nabla.datasets.name_key`), so ``--activation Leaky-ReLU`` and ``--dataset Fashion_MNIST``
are accepted alike, and an alias declared in the catalogue (``fish``) is as good as the name.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Iterable, Mapping

from .. import datasets
from ..datasets import name_key


def name_choice(what: str, names: Iterable[str], aliases: Mapping[str, str] | None = None) -> Callable[[str], str]:
    """An argparse ``type`` that maps any spelling of one of ``names`` (or of an alias) to the name itself."""
    names = list(names)
    table = {name_key(n): n for n in names}
    table.update({name_key(alias): name for alias, name in (aliases or {}).items()})

    def parse(text: str) -> str:
        found = table.get(name_key(text))
        if found is None:
            raise argparse.ArgumentTypeError(f"unknown {what} {text!r}; choose from {', '.join(names)}")
        return found

    parse.__name__ = what  # argparse names the type in some messages
    return parse


def _checked(text: str, convert: Callable[[str], float], ok: Callable[[float], bool], expected: str):
    """``convert(text)`` when it works and passes ``ok``; else argparse's error saying what was ``expected``."""
    try:
        value = convert(text)
    except ValueError:
        value = None
    if value is None or not ok(value):
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
    return value


def positive_int(text: str) -> int:
    return _checked(text, int, lambda v: v > 0, "a positive integer")


def seed(text: str) -> int:
    """A seed: an integer >= 0 (NumPy's generators refuse negative seeds)."""
    return _checked(text, int, lambda v: v >= 0, "an integer >= 0")


def positive_float(text: str) -> float:
    return _checked(text, float, lambda v: v > 0 and math.isfinite(v), "a positive number")


def rate(text: str) -> float:
    return _checked(text, float, lambda v: 0.0 <= v < 1.0, "a rate in [0, 1)")


def hidden_sizes(text: str) -> tuple[int, ...]:
    """``"16,16"`` -> (16, 16); ``""`` or ``"none"`` -> () (no hidden layer: logistic or linear regression)."""
    if text.strip().lower() in ("", "none", "0"):
        return ()
    try:
        sizes = tuple(int(v) for v in text.replace(" ", "").split(","))
    except ValueError:
        sizes = ()
    if not sizes or any(s <= 0 for s in sizes):
        raise argparse.ArgumentTypeError(f"expected layer widths such as 16,16, got {text!r}")
    return sizes


def dataset_option(
    parser: argparse.ArgumentParser, names: Iterable[str], default: str | None, default_text: str
) -> None:
    """``--dataset NAME``: one of ``names`` (catalogue names) or an alias the catalogue declares for one."""
    names = list(names)
    aliases = {alias: name for name in names for alias in datasets.lookup(name).aliases}
    parser.add_argument(
        "--dataset",
        default=default,
        type=name_choice("dataset", names, aliases),
        metavar="NAME",
        help=f"{', '.join(names)} or an alias ({', '.join(aliases)}); case and - _ do not matter ({default_text})",
    )
