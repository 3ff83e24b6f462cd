"""Layers that merge several inputs into one: ``Add()([a, b])``, ``Concatenate(axis=-1)``, ...

Each takes a list of tensors of one shape (``Concatenate``: equal but for ``axis``) and combines them
elementwise with one of nabla's operations, so gradients reach every input. The lower-case functions
(``add([a, b])``, ``concatenate([a, b])``) make the layer and call it, as in Keras. They have no weights.
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
