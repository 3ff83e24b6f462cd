"""``keras.Variable``: a weight that holds its values between steps, changed by ``assign``.

Keras 3 keeps every weight in a ``Variable`` (``layer.add_weight`` makes one; ``keras.Variable`` makes a
free one). Here a Variable *is* an :class:`nabla.nn.Parameter` (and so an ``nb.Tensor``): a layer that
holds one registers it like any parameter, ``loss.backward()`` fills its ``.grad``, optimizers update it,
and every operation takes it as a tensor, arithmetic included (``v * 2 + 1``). What Keras adds is here:
``assign`` / ``assign_add`` / ``assign_sub``, ``name`` and ``path``, ``trainable``, ``value``, ``numpy()``.

Where nabla differs from Keras 3:

- ``v.dtype`` is Keras 3's name (``'float32'``), a :class:`~nabla.keras.keras_dtype.KerasDType` that
  equals the NumPy dtype too (``v.dtype == np.float32``), where every other nabla tensor's is a NumPy dtype.
- ``v.value`` is the variable itself (Keras returns the backend's tensor behind it; on PyTorch that is a
  ``torch.nn.Parameter``, and ``v.value.grad`` then reads the gradient, which works here too).
- ``path`` is the name, or ``"layer_name/name"`` for a layer's weight (Keras prefixes every enclosing
  layer's name).
"""

from __future__ import annotations

import inspect

import numpy as np

from ..nn import Parameter
from . import initializers
from ._engine import Tensor, dtypes, no_grad
from .keras_dtype import KerasDType, keras_dtype
from .utils.naming import unique_name


def initial_values(initializer, shape, dtype) -> np.ndarray:
    """The starting values of a weight: ``initializer`` (a name, a config dict, a
    ``keras.initializers`` instance, a callable ``f(shape[, dtype])``, an array or a number) evaluated
    for ``shape`` (a tuple; None when the initializer is an array) as ``dtype`` (None: the array's own
    float dtype, else float32)."""
    if isinstance(initializer, (str, dict)) or (callable(initializer) and not isinstance(initializer, Tensor)):
        if shape is None:
            raise ValueError(
                f"Variable: an initializer ({initializer!r}) needs a shape, e.g. "
                "keras.Variable(initializer='zeros', shape=(3,))"
            )
        fn = initializers.get(initializer)
        shape = tuple(int(s) for s in shape)
        dtype = dtypes.resolve(dtype) or dtypes.default_float
        takes_dtype = _accepts(fn, "dtype")
        values = fn(shape, dtype=dtype) if takes_dtype else fn(shape)
        return np.array(values._data if isinstance(values, Tensor) else values, dtype=dtype)
    values = np.array(initializer._data if isinstance(initializer, Tensor) else initializer, dtype=dtype)
    if dtype is None and values.dtype == np.float64 and not isinstance(initializer, (np.ndarray, Tensor)):
        values = values.astype(dtypes.default_float)  # Python floats are float32, as in Keras
    if shape is not None and tuple(shape) != values.shape:
        raise ValueError(f"Variable: the initial value has shape {values.shape}, but shape={tuple(shape)} was given")
    return values


def _accepts(fn, argument: str) -> bool:
    try:
        parameters = inspect.signature(fn).parameters
    except (TypeError, ValueError):  # a builtin without a signature
        return False
    return argument in parameters or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())


class Variable(Parameter):
    """``keras.Variable(initializer, shape=None, dtype=None, trainable=True, name=None)``.

    Args:
        initializer: the starting value (an array, a tensor, a list, a number), or an initializer (a name
            such as ``"glorot_uniform"`` or ``"zeros"``, a ``keras.initializers`` instance such as
            ``RandomNormal(stddev=0.01, seed=1)``, its config dict, or a callable ``f(shape, dtype)``)
            with ``shape``.
        shape: the variable's shape (a tuple); needed with an initializer, checked against an array.
        dtype: its dtype (default: an array's own float dtype, float32 for Python numbers and initializers).
        trainable: whether optimizers update it and ``backward`` gives it a gradient (only float ones).
        name: its name (default ``"variable"``, numbered as Keras numbers them: "variable_1"...).
        autocast, aggregation, synchronization: accepted for Keras's signature; nabla has one device and
            one precision per variable, so they change nothing.

    Example::

        >>> v = Variable(initializer="ones", shape=(2,), name="v")
        >>> v.assign_add([1.0, 2.0]).numpy()
        array([2., 3.], dtype=float32)
        >>> (v * 2).numpy()
        array([4., 6.], dtype=float32)
    """

    __slots__ = ("_name", "_path", "_trainable", "regularizer", "constraint")

    def __init__(
        self,
        initializer=None,
        shape=None,
        dtype=None,
        trainable: bool = True,
        autocast: bool = True,
        aggregation: str = "none",
        synchronization: str = "auto",
        name: str | None = None,
    ):
        if initializer is None:
            raise ValueError("Variable: give an initial value or an initializer, e.g. keras.Variable([1.0, 2.0])")
        values = initial_values(initializer, shape, dtype)
        super().__init__(Tensor._make(values), requires_grad=bool(trainable) and values.dtype.kind == "f")
        self._name = unique_name("variable") if name is None else str(name)
        self._path = self._name
        self._trainable = bool(trainable)
        self.regularizer = None
        self.constraint = None

    # --- Keras's attributes ----------------------------------------------------------------

    @property
    def name(self) -> str:
        return self._name

    @property
    def path(self) -> str:
        """``"layer/name"`` for a layer's weight, else the name."""
        return self._path

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        self.requires_grad = self._trainable and self._data.dtype.kind == "f"

    @property
    def value(self) -> Variable:
        """The variable itself (see the module's notes)."""
        return self

    def numpy(self) -> np.ndarray:
        """A copy of the values as a NumPy array (also for a trainable variable, as in Keras)."""
        return self._data.copy()

    @property
    def dtype(self) -> KerasDType:
        """Keras 3's name of the dtype (``'float32'``), equal to the NumPy dtype too (see the module)."""
        return keras_dtype(Tensor.dtype.__get__(self))

    def __repr__(self) -> str:
        return f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype.name}, value={self._data}>"

    __str__ = __repr__

    # --- updates: in place, outside the graph ----------------------------------------------------

    def _checked(self, value) -> np.ndarray:
        array = _array(value, self._data.dtype)
        if array.shape != self.shape:
            raise ValueError(
                f"Variable '{self.path}': assign needs a value of the variable's shape {self.shape}, "
                f"got shape {array.shape}"
            )
        return array

    def assign(self, value) -> Tensor:
        """Set the values to ``value`` (the variable's shape, cast to its dtype); returns the new values.

        The update is in place and recorded by no graph, as in Keras. (A graph that read the variable
        before then refuses to backpropagate: compute gradients first, then update.)
        """
        with no_grad():
            self.copy_(self._checked(value))
        return Tensor._make(self._data.copy())

    def assign_add(self, value) -> Tensor:
        """``v.assign(v + value)``; returns the new values."""
        return self.assign(self._data + _array(value, self._data.dtype))

    def assign_sub(self, value) -> Tensor:
        """``v.assign(v - value)`` (``w.assign_sub(learning_rate * grad)``); returns the new values."""
        return self.assign(self._data - _array(value, self._data.dtype))


def _array(value, dtype) -> np.ndarray:
    return np.asarray(value._data if isinstance(value, Tensor) else value, dtype=dtype)
