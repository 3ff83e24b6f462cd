"""``KerasTensor``: the symbolic tensor of Keras's functional API, ``keras.Input(shape=(784,))``.

A functional model is written by calling layers on symbolic tensors::

    inputs = keras.Input(shape=(784,))
    x = keras.layers.Dense(64, activation="relu")(inputs)
    outputs = keras.layers.Dense(10)(x + 1.0)
    model = keras.Model(inputs, outputs)

Each call records a :class:`Node` (the layer or ``keras.ops`` function, and its arguments with the
symbolic tensors in them) and returns new KerasTensors that point to it; ``keras.Model(inputs, outputs)``
replays the nodes on real data (see ``models/functional.py``).

To know a call's output shapes, nabla runs it once on a small batch of ones (two samples, without
recording a graph; the layer builds its weights then, as Keras builds them when the graph is made).
Keras instead asks each layer for ``compute_output_spec``; running it needs no such method in layers
of your own. An axis of the output of the batch's length is taken for the batch axis (None).

An input may leave other axes unknown too, as Keras 3 allows: ``keras.Input(shape=(None,), dtype="int32")``
for sequences of any length. The call then runs twice, the unknown axes of every input given one length
(16), then another (37): an axis of the output whose length differs between the two runs depends on
them and stays None (``Embedding`` gives ``(None, None, 16)``, ``LSTM(32)`` gives ``(None, 32)``), as a
layer's ``compute_output_shape`` says None in Keras where it cannot know a length.

A string input (``keras.Input(shape=(1,), dtype="string")``, see :mod:`nabla.keras.strings`) is probed with
texts of 16 words, then 37: ``TextVectorization`` without ``output_sequence_length`` gives ``(None, None)``.
"""

from __future__ import annotations

import contextlib
import operator
from functools import partial

import numpy as np

from ..nn import Module
from ._engine import Tensor, dtypes, no_grad
from .keras_dtype import KerasDType, keras_dtype, numpy_dtype
from .strings import STRING, dtype_name, is_text_array, resolve_dtype
from .utils.naming import auto_name

_PROBE_BATCH = 2  # samples in the probe batch (2, not 1, so that a broadcast 1 is not mistaken for the batch)
# NOTE: lengths of an unknown axis other than the batch axis, one per run: 21 apart, so that a strided
# layer (pooling, a strided convolution: floor((n - k) / s) + 1) of a stride up to 21 still gives two lengths.
PROBE_LENGTHS = (16, 37)
# Lengths tried when a run at one of those fails: a layer may take sequences of a bounded length (a learned
# positional embedding of 20 positions, Deep Learning with Python's Transformer), which Keras's symbolic shapes
# never try. Two runs that succeed are needed, of lengths far enough apart for a strided layer (5 - 2: stride 3).
FALLBACK_LENGTHS = (5, 2)
PROBE_WORD = "probe"  # a string tensor's probe is an array of texts of this word, as many as the length


# Keras's class names of the operations Python's operators record (``x + y`` is keras.ops.add: ``Add``)
_OPERATOR_CLASSES = {
    operator.add: "Add", operator.sub: "Subtract", operator.mul: "Multiply", operator.truediv: "TrueDivide",
    operator.pow: "Power", operator.matmul: "Matmul", operator.neg: "Negative", operator.getitem: "GetItem",
}  # fmt: skip


class Node:
    """One call in a functional graph: ``fn(*args, **kwargs)``, whose outputs are ``outputs``.

    ``index``: how many calls on symbolic tensors ``fn`` had before this one (Keras's node index, which a
    summary's "Connected to" column shows as ``dense[1][0]``). A call of a function rather than a layer
    (``x + y``, ``keras.ops.relu(x)``) is an operation of its own in Keras, named when it is made:
    ``op_class`` (``Add``, ``Relu``) and ``name`` (``add``, ``add_1``...).
    """

    __slots__ = ("fn", "args", "kwargs", "outputs", "index", "op_class", "name")

    def __init__(self, fn, args: tuple, kwargs: dict, op_name: str | None = None):
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.outputs: list[KerasTensor] = []
        if isinstance(fn, Module):
            self.index = fn._symbolic_calls = getattr(fn, "_symbolic_calls", -1) + 1
            self.op_class = self.name = None
        else:
            self.index = 0
            word = op_name or getattr(fn, "__name__", None) or _name(fn)
            # (an op_name already in CamelCase is Keras's class name itself: the activation relu's ``ReLU``)
            self.op_class = _OPERATOR_CLASSES.get(fn) or (
                word if word[:1].isupper() else "".join(part.capitalize() for part in word.split("_"))
            )
            self.name = auto_name(self.op_class)

    def inputs(self) -> list[KerasTensor]:
        """The symbolic tensors among the arguments."""
        return [t for t in flatten((self.args, self.kwargs)) if isinstance(t, KerasTensor)]


class KerasTensor:
    """A symbolic tensor: a shape (batch axis None), a dtype, and the :class:`Node` that made it (None for
    an input). Layers and ``keras.ops`` functions called on it return KerasTensors; arithmetic and
    indexing do too. It holds no values: build a ``keras.Model(inputs, outputs)`` and call that on data.
    Its ``dtype`` is a name, as Keras 3's (``'float32'``), that equals the NumPy dtype too
    (:class:`~nabla.keras.keras_dtype.KerasDType`).
    """

    __slots__ = ("shape", "_dtype", "name", "node", "batch_size", "_keras_mask")

    def __init__(self, shape, dtype=None, name: str | None = None, node: Node | None = None, batch_size=None):
        self.shape = tuple(shape)
        self.dtype = resolve_dtype(dtype) or dtypes.default_float
        self.name, self.node, self.batch_size = name, node, batch_size
        # The mask the call gave it (a boolean KerasTensor, as Keras's ``x._keras_mask``), or None.
        self._keras_mask: KerasTensor | None = None

    @property
    def dtype(self) -> KerasDType:
        """Keras 3's name of the dtype (``'float32'``, ``'int32'``, ``'string'``), equal to its NumPy dtype too."""
        return keras_dtype(self._dtype)

    @dtype.setter
    def dtype(self, value) -> None:
        self._dtype = numpy_dtype(value)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        name = f", name={self.name}" if self.name else ""
        return f"<KerasTensor shape={self.shape}, dtype={dtype_name(self.dtype)}{name}>"

    def __array__(self, dtype=None, copy=None):
        raise TypeError(
            "a KerasTensor (from keras.Input) holds no values: build keras.Model(inputs, outputs) and call the "
            "model on data (model(x), model.predict(x))"
        )

    def __bool__(self) -> bool:
        raise TypeError("a KerasTensor (from keras.Input) has no truth value: it holds no values")

    # Arithmetic and indexing record nodes, as keras.ops functions do (Python's operator functions).
    def __add__(self, other):
        return call(operator.add, (self, other), {})

    def __radd__(self, other):
        return call(operator.add, (other, self), {})

    def __sub__(self, other):
        return call(operator.sub, (self, other), {})

    def __rsub__(self, other):
        return call(operator.sub, (other, self), {})

    def __mul__(self, other):
        return call(operator.mul, (self, other), {})

    def __rmul__(self, other):
        return call(operator.mul, (other, self), {})

    def __truediv__(self, other):
        return call(operator.truediv, (self, other), {})

    def __rtruediv__(self, other):
        return call(operator.truediv, (other, self), {})

    def __pow__(self, other):
        return call(operator.pow, (self, other), {})

    def __matmul__(self, other):
        return call(operator.matmul, (self, other), {})

    def __neg__(self):
        return call(operator.neg, (self,), {})

    def __getitem__(self, index):
        return call(operator.getitem, (self, index), {})

    # Comparisons, logic and the rest of Keras 3's operators are its keras.ops functions, as in Keras 3
    # (``a & b`` is ``ops.logical_and``: a boolean result, also for integers; ``==`` stays identity, so that a
    # KerasTensor can be a dict key). Hands-On ML's Transformer: ``attention_mask=causal_mask & pad_mask``.
    def __rmatmul__(self, other):
        return call(operator.matmul, (other, self), {})

    def __rpow__(self, other):
        return call(operator.pow, (other, self), {})

    def __abs__(self):
        return _keras_op("absolute", self)

    def __floordiv__(self, other):
        return _keras_op("floor_divide", self, other)

    def __rfloordiv__(self, other):
        return _keras_op("floor_divide", other, self)

    def __mod__(self, other):
        return _keras_op("mod", self, other)

    def __rmod__(self, other):
        return _keras_op("mod", other, self)

    def __lt__(self, other):
        return _keras_op("less", self, other)

    def __le__(self, other):
        return _keras_op("less_equal", self, other)

    def __gt__(self, other):
        return _keras_op("greater", self, other)

    def __ge__(self, other):
        return _keras_op("greater_equal", self, other)

    def __ne__(self, other):
        return _keras_op("not_equal", self, other)

    __hash__ = object.__hash__  # (__ne__ above leaves hashing by identity, as __eq__ is)

    def __and__(self, other):
        return _keras_op("logical_and", self, other)

    def __rand__(self, other):
        return _keras_op("logical_and", other, self)

    def __or__(self, other):
        return _keras_op("logical_or", self, other)

    def __ror__(self, other):
        return _keras_op("logical_or", other, self)

    def __xor__(self, other):
        return _keras_op("logical_xor", self, other)

    def __rxor__(self, other):
        return _keras_op("logical_xor", other, self)

    def __invert__(self):
        return _keras_op("logical_not", self)


def _keras_op(name: str, *args):
    """``keras.ops.<name>(*args)`` recorded on symbolic tensors (the ops package builds on this module, so it is
    imported at the call)."""
    from . import ops

    return getattr(ops, name)(*args)


def flatten(structure) -> list:
    """The leaves of nested lists, tuples and dicts, in order."""
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in flatten(item)]
    if isinstance(structure, dict):
        return [leaf for key in structure for leaf in flatten(structure[key])]
    return [structure]


def map_structure(fn, structure):
    """``structure`` with each leaf replaced by ``fn(leaf)``."""
    if isinstance(structure, (list, tuple)):
        return type(structure)(map_structure(fn, item) for item in structure)
    if isinstance(structure, dict):
        return {key: map_structure(fn, value) for key, value in structure.items()}
    return fn(structure)


def is_symbolic(structure) -> bool:
    """Whether ``structure`` (a value, or a list, tuple or dict of them) holds a KerasTensor."""
    if isinstance(structure, KerasTensor):
        return True
    if isinstance(structure, (list, tuple)):
        return any(is_symbolic(item) for item in structure)
    if isinstance(structure, dict):
        return any(is_symbolic(item) for item in structure.values())
    return False


class _Probe:
    depth = 0  # how many layer calls on a probe batch are running (see call)


def probing() -> bool:
    """Whether a layer is called on a probe batch (to learn its output's shape, or to build), not on data: a
    stateful layer keeps nothing from such a call."""
    return _Probe.depth > 0


@contextlib.contextmanager
def probe_calls():
    """The calls inside the block run on probe batches (see :func:`probing`)."""
    _Probe.depth += 1
    try:
        yield
    finally:
        _Probe.depth -= 1


def _probe(t, length: int):
    """A batch of ones of the shape of ``t``: the batch axis of ``_PROBE_BATCH`` (or its batch size), any
    other unknown axis of ``length``. A string tensor's is an array of texts of ``length`` words."""
    if not isinstance(t, KerasTensor):
        return t
    batch = t.batch_size or _PROBE_BATCH
    shape = tuple((batch if i == 0 else length) if s is None else s for i, s in enumerate(t.shape))
    if t.dtype == STRING:
        return np.full(shape, " ".join([PROBE_WORD] * length), dtype=object)
    probe = Tensor._make(np.ones(shape, dtype=t.dtype))
    if t._keras_mask is not None:  # a masked input: an all-True mask, so the call passes a mask on as Keras's
        probe._keras_mask = np.ones(shape[: t._keras_mask.ndim], dtype=bool)
    return probe


def _has_unknown_length(structure) -> bool:
    """Whether a KerasTensor in ``structure`` has an unknown axis besides the batch axis, or holds strings
    (whose texts' lengths are unknown: ``TextVectorization`` gives as many ids as the longest has words)."""
    return any(isinstance(t, KerasTensor) and (None in t.shape[1:] or t.dtype == STRING) for t in flatten(structure))


def call(fn, *args_and_kwargs, op_name: str | None = None):
    """Record ``fn(*args, **kwargs)`` on symbolic tensors: returns KerasTensors of its outputs' shapes.

    Called as ``call(fn, args, kwargs)``, or ``call(fn, inputs, args, kwargs)`` for a layer (whose first
    argument, ``inputs``, comes before ``args``). ``op_name``: the ``keras.ops`` name a function was called
    by (which names its node, as Keras names the operation).
    """
    if len(args_and_kwargs) == 3:
        inputs, args, kwargs = args_and_kwargs
        args = (inputs, *args)
    else:
        args, kwargs = args_and_kwargs
    kwargs = {k: v for k, v in kwargs.items() if not (k == "training" and v is None)}
    lengths = PROBE_LENGTHS if _has_unknown_length((args, kwargs)) else PROBE_LENGTHS[:1]
    training = getattr(fn, "training", None)
    if training is not None:
        fn.eval()  # the probe must not move BatchNormalization's statistics
    try:
        with no_grad(), probe_calls():
            runs, failure = [], None
            for length in (*lengths, *FALLBACK_LENGTHS) if len(lengths) > 1 else lengths:
                concrete_args, concrete_kwargs = map_structure(partial(_probe, length=length), (list(args), kwargs))
                try:
                    runs.append(fn(*concrete_args, **concrete_kwargs))
                except (ValueError, IndexError) as error:
                    failure = failure or error
                if len(runs) == len(lengths):
                    break
            if len(runs) < len(lengths):
                raise failure
    finally:
        if training is not None:
            fn.train(training)
    node = Node(fn, tuple(args), kwargs, op_name)
    other_shapes = iter([getattr(value, "shape", None) for value in flatten(runs[-1])])

    def symbolic(value):
        if is_text_array(value):  # strings (StringLookup(invert=True)): a string tensor
            value = _Text(value.shape)
        elif not isinstance(value, Tensor):
            raise TypeError(f"{_name(fn)} returned a {type(value).__name__}; a functional model needs tensors")
        other = next(other_shapes)
        shape = tuple(None if other is None or len(other) != len(value.shape) or n != other[i] else n
                      for i, n in enumerate(value.shape))  # fmt: skip
        if shape and shape[0] == _PROBE_BATCH:
            shape = (None, *shape[1:])
        t = KerasTensor(shape, value.dtype, node=node)
        mask = getattr(value, "_keras_mask", None)
        if mask is not None:
            t._keras_mask = KerasTensor(shape[: mask.ndim], mask.dtype, node=node)
        node.outputs.append(t)
        return t

    return map_structure(symbolic, runs[0])


class _Text:
    """What :func:`call` reads of a layer's output of strings: its shape, and the dtype of string tensors."""

    dtype = STRING

    def __init__(self, shape: tuple):
        self.shape = shape


def nodes_between(input_ids: set, outputs: list[KerasTensor]) -> list[Node]:
    """The nodes from the inputs to ``outputs``, each after the nodes it reads (iterative depth-first). An input
    may be a tensor a layer computed: the walk stops there (Keras 3 cuts the graph at it)."""
    order, done = [], set()
    stack = [(t.node, False) for t in reversed(outputs) if t.node is not None and id(t) not in input_ids]
    for t in outputs:
        if t.node is None and id(t) not in input_ids:
            raise ValueError(f"Model: the output {t!r} is a keras.Input that is not among the model's inputs")
    while stack:
        node, expanded = stack.pop()
        if id(node) in done:
            continue
        if expanded:
            done.add(id(node))
            order.append(node)
            continue
        stack.append((node, True))
        for t in reversed(node.inputs()):  # (the stack pops the first input's calls first: they ran first)
            if id(t) in input_ids:
                continue
            if t.node is None:
                if id(t) not in input_ids:
                    raise ValueError(
                        f"Model: the outputs depend on {t!r}, a keras.Input that is not among the model's inputs"
                    )
            elif id(t.node) not in done:
                stack.append((t.node, False))
    return order


def output_shape(layer, input_shape) -> tuple:
    """The output shape of ``layer`` for inputs of ``input_shape`` (batch axis first, may be None)."""
    out = call(layer, KerasTensor(input_shape), (), {})
    return map_structure(lambda t: t.shape, out)


def _name(fn) -> str:
    return getattr(fn, "name", None) or getattr(fn, "__name__", type(fn).__name__)
