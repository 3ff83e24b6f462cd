"""``tf.Variable``: a tensor whose values change in place (weights), and which tapes watch.

A ``tf.Variable`` is an ``nb.Tensor`` leaf: a trainable float Variable ``requires_grad``, so it is a
parameter wherever nabla expects one (``nb.optim.SGD([w, b], lr=0.1)``, ``nb.grad``, the Keras side), and
a ``GradientTape`` watches it without being told. ``assign``, ``assign_add`` and ``assign_sub`` write into
its memory, outside the graph, as TensorFlow's do (``w.assign_sub(lr * g)`` is a plain update, not a
recorded operation); ``v[0, 0].assign(3.0)`` writes one element.

What differs from TensorFlow: a graph recorded before an ``assign`` saved the variable's memory, not a
snapshot, so a gradient computed *after* changing a variable that the graph read raises (nabla's in-place
check) instead of differentiating the old values. Compute gradients first, then update, as course code
does. Like tensors, variables are hashable by identity (TensorFlow refuses; ``v.ref()`` works in both).
"""

from __future__ import annotations

import numpy as np

import nabla as nb

from ._convert import apply, constant
from ._engine import refuse_in_capture, rewrap
from .name_scope import current_scope
from .tensor import Tensor, TensorLike, numpy_text
from .tensor_shape import TensorShape


class Variable(TensorLike, nb.Tensor):
    """``tf.Variable(initial_value, trainable=True, name=None, dtype=None, shape=None)``.

    ``initial_value``: a tensor, array, Python value, or a function returning one (called once). Its
    dtype is TensorFlow's (Python floats float32, ints int32), or ``dtype``. The variable holds its own
    copy. ``name`` appears as ``'name:0'``; ``trainable=False`` keeps a tape from watching it and
    optimizers from updating it.

    Example::

        w = tf.Variable([[1.0, 2.0]], name="w")
        w[0, 1].assign(3.0)
        w.assign_sub([[0.5, 0.5]])
        print(w)  # <tf.Variable 'w:0' shape=(1, 2) dtype=float32, numpy=array([[0.5, 2.5]], dtype=float32)>
    """

    __slots__ = ("_name", "_trainable", "_constraint")
    _tf_variable = True  # (how tapes recognise variables among an operation's arguments)

    def __init__(
        self,
        initial_value=None,
        trainable=None,
        validate_shape=True,
        caching_device=None,
        name=None,
        variable_def=None,
        dtype=None,
        import_scope=None,
        constraint=None,
        synchronization=None,
        aggregation=None,
        shape=None,
        **_,
    ):
        # A replay of a captured step would not make the variable again (tf.function makes it eagerly).
        refuse_in_capture("creates a tf.Variable", "create variables before calling the function")
        if initial_value is None:
            raise ValueError("tf.Variable needs an initial_value (a tensor, an array, a number or a callable)")
        if callable(initial_value):
            initial_value = initial_value()
        values = constant(initial_value, dtype)._data  # a copy, outside any graph
        if shape is not None and not TensorShape(shape).is_fully_defined():
            # (TensorFlow's shape=[None] or TensorShape(None) lets assign change the shape; here a variable's
            # memory is fixed at creation, and optimizers and graphs hold it.)
            raise ValueError(
                f"tf.Variable: shape={TensorShape(shape)} leaves dimensions unknown, for a variable whose shape "
                "changes, which nabla.tf does not offer: drop shape=, and make a new Variable for a new shape"
            )
        if shape is not None and validate_shape and not TensorShape(values.shape).is_compatible_with(shape):
            raise ValueError(f"tf.Variable: the initial value's shape {values.shape} is not compatible with {shape}")
        nb.Tensor.__init__(self, np.empty(0, values.dtype))
        self._data = values
        self._name = current_scope() + ("Variable" if name is None else str(name))
        self._trainable = True if trainable is None else bool(trainable)
        self._constraint = constraint
        if self._trainable and values.dtype.kind == "f":
            self.requires_grad = True

    # --- TensorFlow's attributes -------------------------------------------------------------

    @property
    def name(self) -> str:
        return f"{self._name}:0"

    @property
    def trainable(self) -> bool:
        return self._trainable

    @property
    def constraint(self):
        return self._constraint

    def value(self) -> Tensor:
        """The current values as a tensor (differentiable with respect to the variable)."""
        return apply(nb.clone, self)

    read_value = value

    def __repr__(self) -> str:
        return (
            f"<tf.Variable '{self.name}' shape={self.shape} dtype={self.dtype.name}, "
            f"numpy={numpy_text(self._data, True)}>"
        )

    __str__ = __repr__

    # --- updates: in place, outside the graph ----------------------------------------------------

    def _values(self, value) -> np.ndarray:
        """``value`` by TensorFlow's rules for this variable: its dtype (a float never becomes an integer),
        a shape that broadcasts to the variable's."""
        if isinstance(value, nb.Tensor):
            if value._data.dtype != self._data.dtype:
                raise ValueError(
                    f"{self.name}: cannot assign a {value._data.dtype} tensor to a {self._data.dtype} variable; "
                    "tf.cast it first"
                )
            return value._data
        return constant(value, self._data.dtype)._data

    def assign(self, value, use_locking=None, name=None, read_value=True):
        """Set the values to ``value`` (the variable's shape, or one that broadcasts to it; its dtype).
        Returns the variable."""
        with nb.no_grad():  # (nabla's in-place methods: they bump the version and refuse inside nb.capture)
            self.copy_(self._values(value))
        return self

    def assign_add(self, delta, use_locking=None, name=None, read_value=True):
        """Add ``delta`` in place. Returns the variable."""
        with nb.no_grad():
            self.add_(self._values(delta))
        return self

    def assign_sub(self, delta, use_locking=None, name=None, read_value=True):
        """Subtract ``delta`` in place (``w.assign_sub(learning_rate * grad)``). Returns the variable."""
        with nb.no_grad():
            self.sub_(self._values(delta))
        return self

    # ``v += x`` is refused, as in TensorFlow: it would not say whether v changes or a new tensor is made.
    def _in_place_operator(self, operator: str, instead: str):
        raise RuntimeError(
            f"`variable {operator} value` with `tf.Variable`s is not supported. Use `{instead}` to modify the "
            f"variable, or `out = variable {operator[0]} value` if you need to get a new output Tensor."
        )

    def __iadd__(self, other):
        self._in_place_operator("+=", "variable.assign_add(value)")

    def __isub__(self, other):
        self._in_place_operator("-=", "variable.assign_sub(value)")

    def __imul__(self, other):
        self._in_place_operator("*=", "variable.assign(variable * value)")

    def __itruediv__(self, other):
        self._in_place_operator("/=", "variable.assign(variable / value)")

    def __ipow__(self, other):
        self._in_place_operator("**=", "variable.assign(variable ** value)")

    # --- scattered updates: TensorFlow's in-place writes at listed positions ---------------------------

    def scatter_nd_update(self, indices, updates, name=None) -> Variable:
        """Set ``v[tuple(indices[i])] = updates[i]`` in place (``indices``: integers of shape (..., k), k <= rank;
        ``updates``: shape ``indices.shape[:-1] + v.shape[k:]``). Returns the variable."""
        return self._scatter("scatter_nd_update", self._nd_index(indices), updates)

    def scatter_nd_add(self, indices, updates, name=None) -> Variable:
        """Add ``updates[i]`` at ``v[tuple(indices[i])]`` in place; a position listed twice gets both."""
        return self._scatter("scatter_nd_add", self._nd_index(indices), updates, sign=1)

    def scatter_nd_sub(self, indices, updates, name=None) -> Variable:
        """Subtract ``updates[i]`` at ``v[tuple(indices[i])]`` in place; a position listed twice loses both."""
        return self._scatter("scatter_nd_sub", self._nd_index(indices), updates, sign=-1)

    def scatter_update(self, sparse_delta, use_locking=False, name=None) -> Variable:
        """Set the rows ``sparse_delta.indices`` to ``sparse_delta.values`` (a ``tf.IndexedSlices``)."""
        return self._scatter("scatter_update", *self._rows(sparse_delta))

    def scatter_add(self, sparse_delta, use_locking=False, name=None) -> Variable:
        """Add ``sparse_delta.values`` to the rows ``sparse_delta.indices`` (a row listed twice gets both)."""
        return self._scatter("scatter_add", *self._rows(sparse_delta), sign=1)

    def scatter_sub(self, sparse_delta, use_locking=False, name=None) -> Variable:
        """Subtract ``sparse_delta.values`` from the rows ``sparse_delta.indices``."""
        return self._scatter("scatter_sub", *self._rows(sparse_delta), sign=-1)

    def _nd_index(self, indices) -> tuple:
        """``indices`` of shape (..., k) as NumPy's advanced index: k arrays of shape (...)."""
        index = np.asarray(indices.numpy() if hasattr(indices, "numpy") else indices)
        if index.dtype.kind not in "iu" or index.ndim == 0 or index.shape[-1] > self._data.ndim:
            raise ValueError(
                f"{self.name}: indices must be integers of shape (..., k) with k <= the variable's rank "
                f"{self._data.ndim}, got {index.dtype} of shape {index.shape}"
            )
        return tuple(np.moveaxis(index, -1, 0))

    def _rows(self, sparse_delta) -> tuple:
        if not hasattr(sparse_delta, "indices") or not hasattr(sparse_delta, "values"):
            raise TypeError(f"{self.name}: sparse_delta must be a tf.IndexedSlices, got {type(sparse_delta).__name__}")
        rows = sparse_delta.indices
        return (np.asarray(rows.numpy() if hasattr(rows, "numpy") else rows),), sparse_delta.values

    def _scatter(self, method: str, index: tuple, updates, sign: int = 0) -> Variable:
        """Write ``updates`` at ``index``: replace (``sign`` 0) or accumulate (``np.add.at``: repeats add up)."""
        values = self._values(updates)
        expected = self._data[index].shape
        if values.shape != expected:
            raise ValueError(f"{self.name}.{method}: updates must have shape {expected}, got {values.shape}")
        data = self._data.copy()
        if sign:
            np.add.at(data, index, values if sign > 0 else -values)
        else:
            data[index] = values
        with nb.no_grad():
            self.copy_(data)
        return self

    def _assign_at(self, index, value) -> Variable:
        with nb.no_grad():
            nb.Tensor.__setitem__(self, index, self._values(value))
        return self

    def __getitem__(self, index):
        """``v[index]``: the values there, as a tensor with an ``assign`` that writes back into ``v``."""
        if type(index) is list:
            index = tuple(index)
        part = apply(nb.getitem, self, index)
        return VariableSlice._of(part, self, index)


class VariableSlice(Tensor):
    """``v[index]``: a tensor of the variable's values there, whose ``assign`` writes them (TensorFlow's
    sliced assignment: ``v[0, 0].assign(3.0)``)."""

    __slots__ = ("_variable", "_index")

    @classmethod
    def _of(cls, part: nb.Tensor, variable: Variable, index) -> VariableSlice:
        view = rewrap(cls, part)
        view._variable, view._index = variable, index
        return view

    def assign(self, value, use_locking=None, name=None, read_value=True) -> Variable:
        """Write ``value`` into the variable at this slice; returns the variable."""
        return self._variable._assign_at(self._index, value)
