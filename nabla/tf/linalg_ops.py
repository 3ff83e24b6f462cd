"""Products and norms: ``tf.matmul``, ``tf.tensordot``, ``tf.einsum``, ``tf.norm`` and ``tf.linalg``'s.

``tf.matmul`` follows TensorFlow: both operands have rank 2 or more (batched over the leading axes) and
one dtype; a vector is refused (use ``tf.linalg.matvec`` or ``tf.tensordot``), where NumPy and PyTorch
would accept it. Decompositions and inverses are not offered (nabla has no differentiable ones): asking
for them raises an ``AttributeError`` that says so.
"""

from __future__ import annotations

import math

import numpy as np

import nabla as nb

from . import creation
from ._convert import apply, axis_arg, match, pair, tensor_arg
from .errors import InvalidArgumentError
from .math_ops import abs as abs_
from .math_ops import multiply
from .reduce_ops import reduce_max, reduce_sum


def _swap_last(x):
    return apply(nb.swapaxes, x, -1, -2)


def matmul(
    a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False, name=None, first_alone=True, **_
):
    """``tf.matmul(a, b)``: the matrix product over the last two axes, batched over the leading ones.

    ``transpose_a`` / ``transpose_b`` (or ``adjoint_*``, the same for real numbers) transpose an operand's
    last two axes first. Shape: (..., m, k) @ (..., k, n) -> (..., m, n). As TensorFlow, ``a`` is converted
    on its own (``tf.matmul(np.ones((2, 2)), tf.ones((2, 2)))`` raises: float64 and float32), ``b`` to a's
    dtype; the ``@`` operator converts a NumPy array to the tensor's dtype.
    """
    a, b = pair(a, b, "MatMul", first_alone)
    a, b = tensor_arg(a), tensor_arg(b)
    if a.ndim < 2 or b.ndim < 2:
        raise InvalidArgumentError(
            f"tf.matmul needs tensors of rank >= 2, got shapes {a.shape} and {b.shape} "
            "(for a vector use tf.linalg.matvec, tf.tensordot, or reshape it to a column)"
        )
    if transpose_a or adjoint_a:
        a = _swap_last(a)
    if transpose_b or adjoint_b:
        b = _swap_last(b)
    return apply(nb.matmul, a, b)


def matvec(a, b, transpose_a=False, adjoint_a=False, name=None):
    """``tf.linalg.matvec(a, b)``: matrix (..., m, n) times vector (..., n) -> (..., m)."""
    b = tensor_arg(b)
    column = apply(nb.expand_dims, b, -1)
    return apply(nb.squeeze, matmul(a, column, transpose_a=transpose_a or adjoint_a), -1)


def matrix_transpose(a, name=None, conjugate=False):
    """``tf.linalg.matrix_transpose(a)``: the last two axes swapped."""
    return _swap_last(tensor_arg(a))


def tensordot(a, b, axes, name=None):
    """``tf.tensordot(a, b, axes)``: sum over the last ``axes`` axes of a and the first ``axes`` of b (an
    int), or over the axes listed in ``axes = [a_axes, b_axes]``."""
    a, b = (tensor_arg(t) for t in match([a, b], "Tensordot"))
    if isinstance(axes, (int, np.integer)):
        a_axes, b_axes = list(range(a.ndim - int(axes), a.ndim)), list(range(int(axes)))
    else:
        a_axes, b_axes = ([int(i) for i in np.atleast_1d(ax)] for ax in axes)
    a_axes, b_axes = [i % a.ndim for i in a_axes], [i % max(b.ndim, 1) for i in b_axes]
    a_free = [i for i in range(a.ndim) if i not in a_axes]
    b_free = [i for i in range(b.ndim) if i not in b_axes]
    contracted = math.prod(a.shape[i] for i in a_axes)
    a2 = apply(nb.reshape, apply(nb.transpose, a, a_free + a_axes), (-1, contracted))
    b2 = apply(nb.reshape, apply(nb.transpose, b, b_axes + b_free), (contracted, -1))
    out = apply(nb.matmul, a2, b2)
    return apply(nb.reshape, out, tuple(a.shape[i] for i in a_free) + tuple(b.shape[i] for i in b_free))


def einsum(equation, *inputs, name=None, **_):
    """``tf.einsum(equation, *inputs)``: Einstein summation (``"ij,jk->ik"``), differentiable. As in
    TensorFlow, a letter repeated within one operand takes the diagonal (``"ii->i"``, the batch Jacobian's
    ``"bxby->bxy"``), and without ``->`` the output is the letters seen once, in alphabetical order
    (``"ij,jk"`` is ``"ij,jk->ik"``). Not ``...``."""
    equation = equation.replace(" ", "")
    operands = match(inputs, "Einsum")
    subscripts = equation.split("->")[0].split(",")
    if "->" not in equation:
        letters = "".join(subscripts)
        equation += "->" + "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    if len(subscripts) == len(operands):
        subscripts, operands = zip(*(_diagonals(sub, x) for sub, x in zip(subscripts, operands)))
        equation = ",".join(subscripts) + "->" + equation.split("->")[1]
    return apply(nb.einsum, equation, *operands)


def _diagonals(sub: str, x) -> tuple:
    """An operand's subscripts and the operand with each repeated letter (``"bxby"``) replaced by the
    diagonal along its two axes, taken differentiably (times the identity, summed over the second axis)."""
    while repeated := next((c for c in sub if sub.count(c) > 1), None):
        i = sub.index(repeated)
        j = sub.index(repeated, i + 1)
        if x.shape[i] != x.shape[j]:
            raise InvalidArgumentError(f"einsum: the axes {i} and {j} of {sub!r} differ in size ({x.shape})")
        eye = np.eye(x.shape[i], dtype=x._data.dtype).reshape([x.shape[i] if k in (i, j) else 1 for k in range(x.ndim)])
        x = apply(nb.sum, multiply(x, nb.from_numpy(eye)), j)
        sub = sub[:j] + sub[j + 1 :]
    return sub, x


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None):  # noqa: A002
    """``tf.norm``: the euclidean norm (also ``"fro"``, ``2``), ``1``, ``np.inf`` or any p-norm over
    ``axis`` (all elements when None; a pair of axes gives the Frobenius norm for ``"euclidean"``)."""
    x = tensor_arg(tensor)
    axis, keepdims = axis_arg(axis), bool(keepdims)
    if ord in ("euclidean", "fro", 2, 2.0):
        return apply(nb.norm, x, 2, axis=axis, keepdims=keepdims)
    if ord in (np.inf, float("inf")):
        return reduce_max(abs_(x), axis, keepdims)
    if ord in (1, 1.0):
        return reduce_sum(abs_(x), axis, keepdims)
    return apply(nb.norm, x, ord, axis=axis, keepdims=keepdims)


def diag(diagonal, name=None, **_):
    """``tf.linalg.diag(v)``: the (..., n, n) matrices with ``v`` (..., n) on their diagonal."""
    v = tensor_arg(diagonal)
    n = v.shape[-1]
    return multiply(apply(nb.expand_dims, v, -1), creation.eye(n, dtype=v.dtype))


def diag_part(input, name=None, **_):  # noqa: A002
    """``tf.linalg.diag_part(x)``: the diagonal of the last two axes, (..., n, n) -> (..., n)."""
    x = tensor_arg(input)
    k = min(x.shape[-2:])
    cut = apply(nb.getitem, x, (Ellipsis, slice(0, k), slice(0, k)))
    return reduce_sum(multiply(cut, creation.eye(k, dtype=x.dtype)), -1)


def trace(x, name=None):
    """``tf.linalg.trace(x)``: the sum of the diagonal of the last two axes."""
    return reduce_sum(diag_part(x), -1)


def band_part(input, num_lower, num_upper, name=None):  # noqa: A002 - TensorFlow's name
    """``tf.linalg.band_part(x, num_lower, num_upper)``: the band of the last two axes, zeros outside it.

    Element (i, j) is kept when ``(num_lower < 0 or i - j <= num_lower) and (num_upper < 0 or j - i <=
    num_upper)``: ``band_part(ones, -1, 0)`` is the lower triangle (the Transformer's look-ahead mask),
    ``(0, -1)`` the upper one, ``(0, 0)`` the diagonal. Gradients flow to the kept elements.
    """
    x = tensor_arg(input)
    if x.ndim < 2:
        raise InvalidArgumentError(f"band_part: input must be at least a matrix, got shape {tuple(x.shape)}")
    lower, upper = (int(n.numpy()) if isinstance(n, nb.Tensor) else int(n) for n in (num_lower, num_upper))
    rows, cols = x.shape[-2:]
    for what, n, size, axis in (("num_lower", lower, rows, "rows"), ("num_upper", upper, cols, "columns")):
        if n > size:
            raise InvalidArgumentError(f"band_part: {what} must be negative or at most the number of {axis} ({size}), "
                                       f"got {n}")  # fmt: skip
    offset = np.arange(rows)[:, None] - np.arange(cols)[None, :]  # i - j
    keep = ((lower < 0) | (offset <= lower)) & ((upper < 0) | (-offset <= upper))
    return multiply(x, keep.astype(x.dtype))
