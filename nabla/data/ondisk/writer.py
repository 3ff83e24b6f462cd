"""Writing a chunked dataset file, from arrays or from batches that never fit in memory together.

The file is written under a temporary name in the target's folder and renamed over the target only
when it is complete (after an ``fsync``), so an interrupted write never leaves a truncated dataset
where a good one was, and readers never see a half-written file.
"""

from __future__ import annotations

import os
import secrets
import zlib
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from .format import Field, Layout, header_length_for

__all__ = ["ChunkedWriter", "write_chunked"]

_CHUNK_TARGET = 1 << 20  # rows per chunk by default: about 1 MiB of data


def _default_names(n: int) -> tuple[str, ...]:
    return ("x",) if n == 1 else ("x", "y") if n == 2 else ("x", "y", "sample_weight") if n == 3 else ()


def _as_fields(batch, names) -> tuple[tuple[str, ...], list[np.ndarray]]:
    """A batch given as a dict, a tuple of arrays or one array, as (names, arrays)."""
    if isinstance(batch, Mapping):
        return tuple(map(str, batch)), [np.asarray(v) for v in batch.values()]
    arrays = [np.asarray(a) for a in (batch if isinstance(batch, (tuple, list)) else (batch,))]
    names = tuple(names) if names is not None else _default_names(len(arrays))
    if len(names) != len(arrays):
        raise ValueError(f"ChunkedWriter: {len(arrays)} arrays but {len(names)} names {names}; pass names=(...)")
    return names, arrays


class ChunkedWriter:
    """Write rows to a chunked dataset file, batch by batch; a context manager.

    Args:
        path: the file to create (replaced atomically when the writer closes without error).
        names: the fields' names when batches are tuples (default ``x``, ``y`` for two arrays).
        chunk_rows: rows per chunk; by default about 1 MiB of data per chunk. Shuffling reads
            whole chunks, so smaller chunks shuffle finer and larger ones read faster.

    The first batch fixes the fields (names, dtypes, row shapes); every later one must match.
    Arrays are stored with their dtypes (in little-endian order): store images as uint8 and
    convert them per batch (the reader's ``transform``) to keep the file 4 times smaller than float32.

    Example::

        with nb.data.ChunkedWriter("train.nbd") as writer:
            for x, y in batches_from_somewhere():      # each (B, ...) and (B,)
                writer.append(x, y)
        train = nb.data.ChunkedDataset("train.nbd")
    """

    def __init__(self, path: str | os.PathLike, names=None, chunk_rows: int | None = None):
        if chunk_rows is not None and (
            isinstance(chunk_rows, bool) or not isinstance(chunk_rows, int) or chunk_rows < 1
        ):
            raise ValueError(f"ChunkedWriter: chunk_rows must be a positive integer, got {chunk_rows!r}")
        self.path = Path(path)
        if not self.path.parent.is_dir():
            raise FileNotFoundError(f"ChunkedWriter: the folder {self.path.parent} does not exist")
        self.names, self.chunk_rows = names, chunk_rows
        self.fields: tuple[Field, ...] | None = None
        self.rows = 0
        self._tmp = self.path.parent / f".{self.path.name}.{secrets.token_hex(8)}.tmp"
        self._file = None
        self._pending: list[list[np.ndarray]] = []  # rows not yet making a whole chunk, per field
        self._pending_rows = 0
        self._crcs: list[int] = []

    def __enter__(self) -> ChunkedWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None:
            self.close()
        else:
            self.abort()
        return False

    def _start(self, names: tuple[str, ...], arrays: list[np.ndarray]) -> None:
        if len(set(names)) != len(names) or not all(names):
            raise ValueError(f"ChunkedWriter: field names must be distinct and non-empty, got {names}")
        fields = []
        for name, a in zip(names, arrays):
            if a.dtype.kind not in "biufc" or a.dtype.hasobject or a.dtype.names is not None:
                raise TypeError(f"ChunkedWriter: field '{name}' has dtype {a.dtype}; store numbers or bools")
            fields.append(Field(name, a.dtype.newbyteorder("<") if a.dtype.itemsize > 1 else a.dtype, a.shape[1:]))
        self.fields = tuple(fields)
        row_bytes = max(1, sum(f.row_bytes for f in self.fields))
        if self.chunk_rows is None:
            self.chunk_rows = max(1, _CHUNK_TARGET // row_bytes)
        self._header_length = header_length_for(self.fields, self.chunk_rows)
        fd = os.open(self._tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        self._file = os.fdopen(fd, "wb")
        self._file.write(b"\0" * (self._layout().data_start))  # the header is written last, once rows is known
        self._pending = [[] for _ in self.fields]

    def _layout(self) -> Layout:
        return Layout(self.fields, self.rows, self.chunk_rows, self._header_length)

    def append(self, *batch) -> None:
        """Add rows: ``append(x, y)`` with arrays of the same first length, or ``append({"x": x, "y": y})``."""
        if self._crcs is None:
            raise ValueError(f"ChunkedWriter: {self.path} is already closed")
        names, arrays = _as_fields(batch[0] if len(batch) == 1 else batch, self.names)
        if any(a.ndim == 0 for a in arrays):
            raise ValueError("ChunkedWriter.append: each array needs a first (row) dimension")
        if len({len(a) for a in arrays}) > 1:
            raise ValueError(
                f"ChunkedWriter.append: the arrays have different numbers of rows {[len(a) for a in arrays]}"
            )
        if self.fields is None:
            self._start(names, arrays)
        if names != tuple(f.name for f in self.fields):
            raise ValueError(f"ChunkedWriter.append: fields {names}, but the file has {[f.name for f in self.fields]}")
        for f, a in zip(self.fields, arrays):
            if a.shape[1:] != f.shape or a.dtype.newbyteorder("=") != f.dtype.newbyteorder("="):
                raise ValueError(
                    f"ChunkedWriter.append: field '{f.name}' got rows of {a.shape[1:]} {a.dtype}, "
                    f"but the file holds {f.shape} {f.dtype.name}"
                )
        n = len(arrays[0])
        for pending, a in zip(self._pending, arrays):
            pending.append(a)
        self._pending_rows += n
        self.rows += n
        while self._pending_rows >= self.chunk_rows:
            self._write_chunk(self.chunk_rows)

    def _write_chunk(self, rows: int) -> None:
        """Write the first ``rows`` pending rows as one chunk (zero-padded to a whole chunk)."""
        layout = self._layout()
        chunk = bytearray(layout.chunk_bytes)
        for k, (f, offset) in enumerate(zip(self.fields, layout.block_offsets)):
            block = np.concatenate(self._pending[k]) if len(self._pending[k]) > 1 else self._pending[k][0]
            head, rest = block[:rows], block[rows:]
            data = np.ascontiguousarray(head, dtype=f.dtype).tobytes()
            chunk[offset : offset + len(data)] = data
            self._pending[k] = [rest] if len(rest) else []
        self._pending_rows -= rows
        self._crcs.append(zlib.crc32(chunk))
        self._file.write(chunk)

    def close(self) -> Path:
        """Write the last chunk, the checksums and the header, and move the file into place; returns its path."""
        if self._crcs is None:
            return self.path
        if self.fields is None:
            raise ValueError(f"ChunkedWriter: nothing was appended, so {self.path} has no fields to describe")
        try:
            if not self._crcs:  # fewer rows than a chunk: make the one chunk just big enough (no padding)
                self.chunk_rows = max(1, self._pending_rows)
            if self._pending_rows:
                self._write_chunk(self._pending_rows)
            layout = self._layout()
            self._file.write(np.asarray(self._crcs, dtype="<u4").tobytes())
            self._file.seek(0)
            self._file.write(layout.preamble())
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            os.replace(self._tmp, self.path)
        except BaseException:
            self.abort()
            raise
        self._crcs = None
        return self.path

    def abort(self) -> None:
        """Drop the partial file; the target is left as it was."""
        if self._file is not None:
            self._file.close()
        self._tmp.unlink(missing_ok=True)
        self._crcs = None


def write_chunked(path: str | os.PathLike, data, names=None, chunk_rows: int | None = None) -> Path:
    """Write a chunked dataset file from arrays, or from an iterable of batches; returns the path.

    Args:
        path: the file to create (atomically).
        data: a tuple of arrays with the same first length (``(X, y)``), a dict of them
            (``{"x": X, "y": y}``), one array, or an iterable (a generator) of such batches.
        names: the fields' names for tuples (default ``x``, ``y`` for two arrays).
        chunk_rows: rows per chunk (default: about 1 MiB each).

    Example::

        >>> nb.data.write_chunked("moons.nbd", (X, y))
        >>> nb.data.write_chunked("big.nbd", ((make_x(i), make_y(i)) for i in range(10_000)))
    """
    in_memory = isinstance(data, (tuple, list, Mapping, np.ndarray))
    if in_memory and chunk_rows is None:  # no chunk larger than the data: no padding to waste
        _, arrays = _as_fields(data, names)
        row_bytes = max(1, sum(a[:1].nbytes for a in arrays))
        chunk_rows = max(1, min(_CHUNK_TARGET // row_bytes, len(arrays[0]) if arrays and arrays[0].ndim else 1))
    with ChunkedWriter(path, names=names, chunk_rows=chunk_rows) as writer:
        if in_memory:
            writer.append(data)
        else:
            for batch in data:
                writer.append(batch)
    return writer.path
