"""``Metric``, the base of the metrics: state updated per batch, read with ``result()``.

Keras 3's contract: ``result()`` returns a tensor (0-d for one value), ``metric(...)`` updates and returns
``result()``, ``reset_state()`` sets every state variable (made by ``add_variable`` / ``add_weight``) to
zeros, ``get_config()`` is ``{"name", "dtype"}``. ``fit`` and ``evaluate`` log ``float(result())``.

Updated with tf.Tensors (nabla.tf's), ``result()`` is a ``tf.Tensor``, as tf.keras's is on TensorFlow
(``print(accuracy.result())`` prints ``tf.Tensor(0.25, shape=(), dtype=float32)``): every subclass's
``update_state`` notes the tensor class of its inputs and its ``result`` returns that class
(:mod:`..output_class`).
"""

from __future__ import annotations

import copy
import functools
import inspect

import numpy as np

from .._engine import Tensor
from ..output_class import switch_class
from ..utils.naming import snake_case
from ..variables import Variable


def as_result(value, dtype) -> Tensor:
    """A metric's value (a number or an array of them) as the tensor ``result()`` returns, in ``dtype``."""
    return Tensor._make(np.asarray(value, dtype=dtype))


def _noting_input_class(update_state):
    """``update_state`` that first notes the ``keras_output_class`` of its first argument that has one (in the
    outermost call only: a subclass's ``super().update_state(values)`` passes nabla's own tensors on)."""

    @functools.wraps(update_state)
    def wrapper(self, *args, **kwargs):
        if vars(self).get("_updating"):
            return update_state(self, *args, **kwargs)
        classes = (getattr(type(a), "keras_output_class", None) for a in (*args, *kwargs.values()))
        self._output_class = next((c for c in classes if c is not None), None)
        self._updating = True
        try:
            return update_state(self, *args, **kwargs)
        finally:
            self._updating = False

    return wrapper


def _in_input_class(result):
    """``result`` that returns the tensor class noted by the last ``update_state``, when there is one."""

    @functools.wraps(result)
    def wrapper(self):
        out = result(self)
        cls = vars(self).get("_output_class")
        return out if cls is None else switch_class(out, cls)

    return wrapper


class Metric:
    """Base class of the metrics, as Keras 3's ``keras.metrics.Metric``.

    A subclass calls ``super().__init__(name=name, **kwargs)``, creates its state with
    :meth:`add_variable` (or Keras 2's :meth:`add_weight`), and implements :meth:`update_state` and
    :meth:`result`; the default :meth:`reset_state` sets every such variable to zeros, as Keras does.

    Args:
        name: the key under which ``fit`` logs the value; defaults to the class name in snake_case.
        dtype: the metric's dtype (``self.dtype``), default ``"float32"``: its result's, and its variables' where a
            subclass passes ``dtype=self.dtype`` to :meth:`add_variable`, as Keras 3's built-ins do.
            (The arguments are in Keras 2's order, ``name`` first; give them by keyword for Keras 3.)

    Attributes:
        direction: ``"up"`` if higher is better, ``"down"`` if lower is, ``None`` if unknown; read by
            callbacks in ``mode="auto"``.

    Example::

        class BinaryTruePositives(Metric):
            def __init__(self, name="binary_true_positives", **kwargs):
                super().__init__(name=name, **kwargs)
                self.true_positives = self.add_variable(shape=(), initializer="zeros", name="true_positives")

            def update_state(self, y_true, y_pred, sample_weight=None):
                values = ops.cast(ops.logical_and(ops.cast(y_true, "bool"), ops.cast(y_pred, "bool")), self.dtype)
                self.true_positives.assign_add(ops.sum(values))

            def result(self):
                return self.true_positives
    """

    direction: str | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # tf.Tensors in, tf.Tensors out: wrapped in each class that defines them.
        if "update_state" in vars(cls):
            cls.update_state = _noting_input_class(cls.update_state)
        if "result" in vars(cls):
            cls.result = _in_input_class(cls.result)

    def __init__(self, name: str | None = None, dtype=None):
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{type(self).__name__}: name must be a string, got {type(name).__name__}")
        self.name = name or snake_case(type(self).__name__)
        self._dtype = np.dtype(dtype or "float32").name
        self._variables: list[Variable] = []

    @property
    def dtype(self) -> str:
        """The dtype of the state and of :meth:`result`, as Keras's string (``"float32"``)."""
        return self._dtype

    def add_variable(self, shape, initializer, dtype=None, aggregation: str = "sum", name: str | None = None):
        """A non-trainable :class:`~nabla.keras.Variable` of the metric's state (``aggregation`` is accepted
        for Keras's signature); :attr:`variables` lists it and :meth:`reset_state` zeros it. Its ``dtype`` is
        float32 unless given, whatever the metric's (as Keras 3's: pass ``dtype=self.dtype`` to follow it)."""
        if "_variables" not in vars(self):
            raise RuntimeError(f"{type(self).__name__}: call super().__init__() in __init__ before add_variable")
        variable = Variable(initializer, shape=shape, dtype=dtype, trainable=False, name=name)
        self._variables.append(variable)
        return variable

    def add_weight(self, shape=(), initializer="zeros", dtype=None, name: str | None = None, **kwargs):
        """Keras's other name for :meth:`add_variable`, Keras 2's ``add_weight(name, shape=(), ...,
        initializer=None)`` included: a string first argument is the name, and the initializer defaults to
        zeros (Keras 3 requires one). ``aggregation`` and ``synchronization`` are accepted and ignored."""
        if isinstance(shape, str):
            shape, name = (), shape
        unknown = set(kwargs) - {"aggregation", "synchronization"}
        if unknown:
            raise TypeError(f"{type(self).__name__}.add_weight: unexpected arguments {sorted(unknown)}")
        return self.add_variable(shape, "zeros" if initializer is None else initializer, dtype=dtype, name=name)

    @property
    def variables(self) -> list:
        """The state variables: this metric's (by :meth:`add_variable`), then those of metrics held as
        attributes, as Keras tracks them."""
        variables = list(self._variables)
        for value in vars(self).values():
            if isinstance(value, Metric):
                variables.extend(value.variables)
        return variables

    def update_state(self, *args, **kwargs) -> None:
        """Accumulate the statistics of one batch."""
        raise NotImplementedError(f"{type(self).__name__} must implement update_state")

    def result(self) -> Tensor:
        """The metric's value over everything seen since the last reset: a tensor (0-d for one value)."""
        raise NotImplementedError(f"{type(self).__name__} must implement result")

    def reset_state(self) -> None:
        """Forget everything accumulated: every state variable back to zeros (Keras 3's default)."""
        for variable in self.variables:
            variable.assign(np.zeros(variable.shape))

    def reset_states(self) -> None:
        """Keras 2's name for :meth:`reset_state`."""
        self.reset_state()

    def __call__(self, *args, **kwargs) -> Tensor:
        """Update with one batch and return :meth:`result`, as Keras's ``metric(...)``: the arguments are
        :meth:`update_state`'s (``(y_true, y_pred, sample_weight=None)``, or ``(values)`` for ``Mean``)."""
        self.update_state(*args, **kwargs)
        return self.result()

    def stateless_update_state(self, metric_variables, *args, **kwargs) -> list:
        """Keras 3's functional update: the state after :meth:`update_state` ``(*args, **kwargs)`` from the state
        ``metric_variables`` (``metric.variables`` or what a ``stateless_*`` call returned); the metric's own
        state is left as it was."""
        return self._statelessly(self._checked_state(metric_variables), lambda: self.update_state(*args, **kwargs))

    def stateless_result(self, metric_variables) -> Tensor:
        """Keras 3's functional :meth:`result`: the value of the state ``metric_variables``."""
        return self._statelessly(self._checked_state(metric_variables), self.result, read_state=False)

    def stateless_reset_state(self) -> list:
        """Keras 3's functional :meth:`reset_state`: the state after a reset, the metric's own left as it was."""
        return self._statelessly(self._state(), self.reset_state)

    def _statelessly(self, state: list, step, read_state: bool = True):
        """``step()`` run from ``state``, then the metric's own state put back: the state it left (or, without
        ``read_state``, what it returned)."""
        saved = self._state()
        self._set_state(state)
        try:
            out = step()
            return self._state() if read_state else out
        finally:
            self._set_state(saved)

    def _state(self) -> list:
        """The current values of :attr:`variables`, as tensors (what the ``stateless_*`` methods pass around)."""
        return [Tensor._make(np.array(variable.numpy())) for variable in self.variables]

    def _set_state(self, state: list) -> None:
        for variable, value in zip(self.variables, state):
            variable.assign(value)

    def _checked_state(self, metric_variables) -> list:
        if len(metric_variables) != len(self.variables):  # (Keras 3's message)
            raise ValueError(
                "Argument `metric_variables` must be a list of tensors corresponding 1:1 to "
                f"{type(self).__name__}().variables. Received list with length {len(metric_variables)}, "
                f"but expected {len(self.variables)} variables."
            )
        return list(metric_variables)

    def get_config(self) -> dict:
        """The constructor arguments, JSON-able: ``type(m).from_config(m.get_config())`` rebuilds it."""
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict) -> Metric:
        """Build a metric from what :meth:`get_config` returned."""
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"  # (Keras 3's)


def _taking_dtype(init):
    """``__init__`` that also takes Keras 3's ``dtype=`` keyword, for a constructor whose own arguments lack it:
    the metric takes it (:meth:`ArrayMetric._take_dtype`) once built."""

    @functools.wraps(init)
    def wrapper(self, *args, dtype=None, **kwargs):
        init(self, *args, **kwargs)
        if dtype is not None:
            self._take_dtype(dtype)

    return wrapper


class ArrayMetric(Metric):
    """The base of nabla's built-in metrics: their state is NumPy arrays, made by :meth:`reset_state`
    (called at construction), and :meth:`_value` computes the value that :meth:`result` returns as a
    tensor of the metric's dtype. (So their :attr:`variables` list is empty, where Keras lists its
    state variables.)

    Every constructor takes Keras 3's ``dtype=`` (``Accuracy(dtype="float64")``): the metric's
    :attr:`dtype`, in its config, and the result's dtype, except where Keras 3 keeps a float32 result
    whatever the dtype (the confusion counts, AUC, R2Score: ``float32_result``).
    """

    #: Keras 3 (on TensorFlow) gives this metric's result in float32 whatever its dtype.
    float32_result = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        init = vars(cls).get("__init__")
        if init is not None:
            parameters = inspect.signature(init).parameters
            # (a constructor with **kwargs passes dtype on to its base itself)
            if "dtype" not in parameters and all(p.kind != p.VAR_KEYWORD for p in parameters.values()):
                cls.__init__ = _taking_dtype(init)

    def __init__(self, name: str | None = None, dtype=None):
        super().__init__(name, dtype)
        self.reset_state()

    def reset_state(self) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement reset_state")

    # The stateless methods' state: for lack of variables, one snapshot of the arrays (taken from the metric
    # itself when given the empty ``metric.variables``).
    def _state(self) -> list:
        return [_ArrayState(copy.deepcopy(vars(self)))]

    def _set_state(self, state: list) -> None:
        vars(self).clear()
        vars(self).update(copy.deepcopy(state[0].values))

    def _checked_state(self, metric_variables) -> list:
        state = list(metric_variables)
        if not state:
            return self._state()
        if len(state) != 1 or not isinstance(state[0], _ArrayState):
            raise ValueError(
                f"{type(self).__name__}: metric_variables must be metric.variables (empty: nabla's built-in "
                "metrics keep NumPy state) or the list a stateless_* call returned"
            )
        return state

    def _value(self):
        """The value as a float, or a float array (one per threshold or class)."""
        raise NotImplementedError(f"{type(self).__name__} must implement _value")

    def result(self) -> Tensor:
        return as_result(self._value(), "float32" if self.float32_result else self.dtype)

    def get_config(self) -> dict:
        """The constructor arguments after ``name`` and ``dtype``, as Keras 3's config of the class."""
        return {"name": self.name, "dtype": self.dtype}

    def _take_dtype(self, dtype) -> None:
        """Take the ``dtype`` given to the constructor: a float type."""
        if np.dtype(dtype).kind != "f":
            raise ValueError(f"{type(self).__name__}: dtype must be a float type such as 'float32', got {dtype!r}")
        self._dtype = np.dtype(dtype).name


class _ArrayState:
    """The state of an :class:`ArrayMetric` as its ``stateless_*`` methods return it: a snapshot of its arrays."""

    def __init__(self, values: dict):
        self.values = values

    def __repr__(self) -> str:
        return "<ArrayMetric state>"
