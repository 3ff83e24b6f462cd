"""The array layer: the array functions the engine's primitives and gradient rules call.

Every primitive receives its array namespace as an argument (``xp``) instead of importing a library,
and :func:`namespace` chooses it from the data. For NumPy arrays (the default, and the fast path) it is
:data:`numpy_ns`, built here: NumPy's functions under their names, a few of them replaced by faster
equivalents (``sum``, ``matmul``, ``broadcast_to``, ``expand_dims``), plus NumPy's kernels for what the
array API standard lacks (``index_add`` with ``np.add.at``, ``erf``, the im2col windows, the pooling
kernels...): NumPy's row of the per-library table. For an array of any other library implementing the
Python array API standard (CuPy, array-api-strict...) it is the namespace of
:mod:`nabla.engine.standard`, with the same names, on that array's device. The device rules (names,
transfers, the error for mixed devices) are in :mod:`nabla.engine.devices`.

The differentiable twin of :data:`numpy_ns`, with the same names over
Tensors, is ``tensor_ns`` in :mod:`nabla.engine.ops`: the namespace the
gradient rules run on when the backward pass is recorded
(``create_graph=True``). A test checks that the two offer the same names.
"""

from __future__ import annotations

import operator
from types import SimpleNamespace

import numpy as np

from . import devices, standard
from .conv_kernels import conv, conv_input_grad, conv_kernel_grad, patches, unpatches
from .jit import compiled
from .pool_kernels import max_pool, max_pool_choice, max_pool_grad, relu_max_pool_grad

# --- helpers that NumPy lacks, written once on arrays -----------------------


def index_add(g, index, shape, basic: bool):
    """Return zeros of ``shape`` with ``g`` added at ``index`` (the VJP of indexing).

    Basic indices (ints, slices, None, Ellipsis) and boolean masks address
    each element once, so a plain assignment is enough; integer-array indices
    may repeat an element, whose gradients must then accumulate (``np.add.at``).
    """
    out = np.zeros(shape, dtype=g.dtype)
    if basic:
        out[index] = g
    else:
        np.add.at(out, index, g)
    return out


def softmax(x, axis: int = -1):
    # NOTE: subtracting the max keeps exp() <= 1, so it never overflows.
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    e /= e.sum(axis=axis, keepdims=True)  # in place: e is fresh
    return e


def log_softmax(x, axis: int = -1):
    m = np.max(x, axis=axis, keepdims=True)
    shifted = x - m
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def sigmoid(x):
    # NOTE: exp(-|x|) <= 1 never overflows; the numerator is 1 for x >= 0 and e
    # for x < 0, so that both tails keep full relative precision. max(e, x >= 0)
    # picks it (e <= 1; NaN stays NaN) without np.where, which was 12x slower on
    # 1M random floats (12.6 ms vs 1.0 ms) and 0.8 us slower on 4.
    e = np.exp(-np.abs(x))
    out = np.maximum(e, x >= 0)
    e += 1  # in place: e is fresh
    out /= e
    return out


def memory_order(x) -> tuple[int, ...]:
    """The axes of ``x`` from outermost to innermost in memory: by decreasing |stride|, ties in axis order
    (the layout ``np.empty_like`` and a one-operand ufunc give their result, NumPy's order 'K')."""
    return tuple(sorted(range(x.ndim), key=lambda a: -abs(x.strides[a])))


def keep(g, mask, ws=None):
    """``g`` where ``mask`` holds and 0 elsewhere: ``np.where(mask, g, 0)``, computed as ``g * mask``.

    NOTE: on a random mask np.where runs ~15x slower than the product (6.4 ms
    vs 0.4 ms for ReLU's gradient on 1.4M floats, NumPy 2.4). The two differ
    only where a dropped gradient is Inf or NaN (the product gives NaN, the
    exact answer is 0), so that rare case falls back to np.where. With Numba, arrays that share one
    contiguous layout take one compiled pass instead of the product and the check of finiteness (the
    MNIST convnet's ReLU gradient, 1.4M floats: 2.9 -> ~1 ms). ``ws``: where the result goes when ``g`` and
    ``mask`` share a memory order (a captured step's :class:`nabla.capture.buffers.Buffers`; None: a new array).
    """
    # (a g that broadcasts against the mask, max's gradient over the axes it reduced, takes the product)
    same = g.shape == mask.shape
    if same and g.size >= _KEEP_LOOP_MIN and g.dtype in _LOOP_DTYPES and mask.dtype == np.bool_:
        # (the layouts are looked at only here: a small network's ReLU gradients skip that cost)
        order = memory_order(g)
        if memory_order(mask) == order and _keep_loops.kernel:
            flat_g, flat_mask = _flat(g, order), _flat(mask, order)
            if flat_g is not None and flat_mask is not None:
                out = np.empty_like(g) if ws is None else ws.empty_like(g)
                _keep_loops.kernel(flat_g, flat_mask, _flat(out, order))
                return out
    if ws is not None and same and _one_layout(g, mask):
        out = np.multiply(g, mask, out=ws.empty_like(g, np.result_type(g, mask)))
    else:
        out = g * mask
    if out.dtype.kind == "f" and not np.isfinite(g).all():
        out = np.where(mask, g, 0).astype(out.dtype, copy=False)
    return out


_KEEP_LOOP_MIN = 4096  # elements: below it NumPy's two passes cost less than the call into the compiled loop
_LOOP_DTYPES = (np.float32, np.float64)  # (Numba's float16 arithmetic is partial: half floats take NumPy's product)


@compiled
def _keep_loops(g, mask, out):
    for i in range(g.size):
        out[i] = g[i] if mask[i] else 0


def _one_layout(a, b) -> bool:
    return a.flags.c_contiguous and b.flags.c_contiguous or memory_order(a) == memory_order(b)


def _flat(a, order):
    """``a`` as a 1-D view in the memory order ``order`` of its axes, or None when it is not contiguous in it."""
    laid = a.transpose(order)
    return laid.reshape(-1) if laid.flags.c_contiguous else None


_ZERO_BYTES = bytes(16)


def placeholder(shape, dtype):
    """A read-only array of ``shape`` and ``dtype`` that takes no memory (every element is the same zero)."""
    return np.ndarray(shape, dtype=dtype, buffer=_ZERO_BYTES, strides=(0,) * len(shape))


def one_hot(indices, num_classes: int, dtype):
    out = np.zeros(indices.shape + (num_classes,), dtype=dtype)
    out.reshape(-1, num_classes)[np.arange(indices.size), indices.reshape(-1)] = 1
    return out


def windows(x, kernel, stride, dilation):
    """Sliding windows of an (N, C, H, W) array as a strided view, no copy (im2col's first half).

    Returns shape (N, C, kh, kw, OH, OW): element [n, c, i, j, y, x] is
    ``x[n, c, y*sh + i*dh, x*sw + j*dw]``. Read-only: it aliases x.
    """
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    n, c, h, w = x.shape
    oh, ow = (h - dh * (kh - 1) - 1) // sh + 1, (w - dw * (kw - 1) - 1) // sw + 1
    s = x.strides
    return np.lib.stride_tricks.as_strided(
        x, (n, c, kh, kw, oh, ow), (s[0], s[1], s[2] * dh, s[3] * dw, s[2] * sh, s[3] * sw), writeable=False
    )


def unwindows(g, shape, kernel, stride, dilation):
    """The adjoint of :func:`windows`: add each window's values back onto an (N, C, H, W) array of zeros."""
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    n, c, h, w = shape
    if g.strides[1] > g.strides[0]:
        # g is channel-major in memory, as a convolution's GEMM leaves it: the sum is laid out the same way,
        # so the adds below read and write in one order (2.9 -> 1.8 ms on the benchmark CNN's second layer),
        # and the layers before it in backward (ReLU, pooling) get their gradient in their own layout.
        out = np.zeros((c, n, h, w), dtype=g.dtype).transpose(1, 0, 2, 3)
    else:
        out = np.zeros(shape, dtype=g.dtype)
    oh, ow = g.shape[-2:]
    for i in range(kh):  # a loop over the kernel's kh*kw offsets only; each step is one vectorised add
        for j in range(kw):
            rows = slice(i * dh, i * dh + sh * (oh - 1) + 1, sh)
            cols = slice(j * dw, j * dw + sw * (ow - 1) + 1, sw)
            out[:, :, rows, cols] += g[:, :, i, j]
    return out


def erf(x):
    """Vectorised error function, accurate to ~1e-15 in float64; keeps x's dtype."""
    table = standard.erf_table()
    # NOTE: |x| is capped at ERF_END (erf is 1 beyond it), so huge inputs never overflow the table index.
    a = np.minimum(np.abs(x).astype(np.float64), standard.ERF_END)
    i = np.minimum((a / standard.ERF_STEP).astype(np.intp), len(table) - 1)
    u = (a - i * standard.ERF_STEP) * (2 / standard.ERF_STEP) - 1
    coef = table[i]
    y = coef[..., 0]
    for k in range(1, coef.shape[-1]):
        y = y * u + coef[..., k]
    y = np.where(a >= standard.ERF_END, 1.0, y)
    return (np.sign(x) * y).astype(x.dtype, copy=False)


def sum_(x, axis=None, keepdims: bool = False):
    """``np.sum`` on an array without its Python dispatch layer: the same ufunc reduction, ~1.3 us less
    per call (a small network's step makes several: bias gradients, the loss's mean).

    A large (rows, columns) array summed over its rows (a convolution's bias gradient) takes a compiled
    loop with Numba: NumPy adds such rows one after the other in a loop that handles each row apart (a
    (86528, 32) float32 array: 1.4 ms; the loop, adding them in the same order into a local row: 0.3 ms,
    the same bits). With one column NumPy sums pairwise instead, so that case stays NumPy's.
    """
    if axis == 0 and x.ndim == 2 and x.shape[1] > 1 and x.size >= _COLUMN_LOOP_MIN and x.dtype in _LOOP_DTYPES:
        if x.flags.c_contiguous and _column_sum_loops.kernel:
            out = np.empty(x.shape[1], x.dtype)
            _column_sum_loops.kernel(x, out)
            return out[None] if keepdims else out
    return np.add.reduce(x, axis=axis, keepdims=keepdims)


_COLUMN_LOOP_MIN = 1 << 16  # elements: a dense layer's bias gradient (batch x units) stays on NumPy's reduce


@compiled
def _column_sum_loops(x, out):
    acc = x[0].copy()  # (the first row as it is, as NumPy starts: 0.0 + -0.0 would lose the sign)
    for r in range(1, x.shape[0]):
        row = x[r]
        for f in range(x.shape[1]):
            acc[f] += row[f]
    out[:] = acc


def matmul(a, b):
    """``np.matmul``, through ``np.dot`` for two matrices: the same BLAS product without matmul's
    broadcasting machinery, ~0.35 us less per call (a small MLP's step makes five to eight). Bit-identical
    to np.matmul on the contiguous and transposed operands of a network; on views with negative strides
    (a flipped array) the two NumPy functions may round differently."""
    if a.ndim == 2 and b.ndim == 2:
        return np.dot(a, b)
    return np.matmul(a, b)


def broadcast_to(x, shape):
    """``np.broadcast_to`` (a read-only view); one element is broadcast by a zero-strided view made
    directly: 0.8 us where NumPy's Python layer took 2.4 (every mean's and sum's gradient does this)."""
    if (
        type(shape) is tuple
        and isinstance(x, (np.ndarray, np.generic))
        and x.size == 1
        and x.ndim <= len(shape)
        and -1 not in shape  # (which the ndarray constructor would infer, where broadcast_to refuses it)
        and x.dtype.kind in "biufc"  # (a buffer of numbers: object and datetime arrays export none)
    ):
        out = np.ndarray(shape, x.dtype, x, strides=(0,) * len(shape))
        out.flags.writeable = False
        return out
    return np.broadcast_to(x, shape)


def expand_dims(x, axis):
    """``np.expand_dims`` as one reshape: its axis normalisation cost more than the reshape on small arrays."""
    axes = (axis,) if isinstance(axis, int) else axis
    shape = list(x.shape)
    for a in sorted(a % (x.ndim + len(axes)) for a in axes):
        shape.insert(a, 1)
    return x.reshape(shape)


to_device = standard.to_device  # x on a device (the gradient rule of a transfer moves its gradient back)
to_host = standard.to_host  # x as a NumPy array
free_memory = standard.free_memory  # bytes free on a device, or None where its library does not say


#: The array namespace the primitives and the first-order gradient rules run on (NumPy's arrays).
numpy_ns = SimpleNamespace(
    **{
        name: getattr(np, name)
        for name in (
            "abs",
            "add",
            "all",
            "any",
            "arange",
            "argmax",
            "argmin",
            "arcsin",
            "arctan",
            "concatenate",
            "cos",
            "einsum",
            "equal",
            "exp",
            "expm1",
            "flip",
            "isfinite",
            "isnan",
            "less",
            "less_equal",
            "greater",
            "greater_equal",
            "not_equal",
            "logical_and",
            "logical_or",
            "logical_not",
            "log",
            "log1p",
            "max",
            "maximum",
            "min",
            "minimum",
            "moveaxis",
            "ones_like",
            "pad",
            "prod",
            "repeat",
            "reshape",
            "sign",
            "sin",
            "sqrt",
            "square",
            "squeeze",
            "stack",
            "swapaxes",
            "take_along_axis",
            "tanh",
            "tile",
            "transpose",
            "where",
            "zeros",
            "zeros_like",
        )
    },
    sum=sum_,
    matmul=matmul,
    broadcast_to=broadcast_to,
    expand_dims=expand_dims,
    index_add=index_add,
    softmax=softmax,
    log_softmax=log_softmax,
    sigmoid=sigmoid,
    one_hot=one_hot,
    keep=keep,
    erf=erf,
    windows=windows,
    unwindows=unwindows,
    patches=patches,
    unpatches=unpatches,
    conv=conv,
    conv_kernel_grad=conv_kernel_grad,
    conv_input_grad=conv_input_grad,
    max_pool=max_pool,
    max_pool_grad=max_pool_grad,
    relu_max_pool_grad=relu_max_pool_grad,
    max_pool_choice=max_pool_choice,
    astype=lambda x, dtype: x.astype(dtype, copy=False),
    copy=np.copy,
    inv=np.linalg.inv,
    det=np.linalg.det,
    solve=np.linalg.solve,
    cholesky=np.linalg.cholesky,
    eigh=np.linalg.eigh,
    qr=np.linalg.qr,
    svd=np.linalg.svd,
    getitem=operator.getitem,
    to_device=to_device,
)

FOREIGN_FLOAT_DTYPES = standard.FOREIGN_FLOAT_DTYPES


# The types that keep an operation on NumPy: its arrays and the Python values mixed into operations.
_PLAIN = frozenset({np.ndarray, float, int, bool, type(None)})


def namespace(*arrays):
    """The array namespace for an operation on ``arrays``: :data:`numpy_ns` when they are NumPy arrays
    (or Python numbers), else that of their library and device; a DeviceError when they disagree."""
    for a in arrays:
        if type(a) not in _PLAIN:
            return _foreign(arrays, "operation")
    return numpy_ns


def _foreign(arrays, op: str):
    found, numpy = None, False
    for a in arrays:
        if isinstance(a, np.ndarray):
            numpy = True
        elif devices.is_foreign(a):
            ns = standard.namespace(a)
            if found is None:
                found = ns
            elif ns is not found:
                raise devices.mixed(op, arrays)
    if found is None:
        return numpy_ns
    if numpy:
        raise devices.mixed(op, arrays)
    return found


def numpy_dtype(dtype) -> np.dtype:
    """Any library's dtype as nabla's dtype (NumPy's of the same name): what ``Tensor.dtype`` shows."""
    if isinstance(dtype, np.dtype):
        return dtype
    return standard.numpy_dtype(dtype)


def item(x):
    """The one element of ``x`` as a Python number (an explicit read: the one transfer to Python)."""
    if isinstance(x, (np.ndarray, np.generic)):
        return x.item()
    x = namespace(x).reshape(x, ())
    kind = numpy_dtype(x.dtype).kind
    return bool(x) if kind == "b" else int(x) if kind in "iu" else complex(x) if kind == "c" else float(x)


def placeholder_like(a):
    """A read-only array of ``a``'s shape and dtype, on its device, that takes no memory."""
    if type(a) is np.ndarray:
        return placeholder(a.shape, a.dtype)
    return namespace(a).placeholder(a.shape, a.dtype)
