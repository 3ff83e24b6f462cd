"""Reading a GZIP or ZLIB file as a stream, as TensorFlow's readers do (``compression_type`` of
``TFRecordDataset``, ``TextLineDataset``, ``CsvDataset``).

The file is inflated a chunk at a time (``zlib.decompressobj``; window bits 31 for gzip's framing, 15 for
zlib's), so a large file is never held in memory whole, and a stream that stops without its end is read as
far as it goes. That is what a ``tf.io.TFRecordWriter`` leaves after ``flush()`` and before ``close()``: the
records so far, sync-flushed. TensorFlow reads such a file, so nabla does; a stream cut anywhere else is read
the same way (neither library can tell the two apart), and the record framing says whether what came out is
whole (see :mod:`.record_files`).

As in TensorFlow:

- bytes that do not inflate (not compressed, or corrupted) raise ``tf.errors.DataLossError`` with TensorFlow's
  message, ``inflate() failed with error -3: incorrect header check``, when they are reached;
- a gzip file of several members reads them one after another (bytes after the last one must be a member);
- a zlib stream ends at its end: bytes after it are ignored;
- an empty file has no data.
"""

from __future__ import annotations

import io
import re
import zlib

from ..errors import DataLossError

WBITS = {"GZIP": 31, "ZLIB": 15}  # (zlib's window bits asking for gzip's or zlib's framing)
_CHUNK = 64 * 1024  # (bytes read from the file, and at most inflated, at a time)


class Inflating(io.RawIOBase):
    """The inflated bytes of a binary file ``raw`` (compressed as ``compression_type``, ``"GZIP"`` or
    ``"ZLIB"``), read a chunk at a time; see the module's documentation. Closing it closes ``raw``."""

    def __init__(self, raw: io.BufferedIOBase, compression_type: str):
        super().__init__()
        self._raw, self._wbits = raw, WBITS[compression_type]
        self._inflater = zlib.decompressobj(self._wbits)
        self._pending, self._at, self._done = b"", 0, False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while self._at == len(self._pending) and not self._done:
            self._pending, self._at = self._inflate(), 0
        n = min(len(buffer), len(self._pending) - self._at)
        buffer[:n] = self._pending[self._at : self._at + n]
        self._at += n
        return n

    def _inflate(self) -> bytes:
        """The next inflated bytes (maybe none yet); sets ``_done`` at the end of the data."""
        inflater = self._inflater
        if inflater.eof:  # (a member ended: gzip goes on with the next one, zlib stops)
            data = inflater.unused_data or (self._raw.read(_CHUNK) if self._wbits == WBITS["GZIP"] else b"")
            if not data or self._wbits != WBITS["GZIP"]:
                self._done = True
                return b""
            self._inflater = inflater = zlib.decompressobj(self._wbits)
        else:
            data = inflater.unconsumed_tail or self._raw.read(_CHUNK)
            if not data:  # NOTE: the file ends before the stream does (sync-flushed, or cut): read what came out
                self._done = True
                return inflater.flush()
        try:
            return inflater.decompress(data, _CHUNK)
        except zlib.error as error:
            raise DataLossError(_inflate_message(error)) from None

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


def _inflate_message(error: zlib.error) -> str:
    """TensorFlow's message for zlib's error (``inflate() failed with error -3: incorrect header check``)."""
    found = re.match(r"Error (-?\d+) while decompressing data: (.*)", str(error))
    if found is None:
        return f"inflate() failed: {error}"
    return f"inflate() failed with error {found[1]}: {found[2]}"


def open_compressed(path: str, compression_type: str) -> io.BufferedReader:
    """The inflated bytes of file ``path`` as a buffered binary file (see :class:`Inflating`)."""
    return io.BufferedReader(Inflating(open(path, "rb"), compression_type))
