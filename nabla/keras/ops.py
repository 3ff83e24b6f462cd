"""``keras.ops``: Keras 3's NumPy-like functions, as names over nabla's operations.

``from nabla.keras import ops`` and Keras 3 code runs: ``ops.matmul(x, w)``, ``ops.relu``,
``ops.mean(x, axis=-1)``, ``ops.sparse_categorical_crossentropy(y, logits, from_logits=True)``... Each
function is one of nabla's differentiable operations (``loss.backward()`` reaches through it) under
Keras's name and signature; where Keras's name or defaults differ from nabla's, a line here adapts them
(``gelu`` is the tanh form by default, ``leaky_relu``'s slope is 0.2, ``one_hot`` gives float32). The
functions take tensors, Variables, NumPy arrays and Python numbers, and return nabla tensors; called on
``keras.Input`` tensors, they add a step to a functional model instead (see ``symbolic.py``).

Where nabla differs from Keras 3:

- dtypes follow nabla's rules: Python ints become int64 (Keras: int32), NumPy arrays keep their dtype;
  Python floats are float32 as in Keras.
- ``floor``, ``ceil``, ``round``, ``argsort`` and the comparisons are not differentiable (their gradient is
  zero almost everywhere: no gradient flows through them, as with ``stop_gradient``).
- ``cumsum`` is composed as a product with a triangular matrix of ones: differentiable, and quadratic in
  the length of the axis (fine for the lengths of course material).
- a name Keras has and nabla lacks raises an ``AttributeError`` that says what to use instead.
"""

from __future__ import annotations

import functools
import math as _math

import numpy as np

from . import activations as _activations
from . import losses as _losses
from . import symbolic as _symbolic
from ._convert import convert_to_tensor
from ._engine import Tensor, dtypes, ops
from ._missing import missing as _missing

# --- NumPy's names, as nabla has them ----------------------------------------------------------------

abs = absolute = ops.abs  # noqa: A001
add, subtract, multiply, divide, true_divide = ops.add, ops.sub, ops.mul, ops.div, ops.div
negative, power, square, sqrt, exp, expm1 = ops.neg, ops.pow, ops.square, ops.sqrt, ops.exp, ops.expm1
log, log1p, sin, cos, tanh, sign, erf = ops.log, ops.log1p, ops.sin, ops.cos, ops.tanh, ops.sign, ops.erf
maximum, minimum, matmul, einsum, outer = ops.maximum, ops.minimum, ops.matmul, ops.einsum, ops.outer
equal, not_equal, greater, greater_equal = ops.equal, ops.not_equal, ops.greater, ops.greater_equal
less, less_equal, isnan, isfinite = ops.less, ops.less_equal, ops.isnan, ops.isfinite
logical_and, logical_or, logical_not = ops.logical_and, ops.logical_or, ops.logical_not
sum, mean, max, min, prod = ops.sum, ops.mean, ops.max, ops.min, ops.prod  # noqa: A001
amax, amin, var, std, logsumexp = ops.max, ops.min, ops.var, ops.std, ops.logsumexp
argmax, argmin, all, any = ops.argmax, ops.argmin, ops.all, ops.any  # noqa: A001
reshape, expand_dims, squeeze, stack = ops.reshape, ops.expand_dims, ops.squeeze, ops.stack
concatenate, broadcast_to, moveaxis, swapaxes = ops.concatenate, ops.broadcast_to, ops.moveaxis, ops.swapaxes
flip, tile, repeat, split = ops.flip, ops.tile, ops.repeat, ops.split

# --- activations (keras.ops.nn) --------------------------------------------------------------------

relu, sigmoid, softmax, log_softmax = ops.relu, ops.sigmoid, _activations.softmax, _activations.log_softmax
silu, swish, elu = ops.silu, ops.silu, ops.elu
# Keras 3 computes these keras.ops.nn functions as keras.activations does: one definition, there.
_SHARED = """celu glu hard_shrink hard_sigmoid hard_silu hard_swish hard_tanh log_sigmoid relu6 selu soft_shrink
softplus softsign sparse_plus sparse_sigmoid sparsemax squareplus tanh_shrink threshold"""
globals().update({_name: getattr(_activations, _name) for _name in _SHARED.split()})


def convert_to_numpy(x) -> np.ndarray:
    """A NumPy copy of ``x`` (also of a tensor that requires grad)."""
    return np.array(x._data if isinstance(x, Tensor) else x)


def is_tensor(x) -> bool:
    return isinstance(x, Tensor)


def shape(x) -> tuple:
    """The shape as a tuple (None for a symbolic tensor's unknown batch axis)."""
    return tuple(x.shape) if isinstance(x, (Tensor, _symbolic.KerasTensor)) else np.shape(x)


def ndim(x) -> int:
    return len(shape(x))


def size(x) -> int:
    return _math.prod(shape(x))


def dtype(x) -> str:
    """The dtype's name, ``"float32"``, as Keras returns it."""
    return convert_to_tensor(x).dtype.name


def cast(x, dtype) -> Tensor:  # noqa: F811 - Keras's argument name
    return convert_to_tensor(x, dtype)


def stop_gradient(x) -> Tensor:
    """The values of ``x``, through which no gradient flows."""
    return convert_to_tensor(x).detach()


# --- creation --------------------------------------------------------------------------------------


def _dtype(d):
    return dtypes.resolve(d) or dtypes.default_float


def zeros(shape, dtype=None) -> Tensor:
    return Tensor._make(np.zeros(shape, dtype=_dtype(dtype)))


def ones(shape, dtype=None) -> Tensor:
    return Tensor._make(np.ones(shape, dtype=_dtype(dtype)))


def full(shape, fill_value, dtype=None) -> Tensor:
    return Tensor._make(np.full(shape, fill_value, dtype=_dtype(dtype)))


def zeros_like(x, dtype=None) -> Tensor:
    return zeros(shape(x), dtype or convert_to_tensor(x).dtype)


def ones_like(x, dtype=None) -> Tensor:
    return ones(shape(x), dtype or convert_to_tensor(x).dtype)


def full_like(x, fill_value, dtype=None) -> Tensor:
    return full(shape(x), fill_value, dtype or convert_to_tensor(x).dtype)


def eye(N, M=None, k=0, dtype=None) -> Tensor:  # noqa: N803 - Keras's names
    return Tensor._make(np.eye(N, M, k, dtype=_dtype(dtype)))


def identity(n, dtype=None) -> Tensor:
    return eye(n, dtype=dtype)


def arange(start, stop=None, step=1, dtype=None) -> Tensor:
    return Tensor._make(np.arange(start, stop, step, dtype=dtypes.resolve(dtype)))


def linspace(start, stop, num=50, endpoint=True, dtype=None) -> Tensor:
    return Tensor._make(np.linspace(start, stop, num, endpoint=endpoint, dtype=_dtype(dtype)))


def tril(x, k=0) -> Tensor:
    """The lower triangle of the last two axes (the rest zeroed); differentiable."""
    x = convert_to_tensor(x)
    return x * Tensor._make(np.tri(*x.shape[-2:], k=k, dtype=x.dtype))


def triu(x, k=0) -> Tensor:
    """The upper triangle of the last two axes (the rest zeroed); differentiable."""
    x = convert_to_tensor(x)
    return x * Tensor._make(1 - np.tri(*x.shape[-2:], k=k - 1, dtype=x.dtype))


# --- NumPy's functions whose signature differs from nabla's ------------------------------------------


def transpose(x, axes=None) -> Tensor:
    """Permute the axes as NumPy does (``axes=None`` reverses them)."""
    x = convert_to_tensor(x)
    return ops.transpose(x, *(reversed(range(x.ndim)) if axes is None else axes))


def clip(x, x_min, x_max) -> Tensor:
    return ops.clip(x, x_min, x_max)


def where(condition, x1=None, x2=None):
    """``x1`` where ``condition`` holds, else ``x2``; with ``condition`` only, the indices where it holds."""
    if x1 is None and x2 is None:
        return tuple(Tensor._make(i) for i in np.nonzero(convert_to_numpy(condition)))
    return ops.where(condition, x1, x2)


def dot(x1, x2) -> Tensor:
    """NumPy's ``dot``: a product of numbers, vectors and matrices (``matmul`` for tensors of 1-2 axes)."""
    x1, x2 = convert_to_tensor(x1), convert_to_tensor(x2)
    if x1.ndim == 0 or x2.ndim == 0:
        return x1 * x2
    if x2.ndim > 2:
        raise ValueError("dot: tensors of more than 2 axes are not offered; use keras.ops.einsum or matmul")
    return ops.matmul(x1, x2)


def norm(x, ord=None, axis=None, keepdims=False) -> Tensor:  # noqa: A002
    """The vector p-norm (2 by default) over ``axis``; all elements (Frobenius norm) when None."""
    return ops.norm(x, 2 if ord in (None, "fro") else ord, axis=axis, keepdims=keepdims)


def pad(x, pad_width, mode="constant", constant_values=None) -> Tensor:
    if mode != "constant":
        raise ValueError(f"pad: nabla pads with a constant (mode='constant'), got mode={mode!r}")
    return ops.pad(x, pad_width, 0.0 if constant_values is None else constant_values)


def take(x, indices, axis=None) -> Tensor:
    """The elements at ``indices`` along ``axis`` (of the flattened tensor when None); differentiable."""
    x, indices = convert_to_tensor(x), convert_to_numpy(indices)
    if axis is None:
        return ops.reshape(x, -1)[indices]
    return x[(slice(None),) * (axis % x.ndim) + (indices,)]


def take_along_axis(x, indices, axis=None) -> Tensor:
    """NumPy's ``take_along_axis`` (``indices`` broadcast with ``x`` except along ``axis``); differentiable."""
    x, indices = convert_to_tensor(x), convert_to_numpy(indices)
    if axis is None:
        x, axis = ops.reshape(x, -1), 0
    axis %= x.ndim
    index = list(np.ix_(*(np.arange(n) for n in indices.shape)))
    index[axis] = indices
    return x[tuple(index)]


def argsort(x, axis=-1) -> Tensor:
    return Tensor._make(np.argsort(convert_to_numpy(x), axis=axis, kind="stable"))


def sort(x, axis=-1) -> Tensor:
    """``x`` sorted along ``axis``; differentiable (the gradient goes back to each value's place)."""
    return take_along_axis(x, argsort(x, axis), axis)


def top_k(x, k, sorted=True) -> tuple[Tensor, Tensor]:  # noqa: A002
    """The ``k`` largest values along the last axis, and their indices (largest first)."""
    indices = Tensor._make(np.argsort(-convert_to_numpy(x), axis=-1, kind="stable")[..., :k])
    return take_along_axis(x, indices, -1), indices


def cumsum(x, axis=None) -> Tensor:
    """Cumulative sums along ``axis`` (of the flattened tensor when None); see the module's notes."""
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = ops.reshape(x, -1), 0
    moved = ops.moveaxis(x, axis, -1)
    n = moved.shape[-1]
    return ops.moveaxis(ops.matmul(moved, Tensor._make(np.triu(np.ones((n, n), dtype=x.dtype)))), -1, axis)


def hstack(xs) -> Tensor:
    xs = [convert_to_tensor(x) for x in xs]
    return ops.concatenate(xs, axis=0 if xs[0].ndim == 1 else 1)


def vstack(xs) -> Tensor:
    return ops.concatenate([ops.reshape(x, (1, -1)) if x.ndim == 1 else x for x in map(convert_to_tensor, xs)], 0)


def append(x1, x2, axis=None) -> Tensor:
    if axis is None:
        return ops.concatenate([ops.reshape(x1, -1), ops.reshape(x2, -1)])
    return ops.concatenate([x1, x2], axis=axis)


def _rounding(fn):
    def rounded(x) -> Tensor:
        return Tensor._make(fn(convert_to_numpy(x)))

    rounded.__name__ = rounded.__qualname__ = fn.__name__
    rounded.__doc__ = f"NumPy's ``{fn.__name__}``; not differentiable (see the module's notes)."
    return rounded


floor, ceil, round = _rounding(np.floor), _rounding(np.ceil), _rounding(np.round)  # noqa: A001


def reciprocal(x) -> Tensor:
    return 1.0 / convert_to_tensor(x)


def rsqrt(x) -> Tensor:
    return 1.0 / ops.sqrt(x)


def log2(x) -> Tensor:
    return ops.log(x) * (1.0 / _math.log(2.0))


def log10(x) -> Tensor:
    return ops.log(x) * (1.0 / _math.log(10.0))


def tan(x) -> Tensor:
    return ops.sin(x) / ops.cos(x)


# --- activations whose Keras defaults differ from nabla's --------------------------------------------


def gelu(x, approximate=True) -> Tensor:
    """GELU; the tanh approximation by default, as in Keras (``approximate=False``: the exact erf form)."""
    return ops.gelu(x, approximate="tanh" if approximate else "none")


def leaky_relu(x, negative_slope=0.2) -> Tensor:
    """``x`` for x > 0, else ``negative_slope * x`` (Keras's default slope 0.2)."""
    return ops.leaky_relu(x, negative_slope)


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False) -> Tensor:
    """Integer class indices to one-hot vectors (float32 by default, as in Keras) along ``axis``."""
    if sparse:
        raise ValueError("one_hot: nabla has no sparse tensors (sparse=False)")
    out = ops.astype(ops.one_hot(convert_to_numpy(x).astype(np.int64), num_classes), _dtype(dtype))
    return out if axis == -1 else ops.moveaxis(out, -1, axis)


def moments(x, axes, keepdims=False) -> tuple[Tensor, Tensor]:
    """The mean and the (biased) variance over ``axes``."""
    return ops.mean(x, axis=axes, keepdims=keepdims), ops.var(x, axis=axes, keepdims=keepdims)


def normalize(x, axis=-1, order=2, epsilon=None) -> Tensor:
    """``x / max(norm(x), epsilon)`` along ``axis`` (epsilon 1e-7 by default)."""
    x = convert_to_tensor(x)
    return x / ops.maximum(ops.norm(x, order, axis=axis, keepdims=True), 1e-7 if epsilon is None else epsilon)


# --- losses: keras.ops's versions are Keras's loss functions ----------------------------------------


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1) -> Tensor:
    """``-log p[target]`` per sample, for integer targets (as the loss function of the same name)."""
    output = ops.moveaxis(convert_to_tensor(output), axis, -1) if axis != -1 else convert_to_tensor(output)
    return _losses.sparse_categorical_crossentropy(target, output, from_logits=from_logits)


def categorical_crossentropy(target, output, from_logits=False, axis=-1) -> Tensor:
    """``-sum(target * log p)`` per sample; see :func:`nabla.keras.losses.categorical_crossentropy`."""
    if axis != -1:
        target, output = ops.moveaxis(convert_to_tensor(target), axis, -1), ops.moveaxis(output, axis, -1)
    return _losses.categorical_crossentropy(target, convert_to_tensor(output), from_logits=from_logits)


def binary_crossentropy(target, output, from_logits=False) -> Tensor:
    """``-(t log p + (1 - t) log(1 - p))`` per element (not averaged: Keras's ``ops`` version)."""
    return _losses.binary_crossentropy_elements(target, convert_to_tensor(output), from_logits)


# --- control flow: Python's, eagerly ----------------------------------------------------------------


def cond(pred, true_fn, false_fn):
    """``true_fn()`` if ``pred`` else ``false_fn()`` (nabla runs eagerly: a Python ``if``)."""
    return true_fn() if bool(pred) else false_fn()


def fori_loop(lower, upper, body_fun, init_val):
    """``val = body_fun(i, val)`` for i in [lower, upper); returns val."""
    val = init_val
    for i in range(int(lower), int(upper)):
        val = body_fun(i, val)
    return val


def while_loop(cond, body, loop_vars, maximum_iterations=None):  # noqa: F811 - Keras's argument name
    """Apply ``body`` while ``cond`` holds (``loop_vars`` a tuple, or one value); returns the last vars."""
    as_tuple = isinstance(loop_vars, (tuple, list))
    values, done = tuple(loop_vars) if as_tuple else (loop_vars,), 0
    while bool(cond(*values)) and (maximum_iterations is None or done < maximum_iterations):
        out = body(*values)
        values, done = (tuple(out) if as_tuple else (out,)), done + 1
    return values if as_tuple else values[0]


def vectorized_map(function, elements):
    """``stack([function(e) for e in elements])`` (a Python loop over the first axis)."""
    return ops.stack([function(e) for e in elements])


# --- calls on keras.Input tensors record a functional model's step ---------------------------------

_EAGER_ONLY = {"convert_to_numpy", "is_tensor", "shape", "ndim", "size", "dtype", "cond", "fori_loop", "while_loop"}


def _symbolic_aware(fn):
    @functools.wraps(fn)
    def op(*args, **kwargs):
        if _symbolic.is_symbolic(args) or _symbolic.is_symbolic(kwargs):
            return _symbolic.call(fn, args, kwargs)
        return fn(*args, **kwargs)

    return op


for _name, _fn in list(globals().items()):
    if callable(_fn) and not _name.startswith("_") and not isinstance(_fn, type) and _name not in _EAGER_ONLY:
        globals()[_name] = _symbolic_aware(_fn)
del _name, _fn


def __getattr__(name: str):
    raise _missing("keras.ops", name)
