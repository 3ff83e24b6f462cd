"""``tf.queue``: TensorFlow's queues (``FIFOQueue``, ``PaddingFIFOQueue``, ``RandomShuffleQueue``,
``PriorityQueue``), eagerly, in one Python process.

An element of a queue is a tuple of *components*, one per dtype in ``dtypes`` (each with its shape in
``shapes``, when given). ``enqueue(vals)`` adds one element: ``vals`` is a list or tuple of components, a single
value when there is one component, or a dict keyed by ``names`` when the queue has names. ``enqueue_many(vals)``
adds ``n`` elements, each component given as a tensor whose first axis has length ``n``. ``dequeue()`` returns
one element (a tensor for one component, a list of tensors, or a dict with ``names``); ``dequeue_many(n)``
returns ``n`` elements stacked along a new first axis (so the components need fully defined ``shapes``);
``dequeue_up_to(n)`` is ``dequeue_many`` that returns fewer once the queue is closed. Géron's chapter 12::

    q = tf.queue.FIFOQueue(3, [tf.int32, tf.string], shapes=[(), ()])
    q.enqueue([10, b"windy"])
    q.enqueue_many([[13, 16], [b"cloudy", b"rainy"]])
    q.dequeue_many(3)  # [<int32 [10, 13, 16]>, <string [b"windy", b"cloudy", b"rainy"]>]

Waiting: in TensorFlow a dequeue from a queue without enough elements (and an enqueue into a full one) blocks
until another thread enqueues (dequeues) or closes the queue; a single eager program then waits forever.
nabla's queues never wait: they raise ``tf.errors.DeadlineExceededError`` at once, saying what is missing,
and change nothing. Once ``close()`` is called, dequeues take what is left and then raise
``tf.errors.OutOfRangeError`` (as TensorFlow's), and enqueues raise ``tf.errors.CancelledError``.

Components are converted as ``tf.convert_to_tensor(value, dtype)`` (so ``1`` goes into a float32 queue and
``"a"`` does not). One difference from TensorFlow: an ``enqueue`` with more components than ``dtypes`` is
refused (TensorFlow drops the extra ones silently). No gradient flows through a queue (none does in TF).
"""

from __future__ import annotations

import numpy as np

from . import dtypes as _dtypes
from ._convert import convert_to_tensor
from ._missing import missing
from .data.structure import as_tensor
from .errors import CancelledError, DeadlineExceededError, InvalidArgumentError, OutOfRangeError
from .string_tensor import StringTensor
from .tensor_shape import TensorShape


def _shape_list(shapes, count: int) -> list[TensorShape]:
    """``shapes`` (None, one shape when ``count`` is 1, or one per component) as TensorShapes."""
    if shapes is None:
        return [TensorShape(None) for _ in range(count)]
    shapes = list(shapes)
    if count == 1 and all(d is None or isinstance(d, (int, np.integer)) for d in shapes) and shapes:
        shapes = [shapes]  # (one component's shape, given bare: shapes=(2,))
    if len(shapes) != count:
        raise InvalidArgumentError(None, None, f"queue: {len(shapes)} shapes given for {count} dtypes; give one "
                                   "shape per component")  # fmt: skip
    return [s if isinstance(s, TensorShape) else TensorShape(s) for s in shapes]


def _array(tensor) -> np.ndarray:
    return tensor._data if isinstance(tensor, StringTensor) else np.asarray(tensor.numpy())


class QueueBase:
    """What the queues share: a list of elements, each a list of NumPy arrays (one per component); subclasses
    choose which elements a dequeue takes (:meth:`_take`) and how they are stacked (:meth:`_stack`)."""

    _kind = "Queue"

    def __init__(self, capacity: int, dtypes, shapes=None, names=None, name: str | None = None):
        dtypes = list(dtypes) if isinstance(dtypes, (list, tuple)) else [dtypes]
        self._dtypes = [_dtypes.as_dtype(d) for d in dtypes]
        self._shapes = _shape_list(shapes, len(self._dtypes))
        if names is not None:
            names = list(names) if isinstance(names, (list, tuple)) else [names]
            if len(names) != len(self._dtypes):
                raise ValueError(f"{self._kind}: {len(names)} names given for {len(self._dtypes)} dtypes; give one "
                                 "name per component")  # fmt: skip
        self._names = names
        self._capacity = int(capacity) if capacity is not None and int(capacity) >= 0 else None  # None: unbounded
        self._name = name or type(self)._kind.lower()
        self._elements: list[list[np.ndarray]] = []
        self._closed = False

    dtypes = property(lambda self: list(self._dtypes), doc="The dtype of each component.")
    shapes = property(lambda self: list(self._shapes), doc="The shape of each component (unknown if not given).")
    names = property(lambda self: self._names, doc="The names of the components, or None.")
    name = property(lambda self: self._name, doc="The queue's name.")

    # -- enqueue

    def _components(self, vals) -> list:
        """``vals`` as a list of tensors, one per component (TensorFlow's rules for lists, dicts, single values)."""
        if isinstance(vals, dict):
            if not self._names:
                raise ValueError("Queue must have names to enqueue a dictionary")
            if sorted(map(str, vals)) != sorted(map(str, self._names)):
                raise ValueError(f"{self._kind}: the dictionary's keys {sorted(vals)} are not the queue's names "
                                 f"{sorted(self._names)}")  # fmt: skip
            vals = [vals[k] for k in self._names]
        elif self._names:
            raise ValueError(f"You must enqueue a dictionary in a Queue with names (here {self._names})")
        elif not isinstance(vals, (list, tuple)):
            vals = [vals]
        if len(vals) != len(self._dtypes):
            raise InvalidArgumentError(None, None, f"{self._kind}: {len(vals)} components given for a queue of "
                                       f"{len(self._dtypes)} ({', '.join(d.name for d in self._dtypes)})")  # fmt: skip
        return [convert_to_tensor(v, dtype=d) for v, d in zip(vals, self._dtypes)]

    def _check_shape(self, i: int, shape: tuple) -> None:
        if not self._shapes[i].is_compatible_with(TensorShape(shape)):
            raise ValueError(f"Shapes {shape} and {tuple(self._shapes[i])} are incompatible: component {i} of "
                             f"{self._kind} has shape {tuple(self._shapes[i])}")  # fmt: skip

    def _add(self, elements: list[list[np.ndarray]]) -> None:
        if self._closed:
            raise CancelledError(None, None, f"{self._kind} '{self._name}' is closed: nothing can be enqueued")
        if self._capacity is not None and len(self._elements) + len(elements) > self._capacity:
            raise DeadlineExceededError(None, None, f"{self._kind} '{self._name}' holds {len(self._elements)} of "
                                        f"{self._capacity} elements: enqueuing {len(elements)} would wait forever "
                                        "in TensorFlow (nothing dequeues meanwhile); dequeue first or raise the "
                                        "capacity")  # fmt: skip
        self._elements.extend(elements)

    def enqueue(self, vals, name=None) -> None:
        """Adds one element (see the module's documentation for the forms of ``vals``)."""
        parts = [_array(t) for t in self._components(vals)]
        for i, part in enumerate(parts):
            self._check_shape(i, part.shape)
        self._add([parts])

    def enqueue_many(self, vals, name=None) -> None:
        """Adds ``n`` elements: every component's first axis has length ``n`` and is split along it."""
        parts = [_array(t) for t in self._components(vals)]
        for i, part in enumerate(parts):
            if part.ndim == 0:
                raise ValueError(f"Shape () must have rank at least 1: enqueue_many splits component {i} along "
                                 "its first axis (enqueue adds one element)")  # fmt: skip
            if len(part) != len(parts[0]):
                raise ValueError(f"Dimensions {len(parts[0])} and {len(part)} are not compatible: enqueue_many "
                                 "takes the same number of elements in every component")  # fmt: skip
            self._check_shape(i, part.shape[1:])
        count = len(parts[0]) if parts else 0
        self._add([[np.asarray(part[j], dtype=part.dtype) for part in parts] for j in range(count)])

    # -- dequeue

    def _available(self) -> int:
        """How many elements a dequeue may take now (a RandomShuffleQueue keeps some back until closed)."""
        return len(self._elements)

    def _take(self, n: int) -> list[list[np.ndarray]]:
        """Removes and returns the next ``n`` elements (FIFO order)."""
        taken, self._elements = self._elements[:n], self._elements[n:]
        return taken

    def _stack(self, i: int, parts: list[np.ndarray]) -> np.ndarray:
        return np.stack(parts) if parts else np.zeros((0, *self._shapes[i].as_list()), dtype=self._numpy_dtype(i))

    def _numpy_dtype(self, i: int):
        return object if self._dtypes[i] is _dtypes.string else self._dtypes[i].as_numpy_dtype

    def _result(self, parts: list[np.ndarray]):
        tensors = [as_tensor(np.asarray(p, dtype=self._numpy_dtype(i))) for i, p in enumerate(parts)]
        if self._names:
            return dict(zip(self._names, tensors))
        return tensors[0] if len(tensors) == 1 else tensors

    def _wait_error(self, n: int, who: str) -> Exception:
        if self._closed:
            return OutOfRangeError(None, None, f"{self._kind} '{self._name}' is closed and has insufficient "
                                   f"elements (requested {n}, current size {len(self._elements)})")  # fmt: skip
        return DeadlineExceededError(None, None, f"{self._kind}.{who}({n}): {self._available()} elements can be "
                                     "dequeued now, and TensorFlow would wait forever for more; enqueue more, or "
                                     "close() the queue to take what is left")  # fmt: skip

    def _needs_shapes(self, who: str) -> None:
        if not all(s.is_fully_defined() for s in self._shapes):
            raise InvalidArgumentError(None, None, f"{self._kind}.{who} requires the components to have specified "
                                       f"shapes (got {[str(s) for s in self._shapes]}): pass shapes=")  # fmt: skip

    def dequeue(self, name=None):
        """Removes and returns one element; see the module's documentation for an empty queue."""
        if self._available() < 1:
            raise self._wait_error(1, "dequeue")
        return self._result(self._take(1)[0])

    def dequeue_many(self, n: int, name=None):
        """Removes ``n`` elements and returns them stacked: each component gets a first axis of length ``n``."""
        return self._dequeue_stacked(int(n), "dequeue_many")

    def dequeue_up_to(self, n: int, name=None):
        """``dequeue_many(n)``, except that a closed queue gives what it has left (at least one element)."""
        n = int(n)
        if self._closed and 0 < len(self._elements) < n:  # (n < 0 is refused by _dequeue_stacked)
            n = len(self._elements)
        return self._dequeue_stacked(n, "dequeue_up_to")

    def _dequeue_stacked(self, n: int, who: str):
        if n < 0:  # (a negative n would slice the list from its end)
            raise InvalidArgumentError(None, None, f"{self._kind}.{who}: requested {n} < 0 elements; ask for 0 or more")
        self._needs_shapes(who)
        if self._available() < n:
            raise self._wait_error(n, who)
        taken = self._take(n)
        return self._result([self._stack(i, [e[i] for e in taken]) for i in range(len(self._dtypes))])

    # -- state

    def size(self, name=None):
        """The number of elements in the queue: an int32 scalar tensor."""
        return convert_to_tensor(np.int32(len(self._elements)))

    def close(self, cancel_pending_enqueues: bool = False, name=None) -> None:
        """Closes the queue: no more enqueues; dequeues drain it, then raise ``tf.errors.OutOfRangeError``.
        Closing twice raises ``tf.errors.CancelledError``, as TensorFlow."""
        if self._closed:
            raise CancelledError(None, None, f"{self._kind} '{self._name}' is already closed")
        self._closed = True

    def is_closed(self, name=None):
        """Whether :meth:`close` was called: a bool scalar tensor."""
        return convert_to_tensor(np.bool_(self._closed))


class FIFOQueue(QueueBase):
    """``tf.queue.FIFOQueue(capacity, dtypes, shapes=None, names=None)``: elements come out in the order they went
    in. ``capacity`` < 0 is unbounded; ``shapes`` must be fully defined (``dequeue_many`` needs them)."""

    _kind = "FIFOQueue"

    def __init__(self, capacity: int, dtypes, shapes=None, names=None, shared_name=None, name: str = "fifo_queue"):
        super().__init__(capacity, dtypes, shapes, names, name)
        if shapes is not None and not all(s.is_fully_defined() for s in self._shapes):
            raise ValueError(f"All shapes must be fully defined: {self._shapes}; PaddingFIFOQueue takes None")


class PaddingFIFOQueue(QueueBase):
    """``tf.queue.PaddingFIFOQueue(capacity, dtypes, shapes, names=None)``: a FIFO queue whose ``shapes`` may
    have None dimensions; ``dequeue_many`` pads each component to the longest of the batch along them, with 0
    (``b""`` for strings). ``dequeue`` returns an element unpadded."""

    _kind = "PaddingFIFOQueue"

    def __init__(self, capacity: int, dtypes, shapes, names=None, shared_name=None,
                 name: str = "padding_fifo_queue"):  # fmt: skip
        super().__init__(capacity, dtypes, shapes, names, name)
        for i, s in enumerate(self._shapes):
            if s.rank is None:
                raise ValueError(f"PaddingFIFOQueue: shape {i} has unknown rank; give its rank with None "
                                 "dimensions: shapes=[(None,)]")  # fmt: skip

    def _needs_shapes(self, who: str) -> None:
        return  # (unknown dimensions are padded)

    def _stack(self, i: int, parts: list[np.ndarray]) -> np.ndarray:
        dims = [d if d is not None else 0 for d in self._shapes[i].as_list()]
        if parts:
            dims = list(np.max([p.shape for p in parts], axis=0)) if parts[0].ndim else []
        out = np.full((len(parts), *dims), b"" if self._dtypes[i] is _dtypes.string else 0, self._numpy_dtype(i))
        for j, p in enumerate(parts):
            out[(j, *(slice(0, d) for d in p.shape))] = p if p.ndim else p[()]
        return out


class RandomShuffleQueue(QueueBase):
    """``tf.queue.RandomShuffleQueue(capacity, min_after_dequeue, dtypes, shapes=None, names=None, seed=None)``:
    each dequeue takes an element at random (NumPy's generator, seeded by ``seed``: the order differs from
    TensorFlow's), and leaves at least ``min_after_dequeue`` elements in the queue until it is closed."""

    _kind = "RandomShuffleQueue"

    def __init__(self, capacity: int, min_after_dequeue: int, dtypes, shapes=None, names=None, seed=None,
                 shared_name=None, name: str = "random_shuffle_queue"):  # fmt: skip
        super().__init__(capacity, dtypes, shapes, names, name)
        self._min_after_dequeue = int(min_after_dequeue)
        self._rng = np.random.default_rng(seed)

    def _available(self) -> int:
        if self._closed:
            return len(self._elements)
        return max(len(self._elements) - self._min_after_dequeue, 0)

    def _take(self, n: int) -> list[list[np.ndarray]]:
        return [self._elements.pop(int(self._rng.integers(len(self._elements)))) for _ in range(n)]


class PriorityQueue(QueueBase):
    """``tf.queue.PriorityQueue(capacity, types, shapes=None, names=None)``: every element starts with an int64
    priority (a component before ``types``; ``dtypes`` and ``shapes`` list it first) and the smallest priority
    comes out first; equal priorities come out in the order they went in (TensorFlow leaves that order open)."""

    _kind = "PriorityQueue"

    def __init__(self, capacity: int, types, shapes=None, names=None, shared_name=None,
                 name: str = "priority_queue"):  # fmt: skip
        types = list(types) if isinstance(types, (list, tuple)) else [types]
        shapes = None if shapes is None else [(), *_shape_list(shapes, len(types))]
        super().__init__(capacity, [_dtypes.int64, *types], shapes, names, name)

    def _add(self, elements: list[list[np.ndarray]]) -> None:
        super()._add(elements)
        self._elements.sort(key=lambda element: int(element[0]))  # (a stable sort: FIFO among equal priorities)


def __getattr__(name: str):
    raise missing("tf.queue", name)
