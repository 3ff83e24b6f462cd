"""The one list of nabla's datasets: names, aliases, tasks, units, files, and whether each is ready offline.

Everything that names a dataset reads this table: :func:`load`, :func:`load_split`,
:func:`list_datasets`, the ``nabla`` command (``--dataset``, ``nabla datasets``) and the
README's list (a test compares them). A dataset's name is the name of its function
(``moons`` is :func:`nabla.datasets.moons`); a few have short aliases (``fish``, ``xor``,
``blobs``). Names are matched by :func:`name_key`: letter case and the separators
``-``, ``_``, space and ``.`` do not matter, so ``Fashion-MNIST``, ``fashion_mnist`` and
``fashionmnist`` are one dataset.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from . import regression, synthetic
from .cache import FILES, fetch, file_status
from .cifar import cifar10, cifar100
from .digits import digits
from .fish import FISH_MEASUREMENTS, fish_market
from .images import fashion_mnist, mnist

__all__ = ["CATALOG", "DatasetEntry", "DatasetInfo", "download", "list_datasets", "load", "lookup", "name_key"]


def name_key(name: str) -> str:
    """The form in which nabla compares names given by a user: lower case, without ``-``, ``_``, spaces or dots.

    The one rule for names on nabla's command line (datasets, activations, optimizers) and in
    this catalogue, so that ``Fashion_MNIST``, ``fashion-mnist`` and ``fashionmnist`` are the
    same dataset and ``Leaky-ReLU`` is ``leaky_relu``.

    Example::

        >>> name_key(" Fashion-MNIST ")
        'fashionmnist'
    """
    return "".join(ch for ch in str(name).lower() if ch not in "-_ .\t")


@dataclass(frozen=True)
class DatasetEntry:
    """One dataset: its function and the facts that programs (and the docs) need about it.

    Attributes:
        name: the canonical name, that of its function in :mod:`nabla.datasets`.
        function: the function that returns the data.
        kind: ``"synthetic"`` (generated from a seed) or ``"real"`` (read from files).
        task: ``"classification"`` or ``"regression"``.
        description: one line for listings.
        aliases: other accepted names (compared with :func:`name_key`).
        layout: what ``function`` returns: ``"xy"`` (``X, y``), ``"xy_names"`` (``X, y, feature_names``)
            or ``"train_test"`` (``(x_train, y_train), (x_test, y_test)``, a fixed split).
        files: the prefix of its files under the data folder (keys of ``cache.FILES``), or None.
        needs: the Python module it is read from (``digits`` ships with scikit-learn), or None.
        pixel_max: for images, the largest pixel value (255 for MNIST), so that ``x / pixel_max`` is in [0, 1].
        target: the name of what is predicted (a regression target or the class).
        units: the unit of a feature or of the target, by column name (``{"Weight": "g"}``).
        file_columns: for a table, the columns of its file in order (the target among them).
    """

    name: str
    function: Callable[..., Any]
    kind: str
    task: str
    description: str
    aliases: tuple[str, ...] = ()
    layout: str = "xy"
    files: str | None = None
    needs: str | None = None
    pixel_max: float | None = None
    target: str = "class"
    units: Mapping[str, str] = field(default_factory=dict)
    file_columns: tuple[str, ...] = ()

    @property
    def seeded(self) -> bool:
        """Whether the function draws from a ``seed`` (the generated sets do; files do not)."""
        return self.kind == "synthetic"


def _entries() -> list[DatasetEntry]:
    gate = "truth table, 4 points (noise and repeats optional)"
    fish_units = {**dict.fromkeys(FISH_MEASUREMENTS, "cm"), "Weight": "g"}
    return [
        DatasetEntry("and_gate", synthetic.and_gate, "synthetic", "classification", f"AND {gate}"),
        DatasetEntry("or_gate", synthetic.or_gate, "synthetic", "classification", f"OR {gate}"),
        DatasetEntry(
            "xor_gate",
            synthetic.xor_gate,
            "synthetic",
            "classification",
            f"XOR {gate}: needs a hidden layer",
            aliases=("xor",),
        ),
        DatasetEntry("nand_gate", synthetic.nand_gate, "synthetic", "classification", f"NAND {gate}"),
        DatasetEntry("moons", synthetic.moons, "synthetic", "classification", "two interleaving half circles"),
        DatasetEntry("circles", synthetic.circles, "synthetic", "classification", "a circle inside a circle"),
        DatasetEntry(
            "spiral", synthetic.spiral, "synthetic", "classification", "interleaved spiral arms, one class each"
        ),
        DatasetEntry(
            "gaussian_blobs",
            synthetic.gaussian_blobs,
            "synthetic",
            "classification",
            "Gaussian clusters, one class per cluster",
            aliases=("blobs",),
        ),
        DatasetEntry(
            "checkerboard", synthetic.checkerboard, "synthetic", "classification", "a checkerboard of 2 classes"
        ),
        DatasetEntry(
            "sine", regression.sine, "synthetic", "regression", "y = sin(x) + noise", target="y", units={"x1": "rad"}
        ),
        DatasetEntry("polynomial", regression.polynomial, "synthetic", "regression", "y = p(x) + noise", target="y"),
        DatasetEntry("linear", regression.linear, "synthetic", "regression", "y = X w + b + noise", target="y"),
        DatasetEntry(
            "mnist",
            mnist,
            "real",
            "classification",
            "handwritten digits, 60,000 + 10,000 images 28x28",
            layout="train_test",
            files="mnist/",
            pixel_max=255.0,
            target="digit",
        ),
        DatasetEntry(
            "fashion_mnist",
            fashion_mnist,
            "real",
            "classification",
            "Zalando clothes, 60,000 + 10,000 images 28x28",
            layout="train_test",
            files="fashion-mnist/",
            pixel_max=255.0,
            target="garment",
        ),
        DatasetEntry(
            "cifar10",
            cifar10,
            "real",
            "classification",
            "colour photos of 10 classes, 50,000 + 10,000 images 32x32",
            layout="train_test",
            files="cifar-10/",
            pixel_max=255.0,
            target="object",
        ),
        DatasetEntry(
            "cifar100",
            cifar100,
            "real",
            "classification",
            "colour photos of 100 classes, 50,000 + 10,000 images 32x32",
            layout="train_test",
            files="cifar-100/",
            pixel_max=255.0,
            target="object",
        ),
        DatasetEntry(
            "fish_market",
            fish_market,
            "real",
            "regression",
            "159 fish of 7 species: the weight (g) from 5 lengths (cm) and the species",
            aliases=("fish",),
            layout="xy_names",
            files="fish/",
            target="Weight",
            units=fish_units,
            file_columns=("Species", "Weight", *FISH_MEASUREMENTS),
        ),
        DatasetEntry(
            "digits",
            digits,
            "real",
            "classification",
            "scikit-learn's 1,797 8x8 digit images",
            needs="sklearn",
            pixel_max=16.0,
            target="digit",
        ),
    ]


CATALOG: dict[str, DatasetEntry] = {entry.name: entry for entry in _entries()}
"""Every dataset by its canonical name, in the order listings show them."""

_KEYS: dict[str, str] = {
    name_key(spelling): entry.name for entry in CATALOG.values() for spelling in (entry.name, *entry.aliases)
}


def lookup(name: str) -> DatasetEntry:
    """The catalogue entry of ``name``: a canonical name or an alias, in any case and with any separators.

    Raises a ValueError that lists the known names when there is none.

    Example::

        >>> lookup("Fashion-MNIST").name, lookup("fish").name
        ('fashion_mnist', 'fish_market')
    """
    canonical = _KEYS.get(name_key(name)) if isinstance(name, str) else None
    if canonical is None:
        raise ValueError(f"unknown dataset {name!r}; known datasets: {', '.join(CATALOG)}")
    return CATALOG[canonical]


class DatasetInfo(NamedTuple):
    """One row of :func:`list_datasets`.

    ``kind`` is ``"synthetic"`` (generated on the fly) or ``"real"``; ``cached`` is
    True when every file of a real dataset is present with the right checksum
    (for ``digits``: when scikit-learn, which ships it, is installed), False when
    not, and None for a synthetic one (nothing to store); ``detail`` says which
    file is missing or damaged. ``task`` and ``aliases`` come from :data:`CATALOG`.
    """

    name: str
    kind: str
    cached: bool | None
    description: str
    detail: str
    task: str = ""
    aliases: tuple[str, ...] = ()


def _real_status(entry: DatasetEntry, root: str | os.PathLike | None) -> tuple[bool, str]:
    if entry.needs is not None:
        found = importlib.util.find_spec(entry.needs) is not None
        return found, "bundled with scikit-learn" if found else "needs scikit-learn: pip install scikit-learn"
    problems = [
        f"{key} {status}" for key in FILES if key.startswith(entry.files) and (status := file_status(key, root)) != "ok"
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
        cifar10         real       False
        cifar100        real       False
        fish_market     real       True
        digits          real       True
    """
    rows = []
    for entry in CATALOG.values():
        if entry.kind == "synthetic":
            cached, detail = None, "generated on the fly"
        else:
            cached, detail = _real_status(entry, data_dir)
        rows.append(DatasetInfo(entry.name, entry.kind, cached, entry.description, detail, entry.task, entry.aliases))
    return rows


def load(name: str, **kwargs: Any) -> Any:
    """Call the function of dataset ``name`` (a name or alias of :func:`list_datasets`) with ``kwargs``.

    Example::

        >>> X, y = load("moons", n_samples=100, seed=0)
        >>> X, y = load("xor")  # an alias of xor_gate
    """
    try:
        entry = lookup(name)
    except ValueError as e:
        raise ValueError(f"load: {e}") from None
    return entry.function(**kwargs)


def download(name: str, data_dir: str | os.PathLike | None = None) -> list[Path]:
    """Fetch every file of the real dataset ``name`` into the data folder (kept as it is when already good).

    Each file is checked against its published SHA-256 (see :func:`nabla.datasets.fetch`);
    downloading needs ``pooch`` and a network. Generated sets have nothing to download, and
    ``digits`` comes with scikit-learn: for those the list is empty.

    Example::

        >>> [p.name for p in download("mnist")]  # doctest: +SKIP
        ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', ...]
    """
    entry = lookup(name)
    if entry.files is None:
        return []
    return [fetch(key, data_dir) for key in FILES if key.startswith(entry.files)]
