"""The ONNX graph under construction: values with their shapes and layouts, nodes, constants.

Converters (see :mod:`nabla.onnx.table`) add nodes through a :class:`Graph`
and pass :class:`Value` objects along. A Value knows its *logical* shape
(nabla's: Keras images are (N, H, W, C)) and its *physical* layout in the
ONNX graph: ONNX's Conv and pooling want channels first, so a Keras
convnet's tensors are kept as (N, C, H, W) between its convolutions and
turned back to (N, H, W, C) only where the order matters (Flatten, Dense,
the output). ``perm`` says how: physical axis ``i`` holds logical axis
``perm[i]``. This keeps Keras's flatten order exactly, with one Transpose
at each end of the convolutional block instead of two per layer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np


class ExportError(ValueError):
    """A model that cannot be exported as it is: says which layer, what is wrong and what to do."""


@dataclass(frozen=True)
class Value:
    """A tensor of the graph: its name, its logical shape (batch axis first, None = the symbolic batch)
    and ``perm``, the order in which its logical axes are stored (None: as they are)."""

    name: str
    shape: tuple
    dtype: np.dtype
    perm: tuple | None = None

    def renamed(self, name: str) -> Value:
        """The same kind of tensor under another name (an elementwise op's output)."""
        return Value(name, self.shape, self.dtype, self.perm)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def physical_axis(self, axis: int) -> int:
        """Where logical ``axis`` (negative counts from the end) is stored."""
        axis %= self.ndim
        return axis if self.perm is None else self.perm.index(axis)


class Graph:
    """Nodes and constants of one ONNX graph, with unique names; ``onnx`` is the imported package and
    ``opset`` the opset being written (a converter of your own may choose its operators by it)."""

    def __init__(self, onnx, opset: int):
        self.onnx, self.opset = onnx, opset
        self.nodes: list = []
        self.initializers: list = []
        self._taken: set[str] = set()
        self._constants: dict[tuple, str] = {}  # (dtype, shape, digest of the bytes) -> the initializer's name

    def fresh(self, hint: str) -> str:
        """A name not used yet in the graph, from ``hint`` (a layer's name: ``dense_1/kernel``)."""
        name, n = hint, 0
        while name in self._taken:
            n += 1
            name = f"{hint}_{n}"
        self._taken.add(name)
        return name

    def const(self, array, hint: str) -> str:
        """A constant (an initializer) holding ``array``; returns its name.

        Equal constants are stored once (a layer a functional model calls twice has one copy of its weights).
        """
        array = np.ascontiguousarray(array)
        key = (array.dtype.str, array.shape, hashlib.sha256(array.tobytes()).digest())
        if key not in self._constants:
            self._constants[key] = self.fresh(hint)
            self.initializers.append(self.onnx.numpy_helper.from_array(array, self._constants[key]))
        return self._constants[key]

    def op(self, op_type: str, inputs: list[str], hint: str, **attributes) -> str:
        """Add one node; returns the name of its (first) output. An input of "" is an omitted optional one."""
        out = self.fresh(hint)
        self.nodes.append(self.onnx.helper.make_node(op_type, inputs, [out], name=out, **attributes))
        return out

    def unary(self, op_type: str, x: Value, hint: str, **attributes) -> Value:
        """An elementwise op: same shape and layout as ``x``."""
        return x.renamed(self.op(op_type, [x.name], hint, **attributes))

    def binary(self, op_type: str, x: Value, other: str, hint: str) -> Value:
        """An elementwise op of ``x`` and a value that broadcasts to it (a constant's name)."""
        return x.renamed(self.op(op_type, [x.name, other], hint))

    def scalar(self, value: float, like: Value, hint: str) -> str:
        """A scalar constant of ``like``'s dtype (broadcasts against it)."""
        return self.const(np.asarray(value, dtype=like.dtype), hint)

    def laid_out(self, x: Value, perm: tuple | None, hint: str) -> Value:
        """``x`` stored with its logical axes in the order ``perm`` (None: the logical order), transposing if needed."""
        identity = tuple(range(x.ndim))
        have, want = x.perm or identity, perm or identity
        if have == want:
            return x
        # Physical axis i of the result is the physical axis of x that holds logical axis want[i].
        moves = [have.index(axis) for axis in want]
        name = self.op("Transpose", [x.name], f"{hint}/transpose", perm=moves)
        return Value(name, x.shape, x.dtype, None if want == identity else tuple(want))

    def logical(self, x: Value, hint: str) -> Value:
        """``x`` in nabla's own axis order (what Flatten, Dense and the output need)."""
        return self.laid_out(x, None, hint)

    def axis_at(self, x: Value, axis: int, position: int, hint: str) -> Value:
        """``x`` laid out with logical ``axis`` at physical ``position`` (1: ONNX's channel axis; -1: the last),
        the other axes in their logical order. Kept if it is there already."""
        axis %= x.ndim
        position %= x.ndim
        if x.physical_axis(axis) == position:
            return x
        rest = [a for a in range(x.ndim) if a != axis]
        return self.laid_out(x, tuple(rest[:position] + [axis] + rest[position:]), hint)
