"""NumPy ``.npy`` files as a dataset, memory-mapped: rows are read from disk when a batch needs them.

``np.save`` writes one array per file; :func:`open_npy` opens several that share their first
dimension (the features and the labels) as one dataset. The operating system pages rows in as
batches touch them and drops them under memory pressure. The address space must still hold the
whole mapping: where it is limited (``ulimit -v``), use the chunked format, which reads by ``pread``.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

from ..dataset import TensorDataset
from .format import DatasetFileError
from .shuffle import window_order

__all__ = ["NpyDataset", "open_npy"]

_CHUNK_BYTES = 1 << 20  # the rows that shuffle together as one "chunk" of the file: about 1 MiB


def _validated(path: Path) -> np.ndarray:
    """``np.load(path, mmap_mode="r")`` after checking the header against the file's size and dtype."""
    if not path.is_file():
        raise FileNotFoundError(f"open_npy: no file at {path}")
    with open(path, "rb") as f:
        try:
            version = np.lib.format.read_magic(f)
            read_header = (
                np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            )
            shape, _, dtype = read_header(f)
        except (ValueError, OSError, SyntaxError) as e:
            raise DatasetFileError(f"{path}: not a valid .npy file ({e})") from None
        offset = f.tell()
    if dtype.hasobject or dtype.kind not in "biufc" or dtype.names is not None:
        raise DatasetFileError(f"{path}: holds {dtype} values; a dataset file holds plain numbers or bools")
    if not shape:
        raise DatasetFileError(f"{path}: holds a single value (shape ()); a dataset needs a first dimension of rows")
    expected = offset + math.prod(shape) * dtype.itemsize
    size = path.stat().st_size
    if size != expected:
        what = "truncated" if size < expected else f"{size - expected:,} bytes longer than it should be"
        raise DatasetFileError(
            f"{path}: {what}: its header declares shape {shape} of {dtype.name}, {expected:,} bytes in all, "
            f"but the file has {size:,}"
        )
    return np.load(path, mmap_mode="r", allow_pickle=False)


class NpyDataset(TensorDataset):
    """Memory-mapped ``.npy`` arrays as a dataset (made by :func:`open_npy`), shuffled by chunks of rows."""

    def __init__(self, *arrays: np.ndarray, paths: tuple[Path, ...] = ()):
        super().__init__(*arrays)
        self.paths = paths
        row_bytes = max(1, sum(a[:1].nbytes for a in arrays))
        self.chunk_rows = max(1, _CHUNK_BYTES // row_bytes)
        self.window_chunks = 32

    def epoch_order(self, rng: np.random.Generator) -> np.ndarray:
        """Rows in an order that reads the file in runs of about 1 MiB (see :mod:`nabla.data.ondisk.shuffle`)."""
        return window_order(len(self), self.chunk_rows, self.window_chunks, rng)

    def __repr__(self) -> str:
        return f"NpyDataset({', '.join(str(p) for p in self.paths)}; {len(self):,} rows)"


def open_npy(*paths: str | os.PathLike) -> NpyDataset:
    """Open ``.npy`` files (one per field, e.g. ``"x.npy", "y.npy"``) as one dataset, memory-mapped.

    Each header is validated first: an object array, a truncated file, or files whose first
    dimensions differ raise a one-line :class:`~nabla.data.DatasetFileError` before any training.
    Nothing is unpickled (``allow_pickle=False``).

    Example::

        >>> np.save("x.npy", X); np.save("y.npy", y)
        >>> train = nb.data.open_npy("x.npy", "y.npy")
        >>> loader = nb.data.DataLoader(train, batch_size=128, shuffle=True)
    """
    if not paths:
        raise ValueError("open_npy: give at least one .npy file")
    files = tuple(Path(p) for p in paths)
    arrays = [_validated(p) for p in files]
    if len({len(a) for a in arrays}) > 1:
        lengths = ", ".join(f"{p.name}: {len(a):,}" for p, a in zip(files, arrays))
        raise DatasetFileError(f"open_npy: the files have different numbers of rows ({lengths})")
    return NpyDataset(*arrays, paths=files)
