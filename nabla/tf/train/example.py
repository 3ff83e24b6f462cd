"""``tf.train.Example`` and its parts: the protocol buffer messages that TFRecord files of features hold.

The messages (TensorFlow's ``example.proto`` and ``feature.proto``), encoded and decoded by hand with
:mod:`nabla.tf.io.wire`, without the ``protobuf`` package::

    BytesList { repeated bytes value = 1; }            FloatList { repeated float value = 1 [packed]; }
    Int64List { repeated int64 value = 1 [packed]; }
    Feature   { oneof kind { BytesList bytes_list = 1; FloatList float_list = 2; Int64List int64_list = 3; } }
    Features  { map<string, Feature> feature = 1; }    Example { Features features = 1; }
    FeatureList { repeated Feature feature = 1; }       FeatureLists { map<string, FeatureList> feature_list = 1; }
    SequenceExample { Features context = 1; FeatureLists feature_lists = 2; }

They are used as protobuf's Python classes are: keyword constructors (``Feature(int64_list=Int64List(value=[1]))``),
attributes (``example.features.feature["id"].int64_list.value``; an unset message reads as an empty one),
``WhichOneof("kind")``, ``SerializeToString()``, ``FromString(data)`` / ``ParseFromString(data)``, ``==``, and
``print`` in protobuf's text format. A ``FloatList`` holds float32 values (a float is rounded to float32, as in
protobuf). Choices: map entries are written in insertion order (protobuf's Python writes them in no set order:
the bytes may differ, the message is the same; text format sorts them by key, as protobuf's does). Decoding
validates everything (see :mod:`nabla.tf.io.wire`): malformed bytes raise ``DecodeError`` (a ``ValueError``),
unknown fields are skipped as protobuf skips them.
"""

from __future__ import annotations

import operator
import struct

import numpy as np

from ..io import wire

_INT64 = (-(2**63), 2**63 - 1)


def _as_bytes(value) -> bytes:
    if isinstance(value, (bytes, np.bytes_)):
        return bytes(value)
    raise TypeError(f"a BytesList holds bytes, got {value!r} of type {type(value).__name__} (encode a str first)")


def _as_float(value) -> float:
    if isinstance(value, (str, bytes)) or not hasattr(value, "__float__"):
        raise TypeError(f"a FloatList holds numbers, got {value!r} of type {type(value).__name__}")
    return float(np.float32(float(value)))


def _as_int64(value) -> int:
    """An integer (a Python or NumPy int, or a scalar integer tensor: anything with ``__index__``) as an int64."""
    try:
        number = operator.index(value)
    except TypeError:
        raise TypeError(f"an Int64List holds integers, got {value!r} of type {type(value).__name__}") from None
    if not _INT64[0] <= number <= _INT64[1]:
        raise ValueError(f"an Int64List holds int64 values, got {number} (out of range)")
    return number


def _escape(data: bytes) -> str:
    """Bytes as protobuf's text format writes them (C escapes, octal for the unprintable)."""
    special = {10: "\\n", 13: "\\r", 9: "\\t", 34: '\\"', 39: "\\'", 92: "\\\\"}
    return "".join(special.get(b) or (chr(b) if 32 <= b < 127 else f"\\{b:03o}") for b in data)


def _float_text(value: float) -> str:
    """A float32 as protobuf's text format writes it: ``%.6g`` (6 digits, float32's ``FLT_DIG``) when that
    reads back as the same float32, else ``%.9g`` (enough for any float32): ``0.1``, ``0.333333343``, ``1e+07``,
    ``-0``, ``inf``, ``nan``."""
    # NOTE: not Python's shortest round-trip repr (``0.33333334``): protobuf tries 6 digits, then 9.
    if value != value:
        return "nan"  # (protobuf writes no sign for a NaN)
    text = f"{value:.6g}"
    return text if np.float32(text) == np.float32(value) else f"{value:.9g}"


class _Message:
    """A message: its fields are attributes; subclasses say how they are encoded (``_encode`` / ``_decode``)."""

    def SerializeToString(self, deterministic: bool = False) -> bytes:  # noqa: N802 (protobuf's name)
        """The message's wire-format bytes."""
        return self._encode()

    @classmethod
    def FromString(cls, data) -> _Message:  # noqa: N802 (protobuf's name)
        """The message that ``data`` (bytes) encodes; ``DecodeError`` if it is malformed."""
        message = cls()
        message.ParseFromString(data)
        return message

    def ParseFromString(self, data) -> int:  # noqa: N802 (protobuf's name)
        """Replace this message's fields by those ``data`` encodes; returns the number of bytes read."""
        data = data.numpy() if hasattr(data, "numpy") else data
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"ParseFromString takes bytes, got {type(data).__name__}")
        fresh = type(self)()
        fresh._decode(bytes(data))
        self.__dict__.update(fresh.__dict__)
        return len(data)

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and self._encode_sorted() == other._encode_sorted()

    __hash__ = None  # (mutable, as protobuf's messages)

    def _encode_sorted(self) -> bytes:
        return self._encode()

    def __str__(self) -> str:
        return "\n".join(self._text_lines(0)) + ("\n" if self._text_lines(0) else "")

    def __repr__(self) -> str:
        return str(self)


class _List(_Message):
    """``BytesList``, ``FloatList``, ``Int64List``: one repeated ``value`` field."""

    _check = staticmethod(_as_bytes)

    def __init__(self, value=()):
        self.value = [self._check(v) for v in value]

    def _text_lines(self, depth: int) -> list[str]:
        return [" " * depth + f"value: {self._item_text(v)}" for v in self.value]


class BytesList(_List):
    """``tf.train.BytesList(value=[b"..."])``: a list of byte strings."""

    _check = staticmethod(_as_bytes)

    def _encode(self) -> bytes:
        return b"".join(wire.length_delimited(1, _as_bytes(v)) for v in self.value)

    def _decode(self, data: bytes) -> None:
        self.value = [v for number, kind, v in wire.fields(data) if number == 1 and kind == wire.LENGTH]
        if any(number == 1 and kind != wire.LENGTH for number, kind, _ in wire.fields(data)):
            raise wire.DecodeError("BytesList.value must be length-delimited")

    @staticmethod
    def _item_text(v: bytes) -> str:
        return f'"{_escape(v)}"'


class _NumberList(_List):
    """``FloatList`` and ``Int64List``: written packed; read packed, or one value a field (``_single`` wire type),
    as protobuf's parsers take both."""

    def _decode(self, data: bytes) -> None:
        self.value = []
        for number, kind, v in wire.fields(data):
            if number == 1 and kind == wire.LENGTH:
                self.value.extend(self._packed(v))
            elif number == 1 and kind == self._single:
                self.value.extend(self._unpacked(v))
            elif number == 1:
                raise wire.DecodeError(f"{type(self).__name__}.value has wire type {kind}")


class FloatList(_NumberList):
    """``tf.train.FloatList(value=[1.5, ...])``: a list of float32 numbers (written packed)."""

    _check = staticmethod(_as_float)

    def _encode(self) -> bytes:
        values = [_as_float(v) for v in self.value]
        return wire.length_delimited(1, struct.pack(f"<{len(values)}f", *values)) if values else b""

    _single = wire.FIXED32

    @staticmethod
    def _packed(payload: bytes) -> list[float]:
        return wire.unpack_floats(payload)

    _unpacked = _packed  # (one value: its four bytes)

    @staticmethod
    def _item_text(v: float) -> str:
        return _float_text(v)


class Int64List(_NumberList):
    """``tf.train.Int64List(value=[1, ...])``: a list of int64 numbers (written packed)."""

    _check = staticmethod(_as_int64)

    def _encode(self) -> bytes:
        values = [_as_int64(v) for v in self.value]
        return wire.length_delimited(1, b"".join(wire.varint(v) for v in values)) if values else b""

    _single = wire.VARINT

    @staticmethod
    def _packed(payload: bytes) -> list[int]:
        return [wire.signed64(x) for x in wire.packed_varints(payload)]

    @staticmethod
    def _unpacked(value: int) -> list[int]:
        return [wire.signed64(value)]

    @staticmethod
    def _item_text(v: int) -> str:
        return str(v)


_KINDS = {"bytes_list": (1, BytesList), "float_list": (2, FloatList), "int64_list": (3, Int64List)}


def _submessage(kind: int, value, what: str) -> bytes:
    if kind != wire.LENGTH:
        raise wire.DecodeError(f"{what} must be length-delimited, got wire type {kind}")
    return value


class Feature(_Message):
    """``tf.train.Feature(bytes_list=..., float_list=... or int64_list=...)``: one of the three lists (the
    ``kind`` oneof; ``WhichOneof("kind")`` names the one set, None if none)."""

    def __init__(self, bytes_list: BytesList | None = None, float_list: FloatList | None = None,
                 int64_list: Int64List | None = None):  # fmt: skip
        given = {k: v for k, v in (("bytes_list", bytes_list), ("float_list", float_list),
                                   ("int64_list", int64_list)) if v is not None}  # fmt: skip
        if len(given) > 1:
            raise ValueError(f"a Feature holds one list (the 'kind' oneof), got {sorted(given)}")
        for name, value in given.items():
            if not isinstance(value, _KINDS[name][1]):
                raise TypeError(f"Feature({name}=...) takes a {_KINDS[name][1].__name__}, got {type(value).__name__}")
        self._kind, self._list = next(iter(given.items()), (None, None))

    def WhichOneof(self, oneof_group: str) -> str | None:  # noqa: N802 (protobuf's name)
        if oneof_group != "kind":
            raise ValueError(f"Feature has one oneof, 'kind', got {oneof_group!r}")
        return self._kind

    def __getattr__(self, name: str):
        if name in _KINDS:  # (an unset list reads as an empty one, as in protobuf)
            return self._list if self._kind == name else _KINDS[name][1]()
        raise AttributeError(f"Feature has no field {name!r} (it has bytes_list, float_list and int64_list)")

    def _encode(self) -> bytes:
        return b"" if self._kind is None else wire.length_delimited(_KINDS[self._kind][0], self._list._encode())

    def _decode(self, data: bytes) -> None:
        by_number = {number: (name, cls) for name, (number, cls) in _KINDS.items()}
        self._kind = self._list = None
        for number, kind, value in wire.fields(data):
            if number in by_number:  # (the last one set wins, as protobuf's oneofs)
                self._kind, cls = by_number[number]
                self._list = cls.FromString(_submessage(kind, value, f"Feature.{self._kind}"))

    def _text_lines(self, depth: int) -> list[str]:
        if self._kind is None:
            return []
        pad = " " * depth
        return [f"{pad}{self._kind} {{", *self._list._text_lines(depth + 2), f"{pad}}}"]


def _map_class(name: str, field: str, value_class: type) -> type:
    """A message of one ``map<string, value_class>`` field ``field`` (``Features``, ``FeatureLists``)."""

    def __init__(self, **kwargs):
        unknown = set(kwargs) - {field}
        if unknown:
            raise TypeError(f"{name}() takes only {field}=..., got {sorted(unknown)}")
        entries = dict(kwargs.get(field) or {})
        for key_, value in entries.items():
            if not isinstance(key_, str) or not isinstance(value, value_class):
                raise TypeError(f"{name}.{field} maps str to {value_class.__name__}, "
                                f"got {key_!r}: {type(value).__name__}")
        setattr(self, field, entries)

    def _encode(self, order=None) -> bytes:
        entries = getattr(self, field)
        keys = order(entries) if order else entries
        return b"".join(
            wire.length_delimited(1, wire.length_delimited(1, k.encode("utf-8"))
                                  + wire.length_delimited(2, entries[k]._encode()))  # fmt: skip
            for k in keys
        )

    def _decode(self, data: bytes) -> None:
        entries = {}
        for number, kind, entry in wire.fields(data):
            if number != 1:
                continue
            key_, value = "", value_class()
            for n, k, v in wire.fields(_submessage(kind, entry, f"{name}.{field}")):
                if n == 1:
                    try:
                        key_ = _submessage(k, v, "a map key").decode("utf-8")
                    except UnicodeDecodeError:
                        raise wire.DecodeError(f"{name}.{field} has a key that is not UTF-8") from None
                elif n == 2:
                    value = value_class.FromString(_submessage(k, v, "a map value"))
            entries[key_] = value  # (a repeated key: the last one wins, as protobuf's maps)
        setattr(self, field, entries)

    def _text_lines(self, depth: int) -> list[str]:
        pad, lines = " " * depth, []
        for k, value in sorted(getattr(self, field).items()):
            lines += [f"{pad}{field} {{", f'{pad}  key: "{_escape(k.encode("utf-8"))}"', f"{pad}  value {{",
                      *value._text_lines(depth + 4), f"{pad}  }}", f"{pad}}}"]  # fmt: skip
        return lines

    doc = f"``tf.train.{name}({field}={{name: {value_class.__name__}}})``: a map from names to {value_class.__name__}s."
    return type(name, (_Message,), {
        "__init__": __init__, "_encode": _encode, "_decode": _decode, "_text_lines": _text_lines, "__doc__": doc,
        "_encode_sorted": lambda self: _encode(self, sorted), "__module__": __name__,
    })  # fmt: skip


Features = _map_class("Features", "feature", Feature)


class FeatureList(_Message):
    """``tf.train.FeatureList(feature=[Feature, ...])``: a sequence of features (a ``SequenceExample``'s step)."""

    def __init__(self, feature=()):
        self.feature = list(feature)
        if not all(isinstance(f, Feature) for f in self.feature):
            raise TypeError("FeatureList(feature=...) takes a list of Features")

    def _encode(self) -> bytes:
        return b"".join(wire.length_delimited(1, f._encode()) for f in self.feature)

    def _decode(self, data: bytes) -> None:
        self.feature = [Feature.FromString(_submessage(k, v, "FeatureList.feature"))
                        for n, k, v in wire.fields(data) if n == 1]  # fmt: skip

    def _text_lines(self, depth: int) -> list[str]:
        pad = " " * depth
        return [line for f in self.feature for line in (f"{pad}feature {{", *f._text_lines(depth + 2), f"{pad}}}")]


FeatureLists = _map_class("FeatureLists", "feature_list", FeatureList)


def _record_class(name: str, fields: dict[str, tuple[int, type]]) -> type:
    """A message of optional message fields (``Example``, ``SequenceExample``); an unset one reads as empty."""

    def __init__(self, **kwargs):
        for key_, value in kwargs.items():
            if key_ not in fields:
                raise TypeError(f"{name}() takes {', '.join(fields)}, got {key_!r}")
            if value is not None and not isinstance(value, fields[key_][1]):
                raise TypeError(f"{name}({key_}=...) takes a {fields[key_][1].__name__}, got {type(value).__name__}")
        for key_, (_, cls) in fields.items():
            setattr(self, key_, kwargs.get(key_) if kwargs.get(key_) is not None else cls())

    def _encode(self, sort=False) -> bytes:
        parts = (getattr(self, k)._encode_sorted() if sort else getattr(self, k)._encode() for k in fields)
        return b"".join(wire.length_delimited(n, p) for (n, _), p in zip(fields.values(), parts) if p)

    def _decode(self, data: bytes) -> None:
        by_number = {n: (k, cls) for k, (n, cls) in fields.items()}
        for k, (_, cls) in fields.items():
            setattr(self, k, cls())
        for number, kind, value in wire.fields(data):
            if number in by_number:
                k, cls = by_number[number]
                setattr(self, k, cls.FromString(_submessage(kind, value, f"{name}.{k}")))

    def _text_lines(self, depth: int) -> list[str]:
        pad, lines = " " * depth, []
        for k in fields:
            inner = getattr(self, k)._text_lines(depth + 2)
            if inner:
                lines += [f"{pad}{k} {{", *inner, f"{pad}}}"]
        return lines

    return type(name, (_Message,), {
        "__init__": __init__, "_encode": _encode, "_decode": _decode, "_text_lines": _text_lines,
        "_encode_sorted": lambda self: _encode(self, True), "__module__": __name__,
        "__doc__": f"``tf.train.{name}({', '.join(f'{k}=...' for k in fields)})``: see the module's documentation.",
    })  # fmt: skip


Example = _record_class("Example", {"features": (1, Features)})
SequenceExample = _record_class("SequenceExample", {"context": (1, Features), "feature_lists": (2, FeatureLists)})
