"""The array namespace for libraries other than NumPy, written once on the Python array API standard.

:data:`nabla.engine.backend.numpy_ns` is what the primitives and gradient rules run on for NumPy arrays.
For an array of any other library that implements the standard (through ``array-api-compat``:
CuPy, array-api-strict, ...), :func:`namespace` builds the same names once per (library, device),
from the standard's functions:

* the standard's own functions under NumPy's names (``concatenate`` is ``concat``, ``transpose`` is
  ``permute_dims``...), with creation functions bound to the device, so a rule's ``xp.zeros(...)``
  lands next to its data;
* what the standard lacks, written here with standard functions only: the scatter-add of indexing
  gradients (:func:`_index_add`, a one-hot product), NumPy's integer-array indexing
  (:func:`_getitem`), ``erf``, ``einsum``, ``pad``.

A library that offers faster kernels for these has them in :data:`TABLE`, the one per-library table
(CuPy's host transfer, scatter-add and ``erf``; NumPy's own kernels live in :mod:`nabla.engine.backend`,
the convolution's standard-only ones in :mod:`nabla.engine.standard_conv`). Nothing here
converts data to NumPy: results stay in the input's library, on its device.
"""

from __future__ import annotations

import functools
import importlib
import math
from types import SimpleNamespace

import numpy as np

from . import devices, standard_conv
from .dtypes import OTHER_LIBRARIES

# --- transfers ------------------------------------------------------------------------------------------


def to_host(array) -> np.ndarray:
    """``array`` as a NumPy array in the computer's memory (a copy unless it is NumPy already)."""
    if isinstance(array, (np.ndarray, np.generic)):
        return array
    return table(array).to_host(array)


def to_device(array, device):
    """``array`` moved to ``device`` (a name or device object); the same array when it is there already."""
    lib, dev = devices.parse(device)
    if lib == "numpy":
        return to_host(array)
    if devices.library_name(array) == lib:
        if dev is None or array.device == dev:
            return array
        return namespace(array).move(array, dev)
    host = to_host(array)
    return library(lib).from_host(host, dev)


def free_memory(device) -> int | None:
    """The bytes free on ``device`` (a name or device object), or None where its library does not say (the
    standard has no such query; CuPy reports its GPU's)."""
    lib, dev = devices.parse(device)
    return None if lib == "numpy" else library(lib).free_memory(dev)


# --- the per-library table: what a library does faster or differently than the standard ---------------


def _dlpack_to_host(x) -> np.ndarray:
    return np.from_dlpack(x, device="cpu")  # the standard's host transfer (array API 2023.12)


def _cupy_to_host(x) -> np.ndarray:
    return x.get()


def _cupy_free_memory(dev) -> int:
    import cupy

    return (dev or cupy.cuda.Device()).mem_info[0]  # (free, total) bytes, from cudaMemGetInfo


def _cupy_kernels(ns) -> dict:
    """CuPy's own kernels for what the standard lacks: the scatter-add of indexing gradients (``np.add.at``'s
    twin, instead of the generic one-hot product, whose work grows with the input's size) and ``erf``."""
    import cupyx
    import cupyx.scipy.special

    def index_add(g, index, shape, basic):
        if basic:
            return _index_add(ns, g, index, shape, True)
        out = ns.zeros(shape, g.dtype)
        cupyx.scatter_add(out, index, g)
        return out

    return {"index_add": index_add, "erf": cupyx.scipy.special.erf}


#: Library name -> overrides of the generic entries: ``to_host``, ``free_memory(device)``, and ``kernels(ns)``
#: -> {name: kernel} that replace the namespace's standard-only versions (written and checked on the
#: library's own device).
TABLE: dict[str, dict] = {
    "cupy": {"to_host": _cupy_to_host, "kernels": _cupy_kernels, "free_memory": _cupy_free_memory},
}


#: The floating dtype objects of the other array libraries met so far (the fast path's test in the ops).
FOREIGN_FLOAT_DTYPES: set = set()


def table(array) -> SimpleNamespace:
    return library(devices.library_name(array))


@functools.cache
def library(lib: str) -> SimpleNamespace:
    """The table of library ``lib``: ``from_host``, ``to_host``, its standard namespace ``api``, dtypes."""
    try:
        import array_api_compat
    except ImportError:
        raise ImportError(
            f"tensors on {lib} arrays need the array-api-compat package: pip install 'nabla[array-api]'"
        ) from None

    OTHER_LIBRARIES[0] = True  # (from now on the engine checks each operation's library)
    module = importlib.import_module(lib)
    api = array_api_compat.array_namespace(module.asarray(0) if lib != "cupy" else module.zeros(()))
    names = api.__array_namespace_info__().dtypes()
    entries = dict(
        api=api,
        to_host=_dlpack_to_host,
        from_host=lambda host, dev: api.asarray(host, device=dev) if dev is not None else api.asarray(host),
        to_numpy_dtype={d: np.dtype(name) for name, d in names.items()},
        kernels=lambda ns: {},
        free_memory=lambda dev: None,
    )
    entries.update(TABLE.get(lib, {}))
    if lib != "cupy":  # (CuPy's dtypes are NumPy's)
        FOREIGN_FLOAT_DTYPES.update(d for name, d in names.items() if name.startswith("float"))
    return SimpleNamespace(**entries)


def numpy_dtype(dtype) -> np.dtype:
    """A library's dtype object as nabla's (NumPy's) dtype of the same name."""
    if isinstance(dtype, np.dtype):
        return dtype
    lib = type(dtype).__module__.split(".", 1)[0]
    return library(lib).to_numpy_dtype[dtype]


def namespace(array) -> SimpleNamespace:
    """The namespace of ``array``'s library and device (built once per pair)."""
    return _build(devices.library_name(array), array.device)


@functools.cache
def _build(lib: str, device) -> SimpleNamespace:
    import array_api_compat  # (library() checked that it is installed)

    api = library(lib).api

    def native(dtype):
        return getattr(api, np.dtype(dtype).name) if isinstance(dtype, (np.dtype, type, str)) else dtype

    def zeros(shape, dtype=None):
        return api.zeros(shape, dtype=None if dtype is None else native(dtype), device=device)

    def arange(*args, dtype=None):
        return api.arange(*args, dtype=None if dtype is None else native(dtype), device=device)

    def astype(x, dtype):
        return api.astype(x, native(dtype))

    def expand_dims(x, axis):
        axes = (axis,) if isinstance(axis, int) else axis
        shape = list(x.shape)
        for a in sorted(a % (x.ndim + len(axes)) for a in axes):
            shape.insert(a, 1)
        return api.reshape(x, tuple(shape))

    def swapaxes(x, a, b):
        axes = list(range(x.ndim))
        axes[a], axes[b] = axes[b], axes[a]
        return api.permute_dims(x, tuple(axes))

    def transpose(x, axes=None):
        return api.permute_dims(x, tuple(range(x.ndim))[::-1] if axes is None else tuple(axes))

    def pad(x, pad_width, constant_values=0):
        shape = tuple(lo + s + hi for (lo, hi), s in zip(pad_width, x.shape))
        out = api.full(shape, constant_values, dtype=x.dtype, device=device)
        out[tuple(slice(lo, lo + s) for (lo, _), s in zip(pad_width, x.shape))] = x
        return out

    def getitem(x, index):
        return _getitem(ns, x, index)

    def index_add(g, index, shape, basic):
        return _index_add(ns, g, index, shape, basic)

    def softmax(x, axis=-1):
        e = api.exp(x - api.max(x, axis=axis, keepdims=True))
        return e / api.sum(e, axis=axis, keepdims=True)

    def log_softmax(x, axis=-1):
        shifted = x - api.max(x, axis=axis, keepdims=True)
        return shifted - api.log(api.sum(api.exp(shifted), axis=axis, keepdims=True))

    def sigmoid(x):
        e = api.exp(-api.abs(x))  # <= 1: never overflows; the numerator is 1 for x >= 0, e below
        return api.where(x >= 0, api.ones_like(e), e) / (1 + e)

    def one_hot(indices, num_classes, dtype):
        return astype(indices[..., None] == arange(num_classes, dtype=indices.dtype), dtype)

    names = """abs add all any argmax argmin cos equal exp expm1 flip isfinite isnan log log1p max maximum min
        minimum moveaxis ones_like prod repeat reshape sign sin sqrt square squeeze stack tanh
        tile where zeros_like sum matmul broadcast_to less less_equal greater greater_equal not_equal
        logical_and logical_or logical_not""".split()
    ns = SimpleNamespace(
        **{name: getattr(api, name) for name in names},
        arcsin=api.asin,
        inv=lambda a: api.linalg.inv(a),
        det=lambda a: api.linalg.det(a),
        solve=lambda a, b: api.linalg.solve(a, b),
        cholesky=lambda a: api.linalg.cholesky(a),
        eigh=lambda a: tuple(api.linalg.eigh(a)),
        qr=lambda a, mode: tuple(api.linalg.qr(a, mode=mode)),
        svd=lambda a, full_matrices: tuple(api.linalg.svd(a, full_matrices=full_matrices)),
        arctan=api.atan,
        concatenate=lambda xs, axis=0: api.concat(list(xs), axis=axis),
        take_along_axis=lambda x, indices, axis: api.take_along_axis(x, indices, axis=axis),  # (keyword there)
        transpose=transpose,
        swapaxes=swapaxes,
        expand_dims=expand_dims,
        zeros=zeros,
        arange=arange,
        astype=astype,
        copy=lambda x: api.asarray(x, copy=True),
        pad=pad,
        einsum=_einsum_with(api),
        getitem=getitem,
        index_add=index_add,
        softmax=softmax,
        log_softmax=log_softmax,
        sigmoid=sigmoid,
        one_hot=one_hot,
        keep=lambda g, mask: api.where(mask, g, api.zeros_like(g)),
        erf=lambda x: _erf(api, device, x),
        windows=lambda x, kernel, stride, dilation: _windows(api, x, kernel, stride, dilation),
        unwindows=lambda g, shape, kernel, stride, dilation: _unwindows(zeros, g, shape, kernel, stride, dilation),
        max_pool=lambda x, kernel, stride: _max_pool(api, x, kernel, stride),
        patches=lambda x, kernel, stride, dilation: standard_conv.patches(api, x, kernel, stride, dilation),
        unpatches=lambda p, shape, kernel, stride, dilation: standard_conv.unpatches(
            api, zeros, p, shape, kernel, stride, dilation
        ),
        conv=lambda x, kernel, bias, stride, dilation, relu: standard_conv.conv(
            api, x, kernel, bias, stride, dilation, relu
        ),
        conv_kernel_grad=lambda g2, x, kernel_shape, stride, dilation: standard_conv.conv_kernel_grad(
            api, g2, x, kernel_shape, stride, dilation
        ),
        conv_input_grad=lambda g2, kernel, x_shape, stride, dilation: standard_conv.conv_input_grad(
            api, zeros, g2, kernel, x_shape, stride, dilation
        ),
        max_pool_grad=lambda g, x, out, kernel, stride: _max_pool_grad(api, zeros, g, x, out, kernel, stride),
        relu_max_pool_grad=lambda g, y, out, kernel, stride: _relu_max_pool_grad(api, zeros, g, y, out, kernel, stride),
        max_pool_choice=lambda x, out, kernel, stride, dtype: _max_pool_choice(
            api, x, out, kernel, stride, native(dtype)
        ),
        placeholder=lambda shape, dtype: api.broadcast_to(api.zeros((), dtype=native(dtype), device=device), shape),
        move=lambda x, dev: array_api_compat.to_device(x, dev),
        to_device=to_device,
        clip=api.clip,
        api=api,
        device=device,
    )
    for name, kernel in library(lib).kernels(ns).items():
        setattr(ns, name, kernel)
    return ns


# --- what the standard lacks, on standard functions -----------------------------------------------------


def _getitem(ns, x, index):
    """``x[index]`` with NumPy's rules for integer-array indices, which the standard leaves out.

    Indices the standard defines (ints, slices, None, ..., one boolean mask) go to the library. With
    integer arrays: the slices are applied first, the indexed axes are moved to the front and merged,
    one ``take`` picks the elements by their linear index, and the broadcast index shape goes where NumPy
    puts it (in place of the indexed axes if they are adjacent, else in front).
    """
    api = ns.api
    items = index if isinstance(index, tuple) else (index,)
    if sum(i is not Ellipsis for i in items) > 1 and any(_is_bool_array(i) for i in items):
        # A mask among other indices means its nonzero positions, as in NumPy (the standard: a mask alone).
        items = tuple(j for i in items for j in (api.nonzero(i) if _is_bool_array(i) else (i,)))
        index = items
    if not any(_is_int_array(i) for i in items):
        return x[index]
    if any(i is None for i in items):
        raise IndexError("None (a new axis) together with integer-array indices: index in two steps")
    real = sum(1 for i in items if i is not Ellipsis)
    full = []
    for i in items:
        full.extend([slice(None)] * (x.ndim - real) if i is Ellipsis else [i])
    full.extend([slice(None)] * (x.ndim - len(full)))
    adv = [k for k, i in enumerate(full) if not isinstance(i, slice)]
    rest = [k for k in range(x.ndim) if k not in adv]
    y = x[tuple(slice(None) if k in adv else i for k, i in enumerate(full))]
    y = api.permute_dims(y, tuple(adv + rest))
    dims = y.shape[: len(adv)]
    idx = api.broadcast_arrays(*[_as_index(ns, full[k]) for k in adv])
    linear = idx[0] % dims[0]
    for i, d in zip(idx[1:], dims[1:]):
        linear = linear * d + i % d  # (% d: negative indices count from the end, as in NumPy)
    flat = api.reshape(y, (math.prod(dims),) + y.shape[len(adv) :])
    out = api.take(flat, api.reshape(linear, (-1,)), axis=0)
    out = api.reshape(out, idx[0].shape + y.shape[len(adv) :])
    if adv == list(range(adv[0], adv[-1] + 1)) and adv[0] > 0:
        b, lead = idx[0].ndim, adv[0]
        out = api.permute_dims(out, (*range(b, b + lead), *range(b), *range(b + lead, out.ndim)))
    return out


def _is_int_array(i) -> bool:
    return (
        hasattr(i, "shape")
        and hasattr(i, "dtype")
        and not isinstance(i, (np.generic, bool))
        and i.ndim >= 0
        and (numpy_dtype(i.dtype).kind in "iu")
    )


def _is_bool_array(i) -> bool:
    return hasattr(i, "shape") and hasattr(i, "dtype") and numpy_dtype(i.dtype).kind == "b"


def _as_index(ns, i):
    return ns.api.asarray(i, device=ns.device) if isinstance(i, int) else i


_SCATTER_CHUNK = 1 << 22  # elements of one-hot matrix per step: bounds the memory of the scatter-add


def _index_add(ns, g, index, shape, basic: bool):
    """Zeros of ``shape`` with ``g`` added at ``index``, repeated positions accumulating (the VJP of indexing).

    The standard has no scatter-add. Each element of ``g`` came from one flat position of the input
    (the same index applied to ``arange(size)`` says which), so the sum is ``g @ onehot(positions)``:
    a matrix product, done in chunks of rows to bound the one-hot matrix's memory.
    """
    api = ns.api
    out = ns.zeros(shape, g.dtype)
    if basic:
        # (setitem takes no None: drop those size-1 axes from the index and from g)
        index = tuple(i for i in (index if isinstance(index, tuple) else (index,)) if i is not None)
        out[index] = api.reshape(g, out[index].shape)
        return out
    size = math.prod(shape)
    positions = api.reshape(_getitem(ns, api.reshape(ns.arange(size), shape), index), (-1,))
    values = api.reshape(api.astype(g, out.dtype), (1, -1))
    flat = api.reshape(out, (-1,))
    columns = ns.arange(size)
    step = max(1, _SCATTER_CHUNK // max(size, 1))
    for start in range(0, positions.shape[0], step):
        stop = min(start + step, positions.shape[0])
        hit = api.astype(positions[start:stop, None] == columns[None, :], out.dtype)
        flat = flat + api.matmul(values[:, start:stop], hit)[0, ...]
    return api.reshape(flat, shape)


# --- convolution and pooling: the kernel's offsets as strided slices ---------------------------------------


def _offsets(shape, kernel, stride, dilation=(1, 1)):
    """For each kernel offset (i, j), row-major, the index of the (N, C, OH, OW) slice it reads of an
    (N, C, H, W) array: element [n, c, y, x] is ``[n, c, y*sh + i*dh, x*sw + j*dw]``."""
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    oh, ow = (shape[2] - dh * (kh - 1) - 1) // sh + 1, (shape[3] - dw * (kw - 1) - 1) // sw + 1
    return [
        (
            slice(None),
            slice(None),
            slice(i * dh, i * dh + sh * (oh - 1) + 1, sh),
            slice(j * dw, j * dw + sw * (ow - 1) + 1, sw),
        )
        for i in range(kh)
        for j in range(kw)
    ]


def _windows(api, x, kernel, stride, dilation):
    """Sliding windows (N, C, kh, kw, OH, OW) of an (N, C, H, W) array, stacked from the kh*kw slices (a
    copy: the standard has no strided views)."""
    views = [x[index] for index in _offsets(x.shape, kernel, stride, dilation)]
    kw = kernel[1]
    rows = [api.stack(views[r * kw : (r + 1) * kw], axis=2) for r in range(kernel[0])]
    return api.stack(rows, axis=2)


def _unwindows(zeros, g, shape, kernel, stride, dilation):
    """The adjoint of :func:`_windows`: each window's values added back onto zeros of ``shape``."""
    out = zeros(shape, g.dtype)
    kw = kernel[1]
    for k, index in enumerate(_offsets(shape, kernel, stride, dilation)):
        out[index] = out[index] + g[:, :, k // kw, k % kw, ...]
    return out


def _max_pool(api, x, kernel, stride):
    """Largest element of each window: a running maximum over the kernel's offsets."""
    views = [x[index] for index in _offsets(x.shape, kernel, stride)]
    out = views[0]
    for v in views[1:]:
        out = api.maximum(out, v)
    return out


def _max_pool_hits(api, x, out, kernel, stride):
    """For each kernel offset, its slice index and the windows whose maximum it holds (a bool array): each
    window's first largest element in row-major order (PyTorch's choice on ties; with NaN, its first NaN)."""
    nan = bool(api.any(api.isnan(out)))
    free = None  # the windows not yet assigned
    for index in _offsets(x.shape, kernel, stride):
        v = x[index]
        hit = (v == out) | (v != v) if nan else v == out
        if free is None:
            free = api.logical_not(hit)
        else:
            hit = hit & free
            free = free & api.logical_not(hit)
        yield index, hit


def _max_pool_grad(api, zeros, g, x, out, kernel, stride):
    """Each window's gradient to the element :func:`_max_pool_hits` chooses."""
    gx = zeros(x.shape, g.dtype)
    for index, hit in _max_pool_hits(api, x, out, kernel, stride):
        gx[index] = gx[index] + g * api.astype(hit, g.dtype)
    return gx


def _relu_max_pool_grad(api, zeros, g, y, out, kernel, stride):
    """:func:`_max_pool_grad` then ReLU's gradient (0 where y = relu(z) is not > 0), as NumPy's one pass."""
    gx = _max_pool_grad(api, zeros, g, y, out, kernel, stride)
    return api.where(y > 0, gx, api.zeros_like(gx))


def _max_pool_choice(api, x, out, kernel, stride, dtype):
    """The choice of :func:`_max_pool_hits` as a one-hot (N, C, kh, kw, OH, OW) array of ``dtype``."""
    hits = [api.astype(hit, dtype) for _, hit in _max_pool_hits(api, x, out, kernel, stride)]
    return api.reshape(api.stack(hits, axis=2), out.shape[:2] + tuple(kernel) + out.shape[2:])


def _einsum_with(api):
    def einsum(spec: str, *operands, optimize=False):
        """``einsum`` as broadcast products and one sum (the standard has none): each operand's axes are
        laid out in one shared letter order, the products broadcast, and the letters not in the output summed.
        Memory grows with the product of all sizes: fine for the small contractions it serves."""
        ins, result = spec.split("->")
        subs = ins.split(",")
        letters = list(result) + [c for c in dict.fromkeys("".join(subs)) if c not in result]
        sizes = {c: n for sub, op in zip(subs, operands) for c, n in zip(sub, op.shape)}
        acc = None
        for sub, op in zip(subs, operands):
            present = [c for c in letters if c in sub]
            t = api.permute_dims(op, tuple(sub.index(c) for c in present))
            t = api.reshape(t, tuple(sizes[c] if c in sub else 1 for c in letters))
            acc = t if acc is None else acc * t
        summed = tuple(range(len(result), len(letters)))
        acc = api.sum(acc, axis=summed) if summed else acc
        return api.broadcast_to(acc, tuple(sizes[c] for c in result))

    return einsum


ERF_STEP = 0.5
ERF_END = 6.0  # erf(x) == 1.0 in float64 for x >= 6 (erfc(6) ~ 2e-17)
ERF_DEGREE = 14


@functools.cache
def erf_table():
    """Piecewise polynomial coefficients of erf on [0, 6), fitted once from math.erf.

    NumPy has no vectorised erf and SciPy is not a dependency. Each interval
    of width 0.5 gets a Chebyshev fit of degree 14 at Chebyshev nodes,
    converted to a power series in u in [-1, 1] (well conditioned there), so
    evaluation is one gather and a Horner loop; the error is ~1e-16.
    """
    cheb = np.polynomial.chebyshev
    nodes = np.cos(np.pi * (np.arange(64) + 0.5) / 64)
    rows = []
    for i in range(int(ERF_END / ERF_STEP)):
        xs = i * ERF_STEP + (nodes + 1) * (ERF_STEP / 2)
        ys = np.array([math.erf(v) for v in xs])
        coef = cheb.cheb2poly(cheb.chebfit(nodes, ys, ERF_DEGREE))
        rows.append(coef[::-1])  # highest power first, for Horner
    return np.array(rows)


@functools.cache
def _erf_table_on(lib: str, device, dtype_name: str):
    return library(lib).from_host(erf_table().astype(dtype_name), device)


def _erf(api, device, x):
    """The piecewise polynomial of :func:`nabla.engine.backend.erf`, evaluated with standard functions
    (in float64 where the device has it, else in x's dtype)."""
    lib = devices.library_name(x)
    wide = "float64" in api.__array_namespace_info__().dtypes(device=device)
    work = api.float64 if wide else x.dtype
    table = _erf_table_on(lib, device, "float64" if wide else numpy_dtype(x.dtype).name)
    a = api.astype(api.abs(x), work)
    i = api.minimum(api.astype(a / ERF_STEP, api.int64), table.shape[0] - 1)
    u = (a - api.astype(i, work) * ERF_STEP) * (2 / ERF_STEP) - 1
    coef = api.take(table, api.reshape(i, (-1,)), axis=0)
    coef = api.reshape(coef, i.shape + (table.shape[1],))
    y = coef[..., 0]
    for k in range(1, table.shape[1]):
        y = y * u + coef[..., k]
    y = api.where(a >= ERF_END, api.ones_like(y), y)
    return api.astype(api.astype(api.sign(x), work) * y, x.dtype)
