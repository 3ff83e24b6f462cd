"""``keras.ops``'s core functions: conversions, shapes, indexing and updates, control flow.

Also :func:`record_symbolic_calls`, which each module of ``nabla.keras.ops`` applies to its functions: called on
``keras.Input`` tensors, a function adds a step to a functional model instead of running (``symbolic.py``).
"""

from __future__ import annotations

import builtins
import functools
import math

import numpy as np

from .. import symbolic as _symbolic
from .._convert import convert_to_tensor
from .._engine import Tensor, custom_vjp, made_by, no_grad, ops, refuse_in_capture


def convert_to_numpy(x) -> np.ndarray:
    """A NumPy copy of ``x`` (also of a tensor that requires grad). Refused in a captured step (``fit`` with
    ``jit_compile``), as TensorFlow refuses ``.numpy()`` in a ``tf.function``: a replay would reuse the copy."""
    if isinstance(x, Tensor):
        refuse_in_capture("reads a tensor's values into NumPy (keras.ops.convert_to_numpy)",
                          "compute with keras.ops in the step, or read the values after it")
    return np.array(x._data if isinstance(x, Tensor) else x)


def on_values(fn):
    """Decorator: the op ``fn``, written on NumPy arrays (a tensor argument arrives as its array), returns its
    result as a tensor (or a tuple of them) without gradient, made by :func:`made_by` so that a captured step
    (``fit`` with ``jit_compile``) recomputes it from the values of each replay."""

    @functools.wraps(fn)
    def op(*args, **kwargs):
        return made_by(fn, *args, **kwargs)

    return op


def is_tensor(x) -> bool:
    return isinstance(x, Tensor)


def shape(x) -> tuple:
    """The shape as a tuple (None for a symbolic tensor's unknown batch axis)."""
    return tuple(x.shape) if isinstance(x, (Tensor, _symbolic.KerasTensor)) else np.shape(x)


def ndim(x) -> int:
    return len(shape(x))


def size(x) -> int:
    return math.prod(shape(x))


def dtype(x) -> str:
    """The dtype's name, ``"float32"``, as Keras returns it."""
    return convert_to_tensor(x).dtype.name


def cast(x, dtype) -> Tensor:  # noqa: F811 - Keras's argument name
    return convert_to_tensor(x, dtype)


def stop_gradient(x) -> Tensor:
    """The values of ``x``, through which no gradient flows."""
    return convert_to_tensor(x).detach()


# --- indexing and updates: differentiable in the tensors' values --------------------------------------


def get_item(x, key) -> Tensor:
    """``x[key]`` (NumPy's indexing rules); differentiable."""
    return convert_to_tensor(x)[key]


def _box(start_indices, shape) -> tuple:
    return tuple(builtins.slice(int(s), int(s) + int(n)) for s, n in zip(start_indices, shape))


def slice(inputs, start_indices, shape) -> Tensor:  # noqa: A001 - Keras's name
    """The block of ``shape`` that starts at ``start_indices`` (one per axis); differentiable."""
    return convert_to_tensor(inputs)[_box(start_indices, shape)]


def slice_update(inputs, start_indices, updates) -> Tensor:
    """A copy of ``inputs`` whose block at ``start_indices`` is ``updates``; differentiable in both."""
    inputs, updates = convert_to_tensor(inputs), convert_to_tensor(updates)
    pads = [(int(s), n - int(s) - u) for s, n, u in zip(start_indices, inputs.shape, updates.shape)]
    inside = np.zeros(inputs.shape, dtype=bool)
    inside[_box(start_indices, updates.shape)] = True
    return ops.where(inside, ops.pad(ops.astype(updates, inputs.dtype), pads), inputs)


def scatter(indices, values, shape) -> Tensor:
    """Zeros of ``shape`` with ``values`` added at ``indices`` (rows of coordinates, shape (k, len(shape)));
    values at a repeated index add up, as in Keras. Differentiable in ``values``."""
    index = tuple(np.asarray(convert_to_numpy(indices)).T)
    return ops.index_add(convert_to_tensor(values), index, tuple(shape), False)


def scatter_update(inputs, indices, updates, reduction=None) -> Tensor:
    """A copy of ``inputs`` with ``updates`` written at ``indices`` (rows of coordinates); differentiable in
    both. ``reduction`` (Keras 3.15's "add", "max"...) is not offered: None only."""
    if reduction is not None:
        raise ValueError(f"scatter_update: reduction={reduction!r} is not offered by nabla.keras (None only)")
    inputs = convert_to_tensor(inputs)
    index = tuple(np.asarray(convert_to_numpy(indices)).T)
    hit = np.zeros(inputs.shape, dtype=bool)
    hit[index] = True
    written = ops.index_add(ops.astype(convert_to_tensor(updates), inputs.dtype), index, inputs.shape, False)
    return ops.where(hit, written, inputs)


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


def switch(index, branches, *operands):
    """``branches[index](*operands)``, the index clipped into range (as Keras)."""
    return branches[min(max(int(index), 0), len(branches) - 1)](*operands)


def map(f, xs):  # noqa: A001 - Keras's name
    """``stack([f(x) for x in xs])`` over the first axis (a Python loop)."""
    return ops.stack([f(x) for x in xs])


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """``carry, y = f(carry, x)`` for each x along the first axis of ``xs`` (``length`` times with x = None
    when ``xs`` is None), last first with ``reverse``; returns the last carry and the ys stacked (a Python
    loop: differentiable through ``f``)."""
    steps = list(xs) if xs is not None else [None] * int(length)
    carry, ys = init, []
    for x in reversed(steps) if reverse else steps:
        carry, y = f(carry, x)
        ys.append(y)
    if reverse:
        ys.reverse()
    if not ys or ys[0] is None:
        return carry, None
    if isinstance(ys[0], (tuple, list)):
        return carry, type(ys[0])(ops.stack(list(parts)) for parts in zip(*ys))
    return carry, ops.stack(ys)


def custom_gradient(f):
    """Decorator: ``f(*args)`` returns ``(output, grad_fn)``; the decorated function returns ``output``,
    whose gradient is what ``grad_fn`` says.

    Keras 3's convention on its torch backend, which this follows: ``grad_fn(*args, upstream=upstream)``
    receives the inputs ``f`` was called with and, as the keyword ``upstream``, the gradient of the loss with
    respect to ``output``; it returns one gradient per positional argument (a tuple, or one tensor for one
    argument; None for an argument that needs none). Write ``def grad(*args, upstream=None)`` and the same
    function also serves the JAX and TensorFlow backends (``(upstream,) = args`` when ``upstream`` is None).
    ``f`` runs without recording a graph (keyword arguments are passed to it and get no gradient); ``output``
    is one tensor, as on the torch backend. The gradient reaches the arguments under ``loss.backward()``,
    ``nb.grad`` and ``fit``; with ``create_graph=True`` ``grad_fn`` is recorded too (second derivatives).

    Where nabla differs: a ``keras.Variable`` (a layer's weight) passed as an argument gets its gradient; on
    Keras's torch backend it gets none (a Variable is not a torch tensor there), on JAX and TensorFlow it does.

    Example::

        @keras.ops.custom_gradient
        def log1pexp(x):
            e = keras.ops.exp(x)

            def grad(*args, upstream=None):
                return upstream * (1.0 - 1.0 / (1.0 + e))

            return keras.ops.log(1.0 + e), grad
    """

    @functools.wraps(f)
    def run(*args, **kwargs):
        with no_grad():
            result = f(*args, **kwargs)
        if not (isinstance(result, (tuple, list)) and len(result) == 2 and callable(result[1])):
            raise TypeError(f"keras.ops.custom_gradient: {f.__name__} must return (output, grad_fn), got {result!r}")
        output, grad_fn = result
        if not isinstance(output, Tensor):
            raise TypeError(
                f"keras.ops.custom_gradient: {f.__name__} must return one output tensor (as Keras's torch backend), "
                f"got {type(output).__name__}"
            )

        def rule(upstreams):
            grads = grad_fn(*args, upstream=upstreams[0])
            return grads if isinstance(grads, tuple) else (grads,)

        (y,) = custom_vjp(f"custom_gradient({f.__name__})", [output._data], args, rule)
        return y

    return _symbolic_aware(run, f.__name__)


def saturate_cast(x, dtype) -> Tensor:  # noqa: F811 - Keras's argument name
    """``x`` clipped to the range of ``dtype``, then cast to it (no wrap-around for integers)."""
    x = convert_to_tensor(x)
    info = np.iinfo(dtype) if np.dtype(dtype).kind in "iu" else np.finfo(dtype)
    low, high = max(float(info.min), -np.inf), float(info.max)
    if x.dtype.kind in "iu":
        low, high = max(low, float(np.iinfo(x.dtype).min)), min(high, float(np.iinfo(x.dtype).max))
    return cast(ops.clip(x, low, high), dtype)


# --- calls on keras.Input tensors record a functional model's step ---------------------------------

_EAGER_ONLY = frozenset({"convert_to_numpy", "is_tensor", "shape", "ndim", "size", "dtype", "cond", "fori_loop",
                         "while_loop", "switch", "map", "scan", "custom_gradient"})


def _symbolic_aware(fn, name: str):
    @functools.wraps(fn)
    def op(*args, **kwargs):
        if _symbolic.is_symbolic(args) or _symbolic.is_symbolic(kwargs):
            return _symbolic.call(fn, args, kwargs, op_name=name)
        return fn(*args, **kwargs)

    op.records_symbolic_calls = True
    return op


def record_symbolic_calls(namespace: dict, eager_only: frozenset = _EAGER_ONLY) -> None:
    """Wrap the public functions of a module's ``namespace`` (its ``globals()``) so that a call on
    ``keras.Input`` tensors records a step (those named in ``eager_only`` read their argument now)."""
    for name, fn in list(namespace.items()):
        plain = callable(fn) and not isinstance(fn, type) and not getattr(fn, "records_symbolic_calls", False)
        if plain and not name.startswith("_") and name not in eager_only and name != "record_symbolic_calls":
            namespace[name] = _symbolic_aware(fn, name)


record_symbolic_calls(globals())
