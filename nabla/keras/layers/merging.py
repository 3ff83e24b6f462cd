"""Layers that merge several inputs into one: ``Add()([a, b])``, ``Concatenate(axis=-1)``, ...

Each takes a list of tensors of one shape (``Concatenate``: equal but for ``axis``) and combines them
elementwise with one of nabla's operations, so gradients reach every input. The lower-case functions
(``add([a, b])``, ``concatenate([a, b])``, ``dot([a, b], axes=1)``) make the layer and call it, as in
Keras. They have no weights.
"""

from __future__ import annotations

import functools

from .._engine import ops
from .layer import Layer


class _Merge(Layer):
    """The base: checks that the input is a list of at least two tensors, then folds them with ``_merge``."""

    def call(self, inputs, training=None):
        if not isinstance(inputs, list) or len(inputs) < 2:
            raise ValueError(f"{type(self).__name__} layer '{self.name}' needs a list of at least 2 inputs")
        return self._merge(inputs)

    def _merge(self, inputs):
        return functools.reduce(self._pair, inputs)


class Add(_Merge):
    """The elementwise sum of the inputs."""

    _pair = staticmethod(ops.add)


class Subtract(_Merge):
    """``inputs[0] - inputs[1]`` (exactly two inputs)."""

    def _merge(self, inputs):
        if len(inputs) != 2:
            raise ValueError(f"Subtract layer '{self.name}' needs exactly 2 inputs, got {len(inputs)}")
        return inputs[0] - inputs[1]


class Multiply(_Merge):
    """The elementwise product of the inputs."""

    _pair = staticmethod(ops.mul)


class Maximum(_Merge):
    """The elementwise maximum of the inputs."""

    _pair = staticmethod(ops.maximum)


class Minimum(_Merge):
    """The elementwise minimum of the inputs."""

    _pair = staticmethod(ops.minimum)


class Average(_Merge):
    """The elementwise mean of the inputs."""

    def _merge(self, inputs):
        return functools.reduce(ops.add, inputs) * (1.0 / len(inputs))


class Concatenate(_Merge):
    """The inputs joined along ``axis`` (default -1, the features)."""

    def __init__(self, axis: int = -1, **kwargs):
        super().__init__(**kwargs)
        self.axis = int(axis)

    def _merge(self, inputs):
        return ops.concatenate(inputs, axis=self.axis)

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
