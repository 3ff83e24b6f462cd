"""``Dataset.from_generator``: the elements a Python generator yields, described by a declared signature.

As in TensorFlow, the generator function is called afresh at every pass (with ``args``, as NumPy values), each
yielded value is converted to the declared dtypes (``np.asarray(value).astype(dtype)``: a float64 array
declared float32 becomes float32) and checked against the declared shapes, where ``None`` lets a dimension
vary; ``element_spec`` is the declaration itself, ``cardinality()`` unknown. A value that does not convert or
fit raises ``InvalidArgumentError`` when it is yielded, with TensorFlow's message. TensorFlow runs the
generator in its runtime's thread; nabla runs it in the loop's, one value at a time.

Deliberate difference: every declared shape must have a known rank (nabla's element specs have one), so
``output_types`` without ``output_shapes`` is refused (TensorFlow then leaves the rank unknown).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from ..dtypes import numpy_dtype
from ..errors import InvalidArgumentError
from .node import UNKNOWN, Node
from .structure import Spec, as_array, flatten, is_structure, pack


def signature(output_signature, output_types, output_shapes) -> Spec:
    """The declared spec: ``output_signature`` (TensorSpecs, nested), or ``output_types`` with ``output_shapes``
    (the same nesting)."""
    if output_signature is not None:
        if output_types is not None or output_shapes is not None:
            raise TypeError("from_generator: give `output_signature`, or `output_types` and `output_shapes`, not both")
        specs = flatten(output_signature)
        if not all(hasattr(s, "shape") and hasattr(s, "dtype") for s in specs):
            raise TypeError(f"from_generator: `output_signature` must hold tf.TensorSpecs, got {output_signature!r}")
        template, shapes, dtypes = output_signature, [s.shape for s in specs], [s.dtype for s in specs]
    elif output_types is None:
        raise TypeError("To specify the output signature you need to provide either the `output_signature` argument "
                        "or the `output_types` argument.")  # fmt: skip
    elif output_shapes is None:
        raise ValueError("from_generator: nabla needs `output_shapes` with `output_types` (or an `output_signature`): "
                         "its element specs have a known rank")  # fmt: skip
    else:
        template, dtypes, shapes = output_types, flatten(output_types), up_to(output_types, output_shapes)
    if any(getattr(shape, "rank", 0) is None for shape in shapes):
        raise ValueError("from_generator: every declared shape needs a known rank (None for each unknown dimension)")
    return Spec(template if is_structure(template) else None, [tuple(s) for s in shapes],
                [numpy_dtype(d) for d in dtypes])  # fmt: skip


def up_to(template, value) -> list:
    """``value``'s parts at the leaves of ``template`` (TensorFlow's ``nest.flatten_up_to``): a list stands for a
    tuple of the template, and a part at a leaf stays whole (a shape ``(None, 3)``, a yielded list of numbers).
    ``ValueError`` where ``value`` lacks the template's nesting."""
    if isinstance(template, dict):
        if not isinstance(value, dict) or set(value) != set(template):
            raise ValueError(f"expected a dict with keys {sorted(template)}")
        return [part for key in sorted(template) for part in up_to(template[key], value[key])]
    if isinstance(template, tuple):
        if not isinstance(value, (tuple, list)) or len(value) != len(template):
            raise ValueError(f"expected {len(template)} parts")
        return [part for t, v in zip(template, value) for part in up_to(t, v)]
    return [value]


class Generator(Node):
    """``Dataset.from_generator(generator, output_signature=...)``: see the module's documentation."""

    name = "_FlatMapDataset"

    def __init__(self, generator: Callable, spec: Spec, args=None):
        if not callable(generator):
            raise TypeError("`generator` must be a Python callable.")
        self.generator, self.declared = generator, spec
        self.args = tuple(as_array(a) for a in (args or ()))

    def elements(self) -> Iterator[tuple]:
        shapes, dtypes = self.declared.shapes, self.declared.dtypes
        for value in self.generator(*self.args):
            yield tuple(_leaf(v, shape, dtype) for v, shape, dtype in zip(self._leaves(value), shapes, dtypes))

    def _leaves(self, value) -> list:
        """The yielded value's leaves, in the declared structure."""
        template = self.declared.template
        try:
            return [value] if template is None else up_to(template, value)
        except ValueError:
            raise InvalidArgumentError(
                "`generator` yielded an element that did not match the expected structure. The expected structure "
                f"was {pack(template, self.declared.dtypes)}, but the yielded element was {value}."
            ) from None

    def _spec(self) -> Spec:
        return self.declared

    def cardinality(self) -> int:
        return UNKNOWN


def _leaf(value, shape: tuple, dtype: np.dtype) -> np.ndarray:
    """One yielded leaf as an array of the declared dtype, its shape checked against the declared one."""
    try:
        array = np.asarray(value.numpy() if hasattr(value, "numpy") else value).astype(dtype)
    except (TypeError, ValueError):
        raise InvalidArgumentError(
            "`generator` yielded an element that could not be converted to the expected type. The expected type "
            f"was {dtype.name}, but the yielded element was {value}."
        ) from None
    if len(array.shape) != len(shape) or any(d is not None and d != n for d, n in zip(shape, array.shape)):
        raise InvalidArgumentError(
            f"`generator` yielded an element of shape {array.shape} where an element of shape "
            f"{tuple(shape)} was expected."
        )
    return array
