"""Many arrays as one contiguous buffer per dtype, so that a collective moves them all in one call.

Calling MPI once per parameter costs one latency per parameter (tens of microseconds each, and a
ResNet has hundreds); one flat buffer costs one. Horovod fuses tensors the same way ("tensor
fusion"); PyTorch's DistributedDataParallel fills 25 MB "buckets".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np


class FlatLayout:
    """Where each of a list of arrays sits in one buffer per dtype.

    Args:
        shapes: the arrays' shapes.
        dtypes: their dtypes; arrays of one dtype share a buffer (usually there is one).

    Attributes:
        groups: ``{dtype: [(index, start, stop), ...]}``, the slices of each array in its buffer.
        sizes: ``{dtype: total number of elements}``.
    """

    def __init__(self, shapes: Sequence[tuple], dtypes: Sequence[np.dtype]):
        self.shapes = [tuple(s) for s in shapes]
        self.groups: dict[np.dtype, list[tuple[int, int, int]]] = {}
        self.sizes: dict[np.dtype, int] = {}
        for i, (shape, dtype) in enumerate(zip(self.shapes, dtypes)):
            dtype = np.dtype(dtype)
            start = self.sizes.get(dtype, 0)
            stop = start + int(np.prod(shape, dtype=np.int64))
            self.groups.setdefault(dtype, []).append((i, start, stop))
            self.sizes[dtype] = stop

    def pack(self, arrays: Sequence[np.ndarray], extra: int = 0) -> dict[np.dtype, np.ndarray]:
        """One buffer per dtype holding the arrays (and ``extra`` spare elements at the end of each)."""
        buffers = {}
        for dtype, entries in self.groups.items():
            buf = np.empty(self.sizes[dtype] + extra, dtype)
            for i, start, stop in entries:
                buf[start:stop] = arrays[i].reshape(-1)
            buffers[dtype] = buf
        return buffers

    def empty(self, extra: int = 0) -> dict[np.dtype, np.ndarray]:
        """Buffers to receive into."""
        return {dtype: np.empty(size + extra, dtype) for dtype, size in self.sizes.items()}

    def unpack(self, buffers: dict[np.dtype, np.ndarray], put: Callable[[int, np.ndarray], None]) -> None:
        """Call ``put(index, array)`` with each array's slice of the buffers, in its shape (a view)."""
        for dtype, entries in self.groups.items():
            buf = buffers[dtype]
            for i, start, stop in entries:
                put(i, buf[start:stop].reshape(self.shapes[i]))
