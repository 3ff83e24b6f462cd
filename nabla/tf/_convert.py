"""From Python data, NumPy data and nabla tensors to ``tf.Tensor``, with TensorFlow's dtype rules.

Every ``nabla.tf`` operation does three things: convert its arguments as TensorFlow would
(:func:`tensor_arg`, :func:`pair`, :func:`match`), call one of nabla's engine functions through
:func:`apply` (which records a graph only while a ``GradientTape`` records, see ``_recording``), and
hand back the engine's result as a ``tf.Tensor`` (:func:`as_tf`: the same object, its class switched,
no copy). That is the whole facade: no operation is computed twice.

TensorFlow's dtypes for Python data, which ``nabla.tf`` follows: Python floats become float32, ints int32
(int64 when a value does not fit), bools bool; a NumPy array or scalar keeps its dtype (a float64 array
stays float64); a Python value converted to a given dtype must fit without loss (``tf.constant(2.5,
dtype=tf.int32)`` raises ``TypeError``).

TensorFlow's rule for two operands, which ``nabla.tf`` follows (PyTorch and NumPy would promote instead):
two tensors must have the same dtype (``InvalidArgumentError`` otherwise); a Python number, list or NumPy
array next to a tensor is converted to that tensor's dtype (``tf.constant([1, 2]) * 2.5`` raises
``TypeError``: 2.5 cannot be an int32, and ``tf.constant([1.0]) * np.float64(2)`` is float32).
"""

from __future__ import annotations

import math

import numpy as np

import nabla as nb

from . import dtypes
from ._recording import run
from .errors import InvalidArgumentError

NbTensor = nb.Tensor
_PYTHON_SCALARS = (bool, int, float)


def as_tf(out):
    """The engine's fresh results (plain ``nb.Tensor``) as ``tf.Tensor``; lists and tuples element-wise.

    Only objects of exactly nabla's base class are switched: a Variable or a Parameter an operation
    returned unchanged stays what it is.
    """
    if type(out) is NbTensor:
        out.__class__ = Tensor
        return out
    if type(out) in (list, tuple):
        return type(out)(as_tf(o) for o in out)
    return out


def apply(fn, *args, **kwargs):
    """``fn(*args, **kwargs)``, an engine function, under TensorFlow's recording rule; result as tf.

    The engine's refusals of shapes and indices (``ValueError``, ``IndexError``: shapes that do not
    broadcast, a reshape to the wrong size, an index out of range) are TensorFlow's
    ``InvalidArgumentError``, which is what an eager TensorFlow kernel raises for them."""
    try:
        out = run(fn, *args, **kwargs)
        if isinstance(out, NbTensor) and type(out) not in (NbTensor, Tensor) and any(out is a for a in args):
            # An engine shortcut (a reshape to the same shape) gave back a Variable: TensorFlow's ops read a
            # variable into a new tf.Tensor (tf.reshape(layer.gamma, (-1,)) prints as a tensor).
            out = run(nb.clone, out)
        return as_tf(out)
    except (ValueError, IndexError) as e:
        raise InvalidArgumentError(str(e)) from e


# --- TensorFlow's dtypes for Python data ---------------------------------------------------------

_INT32, _INT64 = np.iinfo(np.int32), np.iinfo(np.int64)


def infer(value) -> np.dtype:
    """The dtype TensorFlow gives ``value`` (Python data or NumPy data; tensors are handled by the caller).
    Arrays keep their dtype, pandas' Series and DataFrames too (TensorFlow reads them as NumPy arrays): only
    Python numbers and lists get TensorFlow's 32-bit defaults."""
    if isinstance(value, (np.ndarray, np.generic)):
        return value.dtype
    if hasattr(value, "__array__") and not isinstance(value, (list, tuple)):
        return infer(np.asarray(value))
    if isinstance(value, bool):
        return dtypes.bool.dtype
    if isinstance(value, float):
        return dtypes.float32.dtype
    if isinstance(value, int):
        if not _INT64.min <= value <= _INT64.max:
            raise ValueError(_OUT_OF_RANGE)
        return dtypes.int32.dtype if _INT32.min <= value <= _INT32.max else dtypes.int64.dtype
    return _infer_nested(value)


# Text is a tf.string tensor of its own (string_tensor.StringTensor, which tf.constant makes), never a number's.
_NO_TEXT = (
    "nabla.tf tensors hold numbers and bools, not strings: text is a tf.string tensor (tf.constant(['a'])), which "
    "tf.strings, tf.data and Keras's text layers (keras.Input(dtype=tf.string) models) take, not numeric operations"
)


def _infer_nested(value) -> np.dtype:
    if isinstance(value, (str, bytes)):
        raise TypeError(_NO_TEXT)
    try:
        array = np.asarray(value)
    except ValueError:
        raise ValueError("Can't convert non-rectangular Python sequence to Tensor.") from None
    kind = array.dtype.kind
    if kind == "f":
        return array.dtype if array.dtype.itemsize < 4 else dtypes.float32.dtype  # Python floats: float32
    if kind in "iu":
        fits = array.size == 0 or (_INT32.min <= array.min() and array.max() <= _INT32.max)
        return dtypes.int32.dtype if fits else dtypes.int64.dtype
    if kind == "b":
        return dtypes.bool.dtype
    if kind == "c":
        raise TypeError("nabla.tf tensors hold real numbers; complex values are not offered")
    if kind in "USV":
        raise TypeError(_NO_TEXT)
    if kind == "O" and all(isinstance(v, int) for v in array.flat):  # (ints past 64 bits)
        raise ValueError(_OUT_OF_RANGE)
    raise ValueError(f"Attempt to convert a value ({value!r}) with an unsupported type ({type(value)}) to a Tensor.")


_OUT_OF_RANGE = "Can't convert Python sequence with out-of-range integer to Tensor."


def check_python_conversion(value, source: np.dtype, target: np.dtype) -> None:
    """Refuse, as TensorFlow does, converting Python data of dtype ``source`` to ``target`` with a loss:
    floats to integers or bools, numbers to bools (integers wrap: see :func:`wrapped_ints`)."""
    lossy = (source.kind == "f" and target.kind != "f") or (source.kind in "iu" and target.kind == "b")
    if lossy and np.size(value) == 0:  # (an empty list holds nothing to lose: tf.constant([], dtype=tf.int64))
        return
    if lossy:
        shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
        raise TypeError(f"Cannot convert {shown} to EagerTensor of dtype {dtypes.as_dtype(target).name}")


def _huge_ints_as(value, target: np.dtype) -> np.ndarray:
    """Python integers (some past 64 bits) in the float dtype ``target``, rounded; inf past its range."""
    with np.errstate(over="ignore"):
        return np.array(value, dtype=object).astype(np.float64).astype(target)


def wrapped_ints(value, target: np.dtype) -> np.ndarray:
    """Python integers in the integer dtype ``target``, wrapped modulo 2**bits as TensorFlow 2.21 converts them
    (``tf.constant(2**40, tf.int32)`` is 0, ``tf.constant(-1, tf.uint8)`` 255); past 64 bits a ValueError, as
    TensorFlow's."""
    try:
        return np.asarray(value, dtype=np.uint64 if target == np.uint64 else np.int64).astype(target)
    except OverflowError:
        raise ValueError(_OUT_OF_RANGE) from None


# --- conversion --------------------------------------------------------------------------------


def constant(value, dtype=None, shape=None, name=None) -> Tensor:
    """``tf.constant``: a tensor holding a copy of ``value`` (numbers, nested lists, a NumPy array).

    TensorFlow's dtypes: Python floats -> float32, ints -> int32 (int64 if too large), a NumPy array keeps
    its dtype. With ``dtype``, Python values must convert without loss (a float never becomes an int);
    NumPy values are cast. ``shape`` fills (``constant(0., shape=(2, 3))``) or reshapes a value of as many
    elements. ``name`` is accepted and ignored (eager tensors have no names in TensorFlow 2).

    Example::

        >>> tf.constant([[1, 2], [3, 4]])
        <tf.Tensor: shape=(2, 2), dtype=int32, numpy=
        array([[1, 2],
               [3, 4]], dtype=int32)>
    """
    text = None if isinstance(value, NbTensor) else string_tensor.text_data(value)
    if text is not None and (dtype is None or dtypes.as_dtype(dtype) is dtypes.string):
        return string_tensor.StringTensor(text if shape is None else _text_shaped(text, tuple(shape_tuple(shape))))
    target = dtypes.numpy_dtype(dtype)
    if isinstance(value, NbTensor):
        if target is not None and value._data.dtype != target:
            raise TypeError(
                f"Expected tensor {value._data} with dtype {dtypes.as_dtype(target)!r}, "
                f"but got dtype {dtypes.as_dtype(value._data.dtype)!r}."
            )
        target = value._data.dtype
    else:
        try:
            inferred = infer(value)
        except ValueError:  # integers past int64: TensorFlow makes floats of them (inf past float32's range)
            if target is not None and target.kind == "f":
                inferred, value = target, _huge_ints_as(value, target)
            elif target == np.uint64:  # (or uint64s, up to 2**64 - 1: wrapped_ints converts them)
                inferred = target
            else:
                raise
        if target is None:
            target = inferred
        elif not isinstance(value, (np.ndarray, np.generic)):
            check_python_conversion(value, inferred, target)
        if inferred.kind in "iu" and target.kind in "iu" and not isinstance(value, (np.ndarray, np.generic)):
            value = wrapped_ints(value, target)
    t = nb.tensor(value, dtype=target)  # a copy (and what nb.capture records for a constant)
    if shape is not None:
        t = _shaped(t, tuple(shape_tuple(shape)))
    return as_tf(t)


def _text_shaped(text: np.ndarray, shape: tuple) -> np.ndarray:
    if text.size == math.prod(shape):
        return text.reshape(shape)
    if text.size == 1:
        return np.full(shape, text.reshape(()).item(), dtype=object)
    raise TypeError(f"Eager execution of tf.constant with unsupported shape: {text.size} elements, shape {shape}")


def _shaped(t: NbTensor, shape: tuple) -> NbTensor:
    if t.size == math.prod(shape):
        return nb.reshape(t, shape)
    if t.size == 1:
        return nb.clone(nb.broadcast_to(nb.reshape(t, ()), shape))
    raise TypeError(f"Eager execution of tf.constant with unsupported shape: {t.size} elements, but got shape {shape}")


def convert_to_tensor(value, dtype=None, dtype_hint=None, name=None):
    """``tf.convert_to_tensor``: ``value`` as a tensor; tensors pass through (a Variable is read).

    ``dtype`` must match a tensor's dtype (``ValueError`` otherwise, as TensorFlow); ``dtype_hint`` is
    used for Python data when it converts without loss, and ignored otherwise.
    """
    if hasattr(value, "dense") and hasattr(value, "indices"):  # a tf.IndexedSlices (its module imports this one)
        value = value.dense()
    if holds_tensors(value):
        value = packed(value)
    if isinstance(value, string_tensor.StringTensor):
        if dtype is not None and dtypes.as_dtype(dtype) is not dtypes.string:
            wanted = dtypes.as_dtype(dtype).name
            raise ValueError(f"Tensor conversion requested dtype {wanted} for Tensor with dtype string")
        return value
    if isinstance(value, NbTensor):
        if dtype is not None and value._data.dtype != dtypes.numpy_dtype(dtype):
            raise ValueError(
                f"Tensor conversion requested dtype {dtypes.as_dtype(dtype).name} for Tensor with dtype "
                f"{dtypes.as_dtype(value._data.dtype).name}"
            )
        if type(value) is NbTensor or isinstance(value, Tensor):
            return as_tf(value)
        return apply(nb.clone, value)  # a Variable or a Parameter: its value now, differentiable
    if dtype is None and dtype_hint is not None:
        try:
            return constant(value, dtype_hint)
        except TypeError:
            pass
    return constant(value, dtype)


def tensor_arg(x) -> NbTensor:
    """An operation's tensor argument: tensors as they are (Variables too), anything else converted."""
    return x if isinstance(x, NbTensor) else packed(x) if holds_tensors(x) else constant(x)


def holds_tensors(value) -> bool:
    """Whether ``value`` is a list or tuple with a tensor in it (at any depth)."""
    return isinstance(value, (list, tuple)) and any(isinstance(v, NbTensor) or holds_tensors(v) for v in value)


def packed(values) -> NbTensor:
    """A list of tensors (and values) as one tensor, as TensorFlow's operations read it: stacked, so that
    gradients reach the tensors (``loss + net.losses`` in d2l's weight decay; ``tf.constant`` copies instead)."""
    parts = [packed(v) if holds_tensors(v) else v for v in values]
    return apply(nb.stack, match(parts, "Pack"))


def operand(value, dtype: np.dtype):
    """``value`` (not a tensor) as the operand of a tensor of ``dtype``, by TensorFlow's rule.

    Python and NumPy scalars stay Python scalars (nabla's engine keeps the tensor's dtype with them);
    lists and arrays become tensors of ``dtype`` (arrays are cast, lists must convert without loss).
    """
    if isinstance(value, np.generic):
        value = value.item()
        if isinstance(value, float) and dtype.kind != "f":
            return int(value)  # a NumPy scalar is cast, as a NumPy array is
    if type(value) in _PYTHON_SCALARS:
        check_python_conversion(value, infer(value), dtype)
        return wrapped_ints(value, dtype).item() if type(value) is int and dtype.kind in "iu" else value
    return constant(value, dtype)


def mismatch(op: str, expected: np.dtype, got: np.dtype, position: int = 1) -> InvalidArgumentError:
    """TensorFlow's error for two inputs of different dtypes."""
    name = lambda d: "float" if d == np.float32 else dtypes.as_dtype(d).name  # noqa: E731 (TF's wording)
    return InvalidArgumentError(
        f"cannot compute {op} as input #{position}(zero-based) was expected to be a {name(expected)} tensor "
        f"but is a {name(got)} tensor (nabla.tf follows TensorFlow: convert one with tf.cast)"
    )


def pair(x, y, op: str, first_alone: bool = False) -> tuple:
    """Two operands by TensorFlow's rule: tensors must agree in dtype; a non-tensor takes the other's dtype
    (the first's when neither is a tensor). ``first_alone``: the first is converted on its own even next to
    a tensor (``tf.add`` and ``tf.matmul`` do that: ``tf.add(2, tf.constant(1.0))`` raises)."""
    x, y = (packed(v) if holds_tensors(v) else v for v in (x, y))
    if first_alone and not isinstance(x, NbTensor):
        x = constant(x)
    if isinstance(x, NbTensor):
        if isinstance(y, NbTensor):
            if x._data.dtype != y._data.dtype:
                raise mismatch(op, x._data.dtype, y._data.dtype)
            return x, y
        return x, operand(y, x._data.dtype)
    if isinstance(y, NbTensor):
        return operand(x, y._data.dtype), y
    x = constant(x)
    return x, operand(y, x._data.dtype)


def pair_tensors(x, y, op: str) -> tuple:
    """:func:`pair`, both operands as tensors of the one dtype."""
    x, y = pair(x, y, op)
    dtype = (x if isinstance(x, NbTensor) else y)._data.dtype
    return (x if isinstance(x, NbTensor) else constant(x, dtype)), (
        y if isinstance(y, NbTensor) else constant(y, dtype)
    )


def match(values, op: str) -> list:
    """A list of operands (``tf.concat``, ``tf.stack``, ``tf.add_n``) in one dtype: the first tensor's, or
    the first value's when there is no tensor; other tensors must agree."""
    values = list(values)
    if not values:
        raise ValueError(f"{op}: expected a non-empty list of tensors")
    first = next((v for v in values if isinstance(v, NbTensor)), None)
    dtype = first._data.dtype if first is not None else tensor_arg(values[0])._data.dtype
    out = []
    for i, v in enumerate(values):
        if isinstance(v, NbTensor):
            if v._data.dtype != dtype:
                raise mismatch(op, dtype, v._data.dtype, i)
            out.append(v)
        else:
            out.append(packed(v) if holds_tensors(v) else constant(v, dtype))
    return out


def shape_tuple(shape) -> tuple:
    """A shape argument (an int, a list, a tuple, a TensorShape, an integer tensor) as a tuple of ints."""
    if isinstance(shape, NbTensor):
        shape = shape._data.tolist()
    elif isinstance(shape, np.ndarray):
        shape = shape.tolist()
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(d) for d in shape)


def axis_arg(axis):
    """An axis argument (None, an int, a list, a tuple, an integer tensor) as None, an int or a tuple."""
    if axis is None:
        return None
    if isinstance(axis, NbTensor):
        axis = axis._data.tolist()
    elif isinstance(axis, np.ndarray):
        axis = axis.tolist()
    if isinstance(axis, (list, tuple)):
        return tuple(int(a) for a in axis)
    return int(axis)


from . import string_tensor  # noqa: E402  (text's tensors, which print as tensor.py does)
from .tensor import Tensor  # noqa: E402  (the class results are switched to; it calls these at run time)
