"""TensorBoard event files, written without TensorFlow or protobuf: TFRecord framing of hand-encoded ``Event``s.

An event file is a sequence of TFRecords, each::

    uint64 length (little-endian) | uint32 masked_crc32c(length) | data | uint32 masked_crc32c(data)

where CRC32C is the Castagnoli CRC (polynomial 0x82F63B78, reflected), computed here with a 256-entry
table, byte by byte (in a compiled loop for large records where Numba is installed), and
``masked(crc) = ((crc >> 15) | (crc << 17)) + 0xA282EAD8 (mod 2**32)``.

Each record's data is one ``tensorflow.Event`` protocol buffer, encoded by hand (wire format: a key
``field_number << 3 | wire_type`` then a varint, a 64-bit value, or a length and bytes):

- ``Event``: ``wall_time`` double (1), ``step`` int64 (2), ``file_version`` string (3, the first record:
  ``"brain.Event:2"``), ``summary`` message (5).
- ``Summary``: ``value`` repeated message (1).
- ``Summary.Value``: ``tag`` string (1), ``simple_value`` float (2), ``histo`` message (5).
- ``HistogramProto``: ``min`` (1), ``max`` (2), ``num`` (3), ``sum`` (4), ``sum_squares`` (5) doubles,
  ``bucket_limit`` (6) and ``bucket`` (7) packed doubles.

The choice: scalars as ``simple_value`` and histograms as ``histo`` (TensorFlow 1's summary forms), not the
``tensor`` + plugin-metadata form Keras 3 writes through ``tf.summary``: TensorBoard reads both (its
``data_compat`` turns the old forms into the new on loading), and the old ones need no tensor encoding.
"""

from __future__ import annotations

import os
import socket
import struct
import time

import numpy as np

from .._engine import compiled


def _crc32c_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _crc32c_table()


_TABLE_ARRAY = np.array(_TABLE, dtype=np.int64)
# From this size a record's CRC runs compiled: the Python loop takes 0.4-0.8 s a MB (a TFRecord file of
# Fashion-MNIST is 47 MB), the compiled one ~10 ms, after a compilation of about a second once per process.
_COMPILED_FROM = 1 << 16


@compiled
def _crc32c_loop(data, table, crc):
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc


def crc32c(data: bytes) -> int:
    """The CRC32C (Castagnoli) of ``data``: ``crc32c(b"123456789") == 0xE3069283``."""
    kernel = _crc32c_loop.kernel if len(data) >= _COMPILED_FROM else None
    if kernel is not None:
        return int(kernel(np.frombuffer(data, np.uint8), _TABLE_ARRAY, 0xFFFFFFFF)) ^ 0xFFFFFFFF
    crc = 0xFFFFFFFF
    for byte in data:
        crc = _TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data: bytes) -> int:
    """TFRecord's masked CRC: the CRC rotated right by 15 bits plus a constant, all mod 2**32."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def tfrecord(data: bytes) -> bytes:
    """One TFRecord: length, its masked CRC, the data, its masked CRC."""
    length = struct.pack("<Q", len(data))
    return length + struct.pack("<I", masked_crc32c(length)) + data + struct.pack("<I", masked_crc32c(data))


# --- protocol buffer wire format ----------------------------------------------------------------


def varint(value: int) -> bytes:
    """``value`` as a protocol buffer varint (7 bits a byte, low first); a negative int64 is its 64-bit two's
    complement, ten bytes long. (nabla.tf.io.wire encodes tf.train.Example with it.)"""
    value &= (1 << 64) - 1
    out = bytearray()
    while value > 0x7F:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def key(field: int, wire_type: int) -> bytes:
    """A field's key: its number and wire type (0 varint, 1 eight bytes, 2 length-delimited, 5 four bytes)."""
    return varint(field << 3 | wire_type)


def _double(field: int, value: float) -> bytes:
    return key(field, 1) + struct.pack("<d", value)


def _float(field: int, value: float) -> bytes:
    return key(field, 5) + struct.pack("<f", value)


def _bytes(field: int, value: bytes) -> bytes:
    return key(field, 2) + varint(len(value)) + value


def _packed_doubles(field: int, values) -> bytes:
    return _bytes(field, np.asarray(values, dtype="<f8").tobytes())


def event(
    step: int, summary_values: list[bytes] = (), wall_time: float | None = None, file_version: str | None = None
) -> bytes:
    """An encoded ``Event``: its time and step, then a file version or a ``Summary`` of the given values."""
    out = _double(1, time.time() if wall_time is None else wall_time) + key(2, 0) + varint(int(step))
    if file_version is not None:
        out += _bytes(3, file_version.encode())
    if summary_values:
        out += _bytes(5, b"".join(_bytes(1, value) for value in summary_values))
    return out


def scalar_value(tag: str, value: float) -> bytes:
    """An encoded ``Summary.Value`` holding a scalar (``simple_value``, a float32)."""
    return _bytes(1, tag.encode()) + _float(2, float(value))


HISTOGRAM_BUCKETS = 30  # as tf.summary.histogram's default


def histogram_value(tag: str, values, buckets: int = HISTOGRAM_BUCKETS) -> bytes:
    """An encoded ``Summary.Value`` holding a ``HistogramProto`` of ``values``.

    ``buckets`` buckets of equal width from the minimum to the maximum, as ``tf.summary.histogram``;
    ``bucket_limit[i]`` is bucket i's right edge. All-equal values make one bucket, no values an empty histogram.
    """
    x = np.asarray(values, dtype=np.float64).ravel()
    if x.size == 0:
        histo = b""
    else:
        low, high = float(x.min()), float(x.max())
        if low == high:
            counts, limits = [float(x.size)], [high]
        else:
            counts, edges = np.histogram(x, bins=buckets, range=(low, high))
            limits = edges[1:]
        histo = (
            _double(1, low)
            + _double(2, high)
            + _double(3, float(x.size))
            + _double(4, float(x.sum()))
            + _double(5, float(np.dot(x, x)))
            + _packed_doubles(6, limits)
            + _packed_doubles(7, counts)
        )
    return _bytes(1, tag.encode()) + _bytes(5, histo)


class EventFileWriter:
    """Append ``Event`` records to a new event file in ``log_dir`` (created with its parents if needed).

    The file is named as TensorFlow names it, ``events.out.tfevents.<seconds>.<host>.<pid>.<n>.v2`` (``n``
    counts the writers this process opened, so two writers in a second do not collide), and starts with
    the ``file_version`` event. Records are appended; :meth:`flush` makes them visible to TensorBoard.
    """

    _opened = 0

    def __init__(self, log_dir):
        os.makedirs(log_dir, exist_ok=True)
        EventFileWriter._opened += 1
        opened = EventFileWriter._opened
        name = f"events.out.tfevents.{int(time.time())}.{socket.gethostname()}.{os.getpid()}.{opened}.v2"
        self.path = os.path.join(os.fspath(log_dir), name)
        self._file = open(self.path, "xb")  # closed in close(); "x": never overwrite an existing file
        self.write(event(0, file_version="brain.Event:2"))

    def write(self, encoded_event: bytes) -> None:
        self._file.write(tfrecord(encoded_event))

    def flush(self) -> None:
        self._file.flush()

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()
