"""``keras.ops.linalg``: the linear algebra nabla differentiates (also offered as ``keras.ops.det``...).

``det``, ``inv`` and ``solve`` are nabla's primitives with their gradients; ``slogdet`` and ``logdet`` are
composed from ``det`` (fine for the small, well-scaled matrices of course material: the determinant of a
large matrix may overflow where Keras's LU-based forms do not). ``cholesky``, ``eigh``, ``qr``, ``svd`` and
the other decompositions are not offered: nabla has no gradient rules for them.
"""

from __future__ import annotations

import numpy as np

from .._convert import convert_to_tensor
from .._engine import Tensor, ops
from .._missing import missing as _missing
from .core import record_symbolic_calls

det, inv, solve = ops.det, ops.inv, ops.solve


def slogdet(x) -> tuple[Tensor, Tensor]:
    """The sign of the determinant and the log of its absolute value."""
    d = ops.det(convert_to_tensor(x))
    return ops.sign(d), ops.log(ops.abs(d))


def logdet(x) -> Tensor:
    """``log(det(x))`` (NaN where the determinant is negative), as Keras."""
    return ops.log(ops.det(convert_to_tensor(x)))


def norm(x, ord=None, axis=None, keepdims=False) -> Tensor:  # noqa: A002
    """NumPy's norm: for vectors (an int ``axis``, or a 1-D x) the p-norm, 2 by default (``ord`` any p > 0,
    ``inf``, ``-inf``, 0: the count of nonzeros); for matrices (a pair of axes, or a 2-D x with ``axis=None``)
    the Frobenius norm by default and ``"fro"``, 1, -1, inf, -inf (largest or smallest absolute column or row
    sum). ``axis=None`` with ``ord=None`` is the 2-norm of all elements. Matrix norms 2, -2 and "nuc" need
    singular values: not offered."""
    x = convert_to_tensor(x)
    if axis is None:
        if ord is not None and x.ndim == 2:
            return _matrix_norm(x, ord, (0, 1), keepdims)
        return _vector_norm(x, ord, tuple(range(x.ndim)), keepdims)
    if isinstance(axis, int) or len(axis) == 1:
        return _vector_norm(x, ord, axis if isinstance(axis, int) else axis[0], keepdims)
    return _matrix_norm(x, ord, tuple(axis), keepdims)


def cdist(x, y) -> Tensor:
    """The Euclidean distances between the rows of ``x`` (..., m, d) and of ``y`` (..., n, d): (..., m, n);
    the gradient at a distance of 0 is 0."""
    x, y = convert_to_tensor(x), convert_to_tensor(y)
    return ops.norm(ops.expand_dims(x, -2) - ops.expand_dims(y, -3), 2, axis=-1)


def _vector_ord(ord):  # noqa: A002
    if isinstance(ord, str):
        raise ValueError(f"norm: ord={ord!r} is a matrix norm; a vector norm takes a number")
    return ord


def _vector_norm(x, ord, axis, keepdims):  # noqa: A002
    ord = 2 if ord is None else _vector_ord(ord)
    if ord == 0:
        return ops.sum(ops.astype(ops.not_equal(x, 0), x.dtype), axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return ops.min(ops.abs(x), axis=axis, keepdims=keepdims)
    return ops.norm(x, ord, axis=axis, keepdims=keepdims)


def _matrix_norm(x, ord, axes, keepdims):  # noqa: A002
    if len(axes) != 2:
        raise ValueError(f"norm: axis takes one axis (vector norm) or two (matrix norm), got {axes}")
    rows, cols = (a % x.ndim for a in axes)
    if ord in (None, "fro"):
        return ops.norm(x, 2, axis=(rows, cols), keepdims=keepdims)
    sums = {1: (rows, cols, ops.max), -1: (rows, cols, ops.min), np.inf: (cols, rows, ops.max),
            -np.inf: (cols, rows, ops.min)}
    if ord not in sums:
        raise ValueError(f"norm: matrix norm ord={ord!r} is not offered (None, 'fro', 1, -1, inf, -inf)")
    inner, outer, pick = sums[ord]
    summed = ops.sum(ops.abs(x), axis=inner, keepdims=True)
    out = pick(summed, axis=outer, keepdims=True)
    return out if keepdims else ops.squeeze(out, axis=(rows, cols))


record_symbolic_calls(globals())


def __getattr__(name: str):
    raise _missing("keras.ops.linalg", name)
