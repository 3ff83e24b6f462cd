"""The real image datasets as files read batch by batch: converted once to nabla's chunked format.

MNIST's published files are gzip-compressed IDX, which cannot be read at an arbitrary row. The
first :func:`on_disk` call for a split streams them (a block of rows at a time: the conversion
never holds the dataset in memory) into ``<name>/<split>.nbd``, a :class:`~nabla.data.ChunkedDataset`
file; later calls open that file at once.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..data.ondisk import ChunkedDataset, ChunkedWriter, DatasetFileError
from .cache import data_dir, fetch
from .idx import IDX_IMAGES, IDX_LABELS, iter_idx

__all__ = ["on_disk"]

_SOURCES = {"mnist": "mnist", "fashion_mnist": "fashion-mnist"}  # the name users type -> the data folder's name
_SPLITS = {"train": ("train", 60000), "test": ("t10k", 10000)}


def _scale(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return x.astype(np.float32) / np.float32(255.0), y  # NOTE: a float32 divisor keeps float32


def _convert(folder: str, prefix: str, rows: int, target: Path, root) -> None:
    images = iter_idx(fetch(f"{folder}/{prefix}-images-idx3-ubyte.gz", root), magic=IDX_IMAGES, block_rows=2048)
    labels = iter_idx(fetch(f"{folder}/{prefix}-labels-idx1-ubyte.gz", root), magic=IDX_LABELS, block_rows=2048)
    with ChunkedWriter(target, names=("x", "y")) as writer:
        for x, y in zip(images, labels, strict=True):
            writer.append(x, y.astype(np.int64))
    if writer.rows != rows:
        target.unlink()
        raise DatasetFileError(f"{folder}/{prefix}: expected {rows} images and labels, found {writer.rows}")


def on_disk(
    name: str,
    split: str = "train",
    normalize: bool = False,
    folder: str | os.PathLike | None = None,
    data_dir: str | os.PathLike | None = None,
    shuffle_buffer: int | None = None,
) -> ChunkedDataset:
    """MNIST or Fashion-MNIST as a :class:`~nabla.data.ChunkedDataset` read from disk batch by batch.

    Args:
        name: ``"mnist"`` or ``"fashion_mnist"``.
        split: ``"train"`` (60,000 images) or ``"test"`` (10,000).
        normalize: batches of float32 pixels in ``[0, 1]`` instead of uint8 (the file keeps uint8).
        folder: where the converted file is kept; default the dataset's folder in the data folder
            (``<data folder>/mnist/train.nbd``). Pass a writable one if the data folder is read-only.
        data_dir: the data folder holding the original ``.gz`` files (as for :func:`~nabla.datasets.mnist`).
        shuffle_buffer: rows per shuffle window (see :class:`~nabla.data.ChunkedDataset`).

    Returns:
        A dataset of rows ``(x, y)``: ``x`` ``(28, 28)`` uint8 (float32 with ``normalize``), ``y`` int64.

    Example::

        >>> train = nb.datasets.on_disk("mnist", "train", normalize=True)
        >>> loader = nb.data.DataLoader(train, batch_size=128, shuffle=True)
    """
    key = name.lower().replace("-", "_")
    if key not in _SOURCES:
        raise ValueError(f"on_disk: unknown dataset {name!r}; choose one of {sorted(_SOURCES)}")
    if split not in _SPLITS:
        raise ValueError(f"on_disk: split must be 'train' or 'test', got {split!r}")
    source = _SOURCES[key]
    prefix, rows = _SPLITS[split]
    where = Path(folder) if folder is not None else _folder_of(source, data_dir)
    target = where / f"{split}.nbd"
    if not target.is_file():
        where.mkdir(parents=True, exist_ok=True)
        if not os.access(where, os.W_OK):
            raise PermissionError(f"on_disk: cannot write the converted {name} file into {where}; pass folder=...")
        _convert(source, prefix, rows, target, data_dir)
    dataset = ChunkedDataset(target, transform=_scale if normalize else None, shuffle_buffer=shuffle_buffer)
    if len(dataset) != rows or dataset.fields != ("x", "y") or dataset.shapes != ((28, 28), ()):
        raise DatasetFileError(f"{target}: not a converted {name} {split} split; delete it to convert again")
    return dataset


def _folder_of(source: str, root) -> Path:
    """The dataset's folder inside the data folder."""
    return data_dir(root) / source
