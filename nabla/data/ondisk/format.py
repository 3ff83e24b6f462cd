"""The chunked dataset file: a validated JSON header, then rows in fixed-size chunks, then checksums.

Layout (every integer little-endian)::

    offset 0        8 bytes   magic  b"\\x93NABLADS"
    offset 8        uint32    format version (1)
    offset 12       uint32    H, the length of the header
    offset 16       H bytes   the header: UTF-8 JSON, padded with spaces so the data starts on a 4 KiB boundary
    offset 16 + H   n_chunks chunks of chunk_bytes bytes
    then            n_chunks uint32 CRC-32 checksums, one per chunk

The header::

    {"format": "nabla.chunked", "rows": 60000, "chunk_rows": 1336,
     "fields": [{"name": "x", "dtype": "|u1", "shape": [28, 28]}, {"name": "y", "dtype": "<i8", "shape": []}]}

A chunk holds ``chunk_rows`` consecutive rows (the last one fewer, padded with zeros), field by
field: all of its ``x`` rows (a C-order block of ``chunk_rows x shape``), then all of its ``y``
rows, each block starting on a 64-byte boundary. So a batch of consecutive rows is one slice of
each block, and any row is found by arithmetic, without an index.

Nothing in the header is trusted: :func:`read_layout` checks the magic, the version, the JSON's
keys and types, the dtypes (plain little-endian numbers and bools only: no objects, no structures,
nothing that could need pickle) and the shapes, and compares the file's size with the size they
imply, so a truncated or padded file, or a header that lies about its shapes, is refused with a
one-line error before any row is read.
"""

from __future__ import annotations

import json
import math
import re
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"\x93NABLADS"
VERSION = 1
FORMAT = "nabla.chunked"
PREAMBLE = struct.Struct("<8sII")  # magic, version, header length
DATA_ALIGN = 4096  # the first chunk starts on a page boundary
BLOCK_ALIGN = 64  # each field's block within a chunk starts on a cache-line boundary
MAX_HEADER = 1 << 20
_DTYPE = re.compile(r"^[<|][biufc][0-9]{1,2}$")


class DatasetFileError(ValueError):
    """A dataset file is damaged, truncated or not what it claims; the message says what is wrong."""


@dataclass(frozen=True)
class Field:
    """One column of a dataset: its name, dtype, and the shape of one row (``()`` for a label)."""

    name: str
    dtype: np.dtype
    shape: tuple[int, ...]

    @property
    def row_bytes(self) -> int:
        return self.dtype.itemsize * math.prod(self.shape)

    def spec(self) -> dict:
        return {"name": self.name, "dtype": self.dtype.str, "shape": list(self.shape)}


def _round_up(n: int, to: int) -> int:
    return -(-n // to) * to


@dataclass(frozen=True)
class Layout:
    """Where everything is in a file of ``rows`` rows of ``fields``, ``chunk_rows`` rows per chunk."""

    fields: tuple[Field, ...]
    rows: int
    chunk_rows: int
    header_length: int

    @property
    def block_offsets(self) -> tuple[int, ...]:
        """Byte offset of each field's block within a chunk."""
        offsets, at = [], 0
        for f in self.fields:
            offsets.append(at)
            at += _round_up(self.chunk_rows * f.row_bytes, BLOCK_ALIGN)
        return tuple(offsets)

    @property
    def chunk_bytes(self) -> int:
        return sum(_round_up(self.chunk_rows * f.row_bytes, BLOCK_ALIGN) for f in self.fields)

    @property
    def n_chunks(self) -> int:
        return -(-self.rows // self.chunk_rows)

    @property
    def data_start(self) -> int:
        return PREAMBLE.size + self.header_length

    @property
    def checksums_start(self) -> int:
        return self.data_start + self.n_chunks * self.chunk_bytes

    @property
    def file_size(self) -> int:
        return self.checksums_start + 4 * self.n_chunks

    def header(self) -> dict:
        return {
            "format": FORMAT,
            "rows": self.rows,
            "chunk_rows": self.chunk_rows,
            "fields": [f.spec() for f in self.fields],
        }

    def preamble(self) -> bytes:
        """The magic, version, length and header, padded to exactly ``data_start`` bytes."""
        text = json.dumps(self.header()).encode()
        if len(text) > self.header_length:
            raise ValueError(f"the header ({len(text)} bytes) does not fit the {self.header_length} reserved")
        return PREAMBLE.pack(MAGIC, VERSION, self.header_length) + text.ljust(self.header_length, b" ")


def header_length_for(fields: tuple[Field, ...], chunk_rows: int) -> int:
    """Header bytes to reserve so that any row count fits and the data starts on a page boundary."""
    widest = Layout(fields, 10**18, chunk_rows, 0).header()
    need = PREAMBLE.size + len(json.dumps(widest).encode())
    return _round_up(need, DATA_ALIGN) - PREAMBLE.size


def _fail(path: Path, message: str):
    raise DatasetFileError(f"{path}: {message}")


def _field(spec, i: int, path: Path) -> Field:
    if not isinstance(spec, dict) or set(spec) != {"name", "dtype", "shape"}:
        _fail(path, f"field {i} of the header must have exactly 'name', 'dtype' and 'shape', got {spec!r:.200}")
    name, dtype, shape = spec["name"], spec["dtype"], spec["shape"]
    if not isinstance(name, str) or not name or len(name) > 200:
        _fail(path, f"field {i} has no valid name: {name!r:.200}")
    if not isinstance(dtype, str) or not _DTYPE.match(dtype):
        _fail(
            path,
            f"field '{name}' has dtype {dtype!r:.50}; a dataset file holds plain little-endian numbers or bools "
            "(such as '<f4', '|u1', '<i8')",
        )
    try:
        dt = np.dtype(dtype)
    except TypeError:
        _fail(path, f"field '{name}' has dtype {dtype!r}, which NumPy does not know")
    if dt.kind not in "biufc" or dt.hasobject:
        _fail(path, f"field '{name}' has dtype {dtype!r}, which is not a plain number")
    if (
        not isinstance(shape, list)
        or len(shape) > 32
        or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape)
    ):
        _fail(path, f"field '{name}' has shape {shape!r:.200}; it must be a list of non-negative integers")
    return Field(name, dt, tuple(shape))


def read_layout(path: Path, f) -> Layout:
    """Read and validate the preamble and header of the open binary file ``f``; raise DatasetFileError."""
    size = path.stat().st_size
    raw = f.read(PREAMBLE.size)
    if len(raw) < PREAMBLE.size:
        _fail(path, f"{size} bytes is too short for a nabla dataset file (the preamble alone is {PREAMBLE.size})")
    magic, version, length = PREAMBLE.unpack(raw)
    if magic != MAGIC:
        _fail(path, f"not a nabla dataset file: it starts with {magic!r}, expected {MAGIC!r}")
    if version != VERSION:
        _fail(path, f"format version {version}, but this nabla reads version {VERSION}; update nabla")
    if length > min(MAX_HEADER, size - PREAMBLE.size):
        _fail(path, f"the header claims {length} bytes, but the file holds {size - PREAMBLE.size} after the preamble")
    text = f.read(length)
    try:
        header = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        _fail(path, f"the header is not valid JSON ({e})")
    if not isinstance(header, dict) or set(header) != {"format", "rows", "chunk_rows", "fields"}:
        _fail(path, f"the header must have exactly 'format', 'rows', 'chunk_rows' and 'fields', got {header!r:.200}")
    if header["format"] != FORMAT:
        _fail(path, f"the header's format is {header['format']!r:.50}, expected {FORMAT!r}")
    rows, chunk_rows, specs = header["rows"], header["chunk_rows"], header["fields"]
    for value, what, low in ((rows, "rows", 0), (chunk_rows, "chunk_rows", 1)):
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            _fail(path, f"the header's {what} must be an integer >= {low}, got {value!r:.50}")
    if not isinstance(specs, list) or not specs:
        _fail(path, "the header lists no fields")
    fields = tuple(_field(spec, i, path) for i, spec in enumerate(specs))
    if len({fl.name for fl in fields}) != len(fields):
        _fail(path, f"the header names a field twice: {[fl.name for fl in fields]}")
    layout = Layout(fields, rows, chunk_rows, length)
    if layout.data_start % DATA_ALIGN:
        _fail(path, f"the data must start at a multiple of {DATA_ALIGN} bytes, not at {layout.data_start}")
    if size != layout.file_size:
        described = ", ".join(f"{fl.name} {fl.dtype.name} {fl.shape}" for fl in fields)
        what = "truncated" if size < layout.file_size else f"{size - layout.file_size:,} bytes longer than it should be"
        _fail(
            path,
            f"{what}: its header declares {rows:,} rows of ({described}) in chunks of {chunk_rows}, "
            f"{layout.file_size:,} bytes in all, but the file has {size:,}",
        )
    return layout
