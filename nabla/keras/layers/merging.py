"""Layers that merge several inputs into one: ``Add()([a, b])``, ``Concatenate(axis=-1)``, ...

Each takes a list of tensors of one shape (``Concatenate``: equal but for ``axis``) and combines them
elementwise with one of nabla's operations, so gradients reach every input. The lower-case functions
(``add([a, b])``, ``concatenate([a, b])``, ``dot([a, b], axes=1)``) make the layer and call it, as in
Keras. They have no weights.

Masks (see :mod:`.masking`), as Keras 3: the elementwise merges give a step the mask ``m1 or m2 or ...``
when every input has a mask (None when one has none), and ``Multiply``, ``Maximum``, ``Minimum`` leave the
masked values out of their result; ``Concatenate`` keeps a step where any of its
joined values is real (an input without a mask counts as all real); ``Dot`` ends the mask.
"""

from __future__ import annotations

import functools

import numpy as np

from .._engine import made_by, ops
from .layer import Layer


class _Merge(Layer):
    """The base: checks that the input is a list of at least two tensors, then folds them with ``_merge``."""

    def call(self, inputs, training=None):
        self._check(inputs)
        return self._merge(inputs)

    def _check(self, inputs) -> None:
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError(f"{type(self).__name__} layer '{self.name}' needs a list of at least 2 inputs")

    def _merge(self, inputs):
        return functools.reduce(self._pair, inputs)

    def compute_mask(self, inputs, mask=None):
        if mask is None or any(m is None for m in mask):
            return None
        return functools.reduce(ops.logical_or, mask)


class Add(_Merge):
    """The elementwise sum of the inputs."""

    _pair = staticmethod(ops.add)


class Subtract(_Merge):
    """``inputs[0] - inputs[1]`` (exactly two inputs)."""

    def _merge(self, inputs):
        if len(inputs) != 2:
            raise ValueError(f"Subtract layer '{self.name}' needs exactly 2 inputs, got {len(inputs)}")
        return inputs[0] - inputs[1]


def _widened(mask, x):
    """A (batch, steps) mask as ``x``'s shape (batch, steps, features)."""
    return ops.broadcast_to(ops.expand_dims(mask, -1), x.shape)


class Multiply(_Merge):
    """The elementwise product of the inputs.

    With masks (Keras 3's): a masked value counts as 1 (it leaves the product alone), and where every input
    has a mask, a step no input holds gives 0."""

    _pair = staticmethod(ops.mul)

    def call(self, inputs, training=None, mask=None):
        self._check(inputs)
        if mask is None:
            return self._merge(inputs)
        every = all(m is not None for m in mask)
        output = output_mask = None
        for x, m in zip(inputs, mask):
            if m is not None:
                m = _widened(m, x)
                x = ops.where(m, x, 1.0)
                if every:
                    output_mask = m if output_mask is None else ops.logical_or(output_mask, m)
            output = x if output is None else output * x
        return ops.where(output_mask, output, 0.0) if every else output


class _Extremum(_Merge):
    """Maximum and Minimum. With masks (Keras 3's): a masked value of one input takes the others' (so that
    it does not win), folding the inputs in order."""

    def call(self, inputs, training=None, mask=None):
        self._check(inputs)
        if mask is None:
            return self._merge(inputs)
        output = output_mask = None
        for x, m in zip(inputs, mask):
            m = None if m is None else _widened(m, x)
            if output is None:
                output, output_mask = x, m
                continue
            if m is not None:
                x = ops.where(m, x, output)
            if output_mask is not None:
                output = ops.where(output_mask, output, x)
            output_mask = ops.logical_or(output_mask, m) if m is not None and output_mask is not None else None
            output = self._pair(output, x)
        return output


class Maximum(_Extremum):
    """The elementwise maximum of the inputs."""

    _pair = staticmethod(ops.maximum)


class Minimum(_Extremum):
    """The elementwise minimum of the inputs."""

    _pair = staticmethod(ops.minimum)


class Average(_Merge):
    """The elementwise mean of the inputs; integer inputs give floats as Keras on TensorFlow, whose ``/`` of an
    integer tensor gives float32 for 8 and 16 bits (uint8 images), float64 for int32 and int64."""

    def _merge(self, inputs):
        total = functools.reduce(ops.add, inputs)
        if total.dtype.kind != "f":
            total = total.astype(np.float32 if total.dtype.itemsize <= 2 else np.float64)
        return total * (1.0 / len(inputs))


class Concatenate(_Merge):
    """The inputs joined along ``axis`` (default -1, the features)."""

    def __init__(self, axis: int = -1, **kwargs):
        super().__init__(**kwargs)
        self.axis = int(axis)

    def _merge(self, inputs):
        return ops.concatenate(inputs, axis=self.axis)

    def compute_mask(self, inputs, mask=None):
        """Each mask widened to its input's shape (all True without one), joined as the inputs are, and a step
        kept where any of its values is real: (batch, steps) from (batch, steps, features) inputs."""
        if mask is None or all(m is None for m in mask):
            return None
        widened = []
        for x, m in zip(inputs, mask):
            if m is None:
                m = made_by(np.ones, x.shape, dtype=bool)
            while m.ndim < x.ndim:
                m = ops.expand_dims(m, -1)
            widened.append(ops.broadcast_to(m, x.shape))
        return ops.any(ops.concatenate(widened, axis=self.axis), axis=-1)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}


def _unit(t, axis: int):
    """``t / max(||t||, 1e-7)`` along ``axis``: Keras's ``normalize`` (its epsilon, 1e-7, squared here)."""
    return t / ops.sqrt(ops.maximum(ops.sum(t * t, axis=axis, keepdims=True), 1e-14))


class Dot(_Merge):
    """The dot product of two batches of samples along ``axes``: Keras's ``batch_dot``.

    ``axes``: an int (the same axis of both inputs, counted with the batch axis as 0; negative from the
    end) or a pair (one per input). The output has the first input's other axes, then the second's:
    (N, a, d) . (N, d, b) along (2, 1) -> (N, a, b); two (N, d) vectors give (N, 1).
    ``normalize=True`` first scales both along their axis to length 1 (``x / max(||x||, 1e-7)``), so the
    product is the cosine similarity. Parameters: 0.
    """

    def __init__(self, axes, normalize: bool = False, **kwargs):
        super().__init__(**kwargs)
        pair = (axes, axes) if isinstance(axes, int) else tuple(axes) if isinstance(axes, (list, tuple)) else ()
        if len(pair) != 2 or not all(isinstance(a, int) and not isinstance(a, bool) for a in pair):
            raise ValueError(f"Dot: axes must be an int or a pair of ints, got {axes!r}")
        self.axes, self.normalize = axes if isinstance(axes, int) else list(pair), bool(normalize)

    def _merge(self, inputs):
        if len(inputs) != 2:
            raise ValueError(f"Dot layer '{self.name}' needs exactly 2 inputs, got {len(inputs)}")
        pair = (self.axes, self.axes) if isinstance(self.axes, int) else self.axes
        x, y = inputs
        ax, ay = (a % t.ndim for a, t in zip(pair, (x, y)))
        if 0 in (ax, ay) or x.shape[ax] != y.shape[ay] or x.shape[0] != y.shape[0]:
            raise ValueError(f"Dot layer '{self.name}': axes {self.axes} do not pair inputs of shapes {x.shape} and "
                             f"{y.shape} (the sizes along them must agree; axis 0 is the batch)")  # fmt: skip
        if self.normalize:
            x, y = _unit(x, ax), _unit(y, ay)
        x, y = ops.moveaxis(x, ax, -1), ops.moveaxis(y, ay, 1)
        rest_x, rest_y = x.shape[1:-1], y.shape[2:]
        n, d = x.shape[0], x.shape[-1]
        out = ops.matmul(ops.reshape(x, (n, -1, d)), ops.reshape(y, (n, d, -1)))
        return ops.reshape(out, (n, *rest_x, *rest_y) if rest_x or rest_y else (n, 1))

    def compute_mask(self, inputs, mask=None):
        return None  # (Keras's: a product over the steps has no steps left to mask)

    def get_config(self) -> dict:
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def dot(inputs, axes, normalize: bool = False, **kwargs):
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)


def add(inputs, **kwargs):
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    return Multiply(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    return Minimum(**kwargs)(inputs)


def average(inputs, **kwargs):
    return Average(**kwargs)(inputs)


def concatenate(inputs, axis: int = -1, **kwargs):
    return Concatenate(axis=axis, **kwargs)(inputs)
