"""``keras.ops.linalg``: the linear algebra nabla differentiates (also offered as ``keras.ops.det``...).

``det``, ``inv``, ``solve`` and the decompositions ``cholesky``, ``eigh``, ``qr``, ``svd`` are nabla's
primitives with their gradients (PyTorch's rules: see nabla/engine/ops/decompositions.py); ``solve_triangular``,
``cholesky_inverse``, ``pinv`` and ``lstsq`` are composed from them (differentiable), ``matrix_rank`` and
``lu_factor`` have no gradient. Signatures and results are Keras 3's (its torch backend's: ``lu_factor``'s
pivots 0-based int32, ``matrix_rank`` int32). ``slogdet`` and ``logdet`` are composed from ``det`` (fine for
the small, well-scaled matrices of course material: the determinant of a large matrix may overflow where
Keras's LU-based forms do not). ``eig`` is not offered: its results are complex and nabla has no complex dtype.
"""

from __future__ import annotations

import numpy as np

from .._convert import convert_to_tensor
from .._engine import Tensor, ops
from .._missing import missing as _missing
from .core import record_symbolic_calls

det, inv, solve = ops.det, ops.inv, ops.solve


def cholesky(x, upper: bool = False) -> Tensor:
    """The Cholesky factor of symmetric positive definite ``x``: lower ``L`` with ``x = L L^T``, or with
    ``upper=True`` upper ``U = L^T`` with ``x = U^T U``. Shape (..., n, n) -> (..., n, n)."""
    factor = ops.cholesky(convert_to_tensor(x))
    return ops.swapaxes(factor, -1, -2) if upper else factor


def cholesky_inverse(x, upper: bool = False) -> Tensor:
    """The inverse of ``A`` from its Cholesky factor ``x`` (``A = x x^T``; ``upper=True``: ``A = x^T x``)."""
    return ops.cholesky_inverse(convert_to_tensor(x), upper=upper)


def eigh(x) -> tuple[Tensor, Tensor]:
    """Eigenvalues (ascending) and eigenvectors (columns) of symmetric ``x``: (..., n) and (..., n, n)."""
    return ops.eigh(convert_to_tensor(x))


def qr(x, mode: str = "reduced") -> tuple[Tensor, Tensor]:
    """``x = q r``: ``mode="reduced"`` gives q (..., m, k), r (..., k, n) with k = min(m, n); ``"complete"``
    q (..., m, m), r (..., m, n)."""
    return ops.qr(convert_to_tensor(x), mode=mode)


def svd(x, full_matrices: bool = True, compute_uv: bool = True):
    """``(u, s, vh)`` with ``x = u diag(s) vh``, as Keras: full (square) ``u`` and ``vh`` by default, whose
    gradient needs a square ``x`` (pass ``full_matrices=False`` to differentiate a rectangular one);
    ``compute_uv=False`` returns ``s`` alone."""
    x = convert_to_tensor(x)
    if not compute_uv:
        return ops.svd(x)[1]
    return ops.svd(x, full_matrices=full_matrices)


def solve_triangular(a, b, lower: bool = False) -> Tensor:
    """``x`` with ``T x = b``, T the lower (``lower=True``) or upper triangle of ``a``; ``b`` (..., n, k) or
    (..., n)."""
    a, b = convert_to_tensor(a), convert_to_tensor(b)
    if b.ndim == a.ndim - 1:
        return ops.squeeze(ops.solve_triangular(a, ops.expand_dims(b, -1), lower=lower), -1)
    return ops.solve_triangular(a, b, lower=lower)


def lstsq(a, b, rcond: float | None = None) -> Tensor:
    """The least-squares (minimum-norm) solution of ``a x = b``; singular values of ``a`` at most
    ``rcond * max(s)`` count as zero (default ``max(m, n) * eps``, as NumPy)."""
    return ops.lstsq(convert_to_tensor(a), convert_to_tensor(b), rcond=rcond)


def pinv(x, rcond: float | None = None) -> Tensor:
    """The Moore-Penrose pseudo-inverse, (..., m, n) -> (..., n, m) (``rcond`` as :func:`lstsq`)."""
    return ops.pinv(convert_to_tensor(x), rcond=rcond)


def matrix_rank(x, tol: float | None = None) -> Tensor:
    """The number of singular values above ``tol`` (default ``max(s) * max(m, n) * eps``), int32."""
    return ops.matrix_rank(convert_to_tensor(x), tol=tol)


def lu_factor(x) -> tuple[Tensor, Tensor]:
    """``(lu, pivots)`` as SciPy's ``lu_factor`` (pivots 0-based, int32); no gradient."""
    return ops.lu_factor(convert_to_tensor(x))


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
    sum), 2 and -2 (largest or smallest singular value), "nuc" (their sum). ``axis=None`` with ``ord=None`` is
    the 2-norm of all elements."""
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
    if ord in (2, -2, "nuc"):
        s = ops.svd(ops.moveaxis(ops.moveaxis(x, cols, -1), rows - (rows > cols), -2))[1]
        out = {2: ops.max, -2: ops.min, "nuc": ops.sum}[ord](s, axis=-1)
        return ops.expand_dims(out, (rows, cols)) if keepdims else out
    if ord not in sums:
        raise ValueError(f"norm: matrix norm ord={ord!r} is not offered (None, 'fro', 1, -1, inf, -inf, 2, -2, 'nuc')")
    inner, outer, pick = sums[ord]
    summed = ops.sum(ops.abs(x), axis=inner, keepdims=True)
    out = pick(summed, axis=outer, keepdims=True)
    return out if keepdims else ops.squeeze(out, axis=(rows, cols))


record_symbolic_calls(globals())


def __getattr__(name: str):
    raise _missing("keras.ops.linalg", name)
