"""``tf.linalg``: matrix products, norms, diagonals (defined in ``linalg_ops``); inverses, solves and
decompositions, differentiable (``matrix_ops``). A name not offered says so."""

from ._missing import missing
from .array_ops import global_norm
from .creation import eye
from .linalg_ops import band_part, diag, diag_part, einsum, matmul, matrix_transpose, matvec, norm, tensordot, trace
from .matrix_ops import (
    cholesky,
    det,
    eigh,
    eigvalsh,
    inv,
    logdet,
    lstsq,
    pinv,
    qr,
    solve,
    svd,
    triangular_solve,
)
from .reduce_ops import l2_normalize


def __getattr__(name: str):
    raise missing("tf.linalg", name)
