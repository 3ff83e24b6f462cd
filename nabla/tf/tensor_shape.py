"""``tf.TensorShape``: a tensor's shape as TensorFlow shows it.

A tuple of ints (``None`` for a dimension not known, as in ``TensorShape([None, 3])``), so that it
unpacks, indexes and compares like one (``n, d = x.shape``, ``x.shape[0]``, ``x.shape == (2, 3)``), with
TensorFlow's extras: ``as_list()``, ``rank``, ``num_elements()``, ``TensorShape([2, 3])`` as its repr and
``(2, 3)`` as its str. A slice of a shape is a shape; it also equals a list (``x.shape == [2, 3]``).

``TensorShape(None)`` is a shape of unknown rank (``tf.TensorSpec(None)``, a signature that takes any
tensor): compatible with every shape, ``rank`` None, and, as in TensorFlow, ``len``, iteration and
``as_list()`` raise ``ValueError``. A tensor's own shape is always known.
"""

from __future__ import annotations

import math


class TensorShape(tuple):
    """The shape of a tensor: ``TensorShape([2, 3])``."""

    def __new__(cls, dims=()):
        if dims is None or isinstance(dims, _UnknownRank):
            return tuple.__new__(_UnknownRank)
        if isinstance(dims, int):
            dims = (dims,)
        return super().__new__(cls, (None if d is None else int(d) for d in dims))

    @classmethod
    def of(cls, shape: tuple) -> TensorShape:
        """The shape of an array (a tuple of ints), without the checks of the constructor: a tensor's ``.shape``
        is read by nabla's engine at every operation."""
        return tuple.__new__(cls, shape)

    @property
    def rank(self) -> int:
        return len(self)

    ndims = rank

    @property
    def dims(self) -> list:
        return list(self)

    def as_list(self) -> list:
        return list(self)

    def num_elements(self) -> int | None:
        """The number of elements, None if a dimension is unknown."""
        return None if None in self else math.prod(self)

    def is_fully_defined(self) -> bool:
        return None not in self

    def is_compatible_with(self, other) -> bool:
        """Same rank, and equal dimensions wherever both are known (any shape is compatible with one of unknown
        rank)."""
        other = TensorShape(other)
        if isinstance(other, _UnknownRank):
            return True
        return len(self) == len(other) and all(a is None or b is None or a == b for a, b in zip(self, other))

    def assert_is_compatible_with(self, other) -> None:
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {self} and {TensorShape(other)} are incompatible")

    def merge_with(self, other) -> TensorShape:
        """The most specific shape compatible with both."""
        self.assert_is_compatible_with(other)
        if isinstance(TensorShape(other), _UnknownRank):
            return self
        return TensorShape([a if a is not None else b for a, b in zip(self, TensorShape(other))])

    def concatenate(self, other) -> TensorShape:
        other = TensorShape(other)
        return other if isinstance(other, _UnknownRank) else TensorShape(tuple(self) + tuple(other))

    def __add__(self, other) -> TensorShape:
        return self.concatenate(other)

    def __radd__(self, other) -> TensorShape:
        return TensorShape(other).concatenate(self)

    def __getitem__(self, key):
        item = tuple.__getitem__(self, key)
        return tuple.__new__(TensorShape, item) if type(key) is slice else item

    def __eq__(self, other) -> bool:
        if isinstance(other, (tuple, list)):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __ne__(self, other) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = tuple.__hash__

    def __repr__(self) -> str:
        return f"TensorShape({list(self)})"

    def __str__(self) -> str:
        dims = ", ".join(str(d) for d in self)
        return f"({dims},)" if len(self) == 1 else f"({dims})"


class _UnknownRank(TensorShape):
    """``TensorShape(None)``: a shape of which not even the rank is known."""

    def _refuse(self, what: str):
        raise ValueError(what)

    rank = ndims = dims = property(lambda self: None)

    def __len__(self) -> int:
        self._refuse("Cannot take the length of shape with unknown rank.")

    def __iter__(self):
        self._refuse("Cannot iterate over a shape with unknown rank.")

    def __getitem__(self, key):
        return None if type(key) is not slice else self

    def as_list(self) -> list:
        self._refuse("as_list() is not defined on an unknown TensorShape.")

    def num_elements(self) -> None:
        return None

    def is_fully_defined(self) -> bool:
        return False

    def is_compatible_with(self, other) -> bool:
        return True

    def merge_with(self, other) -> TensorShape:
        return TensorShape(other)

    def concatenate(self, other) -> TensorShape:
        return self

    def __eq__(self, other) -> bool:
        return isinstance(other, _UnknownRank)

    __hash__ = tuple.__hash__

    def __repr__(self) -> str:
        return "TensorShape(None)"

    def __str__(self) -> str:
        return "<unknown>"
