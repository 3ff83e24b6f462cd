"""``tf.TensorArray``: a list of tensors of one dtype and shape, written one index at a time, then stacked.

It follows TensorFlow 2's eager TensorArray: ``ta = ta.write(i, x)`` writes in place (the returned array is the
same one, so writes in a ``for step in tf.range(n)`` loop accumulate), ``stack()`` joins the elements along a
new first axis with ``tf.stack`` (so gradients flow back to every written tensor), and an index never written
reads as zeros of the element shape. The first write fixes the element shape (``infer_shape=True``); a write
of another shape or dtype, or past the end of an array that is not ``dynamic_size``, is refused as TF's.
"""

from __future__ import annotations

from . import dtypes
from ._convert import convert_to_tensor, tensor_arg
from .array_ops import concat, stack
from .creation import zeros
from .errors import InvalidArgumentError, OutOfRangeError
from .utilities import is_tensor


class TensorArray:
    """``tf.TensorArray(dtype, size=0, dynamic_size=False, element_shape=None)``: see the module docstring.

    Example (Géron's chapter 15, an RNN unrolled by hand)::

        sequences = tf.TensorArray(tf.float32, size=n_steps)
        for step in tf.range(n_steps):
            sequences = sequences.write(step, outputs)
        tf.transpose(sequences.stack(), [1, 0, 2])
    """

    def __init__(self, dtype, size=None, dynamic_size=None, clear_after_read=None, tensor_array_name=None,
                 handle=None, flow=None, infer_shape=True, element_shape=None, colocate_with_first_write_call=True,
                 name=None):  # fmt: skip
        self._dtype = dtypes.as_dtype(dtype)
        self._dynamic_size = bool(dynamic_size)
        self._infer_shape = infer_shape
        self._element_shape = None if element_shape is None else tuple(element_shape)
        self._values = [None] * (0 if size is None else int(size))

    @property
    def dtype(self):
        return self._dtype

    @property
    def dynamic_size(self) -> bool:
        return self._dynamic_size

    @property
    def element_shape(self):
        from .tensor_shape import TensorShape

        return TensorShape(self._element_shape)

    def size(self, name=None):
        """The number of elements (int32), written or not."""
        return convert_to_tensor(len(self._values), dtype=dtypes.int32)

    def write(self, index, value, name=None) -> TensorArray:
        """Stores ``value`` at ``index`` and returns this array (write it back: ``ta = ta.write(i, x)``)."""
        index = int(index)
        value = tensor_arg(value) if is_tensor(value) else convert_to_tensor(value, dtype=self._dtype)
        if value.dtype != self._dtype:
            raise InvalidArgumentError(f"TensorArray dtype is {self._dtype.name} but Op is trying to write dtype "
                                       f"{value.dtype.name}")  # fmt: skip
        if index < 0 or (index >= len(self._values) and not self._dynamic_size):
            raise OutOfRangeError(f"Tried to write to index {index} but array is not resizeable and size is: "
                                  f"{len(self._values)}")  # fmt: skip
        if self._infer_shape:
            if self._element_shape is not None and tuple(value.shape) != self._element_shape:
                raise ValueError(f"Incompatible shape for value ({tuple(value.shape)}), expected "
                                 f"({self._element_shape})")  # fmt: skip
            self._element_shape = tuple(value.shape)
        self._values.extend([None] * (index + 1 - len(self._values)))
        self._values[index] = value
        return self

    def read(self, index, name=None):
        """The element at ``index`` (zeros of the element shape if never written)."""
        index = int(index)
        if not 0 <= index < len(self._values):
            raise OutOfRangeError(f"Tried to read from index {index} but array size is: {len(self._values)}")
        return self._filled()[index]

    def stack(self, name=None):
        """The elements joined along a new first axis: (size, *element_shape)."""
        if not self._values:
            return zeros((0, *(self._element_shape or ())), dtype=self._dtype)
        return stack(self._filled())

    def gather(self, indices, name=None):
        """The elements at ``indices``, stacked."""
        return stack([self.read(i) for i in tensor_arg(indices).numpy().tolist()])

    def concat(self, name=None):
        """The elements joined along their first axis."""
        if not self._values:
            return zeros((0, *(self._element_shape or ())[1:]), dtype=self._dtype)
        return concat(self._filled(), axis=0)

    def unstack(self, value, name=None) -> TensorArray:
        """Writes each row of ``value`` (along its first axis) at its index; returns this array."""
        value = tensor_arg(value)
        for i in range(value.shape[0]):
            self.write(i, value[i])
        return self

    def close(self, name=None) -> None:
        """Nothing to release (TensorFlow's eager ``close`` is a no-op too)."""

    def _filled(self) -> list:
        """The elements, the unwritten ones as zeros of the element shape."""
        if any(v is None for v in self._values) and self._element_shape is None:
            raise InvalidArgumentError("TensorArray: an element was never written and the element shape is unknown: "
                                       "write every index, or give element_shape=")  # fmt: skip
        return [zeros(self._element_shape, dtype=self._dtype) if v is None else v for v in self._values]
