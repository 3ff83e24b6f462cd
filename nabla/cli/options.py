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


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def seed(text: str) -> int:
    """A seed: an integer >= 0 (NumPy's generators refuse negative seeds)."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a rate in [0, 1), got {text!r}")
    return value


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
