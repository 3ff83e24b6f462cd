"""The small top-level names of TensorFlow that notebooks use: ``tf.print``, ``tf.device``,
``tf.is_tensor``, ``tf.executing_eagerly``, ``tf.TensorSpec``, ``tf.newaxis``."""

from __future__ import annotations

import builtins
import contextlib
import sys

import numpy as np

import nabla as nb

from ._engine import derive
from .dtypes import as_dtype, float32
from .tensor_shape import TensorShape

newaxis = None


def executing_eagerly() -> bool:
    """True: nabla.tf runs every operation at once (``tf.function`` included, when it cannot capture)."""
    return True


def is_tensor(x) -> builtins.bool:
    """Whether ``x`` is a tensor or a Variable (any ``nb.Tensor``)."""
    return isinstance(x, nb.Tensor)


class _DeviceContext(contextlib.nullcontext):
    """What ``tf.device(name)`` returns: a context that changes nothing here. It keeps the name as TensorFlow's
    does, in ``_device_name``: d2l's helpers read it (``try_gpu()._device_name``) to build a strategy."""

    def __init__(self, device_name: str):
        super().__init__()
        self._device_name = device_name


def device(device_name):
    """``with tf.device("/CPU:0"):``: accepted; nabla computes on the CPU whatever the name."""
    return _DeviceContext(device_name)


class TensorSpec:
    """``tf.TensorSpec(shape, dtype=tf.float32)``: the description of a tensor (``input_signature``)."""

    def __init__(self, shape, dtype=float32, name=None):
        self.shape, self.dtype, self.name = TensorShape(shape), as_dtype(dtype), name

    def is_compatible_with(self, x) -> builtins.bool:
        return self.dtype == x.dtype and self.shape.is_compatible_with(x.shape)

    def __repr__(self) -> str:
        return f"TensorSpec(shape={self.shape}, dtype={self.dtype!r}, name={self.name!r})"


def _element(value) -> str:
    if isinstance(value, (builtins.bool, np.bool_)):
        return str(int(value))
    if isinstance(value, (float, np.floating)) and float(value).is_integer() and abs(value) < 1e16:
        return str(int(value))
    return str(value)


def _text(array: np.ndarray, summarize: int, depth: int = 0) -> str:
    """An array as ``tf.print`` shows it: ``[0 1 2 ... 7 8 9]``, ``summarize`` items at each end of an axis."""
    if array.ndim == 0:
        return _element(array[()])
    n = array.shape[0]
    if 0 <= summarize < n - summarize:
        picks = [*builtins.range(summarize), None, *builtins.range(n - summarize, n)]
    else:
        picks = list(builtins.range(n))
    if array.ndim == 1:
        return "[" + " ".join("..." if i is None else _element(array[i]) for i in picks) + "]"
    rows = ["..." if i is None else _text(array[i], summarize, depth + 1) for i in picks]
    return "[" + ("\n" * (array.ndim - 1) + " " * (depth + 1)).join(rows) + "]"


def print(*inputs, output_stream=sys.stderr, summarize=3, sep=" ", end="\n", name=None):  # noqa: A001
    """``tf.print(*inputs)``: print tensors' values (``summarize`` elements at each end of an axis; -1:
    all) and other values, to standard error by default, as TensorFlow. Inside ``tf.function`` it prints
    at every call, as TensorFlow's graph op does (a Python ``print`` there runs at the recording call only):
    the captured step records it and every replay prints the values of that call."""
    are_tensors = tuple(isinstance(x, nb.Tensor) for x in inputs)
    derive(_emit, are_tensors, *inputs, stream=output_stream, summarize=summarize, sep=sep, end=end)


def _emit(are_tensors: tuple, *values, stream, summarize: int, sep: str, end: str) -> None:
    """Write one ``tf.print`` line (``values``: the tensors' arrays where ``are_tensors`` says so)."""
    parts = [_text(np.asarray(v), summarize) if tensor else str(v) for tensor, v in zip(are_tensors, values)]
    builtins.print(sep.join(parts), end=end, file=stream)
