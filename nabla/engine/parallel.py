"""NumPy passes split over a batch across a few threads: the copies and elementwise loops around the GEMMs.

NumPy's BLAS spreads a GEMM over its threads, but a copy or a ufunc loop runs on the calling thread only.
NumPy releases the GIL inside both on large arrays, so :func:`over_batch` runs one pass as that many
slices of the batch axis at once: as many threads as BLAS may use (threadpoolctl's setting, when it is
installed; else ``OPENBLAS_NUM_THREADS``/``OMP_NUM_THREADS``, else the cores), none with one thread.
Each slice does the same operations on its own elements as the whole pass would, in the same order, and
no slice writes another's output, so the result is bit for bit the one-thread result. Only elementwise
work is split this way: a reduction over the batch (a bias gradient, the kernel gradient's GEMM) would
add in another order.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

# A pass over less than this is shorter than handing half of it to another thread (~30 us round trip).
MIN_BYTES = 1 << 18

_CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
_blas = None  # threadpoolctl's controller of NumPy's BLAS, found on first use (False: none)
_pool: ThreadPoolExecutor | None = None


def _env_threads() -> int:
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        value = os.environ.get(name, "")
        if value.isdigit() and int(value) > 0:
            return int(value)
    return _CORES


def threads() -> int:
    """The threads a pass may use: NumPy's BLAS thread count (threadpoolctl reads it in ~1 us), at most the
    cores."""
    global _blas
    if _blas is None:
        try:
            from threadpoolctl import ThreadpoolController

            found = ThreadpoolController().select(user_api="blas").lib_controllers
            numpys = [lib for lib in found if "numpy" in lib.filepath] or found
            _blas = numpys[0] if numpys else False
        except ImportError:
            _blas = False
    n = _blas.num_threads if _blas else _env_threads()
    return max(1, min(n, _CORES))


def over_batch(fn: Callable[[slice], object], n: int, nbytes: int) -> None:
    """``fn(slice(0, n))``, as ``fn`` on contiguous slices of ``range(n)`` run at once on :func:`threads`
    threads (the caller's among them) when the pass touches ``nbytes`` of at least :data:`MIN_BYTES`.

    ``fn`` must write only its slice's elements, and allocate nothing from a captured step's buffers (their
    requests must come in one order: the caller allocates, the slices write).
    """
    k = min(threads(), n) if nbytes >= MIN_BYTES else 1
    if k <= 1:
        fn(slice(0, n))
        return
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=max(1, _CORES - 1), thread_name_prefix="nabla-pass")
    bounds = [n * i // k for i in range(k + 1)]
    futures = [_pool.submit(fn, slice(bounds[i], bounds[i + 1])) for i in range(1, k)]
    try:
        fn(slice(bounds[0], bounds[1]))
    finally:  # no slice still writes when this returns or raises
        for future in futures:
            future.result()


def copyto(out: np.ndarray, view: np.ndarray, axis: int = 0) -> None:
    """``np.copyto(out, view)`` split over ``axis`` (both of one shape)."""
    index = (slice(None),) * axis

    def part(s: slice) -> None:
        np.copyto(out[(*index, s)], view[(*index, s)])

    over_batch(part, out.shape[axis], out.nbytes)
