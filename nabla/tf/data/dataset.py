"""``tf.data.Dataset``: an input pipeline, built by chaining transformations, iterated in Python.

Example (TensorFlow's "quickstart for experts")::

    train_ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(10000).batch(32)
    for images, labels in train_ds:      # each epoch: a new order, batches of 32 (the last smaller)
        train_step(images, labels)       # images: tf.Tensor (32, 28, 28, 1), labels: tf.Tensor (32,)

A dataset is a chain of stages (``node``, one module per family: ``sources``, ``batching``, ``shuffling``,
``functions``, ``slicing``, ``combining``, ``caching``, ``windowing``); each method returns a new dataset over the old
one, nothing is read until the dataset is iterated, and every iteration is a new pass from the start
(``for`` over it once per epoch). Elements are ``tf.Tensor``, nested in tuples and dicts as they were
given (``structure``). The elements, their order and their counts are TensorFlow's; the stages run in
the caller's thread, one element after another: ``num_parallel_calls``, ``tf.data.AUTOTUNE``,
``prefetch`` and ``deterministic`` are accepted and change nothing but speed in TensorFlow, and nothing
here.

What TensorFlow's ``Dataset`` has and this one does not (``group_by_window``, files...) raises an
``AttributeError`` naming an alternative (see docs/tf.md).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import numpy as np

from .._convert import constant
from .._engine import refuse_in_capture
from .._missing import missing
from ..errors import InvalidArgumentError, OutOfRangeError
from . import batching, caching, combining, functions, generators, sampling, shuffling, slicing, sources, windowing
from .node import INFINITE, UNKNOWN, Node
from .structure import UNSET, as_numpy, as_tensors


class _RefusingType(type):
    """``Dataset.group_by_window`` (a name TensorFlow's class has and this one lacks) raises and says why."""

    def __getattr__(cls, name):
        raise missing("tf.data.Dataset", name)


class Dataset(metaclass=_RefusingType):
    """A pipeline of elements (see the module's documentation). Make one with :meth:`from_tensor_slices`,
    :meth:`from_tensors`, :meth:`from_generator`, :meth:`range` or :meth:`zip`, or draw from several with
    :meth:`sample_from_datasets` and :meth:`choose_from_datasets`."""

    def __init__(self, node: Node):
        self._node = node

    def __getattr__(self, name):
        raise missing("tf.data.Dataset", name)

    # --- where pipelines start -------------------------------------------------------------------

    @staticmethod
    def from_tensor_slices(tensors, name=None) -> Dataset:
        """The rows of ``tensors`` (a tensor, an array, a list, or a tuple or dict of them sliced together along
        their first axis): ``from_tensor_slices((x, y))`` gives ``(x[i], y[i])``. A list is one tensor (a tuple
        nests). Python data takes TensorFlow's dtypes (floats float32, ints int32); arrays keep theirs."""
        return Dataset(sources.TensorSlices(tensors))

    @staticmethod
    def from_tensors(tensors, name=None) -> Dataset:
        """One element: ``tensors`` whole."""
        return Dataset(sources.Tensors(tensors))

    @staticmethod
    def from_generator(generator: Callable, output_types=None, output_shapes=None, args=None, output_signature=None,
                       name=None) -> Dataset:  # fmt: skip
        """The values ``generator(*args)`` yields, a new call at each pass, converted to ``output_signature`` (nested
        ``tf.TensorSpec``\\ s; or ``output_types`` with ``output_shapes``), which is the ``element_spec``; the count is
        unknown. See :mod:`nabla.tf.data.generators`."""
        return Dataset(generators.Generator(generator, generators.signature(output_signature, output_types,
                                                                            output_shapes), args))  # fmt: skip

    @staticmethod
    def range(*args, output_type=np.int64, name=None) -> Dataset:
        """``range(stop)``, ``range(start, stop[, step])``: int64 scalars, as Python's ``range``."""
        return Dataset(sources.Range(*args, dtype=output_type))

    @staticmethod
    def list_files(file_pattern, shuffle=None, seed=None, name=None) -> Dataset:
        """The names of the files matching ``file_pattern`` (a glob or a list of them), as ``tf.string`` scalars:
        every pattern's matches, all sorted together (as TensorFlow's ``matching_files``), then shuffled when
        ``shuffle`` (True by default) with ``seed``; shuffled orders are nabla's, not TensorFlow's. No match
        raises ``InvalidArgumentError`` ("No files matched pattern"), as TensorFlow, here when it is called."""
        from .readers import matching_files

        names = Dataset(sources.TensorSlices(matching_files(file_pattern)))
        return names.shuffle(len(names), seed=seed) if shuffle is None or shuffle else names

    @staticmethod
    def zip(*args, datasets=None, name=None) -> Dataset:
        """``Dataset.zip((a, b))`` or ``Dataset.zip(a, b)``: elements ``(a_i, b_i)`` until the shortest ends; a
        dict of datasets gives dicts. (A static method, as in TensorFlow: ``a.zip(b)`` is ``Dataset.zip(b)``.)"""
        structure = datasets if datasets is not None else (args[0] if len(args) == 1 else args)
        return Dataset(combining.Zip(*combining.zipped_nodes(structure)))

    @staticmethod
    def sample_from_datasets(datasets, weights=None, seed=None, stop_on_empty_dataset=False,
                             rerandomize_each_iteration=None) -> Dataset:  # fmt: skip
        """Each element from one of ``datasets``, drawn with probabilities ``weights`` (equal by default): the
        "imbalanced data" tutorial's balanced classes. See :mod:`nabla.tf.data.sampling` for what happens when
        one runs out, and for the seeds."""
        return Dataset(sampling.Sample(datasets, weights, seed, stop_on_empty_dataset, rerandomize_each_iteration))

    @staticmethod
    def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=True) -> Dataset:
        """Element ``i`` from ``datasets[c]``, ``c`` the ``i``-th element of ``choice_dataset`` (int64 scalars)."""
        return Dataset(sampling.Choose(datasets, choice_dataset, stop_on_empty_dataset))

    # --- iteration -------------------------------------------------------------------------------

    def __iter__(self) -> OwnedIterator:
        return OwnedIterator(self)

    def as_numpy_iterator(self) -> Iterator:
        """The elements as NumPy arrays (NumPy scalars for scalars), in their structure."""
        iterator = OwnedIterator(self)
        return (as_numpy(iterator.template(), leaves) for leaves in iterator._elements)

    @property
    def element_spec(self):
        """What each element is: a :class:`~nabla.tf.TensorSpec` per tensor (``None`` for a dimension that
        varies: the batch axis of ``batch`` without ``drop_remainder``), in the element's structure."""
        return self._node.spec().element_spec()

    def cardinality(self):
        """How many elements: an int64 scalar tensor, ``tf.data.INFINITE_CARDINALITY`` (-1) after ``repeat()``,
        ``tf.data.UNKNOWN_CARDINALITY`` (-2) after ``filter``. Nothing is read to count."""
        return constant(np.int64(self._node.cardinality()))

    def __len__(self) -> int:
        """The number of elements; ``TypeError`` for an infinite dataset or one of unknown length, as TensorFlow."""
        n = self._node.cardinality()
        if n == INFINITE:
            raise TypeError("The dataset is infinite.")
        if n == UNKNOWN:
            raise TypeError("The dataset length is unknown.")
        return n

    def __bool__(self) -> bool:
        return True  # (a dataset is never false, even empty, as in TensorFlow; len() would count it)

    def __repr__(self) -> str:
        return f"<{self._node.name} element_spec={self.element_spec}>"

    # --- transformations -------------------------------------------------------------------------

    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None, deterministic=None, name=None):
        """Consecutive elements stacked into batches of ``batch_size`` along a new first axis; the last one is
        smaller unless ``drop_remainder=True`` drops it."""
        return Dataset(batching.Batch(self._node, batch_size, drop_remainder))

    def padded_batch(self, batch_size, padded_shapes=None, padding_values=None, drop_remainder=False, name=None):
        """Batches of elements padded at the end of each axis to ``padded_shapes`` (the longest in the batch
        where a dimension is None or -1, and everywhere by default) with ``padding_values`` (0 by default)."""
        return Dataset(batching.PaddedBatch(self._node, batch_size, padded_shapes, padding_values, drop_remainder))

    def ragged_batch(self, batch_size, drop_remainder=False, row_splits_dtype=None, name=None):
        """Batches of 1-D elements of different lengths, each a ``tf.RaggedTensor`` of its elements unpadded
        (``.numpy()`` or ``.to_tensor()`` makes them rectangular)."""
        return Dataset(batching.RaggedBatch(self._node, batch_size, drop_remainder))

    def window(self, size, shift=None, stride=1, drop_remainder=False, name=None):
        """Windows of ``size`` elements, every ``shift``-th element (``size`` by default) starting one, their
        elements ``stride`` apart; each window is a dataset (see :mod:`nabla.tf.data.windowing`)."""
        return Dataset(windowing.Window(self._node, size, shift, stride, drop_remainder, Dataset))

    def unbatch(self, name=None):
        """Each element split into its rows along the first axis (undoes ``batch``)."""
        return Dataset(batching.Unbatch(self._node))

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=True, name=None):
        """Elements in random order, through a buffer of ``buffer_size`` sampled uniformly (see
        :mod:`nabla.tf.data.shuffling` for the buffer and the seeds); a new order at every pass by default."""
        return Dataset(shuffling.Shuffle(self._node, buffer_size, seed, reshuffle_each_iteration))

    def map(self, map_func: Callable, num_parallel_calls=None, deterministic=None, name=None):
        """``map_func`` applied to each element (a tuple's parts as its arguments); ``num_parallel_calls``
        (``tf.data.AUTOTUNE`` too) is accepted and the calls run serially, in order (see
        :mod:`nabla.tf.data.functions`)."""
        return Dataset(functions.Map(self._node, map_func, parallel=num_parallel_calls is not None))

    def filter(self, predicate: Callable, name=None):
        """The elements for which ``predicate`` (a tuple's parts as its arguments) returns True."""
        return Dataset(functions.Filter(self._node, predicate))

    def flat_map(self, map_func: Callable, name=None):
        """The elements of the datasets ``map_func`` returns, one dataset after another."""
        return Dataset(functions.FlatMap(self._node, map_func))

    def interleave(
        self,
        map_func: Callable,
        cycle_length=None,
        block_length=None,
        num_parallel_calls=None,
        deterministic=None,
        name=None,
    ):
        """The elements of the datasets ``map_func`` returns, ``cycle_length`` of them read in turn,
        ``block_length`` (default 1) elements at a time, in TensorFlow's deterministic order (see
        :class:`~nabla.tf.data.functions.Interleave`). ``cycle_length=None`` or ``tf.data.AUTOTUNE`` is what
        TensorFlow chooses (from the number of CPU cores and ``num_parallel_calls``); ``num_parallel_calls`` is
        accepted (the calls run serially) and, as in TensorFlow, may not exceed a fixed ``cycle_length``."""
        return Dataset(functions.Interleave(self._node, map_func, cycle_length, block_length, num_parallel_calls))

    def take(self, count, name=None):
        """The first ``count`` elements (all when -1)."""
        return Dataset(slicing.Take(self._node, count))

    def skip(self, count, name=None):
        """All but the first ``count`` elements."""
        return Dataset(slicing.Skip(self._node, count))

    def repeat(self, count=None, name=None):
        """``count`` passes one after another (forever by default); a shuffle below reshuffles at each pass."""
        return Dataset(slicing.Repeat(self._node, count))

    def shard(self, num_shards, index, name=None):
        """Every ``num_shards``-th element, from the ``index``-th."""
        return Dataset(slicing.Shard(self._node, num_shards, index))

    def concatenate(self, dataset: Dataset, name=None):
        """This dataset's elements, then ``dataset``'s (same structure and dtypes)."""
        return Dataset(combining.Concatenate(self._node, dataset._node))

    def enumerate(self, start=0, name=None):
        """Elements ``(i, element)``, ``i`` an int64 counter from ``start``."""
        return Dataset(combining.Enumerate(self._node, start))

    def cache(self, filename="", name=None):
        """The first complete pass kept in memory and replayed at later passes (see
        :class:`~nabla.tf.data.caching.Cache`)."""
        return Dataset(caching.Cache(self._node, filename))

    def prefetch(self, buffer_size, name=None):
        """Accepted (``tf.data.AUTOTUNE`` too): elements are made when the loop asks for them."""
        return Dataset(caching.Prefetch(self._node))

    def apply(self, transformation_func: Callable):
        """``transformation_func(self)``: a transformation written as a function of a dataset."""
        return transformation_func(self)

    def with_options(self, options, name=None):
        """Accepted and ignored: options tune TensorFlow's runtime, which nabla's pipelines do not have."""
        return self

    # --- reading ---------------------------------------------------------------------------------

    def reduce(self, initial_state, reduce_func: Callable):
        """``reduce_func(state, element)`` folded over the elements from ``initial_state``; the final state."""
        state = as_tensors(*functions.converted(initial_state))
        for element in self:
            state = as_tensors(*functions.converted(functions.run(reduce_func, state, element)))
        return state

    def get_single_element(self, name=None):
        """The one element of a dataset that has exactly one (``InvalidArgumentError`` otherwise)."""
        elements = list(itertools.islice(self, 2))
        if len(elements) != 1:
            raise InvalidArgumentError(f"Dataset had {'no' if not elements else 'more than one'} element(s)")
        return elements[0]


class OwnedIterator:
    """``iter(dataset)``: one pass over its elements (``next(it)``, ``it.get_next()``)."""

    def __init__(self, dataset: Dataset):
        # Inside tf.function: a replay would not make the elements again (the function then runs as it is).
        refuse_in_capture("iterates a tf.data dataset", "iterate outside tf.function and pass it the batches")
        self._node, self._template = dataset._node, UNSET
        self._elements = dataset._node.elements()

    @property
    def element_spec(self):
        return self._node.spec().element_spec()

    def __iter__(self) -> OwnedIterator:
        return self

    def template(self) -> object:
        """The elements' structure, asked once the first element was made (see Node.template)."""
        if self._template is UNSET:
            self._template = self._node.template()
        return self._template

    def __next__(self):
        leaves = next(self._elements)
        return as_tensors(self.template(), leaves)

    def get_next(self):
        """The next element; ``OutOfRangeError`` at the end, as TensorFlow."""
        try:
            return next(self)
        except StopIteration:
            raise OutOfRangeError("End of sequence") from None
