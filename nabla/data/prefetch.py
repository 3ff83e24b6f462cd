"""Reading ahead: the next batches are produced in a background thread while the current one trains.

Reading a batch from disk waits on the file system (``pread`` releases the GIL) and gathering rows
is a NumPy copy (which releases it for plain dtypes), so a thread overlaps them with the training
step's NumPy work. A bounded queue holds at most ``depth`` ready batches, which bounds the memory.
An exception in the thread is raised in the consumer at the batch where it happened; stopping
early (``break``) stops the thread.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator

__all__ = ["Prefetcher"]

_END = object()


class _Failure:
    def __init__(self, error: BaseException):
        self.error = error


class Prefetcher:
    """Iterate over ``source`` with up to ``depth`` items produced ahead, in a background thread.

    The thread starts at once (when the loader's ``iter()`` is called), so the first batch is
    being read while the caller gets ready.

    Example::

        >>> for xb, yb in Prefetcher(iter(loader_without_prefetch), depth=2):
        ...     train_step(xb, yb)
    """

    def __init__(self, source: Iterator, depth: int = 2):
        if depth < 1:
            raise ValueError(f"Prefetcher: depth must be >= 1, got {depth}")
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._done = False
        self._thread = threading.Thread(target=self._produce, args=(source,), name="nabla-prefetch", daemon=True)
        self._thread.start()

    def _put(self, item) -> bool:
        """Put ``item`` unless asked to stop; whether it was put."""
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def _produce(self, source: Iterator) -> None:
        try:
            for item in source:
                if not self._put(item):
                    return
            self._put(_END)
        except BaseException as e:  # noqa: BLE001 - handed to the consumer, raised there
            self._put(_Failure(e))
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()

    def __iter__(self) -> Prefetcher:
        return self

    def __next__(self):
        if self._done:
            raise StopIteration
        item = self._queue.get()
        if item is _END:
            self.close()
            raise StopIteration
        if isinstance(item, _Failure):
            self.close()
            raise item.error
        return item

    def close(self) -> None:
        """Stop the thread and drop the batches read ahead."""
        self._done = True
        self._stop.set()
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=10)

    def __del__(self):
        if not self._done:
            self._stop.set()
