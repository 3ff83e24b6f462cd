"""How a ``tf.function`` with an ``input_signature`` takes its arguments, as TensorFlow 2.21's.

The signature describes the function's first parameters (after a method's ``self``), one ``tf.TensorSpec``
(or a list, tuple or dict of them) each; ``*args`` takes the rest. At each call the arguments, given by
position or by keyword, are bound to the parameters. A tensor must have its spec's dtype (TensorFlow casts
none); anything else (a NumPy array, a Python list or number) is converted as ``tf.constant(value, dtype)``
converts it: a float64 or int64 array becomes the spec's float32, a Python float refuses to become int32.
The shape must fit the spec's (``None`` takes any size). A parameter the signature leaves out must have a
default, which it keeps. TensorFlow raises a TypeError for each mismatch; so does nabla, in one line.
"""

from __future__ import annotations

import inspect

import numpy as np

import nabla as nb

from ._convert import constant
from .dtypes import as_dtype
from .string_tensor import StringTensor
from .utilities import TensorSpec

_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


class InputSignature:
    """The ``input_signature`` of the function ``name``: checked against its parameters at decoration, as
    TensorFlow does, and applied to the arguments of every call by :meth:`bind`."""

    def __init__(self, name: str, python_function, specs, method: bool):
        self.name, self.specs = name, list(specs)
        try:
            self.signature = inspect.signature(python_function)
        except (TypeError, ValueError):  # (a callable without one: its arguments are taken by position)
            self.signature = inspect.Signature([inspect.Parameter("args", inspect.Parameter.VAR_POSITIONAL)])
        parameters = list(self.signature.parameters.values())
        self.instance = parameters.pop(0).name if method and parameters else None
        self.covered: dict = {}  # parameter name -> its spec (the list of specs left, for *args)
        left = list(self.specs)
        for parameter in parameters:
            if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
                self.covered[parameter.name], left = left, []
            elif parameter.kind in _POSITIONAL and left:
                self.covered[parameter.name] = left.pop(0)
            elif parameter.default is inspect.Parameter.empty and parameter.kind is not inspect.Parameter.VAR_KEYWORD:
                raise TypeError(f"tf.function {name}: input_signature missing type constraint for {parameter.name} "
                                "(add a tf.TensorSpec for it, or give it a default value)")  # fmt: skip
        if left:
            raise TypeError(f"tf.function {name}: input_signature contains {len(left)} extra type constraints "
                            f"for the {len(self.specs) - len(left)} arguments of {name}")  # fmt: skip

    def bind(self, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
        """The arguments, by position and by keyword, each made a tensor that fits its spec."""
        try:
            bound = self.signature.bind(*args, **kwargs)
        except TypeError as error:
            raise TypeError(f"tf.function {self.name}: {error} (its input_signature: {self.specs})") from None
        for name, value in bound.arguments.items():
            parameter = self.signature.parameters[name]
            if name in self.covered and parameter.kind is inspect.Parameter.VAR_POSITIONAL:
                specs = self.covered[name]
                if len(value) != len(specs):
                    self._refuse(f"its input_signature takes {len(specs)} arguments for *{name}, got {len(value)}")
                bound.arguments[name] = tuple(self._conform(v, s, f"argument {i}") for i, (v, s) in
                                              enumerate(zip(value, specs)))  # fmt: skip
            elif name in self.covered:
                bound.arguments[name] = self._conform(value, self.covered[name], f"argument {name!r}")
            elif name != self.instance and parameter.kind is not inspect.Parameter.VAR_KEYWORD:
                if not _same(value, parameter.default):
                    self._refuse(f"argument {name!r} is not in its input_signature, so it keeps its default "
                                 f"{parameter.default!r}; got {_brief(value)}")  # fmt: skip
        return bound.args, bound.kwargs

    def _conform(self, value, spec, where: str):
        """``value`` for ``spec``: a tensor, or a list, tuple or dict of them, as the spec is made."""
        if isinstance(spec, dict):
            if not isinstance(value, dict) or set(value) != set(spec):
                self._refuse(f"{where} must be a dict with the keys {sorted(spec)}, got {_brief(value)}")
            return {key: self._conform(value[key], s, f"{where}[{key!r}]") for key, s in spec.items()}
        if isinstance(spec, (list, tuple)):
            kind = type(spec).__name__
            if not isinstance(value, (list, tuple)) or isinstance(value, tuple) != isinstance(spec, tuple):
                self._refuse(f"{where} must be a {kind} of {len(spec)}, got {_brief(value)}")
            if len(value) != len(spec):
                self._refuse(f"{where} must be a {kind} of {len(spec)}, got {len(value)} items")
            return type(spec)(self._conform(v, s, f"{where}[{i}]") for i, (v, s) in enumerate(zip(value, spec)))
        if not isinstance(spec, TensorSpec):
            return value
        if isinstance(value, (nb.Tensor, StringTensor)):
            dtype = as_dtype(value.dtype)
            if dtype != spec.dtype:
                self._refuse(f"{where} is a tensor of dtype {dtype.name} where its input_signature takes "
                             f"{spec.dtype.name} (TensorFlow casts no tensor): convert it with tf.cast")  # fmt: skip
            tensor = value
        else:
            try:
                tensor = constant(value, dtype=spec.dtype)
            except (TypeError, ValueError) as error:
                reason = str(error).splitlines()[0] if str(error) else type(error).__name__
                self._refuse(f"{where} ({_brief(value)}) cannot be converted to {spec.dtype.name}: {reason}")
        if not spec.shape.is_compatible_with(tuple(tensor.shape)):
            self._refuse(f"{where} has shape {tuple(tensor.shape)}, which {spec} of its input_signature does not take")
        return tensor

    def _refuse(self, reason: str):
        raise TypeError(f"tf.function {self.name}: {reason}")


def _same(value, default) -> bool:
    """Whether ``value`` is the parameter's default (TensorFlow fixes an argument left out of the signature)."""
    if value is default:
        return True
    plain = (bool, int, float, str, bytes)
    return isinstance(value, plain) and isinstance(default, plain) and type(value) is type(default) and value == default


def _brief(value) -> str:
    """``value`` in a few words, for an error message."""
    if isinstance(value, np.ndarray):
        return f"a {value.dtype} array of shape {value.shape}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
