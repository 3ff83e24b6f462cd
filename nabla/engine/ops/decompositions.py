"""Matrix decompositions with their gradients (Cholesky, symmetric eigendecomposition, QR, SVD), and what is
composed from them (triangular solves, the inverse from a Cholesky factor, pseudo-inverse, least squares, rank,
LU). Matrices are the last two axes; leading axes are batch axes, as in NumPy and PyTorch.

A primitive has one output array, so a decomposition's factors travel packed in one: each factor flattened
over its matrix axes and joined along one last axis (:func:`_pack`), then cut apart by differentiable slices
(:func:`_unpack`). The backward walk adds the slices' gradients up, so a rule receives the gradients of all
the factors at once (zeros for a factor the loss does not use) and cuts them apart the same way.

The gradient rules are PyTorch's (``torch/csrc/autograd/FunctionsManual.cpp``), real case. Each assumes what
makes the decomposition differentiable: a positive definite matrix (Cholesky), distinct eigenvalues (eigh) or
singular values (svd), full rank (QR). Eigenvectors and singular vectors are defined up to sign: a loss that
depends on the sign (rather than on ``V diag(w) V^T``, ``|V|``, ...) has no well-defined gradient.
"""

from __future__ import annotations

import math

import numpy as np

from ..tensor import Tensor
from .elementwise import where
from .linalg import _square, matmul, solve
from .primitive import as_operand, primitive
from .reduce import max as amax
from .reduce import sum as asum
from .shape import expand_dims, getitem, reshape, swapaxes


class _Tensors:
    """The two functions :func:`_unpack` needs, on Tensors (the rules get them from ``xp``)."""

    getitem = staticmethod(getitem)
    reshape = staticmethod(reshape)


def _pack(xp, lead: tuple, *factors):
    return xp.concatenate([xp.reshape(f, lead + (-1,)) for f in factors], axis=-1)


def _unpack(xp, packed, shapes):
    """The factors of ``shapes`` (matrix axes only) cut out of ``packed``, in order."""
    lead, factors, start = tuple(packed.shape[:-1]), [], 0
    for shape in shapes:
        size = math.prod(shape)
        factors.append(xp.reshape(xp.getitem(packed, (Ellipsis, slice(start, start + size))), lead + shape))
        start += size
    return factors


def _mT(xp, x):
    return xp.swapaxes(x, -1, -2)


def _triangle(xp, x, lower: bool, k: int = 0):
    """``tril(x, k)`` (``lower``) or ``triu(x, k)``: the other entries set to 0."""
    r = xp.arange(x.shape[-1])
    offset = r - xp.expand_dims(xp.arange(x.shape[-2]), -1)  # [i, j] = j - i
    return xp.keep(x, offset <= k if lower else offset >= k)


def _eye(xp, n: int, dtype):
    r = xp.arange(n)
    return xp.astype(xp.expand_dims(r, -1) == r, dtype)


# --- Cholesky -------------------------------------------------------------------------------------------


@primitive("cholesky", reads=("out",))
def _cholesky(xp, a):
    return xp.cholesky(a)


@_cholesky.defvjp
def _(xp, need, g, out, a):
    # A = L L^T. With P = tril(L^T gL), halved on the diagonal and mirrored, P' = (tril(P) + tril(P, -1)^T) / 2:
    # gA = L^-T P' L^-1 (symmetric; the upper triangle of gL plays no part).
    p = _triangle(xp, xp.matmul(_mT(xp, out), g), lower=True)
    p = 0.5 * (p + _mT(xp, _triangle(xp, p, lower=True, k=-1)))
    left = xp.solve(_mT(xp, out), p)  # L^-T P'
    return (_mT(xp, xp.solve(_mT(xp, out), _mT(xp, left))),)  # (L^-T (L^-T P')^T)^T = L^-T P' L^-1


def cholesky(a) -> Tensor:
    """The lower-triangular ``L`` with ``a = L L^T``, for symmetric positive definite ``a`` (only its lower
    triangle is read, as NumPy). An error if ``a`` is not positive definite.

    Shape: (..., n, n) -> (..., n, n).
    """
    return _cholesky(_square(a, "cholesky"))


# --- symmetric eigendecomposition -----------------------------------------------------------------------


@primitive("eigh", reads=("out",))
def _eigh(xp, a):
    w, v = xp.eigh(a)
    return _pack(xp, tuple(a.shape[:-2]), w, v)


@_eigh.defvjp
def _(xp, need, g, out, a):
    # A = V diag(w) V^T: gA = V (diag(gw) + skew(V^T gV) / E) V^T, skew(M) = (M - M^T) / 2,
    # E_ij = w_j - w_i off the diagonal (1 on it, where skew is 0). Needs distinct eigenvalues.
    n = a.shape[-1]
    w, v = _unpack(xp, out, [(n,), (n, n)])
    gw, gv = _unpack(xp, g, [(n,), (n, n)])
    eye = _eye(xp, n, w.dtype)
    vtgv = xp.matmul(_mT(xp, v), gv)
    gaps = xp.expand_dims(w, -2) - xp.expand_dims(w, -1) + eye
    inner = 0.5 * (vtgv - _mT(xp, vtgv)) / gaps + eye * xp.expand_dims(gw, -2)
    return (xp.matmul(v, xp.matmul(inner, _mT(xp, v))),)


def eigh(a) -> tuple[Tensor, Tensor]:
    """Eigenvalues ``w`` (ascending) and eigenvectors ``V`` (columns) of symmetric ``a``: ``a = V diag(w) V^T``.
    Only the lower triangle is read, as NumPy. The gradient needs distinct eigenvalues.

    Shape: (..., n, n) -> w (..., n), V (..., n, n).
    """
    a = _square(a, "eigh")
    n = a.shape[-1]
    w, v = _unpack(_Tensors, _eigh(a), [(n,), (n, n)])
    return w, v


# --- QR -------------------------------------------------------------------------------------------------


def _qr_shapes(m: int, n: int, mode: str):
    k = m if mode == "complete" else min(m, n)
    return [(m, k), (k, n)]


@primitive("qr", reads=("out",))
def _qr(xp, a, mode):
    q, r = xp.qr(a, mode)
    return _pack(xp, tuple(a.shape[:-2]), q, r)


@_qr.defvjp
def _(xp, need, g, out, a, mode):
    m, n = a.shape[-2:]
    if mode == "complete" and m > n:
        raise ValueError(f"qr: mode='complete' has no gradient for {m} > {n} rows than columns: use mode='reduced'")
    q, r = _unpack(xp, out, _qr_shapes(m, n, mode))
    gq, gr = _unpack(xp, g, _qr_shapes(m, n, mode))
    if m >= n:
        return (_qr_tall_grad(xp, q, r, gq, gr),)
    # A = [X | Y] with X = Q U square, Y = Q V (R = [U | V]): X's gradient as a square QR whose Q also
    # reaches the loss through Y; gY = Q gV.
    u, v, gu, gv = r[..., :m], r[..., m:], gr[..., :m], gr[..., m:]
    gx = _qr_tall_grad(xp, q, u, gq + xp.matmul(xp.matmul(q, v), _mT(xp, gv)), gu)
    return (xp.concatenate([gx, xp.matmul(q, gv)], axis=-1),)


def _qr_tall_grad(xp, q, r, gq, gr):
    # m >= n: N = gR R^T - Q^T gQ; gA = (gQ + Q sym(triu(N))) R^-T, where sym(X) = X + X^T with the diagonal
    # once. Needs R invertible (A of full column rank).
    x = _triangle(xp, xp.matmul(gr, _mT(xp, r)) - xp.matmul(_mT(xp, q), gq), lower=False)
    sym = x + _mT(xp, _triangle(xp, x, lower=False, k=1))
    ga = gq + xp.matmul(q, sym)
    return _mT(xp, xp.solve(r, _mT(xp, ga)))  # ga R^-T = (R^-1 ga^T)^T


def qr(a, mode: str = "reduced") -> tuple[Tensor, Tensor]:
    """``a = Q R`` with orthonormal columns in Q and upper-triangular R (NumPy's signs: LAPACK's Householder).

    ``mode="reduced"``: Q (..., m, k), R (..., k, n), k = min(m, n); ``"complete"``: Q (..., m, m), R (..., m, n).
    The gradient needs ``a``'s leading k columns independent, and for ``"complete"`` m <= n.
    """
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr: mode must be 'reduced' or 'complete', got {mode!r}")
    a = as_operand(a)
    if a.ndim < 2:
        raise ValueError(f"qr: expected matrices (..., m, n), got shape {a.shape}")
    q, r = _unpack(_Tensors, _qr(a, mode=mode), _qr_shapes(*a.shape[-2:], mode))
    return q, r


# --- SVD ------------------------------------------------------------------------------------------------


def _svd_shapes(m: int, n: int, full_matrices: bool):
    k = min(m, n)
    return [(m, m if full_matrices else k), (k,), (n if full_matrices else k, n)]


@primitive("svd", reads=("out",))
def _svd(xp, a, full_matrices):
    u, s, vh = xp.svd(a, full_matrices)
    return _pack(xp, tuple(a.shape[:-2]), u, s, vh)


@_svd.defvjp
def _(xp, need, g, out, a, full_matrices):
    # A = U diag(S) Vh, V = Vh^T, with skew(M) = M - M^T and E_jk = S_k^2 - S_j^2 (1 on the diagonal):
    #   gA = U [(skew(U^T gU) S + S skew(V^T gV)) / E + diag(gS)] Vh
    #        + (I - U U^T) gU S^-1 Vh      (only when m > k)
    #        + U S^-1 gVh (I - V Vh)       (only when n > k)
    # Needs distinct singular values, and nonzero ones when m != n.
    m, n = a.shape[-2:]
    if full_matrices and m != n:
        raise ValueError(f"svd: full_matrices=True has no gradient for a {m}x{n} matrix: use full_matrices=False")
    k = min(m, n)
    u, s, vh = _unpack(xp, out, _svd_shapes(m, n, full_matrices))
    gu, gs, gvh = _unpack(xp, g, _svd_shapes(m, n, full_matrices))
    eye = _eye(xp, k, s.dtype)
    utgu, vtgv = xp.matmul(_mT(xp, u), gu), xp.matmul(vh, _mT(xp, gvh))
    s2 = s * s
    e = xp.expand_dims(s2, -2) - xp.expand_dims(s2, -1) + eye
    row, col = xp.expand_dims(s, -2), xp.expand_dims(s, -1)  # S as a row (scales columns), as a column
    inner = ((utgu - _mT(xp, utgu)) * row + col * (vtgv - _mT(xp, vtgv))) / e + eye * xp.expand_dims(gs, -2)
    if m > k:
        gu_s = gu / row
        inner = xp.matmul(u, inner) + gu_s - xp.matmul(u, xp.matmul(_mT(xp, u), gu_s))
        return (xp.matmul(inner, vh),)
    inner = xp.matmul(inner, vh)
    if n > k:
        gvh_s = gvh / col
        inner = inner + gvh_s - xp.matmul(xp.matmul(gvh_s, _mT(xp, vh)), vh)
    return (xp.matmul(u, inner),)


def svd(a, full_matrices: bool = False) -> tuple[Tensor, Tensor, Tensor]:
    """``a = U diag(S) Vh``: singular values S descending (``k = min(m, n)``), U (..., m, k), Vh (..., k, n);
    with ``full_matrices=True`` U is (..., m, m) and Vh (..., n, n) (then differentiable only when m == n).
    The gradient needs distinct singular values.
    """
    a = as_operand(a)
    if a.ndim < 2:
        raise ValueError(f"svd: expected matrices (..., m, n), got shape {a.shape}")
    shapes = _svd_shapes(*a.shape[-2:], bool(full_matrices))
    u, s, vh = _unpack(_Tensors, _svd(a, full_matrices=bool(full_matrices)), shapes)
    return u, s, vh


# --- composed from the above ----------------------------------------------------------------------------


def solve_triangular(a, b, lower: bool = False) -> Tensor:
    """``x`` with ``T x = b``, T the lower (``lower=True``) or upper triangle of ``a`` (the other is not read).
    ``b`` is (..., n, k) or one vector (n,).

    NOTE: NumPy has no triangular solver; the general solve on the triangle gives the same ``x`` (in O(n^3)
    rather than O(n^2 k): fine for the sizes of course material) and, through the mask, the gradient
    ``gT = tril(-T^-T gX x^T)`` (or ``triu``), PyTorch's.
    """
    a = _square(a, "solve_triangular")
    r = np.arange(a.shape[-1])
    offset = r - r[:, None]
    mask = as_operand((offset <= 0 if lower else offset >= 0).astype(a.dtype), like=a)
    return solve(a * mask, b)


def cholesky_inverse(factor, upper: bool = False) -> Tensor:
    """The inverse of ``A = L L^T`` from its Cholesky factor ``L`` (``upper=True``: of ``A = U^T U`` from U),
    as ``L^-T L^-1`` (``U^-1 U^-T``). As PyTorch's, the gradient is that of this function of all of the
    factor's entries (not restricted to its triangle)."""
    factor = _square(factor, "cholesky_inverse")
    eye = as_operand(np.eye(factor.shape[-1], dtype=factor.dtype), like=factor)
    inv_factor = solve(factor, eye)  # L^-1 (or U^-1)
    if upper:
        return matmul(inv_factor, swapaxes(inv_factor, -1, -2))
    return matmul(swapaxes(inv_factor, -1, -2), inv_factor)


def _default_rcond(a: Tensor) -> float:
    return max(a.shape[-2:]) * float(np.finfo(a.dtype).eps)  # NumPy's and PyTorch's default


def pinv(a, rcond: float | None = None) -> Tensor:
    """The Moore-Penrose pseudo-inverse ``V diag(1/S) U^T`` (..., n, m), from the SVD: singular values at most
    ``rcond * max(S)`` count as zero (``rcond`` defaults to ``max(m, n) * eps``, as NumPy and PyTorch).
    Differentiable where the SVD is (distinct singular values)."""
    a = as_operand(a)
    if a.ndim < 2:
        raise ValueError(f"pinv: expected matrices (..., m, n), got shape {a.shape}")
    u, s, vh = svd(a, full_matrices=False)
    cut = (_default_rcond(a) if rcond is None else float(rcond)) * amax(s.detach(), axis=-1, keepdims=True)
    kept = s > cut
    # NOTE: 1/s only where kept (1/1 elsewhere): a dropped zero would otherwise give 0 * inf = NaN in backward.
    s_inv = where(kept, 1.0 / where(kept, s, 1.0), 0.0)
    return matmul(swapaxes(vh, -1, -2) * expand_dims(s_inv, -2), swapaxes(u, -1, -2))


def lstsq(a, b, rcond: float | None = None) -> Tensor:
    """The least-squares solution ``x`` minimising ``||a x - b||`` (the minimum-norm one when ``a`` is rank
    deficient), as ``pinv(a, rcond) @ b``: ``a`` (..., m, n), ``b`` (..., m, k) or (m,) -> (..., n, k) or (n,)."""
    a, b = as_operand(a), as_operand(b)
    return matmul(pinv(a, rcond), b)


def matrix_rank(a, tol: float | None = None) -> Tensor:
    """The number of singular values above ``tol`` (int32, no gradient); ``tol`` defaults to
    ``max(S) * max(m, n) * eps``, as NumPy."""
    a = as_operand(a)
    if a.ndim < 2:
        raise ValueError(f"matrix_rank: expected matrices (..., m, n), got shape {a.shape}")
    s = svd(a.detach())[1]
    cut = amax(s, axis=-1, keepdims=True) * _default_rcond(a) if tol is None else float(tol)
    return asum(s > cut, axis=-1).astype(np.int32)


def lu_factor(a) -> tuple[Tensor, Tensor]:
    """LU with partial pivoting, packed as SciPy's ``lu_factor``: ``lu`` holds U on and above the diagonal
    and L's multipliers below it (L's unit diagonal implied); ``pivots[i]`` (int32, 0-based) is the row
    swapped with row i at step i. No gradient; computed with NumPy in the computer's memory.

    Shape: (..., m, n) -> lu (..., m, n), pivots (..., min(m, n)).
    """
    a = as_operand(a)
    if a.ndim < 2:
        raise ValueError(f"lu_factor: expected matrices (..., m, n), got shape {a.shape}")
    lu = np.array(a.detach().cpu().numpy(), copy=True)
    m, n = lu.shape[-2:]
    flat = lu.reshape(-1, m, n)
    pivots = np.zeros((flat.shape[0], min(m, n)), dtype=np.int32)
    batch = np.arange(flat.shape[0])
    with np.errstate(divide="ignore", invalid="ignore"):  # a singular matrix: inf/NaN multipliers, as LAPACK
        for j in range(min(m, n)):
            p = j + np.argmax(np.abs(flat[:, j:, j]), axis=1)
            pivots[:, j] = p
            row = flat[batch, j].copy()
            flat[batch, j] = flat[batch, p]
            flat[batch, p] = row
            flat[:, j + 1:, j] /= flat[:, j, j][:, None]
            flat[:, j + 1:, j + 1:] -= flat[:, j + 1:, j, None] * flat[:, j, None, j + 1:]
    return as_operand(lu, like=a), as_operand(pivots.reshape(lu.shape[:-2] + (min(m, n),)), like=a)
