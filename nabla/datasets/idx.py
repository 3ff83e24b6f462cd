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

The reader never trusts the sizes: it reads the header first, refuses declared
data larger than ``max_bytes`` (:data:`MAX_IDX_BYTES`, 1 GiB, by default),
then reads or decompresses at most the declared size plus one byte, straight
into the array's memory. So a small file that claims or expands to
gigabytes (a "gzip bomb") costs only what its header declares, and gzip
files made of many members cost time linear in their size.
"""

from __future__ import annotations

import io
import math
import os
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np

__all__ = ["IDX_IMAGES", "IDX_LABELS", "MAX_IDX_BYTES", "IDXError", "iter_idx", "parse_idx", "read_idx"]

IDX_IMAGES = 0x0803
"""Magic number of an IDX file of uint8 images ``(N, rows, cols)``."""
IDX_LABELS = 0x0801
"""Magic number of an IDX file of uint8 labels ``(N,)``."""
MAX_IDX_BYTES = 1 << 30
"""The largest data (after the header, decompressed) :func:`read_idx` accepts by default: 1 GiB.

MNIST's training images are 47 MB, EMNIST's largest split 547 MB. Pass ``max_bytes=`` for bigger files."""

_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_GZIP_MAGIC = b"\x1f\x8b"
_READ_CHUNK = 1 << 20  # decompressed bytes asked for at a time: the largest transient copy


class IDXError(ValueError):
    """The bytes are not a well-formed IDX file (bad magic number, sizes that disagree with the length, bad gzip)."""


def _describe(magic: int) -> str:
    dtype = _TYPES.get((magic >> 8) & 0xFF)
    kind = np.dtype(dtype).name if dtype else "unknown type"
    return f"0x{magic:08X} ({kind}, {magic & 0xFF} dimension{'s' if (magic & 0xFF) != 1 else ''})"


class _Gunzip:
    """A gzip file decompressed as it is read: ``read(n)`` produces at most ``n`` bytes.

    Concatenated members (``cat a.gz b.gz``, bgzip's blocks) are read one after
    another, and NUL padding between or after them is skipped, as Python's
    ``gzip`` module does. zlib checks each member's header, CRC-32 and length.
    """

    # NOTE: when a member ends, zlib copies the input it was given but did not use. So each member is fed
    # 64 bytes first, then twice as much at each call up to 64 KiB: a tiny member costs a tiny copy, a large
    # one soon runs at full speed, and the work stays linear in the file's size however many members it has.
    _FIRST_FEED, _MAX_FEED = 64, 1 << 16

    def __init__(self, f: io.BufferedIOBase, source: str):
        self._f, self._source = f, source
        self._buffer = memoryview(b"")  # the compressed bytes read from the file last...
        self._pos = 0  # ...and how many of them zlib has used
        self._zlib = None
        self._feed = self._FIRST_FEED

    def _fill(self) -> bool:
        """Make sure unused compressed bytes are buffered; False at the end of the file."""
        if self._pos == len(self._buffer):
            self._buffer, self._pos = memoryview(self._f.read(self._MAX_FEED)), 0
        return self._pos < len(self._buffer)

    def _start_member(self) -> bool:
        """Skip NUL padding and start decompressing the next member; False at the end of the file."""
        while self._fill():
            window = bytes(self._buffer[self._pos : self._pos + 64])  # NOTE: a bounded look: skipping costs its length
            rest = window.lstrip(b"\0")
            self._pos += len(window) - len(rest)
            if rest:
                self._zlib = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # 16+: a gzip header and trailer
                self._feed = self._FIRST_FEED
                return True
        return False

    def read(self, n: int) -> bytes:
        parts, got = [], 0
        while got < n:
            if (self._zlib is None or self._zlib.eof) and not self._start_member():
                break
            more = self._fill()
            data = self._buffer[self._pos : self._pos + self._feed]
            self._feed = min(2 * self._feed, self._MAX_FEED)
            try:
                out = self._zlib.decompress(data, n - got)  # NOTE: n - got > 0; 0 would mean "no limit"
            except zlib.error as e:
                raise IDXError(f"{self._source}: the gzip stream is damaged ({e})") from None
            # NOTE: at a member's end zlib may leave the unused input in both attributes: unused_data is the one
            unused = self._zlib.unused_data if self._zlib.eof else self._zlib.unconsumed_tail
            self._pos += len(data) - len(unused)
            if not more and not out and not self._zlib.eof:
                raise IDXError(f"{self._source}: the gzip stream is truncated (the file ends inside it)")
            parts.append(out)
            got += len(out)
        return b"".join(parts)


def _read_up_to(stream, limit: int) -> bytearray:
    """At most ``limit`` bytes of ``stream``, in a buffer that grows as data arrives (never to more than is there)."""
    buffer = bytearray()
    while len(buffer) < limit:
        chunk = stream.read(min(_READ_CHUNK, limit - len(buffer)))
        if not chunk:
            break
        buffer += chunk  # NOTE: a large bytearray grows in place (realloc), so there is no second copy
    return buffer


def _header(stream, magic: int | None, max_bytes: int, source: str, size: int | None, limited=None):
    """Read and check the header of ``stream``; return ``(shape, dtype, declares)`` (``declares`` words it for errors).

    ``size`` is the file's length when known (a plain file), else None. ``limited(shape, dtype)`` gives
    the bytes that must fit in ``max_bytes``: all the data when None, one block when streaming.
    """
    head = stream.read(4)
    if len(head) < 4:
        raise IDXError(f"{source}: {len(head)} bytes is too short to be an IDX file (the magic number alone is 4)")
    found, ndim = int.from_bytes(head, "big"), head[3]
    if head[:2] != b"\x00\x00" or head[2] not in _TYPES or ndim == 0:
        raise IDXError(
            f"{source}: not an IDX file: magic number 0x{found:08X}, expected 0x0000TTDD with a type TT in "
            f"{{{', '.join(f'{t:02X}' for t in _TYPES)}}} and DD >= 1 dimensions"
        )
    if magic is not None and found != magic:
        raise IDXError(f"{source}: magic number {_describe(found)}, expected {_describe(magic)}")
    header = 4 + 4 * ndim
    sizes = stream.read(4 * ndim)
    if len(sizes) < 4 * ndim:
        raise IDXError(
            f"{source}: truncated header: {ndim} dimensions need {header} bytes, the data has {4 + len(sizes)}"
        )
    shape = tuple(int.from_bytes(sizes[4 * i : 4 * i + 4], "big") for i in range(ndim))
    dtype = np.dtype(_TYPES[head[2]])
    count = math.prod(shape)
    expected = count * dtype.itemsize
    declares = (
        f"the header declares shape {shape} of {dtype.name}, {expected:,} bytes of data after its {header}-byte header"
    )
    if (expected if limited is None else limited(shape, dtype)) > max_bytes:
        raise IDXError(
            f"{source}: {declares}, more than the limit of {max_bytes:,} bytes; pass max_bytes= to read_idx if the "
            "file really is that large"
        )
    if size is not None and size - header != expected:
        what = "truncated" if size - header < expected else "has trailing bytes"
        raise IDXError(f"{source}: {what}: {declares}, but the data holds {size - header:,}")
    return shape, dtype, declares


def _native(data: bytearray, dtype: np.dtype, shape: tuple) -> np.ndarray:
    """The array ``data`` holds, in native byte order, without a copy (writable: it views the bytearray)."""
    array = np.frombuffer(data, dtype=dtype, count=math.prod(shape)).reshape(shape)
    if not dtype.isnative:
        array.byteswap(inplace=True)
        array = array.view(dtype.newbyteorder())
    return array


def _read(stream, magic: int | None, max_bytes: int, source: str, size: int | None) -> np.ndarray:
    """Read one IDX file from ``stream``; ``size`` is the file's length when known (a plain file), else None."""
    shape, dtype, declares = _header(stream, magic, max_bytes, source, size)
    expected = math.prod(shape) * dtype.itemsize
    data = _read_up_to(stream, expected + 1)  # one byte more than declared tells a padded file
    if len(data) != expected:
        what, held = ("truncated", f"{len(data):,}") if len(data) < expected else ("has trailing bytes", "more")
        raise IDXError(f"{source}: {what}: {declares}, but the data holds {held}")
    return _native(data, dtype, shape)


def parse_idx(raw: bytes, magic: int | None = None, source: str = "IDX data", max_bytes: int = MAX_IDX_BYTES):
    """Decode the bytes of an (uncompressed) IDX file into an array in native byte order.

    Args:
        raw: the whole file's bytes.
        magic: the magic number the file must have (:data:`IDX_IMAGES`, :data:`IDX_LABELS`...); any valid one if None.
        source: what to call the data in error messages (the file name).
        max_bytes: the largest data the header may declare (:data:`MAX_IDX_BYTES` by default).

    Raises:
        IDXError: the magic number is not an IDX one (or not ``magic``), the declared data is larger than
            ``max_bytes``, or the data length disagrees with the declared sizes (a truncated or padded file).
    """
    return _read(io.BytesIO(raw), magic, max_bytes, source, size=len(raw))


def read_idx(path: str | os.PathLike, magic: int | None = None, max_bytes: int = MAX_IDX_BYTES) -> np.ndarray:
    """Read an IDX file, gzip-compressed or not (told by its first bytes, not its name), into a NumPy array.

    The header is read first; nothing more than the data it declares (plus one byte, to
    tell a padded file) is ever read or decompressed, so memory stays at the array's size.

    Args:
        path: the file, e.g. ``mnist/train-images-idx3-ubyte.gz``.
        magic: the magic number the file must have, e.g. :data:`IDX_IMAGES` (``0x0803``) or
            :data:`IDX_LABELS` (``0x0801``); any valid IDX magic when None.
        max_bytes: the largest data the header may declare, decompressed (:data:`MAX_IDX_BYTES`, 1 GiB,
            by default); a larger declaration is refused before anything is read.

    Returns:
        An array of the declared shape and type in native byte order, e.g. uint8
        ``(60000, 28, 28)`` for MNIST's training images, ``(60000,)`` for its labels.

    Raises:
        IDXError: a damaged or truncated gzip stream, a wrong magic number, declared data larger than
            ``max_bytes``, or a data length that disagrees with the declared dimensions (truncated or padded).

    Example::

        >>> images = read_idx("mnist/t10k-images-idx3-ubyte.gz", magic=IDX_IMAGES)
        >>> images.shape, images.dtype
        ((10000, 28, 28), dtype('uint8'))
    """
    path = Path(path)
    with open(path, "rb") as f:
        gzipped = f.read(2) == _GZIP_MAGIC
        f.seek(0)
        if gzipped:
            return _read(_Gunzip(f, str(path)), magic, max_bytes, str(path), size=None)
        return _read(f, magic, max_bytes, str(path), size=os.fstat(f.fileno()).st_size)


def iter_idx(
    path: str | os.PathLike, magic: int | None = None, block_rows: int = 4096, max_bytes: int = MAX_IDX_BYTES
) -> Iterator[np.ndarray]:
    """Read an IDX file (gzip-compressed or not) in blocks of ``block_rows`` rows, never whole.

    Yields arrays of shape ``(<= block_rows, *shape[1:])`` in native byte order. The checks are
    :func:`read_idx`'s, with ``max_bytes`` bounding one block rather than the file; raises
    :class:`IDXError` for a bad header, and when the data ends early or runs on past the declared size.
    """
    path, source = Path(path), str(path)
    with open(path, "rb") as f:
        gzipped = f.read(2) == _GZIP_MAGIC
        f.seek(0)
        stream = _Gunzip(f, source) if gzipped else f
        size = None if gzipped else os.fstat(f.fileno()).st_size

        def block(shape: tuple, dtype: np.dtype) -> int:
            return min(block_rows, shape[0]) * math.prod(shape[1:]) * dtype.itemsize

        shape, dtype, declares = _header(stream, magic, max_bytes, source, size, limited=block)
        row_bytes, held = math.prod(shape[1:]) * dtype.itemsize, 0
        for start in range(0, shape[0], block_rows):
            rows = min(block_rows, shape[0] - start)
            data = _read_up_to(stream, rows * row_bytes)
            held += len(data)
            if len(data) < rows * row_bytes:
                raise IDXError(f"{source}: truncated: {declares}, but the data holds {held:,}")
            yield _native(data, dtype, (rows, *shape[1:]))
        if stream.read(1):
            raise IDXError(f"{source}: has trailing bytes: {declares}, but the data holds more")
