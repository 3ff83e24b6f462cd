"""The buffers a captured step owns: its large temporaries, reused from one replay to the next.

Every eager step allocates and frees the same large arrays (a convolution's output and patch matrices, the
pooling and ReLU gradients), and glibc hands each freed one above its mmap threshold back to the kernel, so
the next step pays page faults on fresh memory (docs/performance.md, W6). A replay's convolution, pooling
and ReLU kernels take their large arrays from a :class:`Buffers` instead (their ``ws`` argument; see
:data:`POOLED`): the same operations in the same order write into memory the step already owns, so a
replay gives eager mode's numbers bit for bit.

The buffers are regions of one arena, planned from the first replay so that it holds about what eager
mode holds at its peak (see :class:`Buffers`). Every array handed out is a view whose ``base`` is its
region, so a result the user keeps (an output, a ``.grad``, anything a tensor holds) keeps that region's
reference count up, and the next replay takes a new array instead of its bytes.

Measured on the benchmark CNN (W6, batch 64, one thread, loaded 2-core machine; docs/performance.md): a
replay 32.2 -> 25.0 ms of CPU time, 2,491 -> 0 page faults a step, an arena of 15.8 MiB (the three 5.3 MiB
arrays alive at once; reusing buffers of one size only needed 31 MiB), memory per step as eager mode's.
"""

from __future__ import annotations

import functools
import math
import sys
import threading
import weakref
from types import SimpleNamespace

import numpy as np

from ..engine import backend
from ..engine.backend import memory_order

# Below this size glibc serves arrays from its heap without page faults; the pool would only add its scan.
MIN_BYTES = 1 << 18


def _refs(buf) -> int:
    return sys.getrefcount(buf)


class Buffers:
    """The memory of a captured step's large temporaries: ``empty``/``zeros``/``empty_like`` hand out arrays.

    The first replay allocates each request anew and records its size and lifetime (the request at which it
    was first seen free). From them :meth:`_plan` lays every request out in one arena, requests alive at the
    same time in disjoint bytes (largest first, each at the lowest offset that fits, as TensorFlow Lite plans
    its arena), so the arena is about eager mode's peak of these arrays. Later replays hand request k its
    region after checking that no region sharing its bytes is referenced (a result the user kept, a replay
    that went another way); otherwise, or when the requests differ from the record, a new array.
    """

    def __init__(self) -> None:
        self.min_bytes = MIN_BYTES
        self._lock = threading.Lock()  # two threads replaying one step must not take the same bytes
        self._k = 0  # the next request's number in this replay
        self._sizes: list[int] = []  # the recorded requests' sizes
        self._held: list[weakref.ref | None] = []  # while recording: the arrays handed out, None once seen free
        self._ends: list[int] = []  # while recording: the request at which each was seen free
        self._regions: list[np.ndarray] = []  # request k's bytes in the arena
        self._sharing: list[list[int]] = []  # the requests whose regions share bytes with request k's
        self.nbytes = 0  # the arena's size: memory that stays allocated between replays
        probe: list[np.ndarray] = [np.empty(1, np.uint8)]
        self._free_refs = _refs(probe[0])  # an array that only a list of the pool refers to, seen from _refs

    def start(self) -> None:
        """A replay begins: the first one's record becomes the plan."""
        with self._lock:
            if self._sizes and not self._regions:
                self._plan()
            self._k = 0

    def _plan(self) -> None:
        n = len(self._sizes)
        ends = self._ends + [n] * (n - len(self._ends))
        ends = [n if e < 0 else e for e in ends]
        offsets: dict[int, int] = {}
        for k in sorted(range(n), key=lambda k: (-self._sizes[k], k)):
            alive = sorted(
                (offsets[j], offsets[j] + self._sizes[j]) for j in offsets if j < ends[k] and k < ends[j]
            )
            at = 0
            for start, stop in alive:  # the lowest offset below every clash
                if at + self._sizes[k] <= start:
                    break
                at = max(at, -(-stop // 64) * 64)
            offsets[k] = at
        self.nbytes = max((offsets[k] + self._sizes[k] for k in offsets), default=0)
        arena = np.empty(self.nbytes, np.uint8)
        spans = [(offsets[k], offsets[k] + self._sizes[k]) for k in range(n)]
        # Each region is an array over the arena that owns no memory: views of it keep it as their base,
        # so its reference count says whether anything still reads its bytes.
        self._regions = [np.frombuffer(memoryview(arena)[a:b], np.uint8) for a, b in spans]
        self._sharing = [[j for j in range(n) if spans[j][0] < b and a < spans[j][1]] for a, b in spans]
        self._held = []

    def _take(self, nbytes: int) -> np.ndarray:
        with self._lock:
            k, self._k = self._k, self._k + 1
            if not self._regions:  # recording: a new array, its lifetime noted
                for j, held in enumerate(self._held):  # (weak references: the record holds no memory)
                    if held is not None and held() is None:
                        self._held[j], self._ends[j] = None, k
                buf = np.empty(nbytes, np.uint8)
                if k == len(self._sizes):
                    self._sizes.append(nbytes)
                    self._held.append(weakref.ref(buf))
                    self._ends.append(-1)
                return buf
            if k < len(self._sizes) and self._sizes[k] == nbytes:
                if all(_refs(self._regions[j]) == self._free_refs for j in self._sharing[k]):
                    return self._regions[k]
            return np.empty(nbytes, np.uint8)

    def empty(self, shape, dtype, order: tuple[int, ...] | None = None) -> np.ndarray:
        """An uninitialised array of ``shape`` and ``dtype``, C-contiguous, or laid out in memory with its
        axes in ``order`` (outermost first, as ``np.empty_like``'s order 'K' lays out a strided array)."""
        # (Pure Python where it can: W3's step asks for four small arrays, and np.prod and np.argsort on tuples
        # made each request cost 11-15 us, 3% of the step, for arrays that np.empty gives in 0.2 us.)
        dtype = np.dtype(dtype)
        shape = tuple(shape)
        nbytes = math.prod(shape) * dtype.itemsize
        laid = shape if order is None else tuple(shape[a] for a in order)
        if nbytes < self.min_bytes:  # a small array is a new one, laid out alike
            memory = np.empty(laid, dtype)
        else:
            memory = self._take(nbytes)[:nbytes].view(dtype).reshape(laid)
        if order is None or order == tuple(range(len(order))):
            return memory
        return memory.transpose(sorted(range(len(order)), key=order.__getitem__))

    def zeros(self, shape, dtype) -> np.ndarray:
        out = self.empty(shape, dtype)
        out.fill(0)
        return out

    def empty_like(self, x: np.ndarray, dtype=None) -> np.ndarray:
        """``np.empty_like(x, dtype)``: the same shape and the same memory order of axes as ``x``."""
        return self.empty(x.shape, x.dtype if dtype is None else dtype, memory_order(x))


def _relu_max(ws: Buffers):
    def maximum(a, b):
        # ReLU's forward, max(x, 0): a result of x's dtype and layout (a Python number leaves both to x).
        if isinstance(a, np.ndarray) and isinstance(b, (int, float)) and a.dtype.kind == "f":
            return np.maximum(a, b, out=ws.empty_like(a))
        return np.maximum(a, b)

    return maximum


def namespace(ws: Buffers) -> SimpleNamespace:
    """:data:`nabla.engine.backend.numpy_ns` with the kernels that take ``ws`` bound to it: what the lines of
    the primitives in :data:`POOLED` run on in a replay."""
    kernels = ("conv", "conv_input_grad", "conv_kernel_grad", "max_pool", "max_pool_grad", "relu_max_pool_grad", "keep")
    bound = {name: functools.partial(getattr(backend.numpy_ns, name), ws=ws) for name in kernels}
    return SimpleNamespace(**{**vars(backend.numpy_ns), **bound, "maximum": _relu_max(ws)})


# The primitives whose forward and gradient lines run on :func:`namespace` in a replay: those whose large
# arrays come from the kernels above (and ReLU's np.maximum), and that do not ask whether ``xp`` is NumPy's.
POOLED = frozenset(
    {"conv2d", "conv2d_relu", "relu", "max_pool", "max_pool_nhwc", "relu_max_pool", "conv2d_relu_max_pool"}
)
