"""``tf.function``: run a function fast when nabla can, as it is otherwise, with the same results.

TensorFlow traces a ``tf.function`` into a graph at its first call and runs the graph afterwards. nabla's
counterpart is ``nb.capture``: the first call runs the function and records what it computed, later
calls with the same argument shapes replay the record as straight-line NumPy code. The contract is
TensorFlow's too: Python side effects (``print``) happen at the recording call only (``tf.print`` at
every call: the capture records it), tensors and
Variables are read afresh at every call, new shapes or new Python argument values record again.

``nb.capture`` refuses what a replay could not repeat: reading values into Python (``if x > 0``,
``.numpy()``), updating variables (``assign``), computing gradients (``tape.gradient``:
TensorFlow's training steps), creating variables, seeded random draws. Then the function runs eagerly,
at this call and every later one, with the same results. A function called while a ``GradientTape``
records also runs eagerly (its operations must be recorded for the tape). ``jit_compile``,
``reduce_retracing`` and ``autograph`` are accepted; ``tf.config.run_functions_eagerly(True)`` turns
capturing off. An ``input_signature`` converts and checks the arguments as TensorFlow's does
(:mod:`.function_signature`).
"""

from __future__ import annotations

import functools
import inspect
import types

import numpy as np

import nabla as nb

from . import _recording
from ._convert import as_tf, constant
from ._engine import capture_has_applied_effects
from .config import _Settings
from .function_signature import InputSignature


class Function:
    """A function decorated with ``tf.function``; call it as the function."""

    def __init__(self, python_function, jit_compile=None, reduce_retracing=False, input_signature=None, **_):
        if not callable(python_function):
            raise TypeError(f"tf.function expects a function, got {type(python_function).__name__}")
        functools.update_wrapper(self, python_function)
        self.python_function = python_function
        self.input_signature = None if input_signature is None else list(input_signature)
        self._method = next(iter(inspect.signature(python_function).parameters), None) in ("self", "cls")
        self._signature = None
        if input_signature is not None:
            name = getattr(python_function, "__name__", type(python_function).__name__)
            self._signature = InputSignature(name, python_function, input_signature, self._method)
        self._concrete: dict = {}
        self._captured = nb.capture(self._recorded)
        self._eager = False  # nb.capture refused this function: it runs as it is from now on
        self._changed_state = False

    def _recorded(self, *args, **kwargs):
        """The function, as nb.capture runs it; notes whether it changed state (a variable, a ``.grad``),
        after which a refusal cannot fall back to running it again without doing that twice."""
        try:
            return self.python_function(*args, **kwargs)
        finally:
            self._changed_state = capture_has_applied_effects()

    def __call__(self, *args, **kwargs):
        if self._signature is not None:
            args, kwargs = self._signature.bind(args, kwargs)
        if self._eager or _Settings.run_functions_eagerly or _recording.recording():
            return _as_tf_structure(self.python_function(*args, **kwargs))
        self._changed_state = False
        try:
            result = self._captured(*args, **kwargs)
        except nb.CaptureError as refusal:
            if self._changed_state:
                raise RuntimeError(
                    f"tf.function: {self.__name__} changed state (a variable, an optimizer) before doing something "
                    f"nabla cannot repeat in a captured function ({refusal}); call it without @tf.function, or "
                    "after tf.config.run_functions_eagerly(True)"
                ) from refusal
            self._eager = True
            return _as_tf_structure(self.python_function(*args, **kwargs))
        return _as_tf_structure(result)

    def get_concrete_function(self, *args, **kwargs) -> ConcreteFunction:
        """The function for arguments like these (their shapes and dtypes, Python values as they are; the
        ``input_signature``'s when none are given): the same object for the same signature, as TensorFlow's.
        It runs as the ``tf.function`` does; nabla builds no graph to show (``.graph`` is refused)."""
        if not args and not kwargs and self.input_signature is not None:
            key = tuple(repr(spec) for spec in self.input_signature)
        else:
            key = tuple(_signature(a) for a in (*args, *sorted(kwargs.items())))
        if key not in self._concrete:
            self._concrete[key] = ConcreteFunction(self)
        return self._concrete[key]

    def __get__(self, instance, owner=None):
        # A decorated method: bound to its instance, which nb.capture then keys its records on.
        return self if instance is None else types.MethodType(self, instance)

    def __repr__(self) -> str:
        return f"<nabla.tf.function {self.__name__}>"


class ConcreteFunction:
    """What ``get_concrete_function`` returns: callable as its ``tf.function``. TensorFlow's graph
    (``.graph``, ``.function_def``) has no counterpart: nabla records NumPy code, not a graph of operations."""

    def __init__(self, function: Function):
        self._function = function

    def __call__(self, *args, **kwargs):
        return self._function(*args, **kwargs)

    def __getattr__(self, name: str):
        if name in ("graph", "function_def", "structured_outputs", "inputs", "outputs"):
            raise AttributeError(
                f"nabla.tf does not offer ConcreteFunction.{name}: nabla builds no TensorFlow graph (a tf.function "
                "is recorded as NumPy code by nb.capture); call the function, or read its Python code"
            )
        raise AttributeError(f"'ConcreteFunction' object has no attribute '{name}'")

    def __repr__(self) -> str:
        return f"<ConcreteFunction {self._function.__name__}>"


def _signature(value):
    """What sets a concrete function apart: a tensor's shape and dtype, a Python value itself."""
    if isinstance(value, tuple):
        return tuple(_signature(v) for v in value)
    if isinstance(value, (nb.Tensor, np.ndarray)):
        return ("tensor", tuple(value.shape), str(value.dtype))
    return ("value", repr(value))


def _as_tf_structure(result):
    """What the function returned as TensorFlow's graph function returns it: tensors as tf.Tensors, Python
    numbers and NumPy arrays as tf.constant makes them (``return 1`` gives ``tf.Tensor(1, shape=(),
    dtype=int32)``), in lists, tuples and dicts too; anything else (None, a Variable) as it is."""
    if isinstance(result, dict):
        return {k: _as_tf_structure(v) for k, v in result.items()}
    if isinstance(result, (list, tuple)) and not hasattr(result, "_fields"):
        return type(result)(_as_tf_structure(r) for r in result)
    if isinstance(result, (bool, int, float, np.ndarray, np.generic)):
        return constant(result)
    return as_tf(result)


def function(func=None, input_signature=None, autograph=True, jit_compile=None, reduce_retracing=False, **kwargs):
    """``@tf.function`` or ``tf.function(f)``: ``f`` captured with ``nb.capture`` where that is safe, run
    as it is otherwise (see the module's documentation)."""
    options = dict(input_signature=input_signature, jit_compile=jit_compile, reduce_retracing=reduce_retracing)
    if func is None:
        return lambda f: Function(f, **options, **kwargs)
    return Function(func, **options, **kwargs)
