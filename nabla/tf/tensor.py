"""``tf.Tensor``: nabla's Tensor with TensorFlow's face.

A ``tf.Tensor`` *is* an ``nb.Tensor`` (a subclass with no state of its own): every engine function
takes it, and every ``nabla.tf`` operation hands the engine's result back with its class switched (no
copy). What changes is what a TensorFlow user sees:

- printing: ``print(t)`` shows ``tf.Tensor([1. 2.], shape=(2,), dtype=float32)`` and the repr
  ``<tf.Tensor: shape=(2,), dtype=float32, numpy=array([1., 2.], dtype=float32)>``; ``f"{loss:.4f}"``
  formats a scalar tensor;
- ``t.numpy()`` always works and returns a copy (a NumPy scalar for a 0-d tensor), as in TensorFlow;
  nabla's own ``numpy()`` refuses on a tensor in a graph;
- ``t.shape`` is a :class:`TensorShape` (``t.shape[0]``, ``t.shape.as_list()``), ``t.dtype`` a
  :class:`DType` (``tf.float32``);
- operators follow TensorFlow's dtype rules (``_convert``): ``int32 / int32`` is float64, ``//`` and
  ``%`` floor, mixing dtypes raises; ``x == y`` is elementwise (``False`` for ``None`` or shapes that do
  not broadcast, as TensorFlow);
- a list as an index is a tuple of indices (``t[[0, 1]]`` is ``t[0, 1]``), as in TensorFlow.

Differences from TensorFlow, kept on purpose: tensors are hashable by identity (nabla's optimizers key
their state by parameter; TensorFlow refuses ``hash(t)``: use ``t.ref()`` in code meant for both).
"""

from __future__ import annotations

import numpy as np

import nabla as nb

from . import _made_up, dtypes
from ._engine import refuse_in_capture
from .dtypes import DType
from .tensor_shape import TensorShape

CPU = "/job:localhost/replica:0/task:0/device:CPU:0"


def numpy_text(array: np.ndarray, is_repr: bool) -> str:
    """The values as TensorFlow prints them: the array's str or repr (a 0-d value as a Python number in the
    repr), on a line of its own when it spans several."""
    if is_repr:
        text = repr(array.item()) if array.ndim == 0 else repr(array)
    else:
        text = str(array)
    return "\n" + text if "\n" in text else text


_SHAPE_ONLY = frozenset([np.shape, np.ndim, np.size, np.result_type])  # NumPy functions that read no values


def _values(x):
    """``x`` with every tensor inside (lists, tuples, dicts too) replaced by its array."""
    if isinstance(x, nb.Tensor):
        return x._data
    if type(x) in (list, tuple):
        return type(x)(_values(v) for v in x)
    if type(x) is dict:
        return {k: _values(v) for k, v in x.items()}
    return x


class Reference:
    """``t.ref()``: a hashable handle on a tensor or variable (TensorFlow's way to key a dict by tensor)."""

    __slots__ = ("_target",)

    def __init__(self, target) -> None:
        self._target = target

    def deref(self):
        return self._target

    def __eq__(self, other) -> bool:
        return isinstance(other, Reference) and other._target is self._target

    def __hash__(self) -> int:
        return id(self._target)

    def __repr__(self) -> str:
        return f"<Reference wrapping {self._target!r}>"


class _Missing:
    """A class attribute that reads as absent: it hides the engine's ``__array_ufunc__ = None`` (which makes
    NumPy refuse ``np.add(t, 1)``) from NumPy, which looks the name up on the type."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __get__(self, obj, owner=None):
        raise AttributeError(self._name)


class TensorLike:
    """What ``tf.Tensor`` and ``tf.Variable`` share on top of ``nb.Tensor``: TensorFlow's attributes,
    printing and operators. (A mixin: ``tf.Variable`` is not a ``tf.Tensor``, as in TensorFlow.)"""

    __slots__ = ()

    # --- TensorFlow's attributes -------------------------------------------------------------

    @property
    def shape(self) -> TensorShape:
        return TensorShape.of(self._data.shape)

    def get_shape(self) -> TensorShape:
        return self.shape

    def set_shape(self, shape) -> None:
        """Check that ``shape`` is compatible with the tensor's (eager tensors' shapes are always known): a
        ``ValueError`` otherwise. In a ``tf.data`` function whose ``element_spec`` is being worked out, the shape
        is the made-up tensor's new shape, its rank alone checked (see ``_made_up``)."""
        supplied = TensorShape(shape)
        if _made_up.running() and supplied.rank in (None, self.shape.rank):
            if supplied.rank is not None:
                self._data = np.resize(self._data, [n if d is None else d for n, d in zip(self._data.shape, supplied)])
            return
        if not self.shape.is_compatible_with(supplied):
            raise ValueError(f"Tensor's shape {self.shape} is not compatible with supplied shape {supplied}")

    @property
    def dtype(self) -> DType:
        return dtypes.of(self._data.dtype)

    @property
    def device(self) -> str:
        return CPU

    def numpy(self):
        """A copy of the values (a NumPy scalar for a 0-d tensor), whether or not the tensor is in a graph."""
        refuse_in_capture("reads a tensor's value into Python (.numpy())")
        array = np.array(self._data, copy=True)
        return array[()] if array.ndim == 0 else array

    def __array_function__(self, func, types, args, kwargs):
        # NumPy's functions see a tf.Tensor as its values, as they see TensorFlow's tensors: np.mean(t) is a
        # NumPy number. (nabla's own tensors have methods of those names, which NumPy would call instead.)
        if func not in _SHAPE_ONLY:
            refuse_in_capture(f"reads a tensor's values with NumPy (np.{func.__name__})")
        return func(*_values(args), **_values(kwargs))

    # NumPy sees a tf.Tensor as TensorFlow's: without ``__array_ufunc__`` and with a high priority, so that
    # ``array * t`` defers to ``t.__rmul__`` (a tf.Tensor) while ``np.add(t, 1)`` and ``np.exp(t)`` compute on
    # the values through ``__array__`` and return NumPy arrays.
    __array_ufunc__ = _Missing("__array_ufunc__")
    __array_priority__ = 100

    def ref(self) -> Reference:
        return Reference(self)

    experimental_ref = ref

    def __format__(self, spec: str) -> str:
        return format(self.numpy(), spec)  # f"{loss:.4f}" on a scalar tensor

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise ValueError(
                "The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()"
            )
        return nb.Tensor.__bool__(self)

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("Cannot iterate over a scalar tensor.")
        return (self[i] for i in range(self._data.shape[0]))

    __hash__ = nb.Tensor.__hash__  # (identity: see the module's docstring)

    # --- operators: TensorFlow's rules, nabla's operations -------------------------------------

    def __add__(self, other):
        return math_ops.plus(self, other)

    def __radd__(self, other):
        return math_ops.plus(other, self)

    def __sub__(self, other):
        return math_ops.subtract(self, other)

    def __rsub__(self, other):
        return math_ops.subtract(other, self)

    def __mul__(self, other):
        return math_ops.multiply(self, other)

    def __rmul__(self, other):
        return math_ops.multiply(other, self)

    def __truediv__(self, other):
        return math_ops.truediv(self, other)

    def __rtruediv__(self, other):
        return math_ops.truediv(other, self)

    def __floordiv__(self, other):
        return math_ops.floordiv(self, other)

    def __rfloordiv__(self, other):
        return math_ops.floordiv(other, self)

    def __mod__(self, other):
        return math_ops.floormod(self, other)

    def __rmod__(self, other):
        return math_ops.floormod(other, self)

    def __pow__(self, other):
        return math_ops.pow(self, other)

    def __rpow__(self, other):
        return math_ops.pow(other, self)

    def __matmul__(self, other):
        return linalg_ops.matmul(self, other)

    def __rmatmul__(self, other):
        return linalg_ops.matmul(other, self, first_alone=False)

    def __neg__(self):
        return math_ops.negative(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return math_ops.abs(self)

    def __invert__(self):
        return math_ops.invert(self)

    def __and__(self, other):
        return math_ops.bitwise_or_logical("and", self, other)

    def __rand__(self, other):
        return math_ops.bitwise_or_logical("and", other, self)

    def __or__(self, other):
        return math_ops.bitwise_or_logical("or", self, other)

    def __ror__(self, other):
        return math_ops.bitwise_or_logical("or", other, self)

    def __xor__(self, other):
        return math_ops.bitwise_or_logical("xor", self, other)

    def __rxor__(self, other):
        return math_ops.bitwise_or_logical("xor", other, self)

    def __lt__(self, other):
        return math_ops.less(self, other)

    def __le__(self, other):
        return math_ops.less_equal(self, other)

    def __gt__(self, other):
        return math_ops.greater(self, other)

    def __ge__(self, other):
        return math_ops.greater_equal(self, other)

    def __eq__(self, other):
        return math_ops.tensor_equals(self, other, True)

    def __ne__(self, other):
        return math_ops.tensor_equals(self, other, False)

    def __getitem__(self, index):
        return array_ops.getitem(self, index)

    def __setitem__(self, index, value):
        raise TypeError(
            f"'{type(self).__name__}' object does not support item assignment (TensorFlow's tensors are immutable; "
            "a Variable's part is set with v[index].assign(value))"
        )

    # ``x += y`` makes a new tensor, as in TensorFlow (nabla's own tensors would change in place).
    def __iadd__(self, other):
        return self.__add__(other)

    def __isub__(self, other):
        return self.__sub__(other)

    def __imul__(self, other):
        return self.__mul__(other)

    def __itruediv__(self, other):
        return self.__truediv__(other)


class Tensor(TensorLike, nb.Tensor):
    """An immutable tensor: what every ``nabla.tf`` operation returns (TensorFlow's ``EagerTensor``).

    Make one with :func:`tf.constant` or :func:`tf.convert_to_tensor`. It is an ``nb.Tensor``, so nabla's
    engine, layers and optimizers take it as it is.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<tf.Tensor: shape={self.shape}, dtype={self.dtype.name}, numpy={numpy_text(self._data, True)}>"

    def __str__(self) -> str:
        return f"tf.Tensor({numpy_text(self._data, False)}, shape={self.shape}, dtype={self.dtype.name})"


# Keras layers called on tf.Tensors or tf.Variables return tf.Tensors, as tf.keras does
# (nabla/keras/output_class.py).
TensorLike.keras_output_class = Tensor

# The operators call these at run time; they build on the classes above.
from . import array_ops, linalg_ops, math_ops  # noqa: E402
