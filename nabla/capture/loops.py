"""The hand-written loops of the fused kernel: the products and row-wise losses, for any shapes.

Plain Python over arrays, which :mod:`nabla.capture.fuse` hands to Numba
(once per process and argument types: every fused program shares them). Each
repeats what the NumPy code of the primitive computes, in the order written
here: a dot product sums in index order (BLAS blocks and vectorises its sums:
the results differ in the last bits), then adds the bias, as
``nabla.engine.ops.linalg._linear`` does.
"""

from __future__ import annotations

import numpy as np

# The products accumulate into their output along the innermost loop over independent outputs: each sum
# still runs in index order (the same rounding as a dot product's loop), but the additions of one pass are
# independent, so that LLVM vectorises them without reassociating anything (a dot product's own loop is a
# chain of dependent additions that it may not vectorise without fast-math): W2's kernel 35 -> 9 us. The
# inner loops run over rows taken once (row = out[i]): 5.3 -> 3.8 us for a 32x16 by 16x16 product.


def matmul(a, m, out) -> None:
    """``out = a @ m`` for a (B, K), m (K, N): each ``out[i, j]`` summed over k in index order."""
    out[:] = 0
    for i in range(out.shape[0]):
        row = out[i]
        for k in range(a.shape[1]):
            aik, mk = a[i, k], m[k]
            for j in range(row.shape[0]):
                row[j] += aik * mk[j]


def linear(x, w, b, out, keras: bool, bias: bool) -> None:
    """``out = x @ w.T + b`` (``keras``: ``x @ w + b``); x (B, I), w (O, I) or (I, O), b (O,)."""
    # PyTorch's layout is transposed first (a copy: exact), so that the inner loop reads a row: 13 -> 6 us.
    matmul(x, w if keras else np.ascontiguousarray(w.T), out)
    if bias:
        for i in range(out.shape[0]):
            row = out[i]
            for j in range(row.shape[0]):
                row[j] += b[j]


def linear_grad_input(g, w, gx, keras: bool) -> None:
    """``gx = g @ w`` (``keras``: ``g @ w.T``); g (B, O)."""
    matmul(g, np.ascontiguousarray(w.T) if keras else w, gx)


def linear_grad_weight(g, x, gw, keras: bool) -> None:
    """``gw = g.T @ x`` (``keras``: ``x.T @ g``, the transposed layout), summed over the batch in order."""
    if keras:
        matmul(x.T, g, gw)
    else:
        matmul(g.T, x, gw)


def column_sums(g, gb) -> None:
    """``gb = g.sum(axis=0)`` for g (B, O): the bias gradient."""
    gb[:] = 0
    for i in range(g.shape[0]):
        gi = g[i]
        for j in range(gb.shape[0]):
            gb[j] += gi[j]


def _row_max_and_sum(x, i):
    """Row ``i``'s max ``m`` and the sum of ``exp(x - m)`` (the shifted form of backend.softmax)."""
    m = x[i, 0]
    for j in range(1, x.shape[1]):
        if x[i, j] > m:
            m = x[i, j]
    s = x.dtype.type(0.0)
    for j in range(x.shape[1]):
        s += np.exp(x[i, j] - m)
    return m, s


def softmax_cross_entropy(x, index, coef):
    """``sum over rows of coef * (log(sum(exp(x - m))) - (x[index] - m))``, m the row's max."""
    t = x.dtype.type(0.0)
    for i in range(x.shape[0]):
        m, s = _row_max_and_sum(x, i)
        t += (np.log(s) - (x[i, index[i]] - m)) * coef
    return t


def softmax_cross_entropy_grad(x, index, c, gx) -> None:
    """``gx = (softmax(x) - onehot(index)) * c``, c the output's gradient times coef."""
    one, zero = x.dtype.type(1.0), x.dtype.type(0.0)
    for i in range(x.shape[0]):
        m, s = _row_max_and_sum(x, i)
        for j in range(x.shape[1]):
            gx[i, j] = (np.exp(x[i, j] - m) / s - (one if j == index[i] else zero)) * c


def targets_in_range(t, n_classes: int, ignore_index: int) -> bool:
    """Whether every class index lies in [0, n_classes) and none is ``ignore_index`` (cross_entropy's common
    case, see ``nabla.engine.ops.loss._check_indices``)."""
    for i in range(t.shape[0]):
        if t[i] < 0 or t[i] >= n_classes or t[i] == ignore_index:
            return False
    return True


NAMES = (
    "linear", "linear_grad_input", "linear_grad_weight", "column_sums",
    "softmax_cross_entropy", "softmax_cross_entropy_grad", "targets_in_range",
)  # fmt: skip
