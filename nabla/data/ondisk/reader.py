"""``ChunkedDataset``: a dataset file read in mini-batches, never loaded whole.

Rows are read with positioned reads (``pread``) of whole chunks, which a small cache keeps for the
batches that come next; nothing maps the file into memory, so a process whose address space is
smaller than the file still reads it. A :class:`~nabla.data.DataLoader` over it reads each batch
in one call (:meth:`ChunkedDataset.read_batch`), shuffles by chunks and windows
(:meth:`ChunkedDataset.epoch_order`), and reads the next batch in a background thread while the
current one trains.
"""

from __future__ import annotations

import math
import os
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ...engine.tensor import Tensor
from ..dataset import Dataset
from .format import DatasetFileError, Layout, read_layout
from .shuffle import window_order

__all__ = ["ChunkedDataset"]

_BUFFER_BYTES = 32 << 20  # the default shuffle window: about 32 MiB of rows


class ChunkedDataset(Dataset):
    """A dataset kept on disk in nabla's chunked format (written by :func:`nabla.data.write_chunked`).

    Args:
        path: the file. Its header is validated when it is opened: a damaged, truncated or
            mislabelled file raises :class:`~nabla.data.DatasetFileError` here, before training.
        transform: a function applied to every batch read, ``transform(*arrays) -> tuple of arrays``
            (vectorised over the batch), e.g. ``lambda x, y: (x.astype(np.float32) / 255, y)``. It
            runs in the loader's background thread: use NumPy's own generators in it, not nabla's.
        shuffle_buffer: rows in a shuffle window (see :meth:`epoch_order`); default about 32 MiB
            worth. Memory use is about twice this.

    Attributes:
        fields: the fields' names (``("x", "y")``); ``dtypes`` and ``shapes`` their dtypes and row shapes.
        chunk_rows, n_chunks: the file's chunking.

    Shape:
        - ``dataset[i]``: a tuple of Tensors of the row shapes (after ``transform``)
        - ``read_batch(idx)``: a tuple of arrays ``(len(idx), *shape)``

    Example::

        >>> train = nb.data.ChunkedDataset("mnist-train.nbd", transform=lambda x, y: (x / np.float32(255), y))
        >>> loader = nb.data.DataLoader(train, batch_size=128, shuffle=True)   # chunk-wise shuffle, prefetched
    """

    def __init__(
        self,
        path: str | os.PathLike,
        transform: Callable | None = None,
        shuffle_buffer: int | None = None,
    ):
        if transform is not None and not callable(transform):
            raise TypeError(f"ChunkedDataset: transform must be callable or None, got {transform!r}")
        if shuffle_buffer is not None and (
            isinstance(shuffle_buffer, bool) or not isinstance(shuffle_buffer, int) or shuffle_buffer < 1
        ):
            raise ValueError(
                f"ChunkedDataset: shuffle_buffer must be a positive number of rows, got {shuffle_buffer!r}"
            )
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"ChunkedDataset: no file at {self.path}")
        with open(self.path, "rb") as f:
            self.layout: Layout = read_layout(self.path, f)
        self.transform = transform
        layout = self.layout
        self.fields = tuple(f.name for f in layout.fields)
        self.dtypes = tuple(f.dtype.newbyteorder("=") for f in layout.fields)
        self.shapes = tuple(f.shape for f in layout.fields)
        self.chunk_rows, self.n_chunks = layout.chunk_rows, layout.n_chunks
        if shuffle_buffer is None:
            shuffle_buffer = max(1, _BUFFER_BYTES // max(1, layout.chunk_bytes)) * layout.chunk_rows
        self.window_chunks = max(1, math.ceil(shuffle_buffer / layout.chunk_rows))
        self._fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        self._cache: OrderedDict[int, tuple[np.ndarray, ...]] = OrderedDict()
        self._capacity = 2 * self.window_chunks + 1  # a batch at a window's edge reads two windows' chunks
        self._lock = threading.Lock()

    # --- reading ---------------------------------------------------------------------------------------

    def _read(self, offset: int, n: int) -> np.ndarray:
        if self._fd is None:
            raise ValueError(f"ChunkedDataset: {self.path} is closed")
        buf = np.empty(n, np.uint8)
        view, done = memoryview(buf), 0
        read = (lambda v, at: os.preadv(self._fd, [v], at)) if hasattr(os, "preadv") else self._seek_read
        while done < n:  # a positioned read may return fewer bytes than asked
            got = read(view[done:], offset + done)
            if got == 0:
                raise DatasetFileError(f"{self.path}: the file ended at byte {offset + done:,} (changed while open?)")
            done += got
        return buf

    def _seek_read(self, view: memoryview, offset: int) -> int:
        """``preadv`` where the platform lacks it (Windows): seek and read (callers hold the lock)."""
        os.lseek(self._fd, offset, os.SEEK_SET)
        data = os.read(self._fd, len(view))
        view[: len(data)] = data
        return len(data)

    def read_chunk(self, c: int) -> tuple[np.ndarray, ...]:
        """The rows of chunk ``c``, one array per field (``(rows in the chunk, *shape)``), cached or read."""
        with self._lock:
            arrays = self._cache.get(c)
            if arrays is not None:
                self._cache.move_to_end(c)
                return arrays
            layout = self.layout
            raw = self._read(layout.data_start + c * layout.chunk_bytes, layout.chunk_bytes)
            rows = min(layout.chunk_rows, layout.rows - c * layout.chunk_rows)
            arrays = tuple(
                raw[offset : offset + layout.chunk_rows * f.row_bytes]
                .view(f.dtype)
                .reshape((layout.chunk_rows, *f.shape))[:rows]
                .astype(f.dtype.newbyteorder("="), copy=False)
                for f, offset in zip(layout.fields, layout.block_offsets)
            )
            self._cache[c] = arrays
            if len(self._cache) > self._capacity:
                self._cache.popitem(last=False)
            return arrays

    def read_batch(self, indices) -> tuple[np.ndarray, ...]:
        """The rows at ``indices`` (any order, repeats allowed), one array per field, after ``transform``."""
        idx = np.asarray(indices, dtype=np.int64).reshape(-1)
        n = len(self)
        if idx.size and (idx.min() < -n or idx.max() >= n):
            raise IndexError(
                f"ChunkedDataset: indices must lie in [-{n}, {n}), got values from {idx.min()} to {idx.max()}"
            )
        idx = np.where(idx < 0, idx + n, idx)
        out = [np.empty((len(idx), *shape), dtype) for shape, dtype in zip(self.shapes, self.dtypes)]
        chunks = idx // self.chunk_rows
        if idx.size and chunks[0] == chunks[-1] and (chunks == chunks[0]).all():  # the common case: one chunk
            groups = [(int(chunks[0]), slice(None))]
        else:
            order = np.argsort(chunks, kind="stable")
            bounds = np.flatnonzero(np.diff(chunks[order])) + 1
            groups = [(int(chunks[p[0]]), p) for p in np.split(order, bounds)]
        for c, positions in groups:
            arrays = self.read_chunk(c)
            rows = idx[positions] - c * self.chunk_rows
            for k, a in enumerate(arrays):
                out[k][positions] = a[rows]
        return self._transformed(tuple(out))

    def _transformed(self, batch: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
        if self.transform is None:
            return batch
        result = self.transform(*batch)
        return tuple(result) if isinstance(result, (tuple, list)) else (result,)

    def epoch_order(self, rng: np.random.Generator) -> np.ndarray:
        """A shuffled order of the rows that reads each chunk once: chunks shuffled, rows shuffled per window.

        ``window_chunks`` chunks (``shuffle_buffer`` rows) form a window; see :mod:`nabla.data.ondisk.shuffle`.
        """
        return window_order(len(self), self.chunk_rows, self.window_chunks, rng)

    def arrays(self) -> tuple[np.ndarray, ...]:
        """Every row, loaded into memory (for a file that fits), one array per field, after ``transform``."""
        return self.read_batch(np.arange(len(self)))

    def verify(self) -> None:
        """Read the whole file and check each chunk's CRC-32; raise DatasetFileError naming a damaged chunk."""
        layout = self.layout
        stored = self._read(layout.checksums_start, 4 * layout.n_chunks).view("<u4")
        for c in range(layout.n_chunks):
            crc = zlib.crc32(self._read(layout.data_start + c * layout.chunk_bytes, layout.chunk_bytes))
            if crc != int(stored[c]):
                first = c * layout.chunk_rows
                raise DatasetFileError(
                    f"{self.path}: chunk {c} (rows {first:,} to {min(first + layout.chunk_rows, layout.rows) - 1:,}) "
                    "is damaged: its checksum does not match; write the file again"
                )

    # --- the Dataset protocol --------------------------------------------------------------------------

    def __len__(self) -> int:
        return self.layout.rows

    def __getitem__(self, index) -> tuple[Tensor, ...]:
        if isinstance(index, (bool, np.bool_)) or not isinstance(index, (int, np.integer)):
            raise TypeError(f"ChunkedDataset: index with an integer (or use read_batch for many), got {index!r}")
        return tuple(Tensor._make(np.asarray(a[0])) for a in self.read_batch([index]))

    def close(self) -> None:
        """Close the file (reading after this raises)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
            self._cache.clear()

    def __enter__(self) -> ChunkedDataset:
        return self

    def __exit__(self, *exc) -> bool:
        self.close()
        return False

    def __del__(self):
        fd = getattr(self, "_fd", None)
        if fd is not None:
            os.close(fd)

    def __repr__(self) -> str:
        fields = ", ".join(f"{n}: {s} {d.name}" for n, s, d in zip(self.fields, self.shapes, self.dtypes))
        return f"ChunkedDataset('{self.path}', {len(self):,} rows of ({fields}), {self.n_chunks} chunks)"
