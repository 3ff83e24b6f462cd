"""``nabla datasets``: the catalogue, what is on disk, a download; and the line saying a dataset is missing."""

from __future__ import annotations

import argparse

from .. import datasets
from .errors import UsageError, one_line
from .options import name_choice
from .recipes import RECIPES


def load_split(name: str, seed: int) -> datasets.TrainTestSplit:
    """The dataset as ``nabla train`` splits it, or a one-line UsageError saying how to get it."""
    try:
        return RECIPES[name].split(seed)
    except (datasets.DatasetError, ImportError) as e:
        raise UsageError(not_available(name, e)) from None


_WHY = {
    "offline": "NABLA_OFFLINE is set, so nothing is downloaded",
    "read-only": "the data folder is read-only, so nothing is downloaded there",
    "failed": "downloading it failed (no network?)",
    "checksum": "a download had the wrong checksum",
}


def not_available(name: str, error: BaseException) -> str:
    """One line: the data is not on disk, where nabla looked, why it was not downloaded, and how to provide it."""
    entry = datasets.lookup(name)
    if entry.needs is not None:  # digits: shipped with scikit-learn
        return f"the {entry.name} data comes with scikit-learn, which is not installed: pip install scikit-learn"
    keys = [key for key in datasets.cache.FILES if key.startswith(entry.files)]
    folder = datasets.data_dir() / entry.files
    states = {key.rsplit("/", 1)[-1]: datasets.cache.file_status(key) for key in keys}
    bad = [f if state == "missing" else f"{f} ({state})" for f, state in states.items() if state != "ok"]
    reason = getattr(error, "reason", "")
    if isinstance(error, ImportError):
        why = "downloading needs pooch, which is not installed (pip install pooch)"
    elif reason == "no-url":
        why = "it has no download URL"
    else:
        why = _WHY.get(reason, one_line(error))
    if datasets.cache.FILES[keys[0]].urls:
        download = f"or download it (online, with pooch) with 'nabla datasets --download {entry.name}'"
    else:
        download = f"or put {', '.join(states)} in {folder} (see help(nabla.datasets.{entry.name}) for where to get it)"
    return (
        f"the {entry.name} data is not on disk (looked in {folder} for {', '.join(bad) or 'its files'}) and {why}; "
        f"provide it: set NABLA_DATA_DIR to a folder that holds {entry.files}, {download}"
    )


def run(args: argparse.Namespace) -> int:
    if args.download:
        entry = datasets.lookup(args.download)
        try:
            paths = datasets.download(entry.name)
        except (datasets.DatasetError, ImportError) as e:
            raise UsageError(f"cannot download {entry.name}: {one_line(e)}") from None
        where = f"{len(paths)} files in {datasets.data_dir() / entry.files}" if paths else "nothing to download"
        print(f"{entry.name}: {where}")
        return 0
    print(f"{'name':15} {'task':15} {'on disk':10} {'aliases':10} description")
    for row in datasets.list_datasets():
        status = "generated" if row.cached is None else "yes" if row.cached else "no"
        print(f"{row.name:15} {row.task:15} {status:10} {','.join(row.aliases) or '-':10} {row.description}")
    print(f"data folder: {datasets.data_dir()} (set NABLA_DATA_DIR to change it)")
    return 0


def add_parser(commands) -> argparse.ArgumentParser:
    cmd = commands.add_parser(
        "datasets",
        help="list the datasets and whether each is on disk; --download one",
        description="List every dataset of nabla's catalogue, its aliases and whether a real one is on disk "
        "(in $NABLA_DATA_DIR, else the user cache folder).",
    )
    aliases = {alias: entry.name for entry in datasets.CATALOG.values() for alias in entry.aliases}
    cmd.add_argument(
        "--download",
        type=name_choice("dataset", datasets.CATALOG, aliases),
        metavar="NAME",
        help="fetch the files of a real dataset (mnist, fashion_mnist, cifar10...) into the data folder (needs pooch)",
    )
    cmd.set_defaults(run=run)
    return cmd
