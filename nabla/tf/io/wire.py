"""The protocol buffer wire format, the little of it that ``tf.train.Example`` and ``TensorProto`` need; the
reading here, the writing in :mod:`nabla.records`.

A message is a sequence of fields, each a key ``field_number << 3 | wire_type`` (a varint) then its value:
wire type 0 a varint (7 bits a byte, low first, the high bit set on all but the last; at most 10 bytes),
1 eight bytes, 2 a varint length then that many bytes (strings, bytes, nested messages, packed repeated
numbers), 5 four bytes. Groups (wire types 3 and 4, deprecated) are refused.

:func:`fields` reads bytes that may come from anywhere (a file, a network) and trusts nothing: every length is
checked against what is left, every varint against its 10-byte limit, and anything malformed raises
``DecodeError`` (a ``ValueError``) naming the offset, before a value is handed out.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

# (Writing is nabla.records', shared with TensorBoard's event files; named here too, so that a message's
# encoder and decoder read one module.)
from ...records import key, length_delimited, varint  # noqa: F401

VARINT, FIXED64, LENGTH, FIXED32 = 0, 1, 2, 5


class DecodeError(ValueError):
    """Bytes that are not a valid encoding of the expected message."""


def read_varint(data: bytes, pos: int) -> tuple[int, int]:
    """The varint at ``data[pos:]`` and the position after it."""
    result = shift = 0
    for i in range(10):
        if pos + i >= len(data):
            raise DecodeError(f"truncated varint at byte {pos}")
        byte = data[pos + i]
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result & ((1 << 64) - 1), pos + i + 1
        shift += 7
    raise DecodeError(f"varint longer than 10 bytes at byte {pos}")


def fields(data: bytes) -> Iterator[tuple[int, int, int | bytes]]:
    """``(field_number, wire_type, value)`` for each field of the message ``data``: an int for wire type 0,
    ``bytes`` for the others (8, a length's or 4 bytes), each checked to lie within ``data``."""
    pos = 0
    while pos < len(data):
        start = pos
        tag, pos = read_varint(data, pos)
        number, wire_type = tag >> 3, tag & 7
        if number == 0:
            raise DecodeError(f"field number 0 at byte {start}")
        if wire_type == VARINT:
            value, pos = read_varint(data, pos)
            yield number, wire_type, value
            continue
        if wire_type == LENGTH:
            size, pos = read_varint(data, pos)
        elif wire_type in (FIXED64, FIXED32):
            size = 8 if wire_type == FIXED64 else 4
        else:
            raise DecodeError(f"unsupported wire type {wire_type} at byte {start}")
        if pos + size > len(data):
            raise DecodeError(f"field {number} at byte {start} runs past the end of the message")
        yield number, wire_type, bytes(data[pos : pos + size])
        pos += size


def signed64(value: int) -> int:
    """A varint's 64 bits read as an int64."""
    return value - (1 << 64) if value >= 1 << 63 else value


def packed_varints(payload: bytes) -> list[int]:
    """The varints of a packed repeated field."""
    out, pos = [], 0
    while pos < len(payload):
        value, pos = read_varint(payload, pos)
        out.append(value)
    return out


def unpack_floats(payload: bytes) -> list[float]:
    """The float32s of a packed repeated field (little-endian, four bytes each)."""
    if len(payload) % 4:
        raise DecodeError(f"packed floats of {len(payload)} bytes (not a multiple of 4)")
    return list(struct.unpack(f"<{len(payload) // 4}f", payload))
