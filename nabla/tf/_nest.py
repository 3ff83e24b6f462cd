"""Nested structures of tensors (lists, tuples, named tuples, dicts), flattened and rebuilt as
TensorFlow's ``tf.nest`` does: dict entries in the order of their sorted keys."""

from __future__ import annotations

from collections.abc import Iterator


def _is_sequence(x) -> bool:
    return isinstance(x, (list, tuple, dict)) and not hasattr(x, "_data")


def flatten(structure) -> list:
    """The leaves of ``structure``, depth first."""
    if type(structure) is list and not any(map(_is_sequence, structure)):
        return list(structure)  # (the common case: a list of variables)
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in flatten(structure[key])]
    if _is_sequence(structure):
        return [leaf for item in structure for leaf in flatten(item)]
    return [structure]


def pack_as(structure, leaves: list):
    """``structure`` with its leaves replaced, in order, by ``leaves``."""
    return _pack(structure, iter(leaves))


def _pack(structure, leaves: Iterator):
    if isinstance(structure, dict):
        packed = {key: _pack(structure[key], leaves) for key in sorted(structure)}
        return type(structure)((key, packed[key]) for key in structure)
    if _is_sequence(structure):
        items = [_pack(item, leaves) for item in structure]
        if hasattr(structure, "_fields"):  # a named tuple
            return type(structure)(*items)
        return type(structure)(items)
    return next(leaves)
