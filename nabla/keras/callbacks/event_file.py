"""TensorBoard event files, written without TensorFlow or protobuf: TFRecords of hand-encoded ``Event``s.

An event file is a sequence of TFRecords (:mod:`nabla.records`: the framing, its CRCs, the field encoding).
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

from ...records import key, length_delimited, tfrecord, varint


def _double(field: int, value: float) -> bytes:
    return key(field, 1) + struct.pack("<d", value)


def _float(field: int, value: float) -> bytes:
    return key(field, 5) + struct.pack("<f", value)


def _packed_doubles(field: int, values) -> bytes:
    return length_delimited(field, np.asarray(values, dtype="<f8").tobytes())


def event(
    step: int, summary_values: list[bytes] = (), wall_time: float | None = None, file_version: str | None = None
) -> bytes:
    """An encoded ``Event``: its time and step, then a file version or a ``Summary`` of the given values."""
    out = _double(1, time.time() if wall_time is None else wall_time) + key(2, 0) + varint(int(step))
    if file_version is not None:
        out += length_delimited(3, file_version.encode())
    if summary_values:
        out += length_delimited(5, b"".join(length_delimited(1, value) for value in summary_values))
    return out


def scalar_value(tag: str, value: float) -> bytes:
    """An encoded ``Summary.Value`` holding a scalar (``simple_value``, a float32)."""
    return length_delimited(1, tag.encode()) + _float(2, float(value))


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
    return length_delimited(1, tag.encode()) + length_delimited(5, histo)


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
