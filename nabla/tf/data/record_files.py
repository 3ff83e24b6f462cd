"""The stage that reads TFRecord files: ``tf.data.TFRecordDataset``'s records, one ``tf.string`` scalar each.

Like the text readers (:class:`~nabla.tf.data.text_files.FileRecords`) it reads the files an upstream stage
names, ``cycle_length`` (``num_parallel_reads``) at a time taking one record from each in turn, as TensorFlow
does; the framing (length, masked CRC32C, data, masked CRC32C) is :mod:`nabla.tf.io.tfrecord`'s.

Every record is validated before it is handed out: a length that goes past the end of the file, or a length or
data whose checksum is wrong, raises ``tf.errors.DataLossError`` with TensorFlow's message ("truncated record
at OFFSET", "corrupted record at OFFSET"), when the record is reached. One choice differs: a file that ends
inside a record's 12-byte header raises too, where TensorFlow ends the file there silently.

GZIP and ZLIB files are inflated as they are read (:mod:`.compressed`): a compressed file a writer has flushed
but not closed reads its records so far, as in TensorFlow, and bytes that do not inflate raise
``DataLossError`` ("inflate() failed with error -3: ...").
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator

import numpy as np

from ...records import masked_crc32c
from ..errors import DataLossError
from .structure import Spec
from .text_files import FileRecords, open_file


class TFRecords(FileRecords):
    """``tf.data.TFRecordDataset``: see the module's documentation."""

    name = "TFRecordDatasetV2"

    def records(self, path: str) -> Iterator[tuple]:
        for record in read_records(path, self.compression):
            yield (np.array(record, dtype=object),)

    def _spec(self) -> Spec:
        return Spec(None, [()], [np.dtype(object)])


# The most one read asks for: a record's length is read from the file, and a forged one (up to 2**64) must cost no
# more memory than the bytes that are really there before the record is found truncated.
_CHUNK = 1 << 24


def _read_exactly(f: io.BufferedIOBase, n: int) -> bytes:
    chunks, left = [], n
    while left > 0:
        chunk = f.read(min(left, _CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_records(path: str, compression_type: str = "") -> Iterator[bytes]:
    """The records of the TFRecord file ``path``, each validated (see the module's documentation)."""
    with open_file(path, "rb", compression_type) as f:
        offset = 0
        while True:
            header = _read_exactly(f, 12)
            if not header:
                return
            if len(header) < 12:  # (TensorFlow ends the file silently here: a cut file is data lost, nabla says so)
                raise DataLossError(f"truncated record at {offset}")
            length_bytes, (length_crc,) = header[:8], struct.unpack("<I", header[8:])
            if masked_crc32c(length_bytes) != length_crc:
                hint = " (Is this even a TFRecord file?)" if offset == 0 else ""
                raise DataLossError(f"corrupted record at {offset}{hint}")
            (length,) = struct.unpack("<Q", length_bytes)
            data = _read_exactly(f, length + 4)
            if len(data) < length + 4:
                raise DataLossError(f"truncated record at {offset}")
            record, (data_crc,) = data[:length], struct.unpack("<I", data[length:])
            if masked_crc32c(record) != data_crc:
                raise DataLossError(f"corrupted record at {offset + 12}")  # (TensorFlow names the data's offset)
            offset += 16 + length
            yield record
