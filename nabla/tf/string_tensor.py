"""String tensors: TensorFlow's ``tf.string`` values, as ``tf.data`` pipelines and ``tf.strings`` hand them out.

nabla's tensors hold numbers and bools, so text gets a small class of its own, :class:`StringTensor`: a NumPy
object array of ``bytes`` (TensorFlow's strings are bytes; ``str`` is encoded as UTF-8), with what TensorFlow's
string tensors offer in eager code and in the tutorials: ``.numpy()`` (``bytes`` for a scalar, an object
array of bytes otherwise), ``.shape``, ``.dtype`` (``tf.string``), indexing, iteration, ``len``, ``==`` and
``!=`` (a bool ``tf.Tensor``), and TensorFlow's printing (``tf.Tensor(b'abc', shape=(), dtype=string)``).

It is deliberately not a subclass of ``tf.Tensor``: no arithmetic, gradient or engine operation applies to
text. NumPy reads it (``__array__``: the object array of bytes), which is how nabla.keras's string inputs,
``TextVectorization`` and ``StringLookup`` take it, as they take TensorFlow's own string tensors.
"""

from __future__ import annotations

import numpy as np

from ..keras.strings import is_text
from . import dtypes
from .tensor import Tensor, numpy_text
from .tensor_shape import TensorShape


def _encoded(item) -> bytes:
    if isinstance(item, bytes):
        return item
    if isinstance(item, str):
        return item.encode("utf-8")
    raise TypeError(f"a string tensor holds str or bytes, got an element of type {type(item).__name__}")


def text_data(value) -> np.ndarray | None:
    """``value`` as a string tensor's data (an object array of ``bytes``) if it is text: a ``str``, ``bytes``, a
    :class:`StringTensor`, or a list, NumPy array or pandas column of them (the Keras side's rule,
    :func:`nabla.keras.strings.is_text`); None for anything else."""
    if isinstance(value, StringTensor):
        return value._data
    if not is_text(value):
        return None
    # (bytes and lists go straight to objects: a NumPy bytes array would drop each item's trailing NUL bytes,
    # which a serialized record may end with)
    array = np.array(value, dtype=object) if isinstance(value, (bytes, str, list, tuple)) else np.asarray(value)
    return np.vectorize(_encoded, otypes=[object])(array) if array.size else array.astype(object)


class StringTensor:
    """A ``tf.string`` tensor (see the module's documentation): ``_data`` is an object array of ``bytes``."""

    __slots__ = ("_data",)
    __hash__ = None  # (TensorFlow's tensors are unhashable too: compare with ==)
    keras_output_class = Tensor  # (a Keras layer called on text, TextVectorization, returns tf.Tensors)

    def __init__(self, data: np.ndarray):
        self._data = data

    @classmethod
    def of(cls, value) -> StringTensor:
        """``value`` (text: see :func:`text_data`) as a string tensor; ``TypeError`` for anything else."""
        data = text_data(value)
        if data is None:
            raise TypeError(f"expected strings (str, bytes or arrays of them), got {type(value).__name__}")
        return cls(data)

    @property
    def shape(self) -> TensorShape:
        return TensorShape(self._data.shape)

    def get_shape(self) -> TensorShape:
        return self.shape

    @property
    def dtype(self) -> dtypes.DType:
        return dtypes.string

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def numpy(self):
        """The value: ``bytes`` for a scalar, else a copy as an object array of ``bytes``."""
        return self._data[()] if self._data.ndim == 0 else self._data.copy()

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        data = self._data if dtype is None else self._data.astype(dtype)
        return data.copy() if copy and data is self._data else data  # (a tensor never changes: copy=True copies)

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("Scalar tensor has no `len()`")
        return len(self._data)

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("Cannot iterate over a scalar tensor.")
        return (StringTensor(np.asarray(row, dtype=object)) for row in self._data)

    def __getitem__(self, index) -> StringTensor:
        index = getattr(index, "_data", index)  # (a tf.Tensor index reads as its values)
        return StringTensor(np.asarray(self._data[index], dtype=object))

    def _compare(self, other, equal: bool):
        from ._convert import constant  # (late: _convert makes StringTensors of text)

        other = text_data(other)
        if other is None:  # (TensorFlow: a string and a number are never equal)
            return NotImplemented
        same = np.asarray(self._data == other) if equal else np.asarray(self._data != other)
        return constant(same.astype(bool))

    def __eq__(self, other):
        return self._compare(other, True)

    def __ne__(self, other):
        return self._compare(other, False)

    def __repr__(self) -> str:
        return f"<tf.Tensor: shape={self.shape}, dtype=string, numpy={numpy_text(self._data, True)}>"

    def __str__(self) -> str:
        return f"tf.Tensor({numpy_text(self._data, False)}, shape={self.shape}, dtype=string)"

    def __format__(self, spec: str) -> str:
        # TensorFlow formats the NumPy value: f"{name}: {value}" over a CSV row shows b'male', not tf.Tensor(...).
        return format(self.numpy(), spec)
