"""The dtype the Keras side answers with: a name, as Keras 3's, that also compares equal to NumPy dtypes.

Keras 3 gives dtypes as strings: ``keras.Input((3,)).dtype``, ``layer.dtype``, ``layer.compute_dtype``,
``layer.variable_dtype``, ``model.inputs[0].dtype``, ``model.outputs[0].dtype`` and a ``keras.Variable``'s
``dtype`` are all ``'float32'``. nabla's answer is a :class:`KerasDType`: a ``str`` subclass holding that
name (``"string"`` for text), so ``x.dtype == "float32"``, ``f"{x.dtype}"``, ``x.dtype in ("float16",
"float32")`` and ``{"float32": ...}[x.dtype]`` work as in Keras; and, so that code written against nabla's
NumPy dtypes keeps working, it also compares equal to the NumPy dtype of that name
(``x.dtype == np.float32``, ``== np.dtype("float32")``: True where Keras 3's plain string gives False for
``np.float32``) and reads its attributes (``x.dtype.kind``, ``.itemsize``, ``.type``). ``np.dtype(x.dtype)``
and ``np.zeros(shape, x.dtype)`` take it as they take the name. It hashes as the string.

``keras.ops`` results are nabla Tensors, whose ``dtype`` is the engine's NumPy dtype, as Keras 3 on a backend
gives that backend's dtype object (``torch.float32`` on torch): ``keras.backend.standardize_dtype`` turns
either into the name.
"""

from __future__ import annotations

import numpy as np

from .strings import dtype_name, resolve_dtype


class KerasDType(str):
    """A dtype's Keras name (``"float32"``) that also equals the NumPy dtype of that name (see the module)."""

    numpy_dtype: np.dtype

    def __new__(cls, dtype) -> KerasDType:
        numpy_dtype = resolve_dtype(dtype.numpy_dtype if isinstance(dtype, KerasDType) else dtype)
        self = super().__new__(cls, dtype_name(numpy_dtype))
        self.numpy_dtype = numpy_dtype
        return self

    def __eq__(self, other) -> bool:
        if isinstance(other, str) or other is None:
            return str.__eq__(self, other) if isinstance(other, str) else False
        try:
            return bool(self.numpy_dtype == np.dtype(other))
        except TypeError:
            return NotImplemented

    def __ne__(self, other) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = str.__hash__

    @property
    def name(self) -> str:
        """The name itself (NumPy's ``dtype.name``)."""
        return str(self)

    def __getattr__(self, name: str):
        if name.startswith("__") or name == "numpy_dtype":
            raise AttributeError(name)
        return getattr(self.numpy_dtype, name)  # kind, itemsize, type, char...

    def __reduce__(self):
        return KerasDType, (str(self),)


_NAMES: dict = {}


def keras_dtype(dtype) -> KerasDType | None:
    """The :class:`KerasDType` of ``dtype`` (a NumPy dtype, a name; None stays None), made once per dtype."""
    if dtype is None or isinstance(dtype, KerasDType):
        return dtype
    numpy_dtype = resolve_dtype(dtype)
    named = _NAMES.get(numpy_dtype)
    if named is None:
        named = _NAMES[numpy_dtype] = KerasDType(numpy_dtype)
    return named


def numpy_dtype(dtype):
    """The NumPy dtype behind ``dtype`` (a :class:`KerasDType`; anything else is returned as it is)."""
    return dtype.numpy_dtype if isinstance(dtype, KerasDType) else dtype
