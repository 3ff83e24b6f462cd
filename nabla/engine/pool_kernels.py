"""Max pooling on NumPy arrays: its forward, its gradient and the one-hot choice behind the gradient.

Two implementations of the same rule, the first largest element of each window in row-major order (NaN
wins, and a window holding NaN picks its first NaN, as PyTorch picks on ties):

* **NumPy** (always there): loops over the kernel's kh*kw offsets, each step one vectorised operation on the
  (N, C, OH, OW) output; the gradient takes ~14 passes over the output for a 2x2 window (an equality test,
  the bookkeeping of the windows still unassigned and the masked product, per offset).
* **Numba** (when it is installed, ``pip install nabla[fast]``; :mod:`nabla.engine.jit`): one compiled pass
  over the input, for float32 and float64 arrays laid out NCHW or NHWC in memory (NHWC under Keras's
  layers). Measured in the MNIST convnet's training step (K3 of the benchmark suite, pool of 128x32x26x26,
  channels-last): the gradient 7.4 -> 2.1 ms, the forward 1.7 -> 0.8 ms, the epoch 3.5 -> 2.3 s with
  ReLU's gradient in one pass as well. It gives the NumPy path's numbers bit for bit (the tests compare the
  two). Either path sends an infinite or NaN gradient to the chosen element only (the NumPy path's masked
  product would make NaN of Inf times 0 elsewhere, so it takes ``np.where`` then).

``ws`` everywhere: a captured step's :class:`nabla.capture.buffers.Buffers` for the large results (None: new
arrays).
"""

from __future__ import annotations

import numpy as np

from .jit import compiled

# --- NumPy ------------------------------------------------------------------


def _pool_views(x, kernel, stride):
    """The kh*kw strided views ``x[:, :, i::sh, j::sw]`` cut to the (OH, OW) windows, in window order (row-major).

    View k holds element k of every window: the pooling loops below run over
    the kernel's offsets, each step one vectorised operation on (N, C, OH, OW).
    """
    (kh, kw), (sh, sw) = kernel, stride
    oh, ow = (x.shape[2] - kh) // sh + 1, (x.shape[3] - kw) // sw + 1
    return [
        x[:, :, i : i + sh * (oh - 1) + 1 : sh, j : j + sw * (ow - 1) + 1 : sw] for i in range(kh) for j in range(kw)
    ]


def _numpy_max_pool(x, kernel, stride, ws=None):
    # A running np.maximum over the kernel's offsets: kh*kw - 1 passes over the output, where an argmax
    # over a windows axis first copies every window (4x slower on the benchmark CNN).
    views = _pool_views(x, kernel, stride)
    if ws is None:
        out = np.maximum(views[0], views[1]) if len(views) > 1 else views[0].copy(order="K")
    elif len(views) > 1:
        out = np.maximum(views[0], views[1], out=ws.empty_like(views[0]))
    else:
        out = ws.empty(views[0].shape, views[0].dtype)
        np.copyto(out, views[0])
    for v in views[2:]:
        np.maximum(out, v, out=out)
    return out


def max_pool_hits(x, out, kernel, stride, ws=None):
    """For each window offset, the windows whose maximum is taken from that offset (a bool (N, C, OH, OW) array).

    Each window gets exactly one hit: its first largest element in row-major
    order, as PyTorch chooses on ties; a window holding NaN picks its first NaN.
    """
    nan = bool(np.isnan(out).any()) if out.dtype.kind == "f" else False
    views = _pool_views(x, kernel, stride)
    free = None  # the windows not yet assigned (None: all; the first and last offsets skip a pass each)
    for k, v in enumerate(views):
        hit = v == out if ws is None else np.equal(v, out, out=ws.empty_like(out, np.bool_))
        if nan:
            hit |= v != v
        if free is None:
            free = np.logical_not(hit) if ws is None else np.logical_not(hit, out=ws.empty_like(hit))
        else:
            hit &= free
            if k < len(views) - 1:
                free ^= hit  # hit is a subset of free: this clears the windows just assigned
        yield hit


def _numpy_max_pool_grad(g, x, out, kernel, stride, ws=None):
    # gx takes x's memory layout (channels-last under Keras's layers and after a convolution): no strided writes.
    overlap = stride[0] < kernel[0] or stride[1] < kernel[1]  # then windows share elements, whose gradients add
    if tuple(stride) == tuple(kernel):
        # The windows tile the image but for its last rows and columns when the size is not a multiple of the
        # stride: the loop below writes every other element once, so only that strip is zeroed.
        gx = np.empty_like(x, dtype=g.dtype) if ws is None else ws.empty_like(x, g.dtype)
        gx[:, :, out.shape[2] * kernel[0] :] = 0
        gx[:, :, :, out.shape[3] * kernel[1] :] = 0
    else:
        gx = np.zeros_like(x, dtype=g.dtype)
    finite = g.dtype.kind != "f" or bool(np.isfinite(g).all())
    for gv, hit in zip(_pool_views(gx, kernel, stride), max_pool_hits(x, out, kernel, stride, ws)):
        if not finite:  # Inf * 0 is NaN: the unchosen elements get an exact 0 instead
            picked = np.where(hit, g, 0).astype(g.dtype, copy=False)
        else:
            # NOTE: a multiply by the mask, not ufunc(where=hit): on the benchmark CNN's first pool, 0.2 ms vs
            # 3.5 ms; by the mask's bytes as uint8, not as bool: NumPy casts bool to float slowly (1.77 -> 0.73 ms).
            picked = g * hit.view(np.uint8) if overlap else np.multiply(g, hit.view(np.uint8), out=gv)
        if overlap:
            gv += picked
        elif picked is not gv:
            gv[...] = picked
    return gx


def max_pool_choice(x, out, kernel, stride, dtype):
    """The hits of :func:`max_pool_hits` as a one-hot (N, C, kh, kw, OH, OW) array of ``dtype``."""
    hits = np.stack(list(max_pool_hits(x, out, kernel, stride)), axis=2)
    return hits.reshape(out.shape[:2] + tuple(kernel) + out.shape[2:]).astype(dtype)


# --- Numba ------------------------------------------------------------------
# The kernels take (B, H, W, C) arrays, C-contiguous: an NHWC array as it is, an NCHW one as (N*C, H, W, 1).


@compiled
def _forward_loops(x, kh, kw, sh, sw, out):
    for b in range(out.shape[0]):
        for oy in range(out.shape[1]):
            for ox in range(out.shape[2]):
                y0, x0 = oy * sh, ox * sw
                for c in range(out.shape[3]):
                    out[b, oy, ox, c] = x[b, y0, x0, c]
                for i in range(kh):
                    for j in range(kw):
                        if i == 0 and j == 0:
                            continue
                        for c in range(out.shape[3]):
                            m, v = out[b, oy, ox, c], x[b, y0 + i, x0 + j, c]
                            if not (m >= v or m != m):  # np.maximum(m, v), NaN first
                                out[b, oy, ox, c] = v


@compiled
def _gradient_loops(g, x, out, kh, kw, sh, sw, gx, done, positive):
    # Windows that overlap: offset by offset, as the NumPy path, so that an element shared by windows sums
    # their gradients in the same order (bit for bit); gx comes zeroed. done: (B, OH, OW, C), whether a
    # window's maximum was found at an earlier offset. positive: only windows whose maximum is > 0 pass
    # their gradient (ReLU's gradient folded in: see relu_max_pool_grad).
    for k in range(kh * kw):
        i, j = k // kw, k % kw
        for b in range(out.shape[0]):
            for oy in range(out.shape[1]):
                for ox in range(out.shape[2]):
                    y, xx = oy * sh + i, ox * sw + j
                    for c in range(out.shape[3]):
                        t, v = out[b, oy, ox, c], x[b, y, xx, c]
                        hit = (k == 0 or not done[b, oy, ox, c]) and (v == t or (t != t and v != v))
                        done[b, oy, ox, c] = hit or (k > 0 and done[b, oy, ox, c])
                        if hit and (t > 0 or not positive):
                            gx[b, y, xx, c] += g[b, oy, ox, c]


@compiled
def _tile_gradient_loops(g, x, out, kh, kw, sh, sw, gx, done, positive):
    # Windows that tile the image (stride = kernel): each covered element belongs to one window, so window by
    # window, every element written once (g on the chosen one, 0 elsewhere), and done is one window's (C,).
    # positive: as in _gradient_loops.
    for b in range(out.shape[0]):
        for oy in range(out.shape[1]):
            for ox in range(out.shape[2]):
                for k in range(kh * kw):
                    y, xx = oy * sh + k // kw, ox * sw + k % kw
                    for c in range(out.shape[3]):
                        t, v = out[b, oy, ox, c], x[b, y, xx, c]
                        hit = (k == 0 or not done[c]) and (v == t or (t != t and v != v))
                        done[c] = hit or (k > 0 and done[c])
                        gx[b, y, xx, c] = g[b, oy, ox, c] if hit and (t > 0 or not positive) else 0


def _as_bhwc(a):
    """``a`` (N, C, H, W) as a C-contiguous (B, H, W, C) view and whether it is NHWC in memory, or None
    (another layout or dtype: the NumPy path)."""
    if a.dtype not in (np.float32, np.float64):
        return None
    nhwc = not a.flags.c_contiguous
    if nhwc and not a.transpose(0, 2, 3, 1).flags.c_contiguous:
        return None
    return _in_form(a, nhwc), nhwc  # (a view: a is laid out so already)


def _in_form(a, nhwc: bool):
    """``a`` (N, C, H, W) as the (B, H, W, C) form of :func:`_as_bhwc` for the given layout (a copy only when
    its own layout differs)."""
    if nhwc:
        return np.ascontiguousarray(a.transpose(0, 2, 3, 1))
    n, c, h, w = a.shape
    return np.ascontiguousarray(a).reshape(n * c, h, w, 1)


def _bhwc_array(shape, like_nhwc: bool, dtype, ws):
    """A new array of NCHW ``shape`` laid out as NHWC or NCHW, and its (B, H, W, C) view."""
    n, c, h, w = shape
    laid = (n, h, w, c) if like_nhwc else (n * c, h, w, 1)
    memory = np.empty(laid, dtype) if ws is None else ws.empty(laid, dtype)
    return (memory.transpose(0, 3, 1, 2) if like_nhwc else memory.reshape(shape)), memory


def _out_shape(x, kernel, stride):
    return x.shape[:2] + tuple((x.shape[2 + a] - kernel[a]) // stride[a] + 1 for a in (0, 1))


def max_pool(x, kernel, stride, ws=None):
    """Largest element of each window of an (N, C, H, W) array; NaN wins, as in PyTorch."""
    canonical = _as_bhwc(x)
    if canonical is None or _forward_loops.kernel is None:
        return _numpy_max_pool(x, kernel, stride, ws)
    xb, nhwc = canonical
    out, ob = _bhwc_array(_out_shape(x, kernel, stride), nhwc, x.dtype, ws)
    _forward_loops.kernel(xb, kernel[0], kernel[1], stride[0], stride[1], ob)
    return out


def max_pool_grad(g, x, out, kernel, stride, ws=None):
    """The VJP of :func:`max_pool`: each window's gradient goes to its first largest element."""
    gx = _compiled_grad(g, x, out, kernel, stride, ws, False)
    return _numpy_max_pool_grad(g, x, out, kernel, stride, ws) if gx is None else gx


def relu_max_pool_grad(g, y, out, kernel, stride, ws=None):
    """The VJP of ``max_pool(relu(z))`` with respect to z, given y = relu(z) and the pool's output: each
    window's gradient goes to its first largest element when that maximum is > 0 (ReLU's gradient is 0 at
    0 and at NaN), and every other element gets 0.

    The same array as ReLU's gradient applied to :func:`max_pool_grad`'s, ``keep(max_pool_grad(g, y, out),
    y > 0)``, in one pass instead of two: on the MNIST convnet's first layer (128x26x26x32, channels-last)
    the two passes write 11 MB each and read the pooled input twice.
    """
    gx = _compiled_grad(g, y, out, kernel, stride, ws, True)
    if gx is None:
        gx = _numpy_max_pool_grad(g, y, out, kernel, stride, ws)
        gx = np.where(y > 0, gx, 0).astype(gx.dtype, copy=False)
    return gx


def _compiled_grad(g, x, out, kernel, stride, ws, positive: bool):
    """The compiled form of the two gradients above, or None where it does not apply (no Numba, another
    layout or dtype)."""
    canonical = _as_bhwc(x)
    if canonical is None or g.dtype != x.dtype or _gradient_loops.kernel is None:
        return None
    xb, nhwc = canonical
    # g and out in the same (B, H, W, C) form as x: a copy only when their layout differs from x's.
    gb, ob = _in_form(g, nhwc), _in_form(out, nhwc)
    gx, gxb = _bhwc_array(x.shape, nhwc, g.dtype, ws)
    if tuple(stride) == tuple(kernel):
        gx[:, :, out.shape[2] * kernel[0] :] = 0  # the strips past the last whole window
        gx[:, :, :, out.shape[3] * kernel[1] :] = 0
        kernel_loops, done = _tile_gradient_loops.kernel, np.empty(ob.shape[3], np.bool_)
    else:
        gxb.fill(0)
        kernel_loops = _gradient_loops.kernel
        done = np.empty(ob.shape, np.bool_) if ws is None else ws.empty(ob.shape, np.bool_)
    kernel_loops(gb, xb, ob, kernel[0], kernel[1], stride[0], stride[1], gxb, done, positive)
    return gx
