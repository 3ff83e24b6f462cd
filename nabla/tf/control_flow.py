"""``tf.cond`` and ``tf.while_loop``, as TensorFlow 2 runs them eagerly: Python's ``if`` and ``while``.

Inside a graph TensorFlow builds control-flow ops from them; eagerly (the path nabla.tf always takes)
``tf.cond`` calls the branch its predicate picks and ``tf.while_loop`` calls ``body`` while ``cond`` holds,
and the tape records the operations that ran, so gradients flow as in TensorFlow. Inside a ``tf.function``
the predicate is read into Python, so nb.capture runs that function eagerly (see :mod:`.function`).
"""

from __future__ import annotations

import numpy as np

from ._convert import convert_to_tensor
from ._nest import flatten, pack_as


def _truth(name: str, pred) -> bool:
    """A scalar predicate (a bool or a one-element boolean tensor) as a Python bool."""
    value = np.asarray(pred.numpy() if hasattr(pred, "numpy") else pred)
    if value.size != 1:
        raise ValueError(f"{name}: the predicate must be a scalar boolean, got one of shape {value.shape}")
    return bool(value.reshape(()))


def _callable(name: str, label: str, fn) -> None:
    if not callable(fn):
        raise TypeError(f"{name}: '{label}' must be callable (a function or a lambda), got {type(fn).__name__}")


def cond(pred, true_fn=None, false_fn=None, name=None):
    """``tf.cond(pred, true_fn, false_fn)``: ``true_fn()`` if ``pred`` holds, else ``false_fn()``.

    ``pred`` is a Python bool or a scalar boolean tensor; the branch's result is returned as it is
    (TensorFlow 2's ``strict`` behaviour: a one-element list stays a list). Example::

        tf.cond(x > 0, lambda: x, lambda: -x)   # |x|
    """
    _callable("tf.cond", "true_fn", true_fn)
    _callable("tf.cond", "false_fn", false_fn)
    return true_fn() if _truth("tf.cond", pred) else false_fn()


def _shape_of(structure):
    """The nesting of ``structure`` with its leaves blanked, to compare two iterations' loop variables."""
    return pack_as(structure, [None] * len(flatten(structure)))


def while_loop(
    cond,
    body,
    loop_vars,
    shape_invariants=None,
    parallel_iterations=10,
    back_prop=True,
    swap_memory=False,
    maximum_iterations=None,
    name=None,
):
    """``tf.while_loop(cond, body, loop_vars)``: ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)``.

    ``loop_vars`` is a tuple or list (possibly nested) of tensors, arrays or numbers; ``body`` returns the
    same structure (a one-variable loop returns ``(i + 1,)``), and the result is the final loop variables
    as tensors. ``maximum_iterations`` stops the loop after that many iterations; the graph options
    (``shape_invariants``, ``parallel_iterations``, ``back_prop``, ``swap_memory``) change nothing eagerly.
    Example::

        i, total = tf.while_loop(lambda i, total: i < 10, lambda i, total: (i + 1, total + i), (0, 0))
    """
    _callable("tf.while_loop", "cond", cond)
    _callable("tf.while_loop", "body", body)
    if not isinstance(loop_vars, (list, tuple)) or not loop_vars:
        raise ValueError("tf.while_loop: 'loop_vars' must be provided: a non-empty tuple or list of the loop variables")
    structure = _shape_of(list(loop_vars))
    limit = None if maximum_iterations is None else int(np.asarray(maximum_iterations))
    steps = 0
    while (limit is None or steps < limit) and _truth("tf.while_loop", cond(*loop_vars)):
        new = body(*loop_vars)
        if not isinstance(new, (list, tuple)) or _shape_of(list(new)) != structure:
            raise ValueError(
                f"tf.while_loop: body must return the structure of loop_vars, {structure}, got {new!r}: "
                "a loop over one variable returns a one-element tuple, (i + 1,)"
            )
        loop_vars, steps = new, steps + 1
    return pack_as(loop_vars, [convert_to_tensor(v) for v in flatten(loop_vars)])
