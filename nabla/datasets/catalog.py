"""The list of nabla's datasets, with whether each real one is ready to use offline."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from typing import Any, NamedTuple

from . import regression, synthetic
from .cache import FILES, file_status
from .digits import digits
from .fish import fish_market
from .images import fashion_mnist, mnist

__all__ = ["DatasetInfo", "list_datasets", "load"]


class DatasetInfo(NamedTuple):
    """One row of :func:`list_datasets`.

    ``kind`` is ``"synthetic"`` (generated on the fly) or ``"real"``; ``cached`` is
    True when every file of a real dataset is present with the right checksum
    (for ``digits``: when scikit-learn, which ships it, is installed), False when
    not, and None for a synthetic one (nothing to store); ``detail`` says which
    file is missing or damaged.
    """

    name: str
    kind: str
    cached: bool | None
    description: str
    detail: str


_SYNTHETIC: dict[str, tuple[Callable[..., Any], str]] = {
    "and_gate": (synthetic.and_gate, "AND truth table, 4 points (optional noise, repeats)"),
    "or_gate": (synthetic.or_gate, "OR truth table, 4 points"),
    "xor_gate": (synthetic.xor_gate, "XOR truth table, 4 points: needs a hidden layer"),
    "nand_gate": (synthetic.nand_gate, "NAND truth table, 4 points"),
    "moons": (synthetic.moons, "two interleaving half circles, 2 classes"),
    "circles": (synthetic.circles, "a circle inside a circle, 2 classes"),
    "spiral": (synthetic.spiral, "interleaved spiral arms, one class per arm"),
    "gaussian_blobs": (synthetic.gaussian_blobs, "Gaussian clusters, one class per cluster"),
    "checkerboard": (synthetic.checkerboard, "uniform points coloured like a checkerboard, 2 classes"),
    "sine": (regression.sine, "regression: y = sin(x) + noise"),
    "polynomial": (regression.polynomial, "regression: y = polynomial(x) + noise"),
    "linear": (regression.linear, "regression: y = X w + b + noise"),
}
_REAL: dict[str, tuple[Callable[..., Any], str, str | None]] = {
    "mnist": (mnist, "handwritten digits, 60,000 + 10,000 images 28x28, 10 classes", "mnist/"),
    "fashion_mnist": (fashion_mnist, "Zalando clothes, 60,000 + 10,000 images 28x28, 10 classes", "fashion-mnist/"),
    "fish_market": (fish_market, "159 fish of 7 species: predict the weight from the measurements", "fish/"),
    "digits": (digits, "scikit-learn's 1,797 8x8 digit images, 10 classes", None),
}


def _real_status(prefix: str | None, root: str | os.PathLike | None) -> tuple[bool, str]:
    if prefix is None:
        found = importlib.util.find_spec("sklearn") is not None
        return found, "bundled with scikit-learn" if found else "needs scikit-learn: pip install scikit-learn"
    problems = [
        f"{key} {status}" for key in FILES if key.startswith(prefix) and (status := file_status(key, root)) != "ok"
    ]
    return not problems, "; ".join(problems) if problems else "all files present, checksums match"


def list_datasets(data_dir: str | os.PathLike | None = None) -> list[DatasetInfo]:
    """Every dataset in :mod:`nabla.datasets`: name, kind, whether it is cached, a one-line description.

    Checking a real dataset hashes its files (about 0.1 s for Fashion-MNIST's 31 MB); nothing is downloaded.

    Args:
        data_dir: the data folder to inspect; ``$NABLA_DATA_DIR`` or the user cache folder when None.

    Example::

        >>> for d in list_datasets():  # with NABLA_DATA_DIR=/work/shared/data and scikit-learn installed
        ...     print(f"{d.name:15} {d.kind:10} {d.cached}")
        and_gate        synthetic  None
        or_gate         synthetic  None
        xor_gate        synthetic  None
        nand_gate       synthetic  None
        moons           synthetic  None
        circles         synthetic  None
        spiral          synthetic  None
        gaussian_blobs  synthetic  None
        checkerboard    synthetic  None
        sine            synthetic  None
        polynomial      synthetic  None
        linear          synthetic  None
        mnist           real       True
        fashion_mnist   real       True
        fish_market     real       True
        digits          real       True
    """
    rows = [
        DatasetInfo(name, "synthetic", None, text, "generated on the fly") for name, (_, text) in _SYNTHETIC.items()
    ]
    for name, (_, text, prefix) in _REAL.items():
        cached, detail = _real_status(prefix, data_dir)
        rows.append(DatasetInfo(name, "real", cached, text, detail))
    return rows


def load(name: str, **kwargs: Any) -> Any:
    """Call the dataset function ``name`` (as listed by :func:`list_datasets`) with ``kwargs``.

    Example::

        >>> X, y = load("moons", n_samples=100, seed=0)
    """
    entry = _SYNTHETIC.get(name) or _REAL.get(name)
    if entry is None:
        known = ", ".join([*_SYNTHETIC, *_REAL])
        raise ValueError(f"load: unknown dataset {name!r}; known datasets: {known}")
    return entry[0](**kwargs)
