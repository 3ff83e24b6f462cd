"""``tf.io.serialize_tensor`` and ``tf.io.parse_tensor``: a tensor as the bytes of a ``TensorProto``, and back.

The message, as TensorFlow writes it (and as nabla writes it, byte for byte):

- ``dtype`` (field 1, varint): TensorFlow's ``DataType`` number (``DT_FLOAT`` 1, ``DT_INT64`` 9, ...);
- ``tensor_shape`` (field 2): a ``TensorShapeProto`` whose ``dim`` (field 2, repeated) each hold a ``size``
  (field 1, omitted when 0);
- numbers and booleans: ``tensor_content`` (field 4), the elements' bytes in C order, little-endian;
  strings: ``string_val`` (field 8), one per element.

Reading takes what other writers use too: the typed repeated fields (``float_val`` 5, ``double_val`` 6,
``int_val`` 7, ``int64_val`` 10, ``bool_val`` 11, ...), holding every element or one value for all, as
TensorFlow fills a tensor from them. Everything read is checked (the shape's sizes, the content's length
against the shape, the dtype against ``out_type``) before a tensor is made, and anything else raises
``InvalidArgumentError``, as TensorFlow's ``ParseTensor``.
"""

from __future__ import annotations

import math
import struct

import numpy as np

from ..data.structure import as_tensor
from ..dtypes import as_dtype
from ..errors import InvalidArgumentError
from ..string_tensor import StringTensor, text_data
from . import wire

# TensorFlow's DataType numbers and names (types.proto) of the NumPy dtypes nabla.tf has; object: tf.string.
_TYPES = {
    np.dtype(np.float32): (1, "float"), np.dtype(np.float64): (2, "double"), np.dtype(np.int32): (3, "int32"),
    np.dtype(np.uint8): (4, "uint8"), np.dtype(np.int16): (5, "int16"), np.dtype(np.int8): (6, "int8"),
    np.dtype(object): (7, "string"), np.dtype(np.complex64): (8, "complex64"), np.dtype(np.int64): (9, "int64"),
    np.dtype(np.bool_): (10, "bool"), np.dtype(np.uint16): (17, "uint16"), np.dtype(np.complex128): (18, "complex128"),
    np.dtype(np.float16): (19, "half"), np.dtype(np.uint32): (22, "uint32"), np.dtype(np.uint64): (23, "uint64"),
}  # fmt: skip
_BY_NUMBER = {number: dtype for dtype, (number, _) in _TYPES.items()}
_MAX_RANK = 254  # (TensorFlow's own limit on a shape's rank)
_MAX_FILLED = 1 << 28  # elements a single value may fill: a few bytes must not ask for gigabytes
# The typed repeated fields a reader meets in TensorProtos from other writers: field number -> kind.
_VALUE_FIELDS = {5: "float", 6: "double", 7: "int", 10: "int64", 11: "bool", 16: "uint32", 17: "uint64"}


def _array(tensor) -> np.ndarray:
    strings = text_data(tensor)
    if strings is not None:
        return strings
    data = np.asarray(tensor.numpy() if hasattr(tensor, "numpy") else tensor)
    if data.dtype not in _TYPES:
        raise TypeError(f"serialize_tensor: tensors of dtype {data.dtype} have no TensorProto form here")
    return data


def serialize_tensor(tensor, name=None) -> StringTensor:
    """``tf.io.serialize_tensor(tensor)``: a ``tf.string`` scalar holding ``tensor`` as a ``TensorProto`` (see
    the module's documentation); :func:`parse_tensor` (or TensorFlow's) reads it back."""
    data = _array(tensor)
    number = _TYPES[data.dtype][0]
    dims = b"".join(wire.length_delimited(2, wire.key(1, wire.VARINT) + wire.varint(n) if n else b"")
                    for n in data.shape)  # fmt: skip
    message = wire.key(1, wire.VARINT) + wire.varint(number) + wire.length_delimited(2, dims)
    if data.dtype.kind == "O":
        message += b"".join(wire.length_delimited(8, item) for item in data.reshape(-1))
    elif data.size:
        message += wire.length_delimited(4, np.ascontiguousarray(data).astype(data.dtype.newbyteorder("<")).tobytes())
    return StringTensor(np.array(message, dtype=object))


def _fail(why: str):
    raise InvalidArgumentError(f"Could not parse `serialized` as TensorProto: {why}")


def _shape(payload: bytes) -> tuple[int, ...]:
    dims = []
    for number, kind, value in wire.fields(payload):
        if number == 3 and kind == wire.VARINT and value:
            _fail("the shape is of unknown rank")
        if number != 2 or kind != wire.LENGTH:
            continue
        size = 0
        for field, dim_kind, dim_value in wire.fields(value):
            if field == 1 and dim_kind == wire.VARINT:
                size = wire.signed64(dim_value)
        if size < 0:
            _fail(f"a dimension of size {size}")
        dims.append(size)
    if len(dims) > _MAX_RANK:
        _fail(f"a shape of rank {len(dims)}")
    return tuple(dims)


def _typed_values(kind: str, wire_type: int, value) -> list:
    """The values of one typed repeated field: packed (a length and the values), or one unpacked value."""
    if kind in ("float", "double"):
        width, code, single = (4, "f", wire.FIXED32) if kind == "float" else (8, "d", wire.FIXED64)
        if wire_type not in (wire.LENGTH, single) or len(value) % width:
            _fail(f"{kind}_val is not a whole number of {width}-byte values")
        return list(struct.unpack(f"<{len(value) // width}{code}", value))
    if wire_type not in (wire.LENGTH, wire.VARINT):
        _fail(f"{kind}_val has wire type {wire_type}")
    numbers = wire.packed_varints(value) if wire_type == wire.LENGTH else [value]
    return [wire.signed64(n) for n in numbers] if kind in ("int", "int64") else numbers


def parse_tensor(serialized, out_type, name=None):
    """``tf.io.parse_tensor(serialized, out_type)``: the tensor a serialized ``TensorProto`` holds (a ``tf.string``
    scalar or ``bytes``), whose dtype must be ``out_type``; ``InvalidArgumentError`` for bytes that are not
    one, or of another dtype (see the module's documentation)."""
    record = text_data(serialized)
    if record is None or record.ndim != 0:
        raise ValueError(f"parse_tensor takes one serialized TensorProto (a tf.string scalar), got {serialized!r:.80}")
    want = np.dtype(object) if as_dtype(out_type).name == "string" else as_dtype(out_type).dtype
    number, shape, content, strings, typed = None, (), None, [], []
    try:
        for field, kind, value in wire.fields(record[()]):
            if field == 1 and kind == wire.VARINT:
                number = value
            elif field == 2 and kind == wire.LENGTH:
                shape = _shape(value)
            elif field == 4 and kind == wire.LENGTH:
                content = value
            elif field == 8 and kind == wire.LENGTH:
                strings.append(value)
            elif field in _VALUE_FIELDS:
                typed.append((_VALUE_FIELDS[field], kind, value))
    except wire.DecodeError as error:
        _fail(str(error))
    dtype = _BY_NUMBER.get(number)
    if dtype is None:
        _fail(f"unknown dtype number {number}")
    if dtype != want:
        raise InvalidArgumentError(f"Type mismatch between parsed tensor ({_TYPES[dtype][1]}) and dtype "
                                   f"({_TYPES[want][1] if want in _TYPES else want})")  # fmt: skip
    size = math.prod(shape)
    if dtype.kind == "O":
        values = np.array(strings, dtype=object)
    elif content is not None:
        if len(content) != size * dtype.itemsize:
            _fail(f"{len(content)} bytes of content for shape {list(shape)} of {_TYPES[dtype][1]}")
        values = np.frombuffer(content, dtype.newbyteorder("<")).astype(dtype)
    else:
        values = np.array([v for kind, wire_type, value in typed for v in _typed_values(kind, wire_type, value)])
        values = values.astype(dtype) if values.size else np.zeros(0, dtype)
    if values.size == 1 and size != 1 and dtype.kind != "O":
        if size > _MAX_FILLED:
            _fail(f"one value to fill shape {list(shape)}")
        values = np.full(size, values[0], dtype)  # (one value for all: TensorFlow fills the tensor with it)
    if values.size != size:
        _fail(f"{values.size} values for shape {list(shape)}")
    return as_tensor(values.reshape(shape))
