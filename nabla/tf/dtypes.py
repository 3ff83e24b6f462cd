"""TensorFlow's dtypes (``tf.float32``, ``tf.int32``, ...) over NumPy's, and TF's rules for Python data.

A :class:`DType` prints and compares as TensorFlow's does (``tf.float32``, ``<dtype: 'float32'>``,
``tf.float32 == np.float32 == "float32"``) and is also accepted wherever NumPy expects a dtype
(``np.zeros(3, dtype=tf.float32)``), so nabla's engine can take it.

How TensorFlow infers a dtype from Python data is written in ``_convert``.
"""

from __future__ import annotations

import numpy as np

from ._missing import missing


class DType:
    """A TensorFlow dtype: ``tf.float32``; ``as_numpy_dtype`` is the NumPy scalar type (``np.float32``)."""

    __slots__ = ("dtype",)

    def __init__(self, np_dtype) -> None:
        self.dtype = np.dtype(np_dtype)  # (NumPy accepts any object with a .dtype as a dtype)

    @property
    def name(self) -> str:
        return {"b": "bool", "O": "string"}.get(self.dtype.kind, self.dtype.name)

    @property
    def as_numpy_dtype(self) -> type:
        return self.dtype.type

    @property
    def as_datatype_enum(self) -> int:
        """TensorFlow's number for this dtype (its ``DataType`` enum: float32 is 1), which ``tf.as_dtype`` takes."""
        return _ENUMS[self]

    @property
    def base_dtype(self) -> DType:
        return self

    real_dtype = base_dtype

    @property
    def size(self) -> int:
        """Bytes per element."""
        return self.dtype.itemsize

    @property
    def is_floating(self) -> bool:
        return self.dtype.kind == "f"

    @property
    def is_integer(self) -> bool:
        return self.dtype.kind in "iu"

    @property
    def is_unsigned(self) -> bool:
        return self.dtype.kind in "ub"

    @property
    def is_bool(self) -> bool:
        return self.dtype.kind == "b"

    @property
    def is_complex(self) -> bool:
        return False

    @property
    def is_numpy_compatible(self) -> bool:
        return True

    @property
    def is_string(self) -> bool:
        return self.dtype.kind == "O"

    @property
    def min(self):
        """The smallest value of the dtype (the most negative for floats, as TensorFlow)."""
        return _limits(self.dtype)[0]

    @property
    def max(self):
        return _limits(self.dtype)[1]

    @property
    def limits(self) -> tuple:
        return _limits(self.dtype)

    # NumPy's attributes, for code written against NumPy dtypes (nabla's engine reads ``t.dtype.kind``).
    @property
    def kind(self) -> str:
        return self.dtype.kind

    @property
    def itemsize(self) -> int:
        return self.dtype.itemsize

    @property
    def type(self) -> type:
        return self.dtype.type

    def is_compatible_with(self, other) -> bool:
        return self == other

    def __eq__(self, other) -> bool:
        if isinstance(other, DType):
            return self.dtype == other.dtype
        try:
            return self.dtype == as_dtype(other).dtype
        except TypeError:
            return False

    def __ne__(self, other) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self.dtype)  # equal to the NumPy dtype's: a dict keyed by either finds the other

    def __repr__(self) -> str:
        return f"tf.{self.name}"

    def __str__(self) -> str:
        return f"<dtype: '{self.name}'>"

    def __reduce__(self):
        return as_dtype, (self.name,)


def _limits(dtype: np.dtype) -> tuple:
    if dtype.kind == "b":
        return False, True
    info = np.finfo(dtype) if dtype.kind == "f" else np.iinfo(dtype)
    return info.min, info.max


float16 = half = DType("float16")
float32 = DType("float32")
float64 = double = DType("float64")
int8 = DType("int8")
int16 = DType("int16")
int32 = DType("int32")
int64 = DType("int64")
uint8 = DType("uint8")
uint16 = DType("uint16")
uint32 = DType("uint32")
uint64 = DType("uint64")
bool = DType("bool")  # noqa: A001 - TensorFlow's name (tf.bool)
# The dtype of text: Keras's string inputs (keras.Input(shape=(), dtype=tf.string)) and the layers that read
# them (TextVectorization, StringLookup). nabla's tensors hold numbers, so text stays in NumPy arrays of str or
# bytes (NumPy's object dtype here, as nabla.keras's string tensors: see nabla/keras/strings.py).
string = DType(object)

_ALL = (float16, float32, float64, int8, int16, int32, int64, uint8, uint16, uint32, uint64, bool, string)
# TensorFlow's DataType numbers (types.proto): tf.zeros(1, 1) is float32, its dtype given as 1, as in TensorFlow.
_ENUMS = dict(zip(_ALL, (19, 1, 2, 6, 5, 3, 9, 4, 17, 22, 23, 10, 7)))
_BY_ENUM = {number: d for d, number in _ENUMS.items()}
_NUMPY = {d.dtype: d for d in _ALL}  # NumPy dtype -> DType
_NAMES = {d.name: d for d in _ALL} | {"half": float16, "float": float32, "double": float64}
# TensorFlow dtypes NumPy cannot hold: named in the error rather than mistaken for something else.
_UNOFFERED = ("bfloat16", "complex64", "complex128", "qint8", "quint8", "qint32", "resource", "variant")


def as_dtype(type_value) -> DType:
    """``tf.as_dtype``: a :class:`DType` from a DType, a NumPy dtype or type, a name (``"float32"``) or
    TensorFlow's number for it (``as_datatype_enum``)."""
    if isinstance(type_value, DType):
        return type_value
    if type_value is None:
        raise TypeError("Cannot convert None to a nabla.tf dtype")
    if isinstance(type_value, (int, np.integer)):  # (a Python bool too: True is 1, float32, as in TensorFlow)
        if int(type_value) not in _BY_ENUM:
            raise TypeError(f"Cannot convert {type_value!r} to a nabla.tf dtype: no TensorFlow dtype has that number")
        return _BY_ENUM[int(type_value)]
    if hasattr(type_value, "as_numpy_dtype"):  # another library's DType (TensorFlow's own)
        type_value = type_value.as_numpy_dtype
    if isinstance(type_value, str):
        found = _NAMES.get(type_value)
        if found is not None:
            return found
        if type_value in _UNOFFERED:
            raise TypeError(
                f"nabla.tf does not offer tf.{type_value}: its tensors hold NumPy's real numbers and bools; "
                "use tf.float32, tf.float64, an integer dtype or tf.bool"
            )
    try:
        numpy_type = np.dtype(type_value)
        found = string if numpy_type.kind in "USO" else _NUMPY.get(numpy_type)  # (TF: str, bytes, object: string)
    except TypeError:
        found = None
    if found is None:
        raise TypeError(
            f"Cannot convert {type_value!r} to a nabla.tf dtype; use one of " + ", ".join(f"tf.{d.name}" for d in _ALL)
        )
    return found


def of(np_dtype: np.dtype) -> DType:
    """The DType of a NumPy dtype (a tensor's ``.dtype``: read by the engine at many operations)."""
    found = _NUMPY.get(np_dtype)
    return found if found is not None else as_dtype(np_dtype)


def numpy_dtype(dtype) -> np.dtype | None:
    """The NumPy dtype of a tensor's data, from anything :func:`as_dtype` accepts (None stays None); text
    (``tf.string``) is refused, as nabla's tensors hold numbers and bools."""
    if dtype is None:
        return None
    found = as_dtype(dtype)
    if found is string:
        raise TypeError(
            "nabla.tf tensors hold numbers and bools, not strings: tf.string is the dtype of Keras's text inputs "
            "(keras.Input(shape=(), dtype=tf.string)), whose text stays in NumPy arrays or lists"
        )
    return found.dtype


def __getattr__(name: str):
    raise missing("tf.dtypes", name)
