"""Linear algebra: matmul (batched, broadcast), dot, outer, einsum, and the fused linear layer.

``matmul`` is a primitive (building it from broadcast-multiply-and-sum would
materialise a huge intermediate array). Its gradients use transposed views,
which BLAS consumes without copying.
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from .elementwise import astype
from .primitive import as_operand, primitive
from .shape import expand_dims, reshape, squeeze


@primitive("matmul", reads=(0, 1))
def _matmul(xp, a, b):
    return xp.matmul(a, b)


@_matmul.defvjp
def _(xp, need, g, out, a, b):
    # For C = A B: dA = G B^T, dB = A^T G (batch axes broadcast, then summed back).
    ga = xp.matmul(g, xp.swapaxes(b, -1, -2)) if need[0] else None
    gb = xp.matmul(xp.swapaxes(a, -1, -2), g) if need[1] else None
    return ga, gb


def matmul(a, b) -> Tensor:
    """Matrix product with NumPy's rules: 1-D operands are vectors, leading axes are batch axes that broadcast.

    An integer (or bool) operand with a float one takes the float's dtype, as in the elementwise operations
    (``int64 @ float32`` is float32, Keras's answer; NumPy gives float64, PyTorch and TensorFlow refuse).
    """
    a, b = as_operand(a, b), as_operand(b, a)
    a = a if isinstance(a, Tensor) else Tensor._make(np.asarray(a))
    b = b if isinstance(b, Tensor) else Tensor._make(np.asarray(b))
    if a.dtype.kind in "iub" and b.dtype.kind == "f":
        a = astype(a, b.dtype)
    elif b.dtype.kind in "iub" and a.dtype.kind == "f":
        b = astype(b, a.dtype)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(f"matmul: operands must have at least one dimension, got shapes {a.shape} and {b.shape}")
    va, vb = a.ndim == 1, b.ndim == 1
    if va:
        a = expand_dims(a, 0)
    if vb:
        b = expand_dims(b, -1)
    if a.shape[-1] != b.shape[-2]:
        raise ValueError(
            f"matmul: shapes {a.shape if not va else a.shape[1:]} and {b.shape if not vb else b.shape[:1]} "
            f"are not aligned: {a.shape[-1]} (last axis of the first) != {b.shape[-2]} (second-to-last of the second)"
        )
    try:
        out = _matmul(a, b)
    except ValueError:
        raise ValueError(
            f"matmul: batch shapes {a.shape[:-2]} and {b.shape[:-2]} cannot be broadcast together"
        ) from None
    if va:
        out = squeeze(out, -2)
    if vb:
        out = squeeze(out, -1)
    return out


def dot(a, b) -> Tensor:
    """Inner product of two 1-D tensors (matmul for higher dimensions)."""
    return matmul(a, b)


def outer(a, b) -> Tensor:
    """Outer product ``a_i b_j`` of two 1-D tensors."""
    a, b = as_operand(a), as_operand(b)
    return reshape(a, (-1, 1)) * reshape(b, (1, -1))


@primitive("linear", reads=(0, 1))
def _linear(xp, x, weight, bias, keras):
    """``x @ weight.T + bias`` with weight (out, in); ``keras``: ``x @ weight + bias`` with weight (in, out)."""
    out = xp.matmul(x, weight if keras else weight.T)
    if bias is not None:
        out += bias  # in place: out is fresh, so this saves an array per layer
    return out


@_linear.defvjp
def _(xp, need, g, out, x, weight, bias, keras):
    # Each gradient comes out in its tensor's own layout (contiguous, ready to be .grad as it is).
    gx = xp.matmul(g, weight.T if keras else weight) if need[0] else None
    gw = (xp.matmul(x.T, g) if keras else xp.matmul(g.T, x)) if need[1] else None
    gb = xp.sum(g, axis=0) if need[2] else None
    return gx, gw, gb


def linear(x, weight, bias=None) -> Tensor:
    """``x @ weight.T + bias``, PyTorch's layout: weight has shape (out_features, in_features).

    One fused node instead of matmul + add: it keeps one array fewer alive
    for backward and the bias gradient is a single column sum.

    Shape: x (..., in), weight (out, in), bias (out,) -> (..., out).
    """
    x, weight = as_operand(x), as_operand(weight)
    if x.shape[-1] != weight.shape[-1]:
        raise ValueError(
            f"linear: input has {x.shape[-1]} features (shape {x.shape}) but the weight expects "
            f"{weight.shape[-1]} (weight shape {weight.shape})"
        )
    return _fused_linear(x, weight, bias, keras=False)


def dense(x, kernel, bias=None) -> Tensor:
    """``x @ kernel + bias`` with Keras's kernel layout (in_features, units): the same fused node as
    :func:`linear`, whose kernel gradient then needs no transpose.

    Shape: x (..., in), kernel (in, units), bias (units,) -> (..., units).
    """
    x, kernel = as_operand(x), as_operand(kernel)
    if x.shape[-1] != kernel.shape[0]:
        raise ValueError(
            f"dense: input has {x.shape[-1]} features (shape {x.shape}) but the kernel expects "
            f"{kernel.shape[0]} (kernel shape {kernel.shape})"
        )
    return _fused_linear(x, kernel, bias, keras=True)


def _fused_linear(x: Tensor, weight: Tensor, bias, keras: bool) -> Tensor:
    if x.ndim == 2:
        return _linear(x, weight, bias, keras=keras)
    lead = x.shape[:-1]
    out = _linear(reshape(x, (-1, x.shape[-1])), weight, bias, keras=keras)
    return reshape(out, lead + (weight.shape[1 if keras else 0],))


def _contract(xp, spec: str, *operands):
    """``einsum(spec, *operands)``; two operands as one batched matmul.

    NumPy's ``einsum`` of two operands loops in C without BLAS whenever they share a letter of the output
    (a batch axis: ``optimize=True`` does not help there), as every contraction of an attention layer does
    (``'aecd,abcd->acbe'``): a Transformer encoder's step spent 14.6 s of 15 in it, 0.4 s as matmuls. The
    letters of each operand: summed alone first; then batch (in both and in the output), kept (in one and the
    output) and contracted (in both, not the output), laid out as ``(batch, rows, k) @ (batch, k, columns)``.
    """
    if len(operands) != 2:
        return xp.einsum(spec, *operands, optimize=len(operands) > 2)
    ins, out = spec.split("->")
    (sa, sb), (a, b) = ins.split(","), operands
    size = dict(zip(sa, a.shape))
    if any(size[c] != n for c, n in zip(sb, b.shape) if c in size):
        return xp.einsum(spec, a, b)  # (NumPy's error names the sizes that differ)
    size.update(zip(sb, b.shape))
    alone = [c for c in sa if c not in sb and c not in out]
    if alone:
        a, sa = xp.sum(a, axis=tuple(sa.index(c) for c in alone)), "".join(c for c in sa if c not in alone)
    alone = [c for c in sb if c not in sa and c not in out]
    if alone:
        b, sb = xp.sum(b, axis=tuple(sb.index(c) for c in alone)), "".join(c for c in sb if c not in alone)
    batch = [c for c in out if c in sa and c in sb]
    rows, columns = [c for c in out if c not in sb], [c for c in out if c not in sa]
    summed = [c for c in sa if c in sb and c not in out]

    def count(letters) -> int:
        return int(np.prod([size[c] for c in letters], dtype=np.int64))

    a = xp.reshape(xp.transpose(a, tuple(sa.index(c) for c in batch + rows + summed)),
                   (count(batch), count(rows), count(summed)))  # fmt: skip
    b = xp.reshape(xp.transpose(b, tuple(sb.index(c) for c in batch + summed + columns)),
                   (count(batch), count(summed), count(columns)))  # fmt: skip
    product = xp.reshape(xp.matmul(a, b), tuple(size[c] for c in batch + rows + columns))
    order = batch + rows + columns
    return xp.transpose(product, tuple(order.index(c) for c in out))


@primitive("einsum")
def _einsum(xp, *operands, spec):
    return _contract(xp, spec, *operands)


@_einsum.defvjp
def _(xp, need, g, out, *operands, spec):
    ins, result = spec.split("->")
    subs = ins.split(",")
    grads = []
    for i, (sub, n) in enumerate(zip(subs, need)):
        if not n:
            grads.append(None)
            continue
        others = [s for j, s in enumerate(subs) if j != i]
        ops = [o for j, o in enumerate(operands) if j != i]
        # Letters of this operand that appear nowhere else were summed over
        # alone: the gradient is constant along them, so broadcast it back.
        present = set(result).union(*others) if others else set(result)
        kept = "".join(c for c in sub if c in present)
        gi = _contract(xp, ",".join([result, *others]) + "->" + kept, g, *ops)
        if kept != sub:
            # ``kept`` lists its letters in ``sub``'s order, so a reshape inserts the size-1 axes.
            shape = tuple(operands[i].shape[j] if c in kept else 1 for j, c in enumerate(sub))
            gi = xp.broadcast_to(xp.reshape(gi, shape), operands[i].shape)
        grads.append(gi)
    return grads


def einsum(spec: str, *operands) -> Tensor:
    """Einstein summation, NumPy's notation (``"ij,jk->ik"``); the output must be explicit with ``->``.

    Each letter may appear once per operand (no diagonals such as ``"ii->i"``).
    """
    spec = spec.replace(" ", "")
    if "->" not in spec:
        raise ValueError(f"einsum: write the output subscripts explicitly, e.g. 'ij,jk->ik', got {spec!r}")
    ins = spec.split("->")[0].split(",")
    if len(ins) != len(operands):
        raise ValueError(f"einsum: {spec!r} names {len(ins)} operands but {len(operands)} were given")
    if any(len(set(s)) != len(s) for s in ins) or "." in spec:
        raise ValueError(f"einsum: repeated letters within one operand and '...' are not supported: {spec!r}")
    operands = [as_operand(o) for o in operands]
    return _einsum(*operands, spec=spec)


# --- inverse, determinant, solve (square matrices, with leading batch axes) -----------------------------


def _square(a, who: str) -> Tensor:
    a = as_operand(a)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"{who}: expected square matrices (..., n, n), got shape {a.shape}")
    return a


@primitive("inv", reads=("out",))
def _inv(xp, a):
    return xp.inv(a)


@_inv.defvjp
def _(xp, need, g, out, a):
    # d(A^-1) = -A^-1 dA A^-1, so dA = -A^-T G A^-T.
    t = xp.swapaxes(out, -1, -2)
    return (-xp.matmul(xp.matmul(t, g), t),)


def inv(a) -> Tensor:
    """The inverse of each square matrix (NaN or an error for a singular one, as NumPy)."""
    return _inv(_square(a, "inv"))


@primitive("det")
def _det(xp, a):
    return xp.det(a)


@_det.defvjp
def _(xp, need, g, out, a):
    # Jacobi's formula: d det(A) = det(A) tr(A^-1 dA), so dA = g det(A) A^-T (A invertible).
    scale = xp.expand_dims(g * out, (-1, -2))
    return (scale * xp.swapaxes(xp.inv(a), -1, -2),)


def det(a) -> Tensor:
    """The determinant of each square matrix; its gradient needs the matrix to be invertible."""
    return _det(_square(a, "det"))


@primitive("solve", reads=(0, "out"))
def _solve(xp, a, b):
    return xp.solve(a, b)


@_solve.defvjp
def _(xp, need, g, out, a, b):
    # X = A^-1 B: dB = A^-T G, dA = -dB X^T.
    gb = xp.solve(xp.swapaxes(a, -1, -2), g)
    ga = -xp.matmul(gb, xp.swapaxes(out, -1, -2)) if need[0] else None
    return ga, (gb if need[1] else None)


def solve(a, b) -> Tensor:
    """``x`` with ``a @ x = b``: ``b`` is (..., n, k), or one vector (n,) (NumPy 2's rule)."""
    a, b = _square(a, "solve"), as_operand(b)
    if b.ndim == 1:
        return squeeze(_solve(a, expand_dims(b, -1)), -1)
    return _solve(a, b)
