"""The elements of a dataset: nested structures whose leaves are tensors, as ``tf.data`` nests them.

``tf.data`` nests with tuples (named tuples too) and dicts; a **list is a value**, not a structure
(``from_tensor_slices([1, 2, 3])`` slices one tensor; ``from_tensor_slices((x, y))`` slices two), and a
list returned by a ``map`` function becomes a tuple. Dict entries are flattened in the order of their
sorted keys, as ``tf.nest`` does, and rebuilt in the dict's own order.

Inside a pipeline an element is a flat tuple of NumPy arrays (its leaves, in that order; text as object
arrays of ``bytes``, TensorFlow's ``tf.string``): slicing, stacking and shuffling them costs no tensor
objects. The leaves become ``tf.Tensor`` (text a string tensor: ``nabla.tf.string_tensor``) at the pipeline's
end (:func:`as_tensors`) and where a user's function receives them (``map``, ``filter``).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping

import numpy as np

import nabla as nb

from ...keras.ragged import RaggedTensor
from .._convert import as_tf, constant
from ..string_tensor import StringTensor, text_data
from ..tensor_shape import TensorShape
from ..utilities import TensorSpec

UNSET = object()  # a structure not known yet (None is a structure: one tensor)


def is_structure(value) -> bool:
    """Whether ``value`` nests (a tuple, a named tuple, a dict) rather than being one tensor."""
    return isinstance(value, (tuple, Mapping))


def flatten(value) -> list:
    """The leaves of ``value``, depth first, dict entries by sorted key."""
    if type(value) is tuple and not any(isinstance(item, (tuple, Mapping)) for item in value):
        return list(value)  # (x, y): the common case
    if isinstance(value, Mapping):
        return [leaf for key in sorted(value) for leaf in flatten(value[key])]
    if isinstance(value, tuple):
        return [leaf for item in value for leaf in flatten(item)]
    return [value]


def pack(template, leaves) -> object:
    """``template`` (a structure, or anything for one leaf) with its leaves replaced, in order, by ``leaves``."""
    if template is None:
        return leaves[0]
    if type(template) is tuple and all(item is None for item in template):  # (x, y): the common case
        return tuple(leaves)
    return _pack(template, iter(leaves))


def _pack(template, leaves):
    if isinstance(template, Mapping):
        packed = {key: _pack(template[key], leaves) for key in sorted(template)}
        entries = ((key, packed[key]) for key in template)
        return OrderedDict(entries) if isinstance(template, OrderedDict) else dict(entries)  # (make_csv_dataset's)
    if isinstance(template, tuple):
        items = [_pack(item, leaves) for item in template]
        return type(template)(*items) if hasattr(template, "_fields") else tuple(items)
    return next(leaves)


def lists_as_tuples(value):
    """A ``map`` function's result as ``tf.data`` takes it: a list at the top is a tuple."""
    return tuple(value) if type(value) is list else value


def as_array(value) -> np.ndarray:
    """One leaf as an array with TensorFlow's dtype: a tensor's values, text as an object array of ``bytes`` (a
    string tensor's data), a NumPy array or a pandas column as it is, Python data as ``tf.constant`` converts it
    (floats to float32, ints to int32)."""
    if isinstance(value, nb.Tensor):
        return value.detach()._data
    if type(value).__name__ == "SparseTensor" and hasattr(value, "dense_shape"):
        return value  # (tf.io.VarLenFeature's, from a map function: handed out as it is)
    text = text_data(value)
    if text is not None:
        return text
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, np.generic) or (hasattr(value, "__array__") and hasattr(value, "dtype")):
        return np.asarray(value)  # (a pandas column keeps its dtype: int64, float64, as in TensorFlow)
    return constant(value)._data


def as_tensor(leaf: np.ndarray):
    """One leaf as the user sees it: a ``tf.Tensor``, or a string tensor for text (a window's leaf is a dataset,
    as it is: :mod:`.windowing`)."""
    if not isinstance(leaf, np.ndarray):
        return leaf
    return StringTensor(leaf) if leaf.dtype == object else as_tf(nb.from_numpy(leaf))


def as_tensors(template, leaves) -> object:
    """An element as the user sees it: its leaves as tensors (:func:`as_tensor`) in ``template``'s structure."""
    return pack(template, [as_tensor(leaf) for leaf in leaves])


def as_numpy(template, leaves) -> object:
    """An element as ``as_numpy_iterator`` gives it: arrays, and NumPy scalars for 0-d leaves, as TensorFlow."""
    return pack(template, [leaf.numpy() if isinstance(leaf, RaggedTensor) else leaf[()] if leaf.ndim == 0 else leaf
                           for leaf in leaves])  # fmt: skip


class Spec:
    """What every element of a dataset looks like: its structure and, per leaf, a shape (None where a
    dimension varies) and a dtype."""

    __slots__ = ("template", "shapes", "dtypes")

    def __init__(self, template, shapes: list[tuple], dtypes: list[np.dtype]):
        self.template, self.shapes, self.dtypes = template, shapes, dtypes

    @classmethod
    def of(cls, template, leaves) -> Spec:
        """The spec of one element (every dimension known)."""
        return cls(template, [leaf.shape for leaf in leaves], [leaf.dtype for leaf in leaves])

    def with_shapes(self, shapes: list[tuple]) -> Spec:
        return Spec(self.template, shapes, self.dtypes)

    def element_spec(self) -> object:
        """``Dataset.element_spec``: a :class:`~nabla.tf.TensorSpec` per leaf, in the element's structure."""
        return pack(self.template, [TensorSpec(TensorShape(s), d) for s, d in zip(self.shapes, self.dtypes)])


def common_shape(a: tuple, b: tuple) -> tuple | None:
    """The shape that describes both ``a`` and ``b`` (None where they differ); None if their ranks differ."""
    if len(a) != len(b):
        return None
    return tuple(x if x == y else None for x, y in zip(a, b))


def merged_spec(specs: list[Spec], who: str) -> Spec:
    """The spec of elements drawn from datasets of ``specs`` (``concatenate``, ``sample_from_datasets``): their
    structure and dtypes must agree; a dimension that differs becomes None."""
    first = specs[0]
    for other in specs[1:]:
        if other.dtypes != first.dtypes or len(flatten(other.template)) != len(flatten(first.template)):
            raise TypeError(
                f"Incompatible dataset elements: {first.element_spec()} and {other.element_spec()} ({who} needs "
                "the same structure and dtypes)"
            )
    shapes = list(first.shapes)
    for other in specs[1:]:
        shapes = [common_shape(a, b) or (None,) * len(a) for a, b in zip(shapes, other.shapes)]
    return first.with_shapes(shapes)
