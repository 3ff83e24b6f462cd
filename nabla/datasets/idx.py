"""A reader for the IDX format of MNIST and Fashion-MNIST, plain or gzip-compressed.

An IDX file is a big-endian header followed by the data in C order:

    bytes 0-1   zero
    byte  2     element type: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
    byte  3     number of dimensions ``ndim``
    then        ``ndim`` big-endian uint32 sizes
    then        ``prod(sizes)`` elements

So MNIST's image files start with the magic number ``0x00000803`` (uint8, 3
dimensions: N, 28, 28) and its label files with ``0x00000801`` (uint8, 1
dimension: N).
"""

from __future__ import annotations

import gzip
import math
import os
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np

__all__ = ["IDX_IMAGES", "IDX_LABELS", "IDXError", "iter_idx", "parse_idx", "read_idx"]

IDX_IMAGES = 0x0803
"""Magic number of an IDX file of uint8 images ``(N, rows, cols)``."""
IDX_LABELS = 0x0801
"""Magic number of an IDX file of uint8 labels ``(N,)``."""

_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_GZIP_MAGIC = b"\x1f\x8b"


class IDXError(ValueError):
    """The bytes are not a well-formed IDX file (bad magic number, sizes that disagree with the length, bad gzip)."""


def _describe(magic: int) -> str:
    dtype = _TYPES.get((magic >> 8) & 0xFF)
    kind = np.dtype(dtype).name if dtype else "unknown type"
    return f"0x{magic:08X} ({kind}, {magic & 0xFF} dimension{'s' if (magic & 0xFF) != 1 else ''})"


def _parse_header(raw: bytes, magic: int | None, source: str) -> tuple[tuple[int, ...], np.dtype, int]:
    """The shape, element type and header length declared by the first bytes of an IDX file."""
    if len(raw) < 4:
        raise IDXError(f"{source}: {len(raw)} bytes is too short to be an IDX file (the magic number alone is 4)")
    found = int.from_bytes(raw[:4], "big")
    ndim = raw[3]
    if raw[:2] != b"\x00\x00" or raw[2] not in _TYPES or ndim == 0:
        raise IDXError(
            f"{source}: not an IDX file: magic number 0x{found:08X}, expected 0x0000TTDD with a type TT in "
            f"{{{', '.join(f'{t:02X}' for t in _TYPES)}}} and DD >= 1 dimensions"
        )
    if magic is not None and found != magic:
        raise IDXError(f"{source}: magic number {_describe(found)}, expected {_describe(magic)}")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise IDXError(f"{source}: truncated header: {ndim} dimensions need {header} bytes, the data has {len(raw)}")
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    return shape, np.dtype(_TYPES[raw[2]]), header


def _length_error(source: str, shape, dtype: np.dtype, header: int, held: int) -> IDXError:
    expected = math.prod(shape) * dtype.itemsize
    what = "truncated" if held < expected else "has trailing bytes"
    return IDXError(
        f"{source}: {what}: the header declares shape {shape} of {dtype.name}, {expected:,} bytes of data "
        f"after its {header}-byte header, but the data holds {held:,}"
    )


def parse_idx(raw: bytes, magic: int | None = None, source: str = "IDX data") -> np.ndarray:
    """Decode the bytes of an (uncompressed) IDX file into an array in native byte order.

    Args:
        raw: the whole file's bytes.
        magic: the magic number the file must have (:data:`IDX_IMAGES`, :data:`IDX_LABELS`...); any valid one if None.
        source: what to call the data in error messages (the file name).

    Raises:
        IDXError: the magic number is not an IDX one (or not ``magic``), or the data
            length disagrees with the declared sizes (a truncated or padded file).
    """
    shape, dtype, header = _parse_header(raw, magic, source)
    if len(raw) - header != math.prod(shape) * dtype.itemsize:
        raise _length_error(source, shape, dtype, header, len(raw) - header)
    array = np.frombuffer(raw, dtype=dtype, count=math.prod(shape), offset=header).reshape(shape)
    return array.astype(dtype.newbyteorder("="))  # a writable copy in native byte order


def iter_idx(path: str | os.PathLike, magic: int | None = None, block_rows: int = 4096) -> Iterator[np.ndarray]:
    """Read an IDX file (gzip-compressed or not) in blocks of ``block_rows`` rows, never whole.

    Yields arrays of shape ``(<= block_rows, *shape[1:])`` in native byte order; raises
    :class:`IDXError` for a bad header, and when the data ends early or runs on past the declared size.
    """
    path = Path(path)
    with open(path, "rb") as probe:
        compressed = probe.read(2) == _GZIP_MAGIC
    try:
        with gzip.open(path, "rb") if compressed else open(path, "rb") as f:
            head = f.read(4)
            head += f.read(4 * head[3]) if len(head) == 4 else b""
            shape, dtype, header = _parse_header(head, magic, str(path))
            row_bytes = math.prod(shape[1:]) * dtype.itemsize
            held = 0
            for start in range(0, shape[0], block_rows):
                rows = min(block_rows, shape[0] - start)
                raw = f.read(rows * row_bytes)
                held += len(raw)
                if len(raw) < rows * row_bytes:
                    raise _length_error(str(path), shape, dtype, header, held)
                yield np.frombuffer(raw, dtype).reshape((rows, *shape[1:])).astype(dtype.newbyteorder("="))
            extra = len(f.read(1))
            if extra:
                raise _length_error(str(path), shape, dtype, header, held + extra)
    except (EOFError, zlib.error, gzip.BadGzipFile) as e:
        raise IDXError(f"{path}: the gzip stream is damaged or truncated ({type(e).__name__}: {e})") from e


def read_idx(path: str | os.PathLike, magic: int | None = None) -> np.ndarray:
    """Read an IDX file, gzip-compressed or not (told by its first bytes, not its name), into a NumPy array.

    Args:
        path: the file, e.g. ``mnist/train-images-idx3-ubyte.gz``.
        magic: the magic number the file must have, e.g. :data:`IDX_IMAGES` (``0x0803``) or
            :data:`IDX_LABELS` (``0x0801``); any valid IDX magic when None.

    Returns:
        An array of the declared shape and type in native byte order, e.g. uint8
        ``(60000, 28, 28)`` for MNIST's training images, ``(60000,)`` for its labels.

    Raises:
        IDXError: a damaged gzip stream, a wrong magic number, or a data length that
            disagrees with the declared dimensions (truncated or padded file).

    Example::

        >>> images = read_idx("mnist/t10k-images-idx3-ubyte.gz", magic=IDX_IMAGES)
        >>> images.shape, images.dtype
        ((10000, 28, 28), dtype('uint8'))
    """
    path = Path(path)
    raw = path.read_bytes()
    if raw[:2] == _GZIP_MAGIC:
        try:
            raw = gzip.decompress(raw)
        except (EOFError, OSError, zlib.error) as e:
            raise IDXError(f"{path}: the gzip stream is damaged or truncated ({type(e).__name__}: {e})") from e
    return parse_idx(raw, magic=magic, source=str(path))
