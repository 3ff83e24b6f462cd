"""``tf.nest``: nested structures of tensors (lists, tuples, dicts), flattened and rebuilt."""

from . import _nest
from ._missing import missing as _missing


def flatten(structure, expand_composites=False):
    """The leaves of ``structure`` in order (dict entries by sorted key, as TensorFlow)."""
    return _nest.flatten(structure)


def pack_sequence_as(structure, flat_sequence, expand_composites=False):
    """``structure`` with its leaves replaced, in order, by ``flat_sequence``."""
    return _nest.pack_as(structure, list(flat_sequence))


def map_structure(func, *structure, **kwargs):
    """``func`` applied to the corresponding leaves of the structures, in the first one's structure."""
    flats = [_nest.flatten(s) for s in structure]
    return _nest.pack_as(structure[0], [func(*leaves) for leaves in zip(*flats)])


def is_nested(seq):
    """Whether ``seq`` is a list, tuple or dict (not a tensor)."""
    return _nest.flatten(seq) != [seq]


def __getattr__(name):
    raise _missing("tf.nest", name)
