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

import warnings
from collections.abc import Callable, Iterator

import numpy as np

from .. import _made_up
from .._recording import suspended
from .node import UNKNOWN, Node, Passthrough
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

    def _inner(self, leaves) -> Node:
        inner = call(self.function, self.source.template(), leaves)
        node = getattr(inner, "_node", None)
        if not isinstance(node, Node):
            raise TypeError(f"flat_map's function must return a tf.data.Dataset, got {type(inner).__name__}")
        return node

    def elements(self) -> Iterator[tuple]:
        for element in self.source.elements():
            yield from self._inner(element).elements()

    def _spec(self) -> Spec:
        return traced(self.source, lambda leaves: self._inner(leaves).spec())

    def cardinality(self) -> int:
        return UNKNOWN
