"""TFRecord files and the protocol buffer wire format, without TensorFlow or protobuf.

Two of nabla's rooms write TensorFlow's files: the Keras side's TensorBoard callback (event files) and
``nabla.tf`` (``tf.io.TFRecordWriter``, ``tf.train.Example``, ``tf.io.serialize_tensor``). Both frame records
and encode fields the same way, here.

A TFRecord file is a sequence of records, each::

    uint64 length (little-endian) | uint32 masked_crc32c(length) | data | uint32 masked_crc32c(data)

where CRC32C is the Castagnoli CRC (polynomial 0x82F63B78, reflected), computed with a 256-entry table, byte by
byte (in a compiled loop for large records where Numba is installed), and
``masked(crc) = ((crc >> 15) | (crc << 17)) + 0xA282EAD8 (mod 2**32)``.

A protocol buffer message is a sequence of fields, each a key ``field_number << 3 | wire_type`` (a varint) then
its value: a varint (wire type 0), eight bytes (1), a varint length and that many bytes (2: strings, nested
messages, packed numbers), or four bytes (5). Decoding, which must trust nothing it reads, is
:mod:`nabla.tf.io.wire`'s.
"""

from __future__ import annotations

import struct

import numpy as np

from .engine.jit import compiled


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


def varint(value: int) -> bytes:
    """``value`` as a protocol buffer varint (7 bits a byte, low first); a negative int64 is its 64-bit two's
    complement, ten bytes long."""
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


def length_delimited(field: int, payload: bytes) -> bytes:
    """Field ``field`` holding ``payload`` (bytes, a string's UTF-8, a nested message, packed numbers)."""
    return key(field, 2) + varint(len(payload)) + payload
