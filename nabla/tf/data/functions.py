"""Pipeline stages that run the user's functions on each element: ``map``, ``filter``, ``flat_map``.

The function receives the element's leaves as ``tf.Tensor``: a tuple is unpacked into arguments
(``ds.map(lambda x, y: ...)`` on ``(x, y)`` elements), anything else (a tensor, a dict, a named tuple)
is one argument, as in TensorFlow. It may return tensors, NumPy arrays or Python numbers (converted by
``tf.constant``'s rules), in tuples or dicts; a list is taken as a tuple.

TensorFlow traces the function into a graph once and runs the graph on every element; nabla runs the
Python function on every element (so a ``print`` inside prints each time, and ``.numpy()`` works).
``num_parallel_calls`` (``tf.data.AUTOTUNE`` too) and ``deterministic`` are accepted and the function
runs serially, in order. No ``GradientTape`` records what the function computes.

``element_spec`` of a mapped dataset is worked out as TensorFlow's tracing does, without reading data:
the function runs on an element of zeros and one of ones, shaped like its input's elements with their
unknown dimensions at 1 and at 2: a dimension of the result that differs between the two (it follows an
unknown one, or the values, as ``tf.range(x)``) is unknown (None); ``t.set_shape`` there makes ``t`` fit
the shape it states, as TensorFlow's static shapes do (``nabla.tf._made_up``). If the function cannot run
on such elements, its spec is that of its result on the first element.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterator

import numpy as np

from .. import _made_up
from .._recording import suspended
from ..errors import InvalidArgumentError
from .node import AUTOTUNE, UNKNOWN, Node, Passthrough, positive
from .structure import UNSET, Spec, as_array, as_tensors, common_shape, flatten, lists_as_tuples, pack


def run(function: Callable, *args):
    """A user's function of a pipeline, which no tape records."""
    with suspended():
        return function(*args)


def call(function: Callable, template, leaves):
    """``function`` on one element, its leaves as tensors (a tuple unpacked into arguments)."""
    element = as_tensors(template, leaves)
    return run(function, *element) if type(element) is tuple else run(function, element)


def leaves_of(result) -> tuple:
    """A function's result (tensors, arrays or Python data, nested) as a flat tuple of arrays."""
    return tuple(as_array(leaf) for leaf in flatten(lists_as_tuples(result)))


def converted(result) -> tuple[object, tuple]:
    """A function's result as ``(template, leaves)``: a structure of placeholders, and arrays."""
    leaves = leaves_of(result)
    return pack(lists_as_tuples(result), [None] * len(leaves)), leaves


def _filled(spec: Spec, unknown: int, value: int) -> list[np.ndarray]:
    """An element of ``spec``'s shapes (``unknown`` for a dimension that varies), every value ``value``."""
    return [
        np.full([unknown if d is None else d for d in s], b"%d" % value if dtype.kind == "O" else value, dtype)
        for s, dtype in zip(spec.shapes, spec.dtypes)
    ]


def traced(source: Node, spec_of: Callable[[list], Spec]) -> Spec:
    """The spec of what a stage's function gives, ``spec_of(leaves)`` for one element, found without data
    where it can be (see the module's documentation)."""
    spec = source.spec()
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            with _made_up.elements():
                one, two = spec_of(_filled(spec, 1, 0)), spec_of(_filled(spec, 2, 1))
    except Exception:
        first = next(source.elements(), None)
        if first is None:
            raise ValueError(
                "the dataset is empty and its function cannot run on made-up elements: no element_spec"
            ) from None
        return spec_of(list(first))
    shapes = [common_shape(a, b) or (None,) * len(a) for a, b in zip(one.shapes, two.shapes)]
    return one.with_shapes(shapes)


class Map(Passthrough):
    """``ds.map(f)``: ``f`` applied to every element."""

    name = "_MapDataset"

    def __init__(self, source: Node, function: Callable, parallel: bool = False):
        super().__init__(source)
        if not callable(function):
            raise TypeError(f"map expects a function, got {type(function).__name__}")
        self.function = function
        self.seen = UNSET  # the structure of the function's results, once one was made
        if parallel:
            self.name = "_ParallelMapDataset"

    def elements(self) -> Iterator[tuple]:
        function, template = self.function, UNSET
        for element in self.source.elements():
            template = self.source.template() if template is UNSET else template
            result = call(function, template, element)
            if self.seen is UNSET:
                self.seen = converted(result)[0]
            yield leaves_of(result)

    def template(self) -> object:
        return self.spec().template if self.seen is UNSET else self.seen

    def _spec(self) -> Spec:
        template = self.source.spec().template
        return traced(self.source, lambda leaves: Spec.of(*converted(call(self.function, template, leaves))))


def _kept(result) -> bool:
    value = as_array(result)
    if value.dtype != np.bool_ or value.ndim != 0:
        raise ValueError(
            f"Invalid `predicate`: filter's function must return a bool scalar, got shape {value.shape} and "
            f"dtype {value.dtype}"
        )
    return bool(value)


class Filter(Passthrough):
    """``ds.filter(predicate)``: the elements for which ``predicate`` gives True (a bool scalar)."""

    name = "_FilterDataset"

    def __init__(self, source: Node, predicate: Callable):
        super().__init__(source)
        if not callable(predicate):
            raise TypeError(f"filter expects a function, got {type(predicate).__name__}")
        self.predicate = predicate

    def elements(self) -> Iterator[tuple]:
        predicate, template = self.predicate, UNSET
        for element in self.source.elements():
            template = self.source.template() if template is UNSET else template
            if _kept(call(predicate, template, element)):
                yield element

    def cardinality(self) -> int:
        return UNKNOWN


class FlatMap(Passthrough):
    """``ds.flat_map(f)``: the elements of the dataset ``f`` returns for each element, one after another."""

    name = "_FlatMapDataset"

    def __init__(self, source: Node, function: Callable):
        super().__init__(source)
        self.function = function
        self.seen = UNSET  # the structure of the returned datasets' elements, once one was made

    def _inner(self, leaves) -> Node:
        inner = call(self.function, self.source.template(), leaves)
        node = getattr(inner, "_node", None)
        if not isinstance(node, Node):
            raise TypeError(f"flat_map's function must return a tf.data.Dataset, got {type(inner).__name__}")
        return node

    def _opened(self, leaves) -> Iterator[tuple]:
        """The elements of the dataset the function returns for ``leaves``; its structure noted once."""
        node = self._inner(leaves)
        elements = node.elements()
        if self.seen is UNSET:
            self.seen = node.template()
        return elements

    def elements(self) -> Iterator[tuple]:
        for element in self.source.elements():
            yield from self._opened(element)

    def template(self) -> object:
        # The returned datasets' structure, not the input's: (x, y) pairs from a dataset of file names.
        return self.spec().template if self.seen is UNSET else self.seen

    def _spec(self) -> Spec:
        return traced(self.source, lambda leaves: self._inner(leaves).spec())

    def cardinality(self) -> int:
        return UNKNOWN


def _default_cycle(num_parallel_calls) -> int:
    """TensorFlow's ``cycle_length`` when it chooses: the CPU cores this process may run on (its
    ``MaxParallelism``); with ``num_parallel_calls`` set, at most that many, and with both autotuned, a third
    of the cores (rounded up: each slot would run a thread and prefetch for two more)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if num_parallel_calls is None:
        return cores
    return -(-cores // 3) if num_parallel_calls == AUTOTUNE else min(int(num_parallel_calls), cores)


class Interleave(FlatMap):
    """``ds.interleave(f, cycle_length, block_length)``: the datasets ``f`` returns, read ``cycle_length`` at a
    time, ``block_length`` elements from each in turn, as TensorFlow's sequential ``InterleaveDataset`` does:
    a slot whose dataset ends is refilled from the next input element when the turn comes back to it."""

    name = "_InterleaveDataset"

    def __init__(self, source: Node, function: Callable, cycle_length, block_length, num_parallel_calls):
        super().__init__(source, function)
        chosen = cycle_length is None or cycle_length == AUTOTUNE
        self.cycle_length = _default_cycle(num_parallel_calls) if chosen else positive(cycle_length, "cycle_length")
        self.block_length = 1 if block_length is None else positive(block_length, "block_length")
        if num_parallel_calls is not None:
            self.name = "_ParallelInterleaveDataset"
            if not chosen and num_parallel_calls != AUTOTUNE and num_parallel_calls > self.cycle_length:
                raise InvalidArgumentError(
                    "If `cycle_length` is set to a fixed value, `num_parallel_calls` must be either "
                    "`tf.data.AUTOTUNE` or a value less than or equal to `cycle_length`. However, "
                    f"`num_parallel_calls` is {num_parallel_calls} and `cycle_length` is {self.cycle_length}"
                )

    def elements(self) -> Iterator[tuple]:
        inputs = self.source.elements()
        slots: list[Iterator | None] = [None] * self.cycle_length
        index = opened = 0
        exhausted = False
        while not exhausted or opened:
            if slots[index] is None:
                if not exhausted:
                    element = next(inputs, None)
                    exhausted = element is None
                    if not exhausted:
                        slots[index], opened = self._opened(element), opened + 1
                        continue
                index = (index + 1) % self.cycle_length
                continue
            for _ in range(self.block_length):
                element = next(slots[index], None)
                if element is None:
                    slots[index], opened = None, opened - 1
                    break
                yield element
            index = (index + 1) % self.cycle_length
