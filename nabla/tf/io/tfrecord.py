"""Writing TFRecord files: ``tf.io.TFRecordWriter`` and ``tf.io.TFRecordOptions``.

A TFRecord file is a sequence of records, each framed as::

    uint64 length (little-endian) | uint32 masked_crc32c(length) | data | uint32 masked_crc32c(data)

(CRC32C and its mask: :mod:`nabla.records`, which TensorBoard's event files use too), the
whole stream gzip- or zlib-compressed when ``compression_type`` is ``"GZIP"`` or ``"ZLIB"``. The files are
TensorFlow's: either library reads what the other writes.

Writing: the records are kept in memory until ``flush()`` or ``close()`` (or leaving the ``with`` block).
A file never flushed is written whole on ``close()``, atomically (:func:`nabla.atomic.atomic_write`): a
reader never sees half of it. ``flush()``, as TensorFlow's, makes the records so far readable: the first
writes the file (atomically), later ones and ``close()`` append to it; compressed, the file is one stream,
sync-flushed at each ``flush()`` so that what is there decodes (either library's reader reads it before
``close()``). A writer dropped without ``close()`` closes itself, as TensorFlow's.

Reading (``tf.data.TFRecordDataset``) validates every record before handing it out: see
:mod:`nabla.tf.data.record_files`.
"""

from __future__ import annotations

import os
import zlib

from ...atomic import atomic_write
from ...records import tfrecord
from ..data.compressed import WBITS as _WBITS
from ..data.text_files import compression
from ..errors import NotFoundError


class TFRecordOptions:
    """``tf.io.TFRecordOptions(compression_type=None)``: how a TFRecord file is compressed: ``""`` (or None)
    not at all, ``"GZIP"`` or ``"ZLIB"``; ``compression_level`` (0 to 9; default 6 as zlib's, as TensorFlow's)
    is honoured, the buffer and flush options are accepted and change nothing."""

    def __init__(self, compression_type=None, flush_mode=None, input_buffer_size=None, output_buffer_size=None,
                 window_bits=None, compression_level=None, compression_method=None, mem_level=None,
                 compression_strategy=None):  # fmt: skip
        self.compression_type = compression(compression_type)
        self.compression_level = 6 if compression_level is None else int(compression_level)
        if not 0 <= self.compression_level <= 9:
            raise ValueError(f"`compression_level` must be 0 to 9 (or None: 6), got {compression_level!r}")

    @classmethod
    def get_compression_type_string(cls, options) -> str:
        """The compression of ``options`` (a ``TFRecordOptions``, a string or None) as a string."""
        return options.compression_type if isinstance(options, TFRecordOptions) else compression(options)


def _record_bytes(record) -> bytes:
    """A record to write as bytes: ``bytes``, a ``str`` (UTF-8) or a ``tf.string`` scalar."""
    value = record.numpy() if hasattr(record, "numpy") else record
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, bytes):
        return value
    raise TypeError(f"TFRecordWriter.write takes bytes (or a str, or a tf.string scalar), got {type(record).__name__}")


class TFRecordWriter:
    """``tf.io.TFRecordWriter(path, options=None)``: writes records (``bytes``, e.g. an ``Example``'s
    ``SerializeToString()``) to a TFRecord file, compressed as ``options`` says (a :class:`TFRecordOptions` or
    its compression type, ``"GZIP"``). The file appears on :meth:`flush` or :meth:`close` (see the module's
    documentation). A context manager: ``with tf.io.TFRecordWriter(path) as f: f.write(b"...")``."""

    def __init__(self, path, options=None):
        self.path = os.fspath(path)
        folder = os.path.dirname(os.path.abspath(self.path))
        if not os.path.isdir(folder):  # (as TensorFlow's, at once: not at close, after every record was written)
            raise NotFoundError(f"TFRecordWriter: there is no folder {folder!r} to write {self.path!r} in: "
                                "create it first (os.makedirs)")  # fmt: skip
        self.options = options if isinstance(options, TFRecordOptions) else TFRecordOptions(options)
        self._records: list[bytes] | None = []
        kind, level = self.options.compression_type, self.options.compression_level
        # NOTE: one deflate stream for the whole file (wbits 31: gzip's header and trailer, 15: zlib's), so a
        # flush (Z_SYNC_FLUSH) ends on a byte boundary where a reader can decode all the records so far.
        self._compressor = zlib.compressobj(level, zlib.DEFLATED, _WBITS[kind]) if kind in _WBITS else None
        self._flushed = False

    def write(self, record) -> None:
        """Append one record."""
        if self._records is None:
            raise ValueError(f"TFRecordWriter for {self.path!r} is closed: open a new one to write")
        self._records.append(tfrecord(_record_bytes(record)))

    def _pending(self, mode: int) -> bytes:
        data, self._records = b"".join(self._records), []
        if self._compressor is None:
            return data
        return self._compressor.compress(data) + self._compressor.flush(mode)

    def _push(self, data: bytes) -> None:
        """The first push writes the file (atomically), later ones append to it."""
        if not self._flushed:
            atomic_write(self.path, data)
            self._flushed = True
        elif data:
            with open(self.path, "ab") as f:
                f.write(data)

    def flush(self) -> None:
        """Write the records so far to the file, which a reader can then read (compressed ones too)."""
        if self._records is None:
            raise ValueError(f"TFRecordWriter for {self.path!r} is closed: open a new one to write")
        self._push(self._pending(zlib.Z_SYNC_FLUSH))

    def close(self) -> None:
        """Write the rest of the file (the whole of it, atomically, if never flushed); a second call does
        nothing."""
        if self._records is None:
            return
        data = self._pending(zlib.Z_FINISH)
        self._records = None
        self._push(data)

    def __del__(self) -> None:
        # A writer dropped without close() still writes its records, as TensorFlow's (and Python's own files) do.
        if getattr(self, "_records", None) is not None:
            self.close()

    def __enter__(self) -> TFRecordWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
