"""``tf.linalg``'s inverses, solves and decompositions, differentiable (nabla's engine functions, whose
gradient rules are PyTorch's: see nabla/engine/ops/decompositions.py).

TensorFlow's conventions, kept here: ``tf.linalg.svd`` returns ``(s, u, v)`` with ``v`` (not its transpose)
and reduced factors by default; ``tf.linalg.qr`` is reduced unless ``full_matrices=True``;
``tf.linalg.triangular_solve`` reads the lower triangle by default; ``tf.linalg.pinv``'s default cutoff is
``10 * max(m, n) * eps`` of the largest singular value; ``tf.linalg.lstsq`` (``fast=True``, its default)
solves the regularised normal equations, ``(A^T A + l2 I) x = A^T b`` (``A^T (A A^T + l2 I)^-1 b`` for a
wide A).
"""

from __future__ import annotations

import numpy as np

import nabla as nb

from ._convert import apply, pair_tensors, tensor_arg
from .linalg_ops import diag_part
from .math_ops import log
from .reduce_ops import reduce_sum

_ops = nb.ops


def _swap_last(x):
    return apply(nb.swapaxes, x, -1, -2)


def inv(input, adjoint=False, name=None):  # noqa: A002
    """``tf.linalg.inv``: the inverse of each square matrix (of its transpose with ``adjoint=True``)."""
    x = tensor_arg(input)
    return apply(_ops.inv, _swap_last(x) if adjoint else x)


def det(input, name=None):  # noqa: A002
    """``tf.linalg.det``: the determinant of each square matrix."""
    return apply(_ops.det, tensor_arg(input))


def logdet(matrix, name=None):
    """``tf.linalg.logdet``: ``log(det(A))`` of symmetric positive definite A, as TensorFlow from its
    Cholesky factor: ``2 sum(log(diag(L)))``."""
    return reduce_sum(log(diag_part(cholesky(matrix))), -1) * 2.0


def solve(matrix, rhs, adjoint=False, name=None):
    """``tf.linalg.solve``: ``x`` with ``A x = rhs`` (``A^T x = rhs`` with ``adjoint=True``); rhs (..., n, k)."""
    a, b = pair_tensors(matrix, rhs, "MatrixSolve")
    return apply(_ops.solve, _swap_last(a) if adjoint else a, b)


def triangular_solve(matrix, rhs, lower=True, adjoint=False, name=None):
    """``tf.linalg.triangular_solve``: ``x`` with ``T x = rhs``, T the lower (default) or upper triangle of
    ``matrix``; ``adjoint=True`` solves ``T^T x = rhs``."""
    a, b = pair_tensors(matrix, rhs, "MatrixTriangularSolve")
    if adjoint:  # T^T is the other triangle of A^T
        return apply(_ops.solve_triangular, _swap_last(a), b, lower=not lower)
    return apply(_ops.solve_triangular, a, b, lower=lower)


def cholesky(input, name=None):  # noqa: A002
    """``tf.linalg.cholesky``: lower ``L`` with ``A = L L^T`` (A symmetric positive definite)."""
    return apply(_ops.cholesky, tensor_arg(input))


def eigh(tensor, name=None):
    """``tf.linalg.eigh``: ``(e, v)``, eigenvalues ascending and eigenvectors as columns, of symmetric A.

    Only A's lower triangle is read, and the gradient says so as TensorFlow's does: it is lower-triangular,
    ``tril(G + G^T)`` with G's diagonal, where G is the engine's symmetric gradient (PyTorch's convention).
    """
    return apply(_eigh_of_lower_triangle, tensor_arg(tensor))


def _eigh_of_lower_triangle(x):
    below = np.tril(np.ones(x.shape[-2:], dtype=x.dtype), -1)
    lower = x * nb.tensor(below + np.eye(x.shape[-1], dtype=x.dtype))
    return _ops.eigh(lower + nb.swapaxes(x * nb.tensor(below), -1, -2))


def eigvalsh(tensor, name=None):
    """``tf.linalg.eigvalsh``: the eigenvalues (ascending) of symmetric A."""
    return eigh(tensor)[0]


def qr(input, full_matrices=False, name=None):  # noqa: A002
    """``tf.linalg.qr``: ``(q, r)``, reduced (q (..., m, k), k = min(m, n)) unless ``full_matrices=True``."""
    return apply(_ops.qr, tensor_arg(input), mode="complete" if full_matrices else "reduced")


def svd(tensor, full_matrices=False, compute_uv=True, name=None):
    """``tf.linalg.svd``: ``(s, u, v)`` with ``A = u diag(s) v^T`` (TensorFlow's order, and v, not v^T);
    ``s`` alone with ``compute_uv=False``."""
    u, s, vh = apply(_ops.svd, tensor_arg(tensor), full_matrices=full_matrices)
    return (s, u, _swap_last(vh)) if compute_uv else s


def pinv(a, rcond=None, validate_args=False, name=None):
    """``tf.linalg.pinv``: the pseudo-inverse; singular values at most ``rcond * max(s)`` count as zero
    (default ``10 * max(m, n) * eps``, TensorFlow's)."""
    x = tensor_arg(a)
    if rcond is None:
        rcond = 10.0 * max(x.shape[-2:]) * float(np.finfo(x.dtype).eps)
    return apply(_ops.pinv, x, rcond=rcond)


def lstsq(matrix, rhs, l2_regularizer=0.0, fast=True, name=None):
    """``tf.linalg.lstsq``: the least-squares solution of ``A x = rhs`` (rhs (..., m, k)). ``fast=True``
    (TensorFlow's default): the normal equations with ``l2_regularizer``, which need A of full rank unless
    regularised; ``fast=False``: the minimum-norm solution through the pseudo-inverse (``l2_regularizer`` 0)."""
    a, b = pair_tensors(matrix, rhs, "MatrixSolveLs")
    l2 = float(l2_regularizer)
    if not fast:
        if l2:
            raise ValueError("tf.linalg.lstsq: fast=False takes no l2_regularizer (TensorFlow's rule)")
        return apply(_ops.lstsq, a, b)
    m, n = a.shape[-2:]
    return apply(_normal_equations, a, b, l2, m >= n)


def _normal_equations(a, b, l2: float, tall: bool):
    at = nb.swapaxes(a, -1, -2)
    k = a.shape[-1] if tall else a.shape[-2]
    ridge = l2 * nb.tensor(np.eye(k, dtype=a.dtype))
    if tall:
        return _ops.solve(at @ a + ridge, at @ b)
    return at @ _ops.solve(a @ at + ridge, b)
