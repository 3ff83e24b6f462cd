"""Preprocessing layers that put the scaling of the data inside the model: ``Rescaling``, ``Normalization``.

The TF tutorials use them so that a saved model takes raw data: ``Rescaling(1./255)`` first in an image
classifier, and ``Normalization(axis=-1)`` adapted to the training features (``normalizer.adapt(x)``) first
in a regression.
"""

from __future__ import annotations

import math

import numpy as np

from .._engine import Tensor, no_grad, ops
from .arguments import is_number
from .layer import Layer
from .layer_inputs import StacksListInputs

#: Keras's ``backend.epsilon()``: the smallest standard deviation Normalization divides by.
EPSILON = 1e-7


def _number_or_list(value, name: str, who: str):
    """A number, or an array-like of numbers (one per channel), as a JSON-able value for the config."""
    if is_number(value):
        return float(value)
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        array = np.array(np.nan)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{who}: {name} must be a finite number or an array of them, got {value!r}")
    return array.tolist()


class Rescaling(StacksListInputs, Layer):
    """``x * scale + offset``, in the layer's dtype (float32): ``Rescaling(1./255)`` maps uint8 pixels to [0, 1],
    ``Rescaling(1./127.5, offset=-1)`` to [-1, 1].

    ``scale`` and ``offset`` are numbers, or arrays that broadcast against the input (one value per channel
    of channels-last images). Shape: any, unchanged. Parameters: 0. Gradients flow through to the input.
    """

    PASSES_MASKS = True  # as Keras's: the mask goes on unchanged

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = _number_or_list(scale, "scale", "Rescaling")
        self.offset = _number_or_list(offset, "offset", "Rescaling")

    def call(self, inputs, training=None):
        x = inputs if inputs.dtype == self.dtype else inputs.astype(self.dtype)
        scale, offset = (v if isinstance(v, float) else np.asarray(v, self.dtype) for v in (self.scale, self.offset))
        return x * scale + offset

    def get_config(self) -> dict:
        return {**super().get_config(), "scale": self.scale, "offset": self.offset}


def _axes(axis) -> tuple[int, ...]:
    if axis is None:
        return ()
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    if not all(isinstance(a, int) and not isinstance(a, bool) for a in axes):
        raise ValueError(f"Normalization: axis must be None, an int or a tuple of ints, got {axis!r}")
    return axes


class Normalization(StacksListInputs, Layer):
    """Standardises each feature: ``(x - mean) / max(sqrt(variance), 1e-7)`` (``invert=True``: the inverse,
    ``mean + x * max(sqrt(variance), 1e-7)``), with the statistics given or learned by :meth:`adapt`.

    ``axis`` names the axes that keep their own statistics (batch axis 0): the default -1 gives one mean
    and variance per feature of the last axis, ``axis=None`` one mean and variance for all the values (the
    TF regression tutorial's one-feature ``Normalization(input_shape=[1,], axis=None)``), ``axis=(1, 2)``
    one per pixel of (batch, H, W) images. The statistics are taken over all the other axes.

    Either pass ``mean`` and ``variance`` (numbers, or arrays of the kept axes' shape; the layer then has
    no weights), or call ``adapt(data)`` before training: ``data`` is an array (or a DataFrame, a tensor),
    or an iterable of batches (a list of arrays, a generator, a ``DataLoader`` of ``(x, y)`` batches, whose
    first item is used), merged batch by batch with Chan et al.'s parallel formula, as Keras does. The
    variance is the biased (population) one, NumPy's ``var``.

    Weights (when adapted): ``mean`` and ``variance`` of the kept axes' shape and ``count`` (the number of
    values each statistic was computed from), all non-trainable: Normalization(axis=-1) on 9 features
    has 19, as Keras's summary counts them. The attributes ``layer.mean`` and ``layer.variance`` are, as in
    Keras 3, the statistics shaped to broadcast against the inputs ((1, 9) for ``axis=-1`` on (batch, 9)
    data; (1,) * rank for ``axis=None``), given or adapted, and None before the layer is built (by ``adapt``
    or a model, not by ``input_shape=``, as in Keras 3). ``count`` is int64, as Keras 3 on TensorFlow makes it
    (8 bytes in the summary's totals); Keras 3 leaves it 0 after ``adapt`` (it is kept for old files), nabla
    holds the count, as Keras 2 did. Gradients flow through to the input.
    """

    PASSES_MASKS = True  # as Keras's: the mask goes on unchanged

    def __init__(self, axis=-1, mean=None, variance=None, invert: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.axis = _axes(axis)
        if (mean is None) != (variance is None):
            raise ValueError("Normalization: give both mean and variance, or neither (and call adapt(data))")
        if mean is not None:
            mean, variance = np.asarray(mean, np.float64), np.asarray(variance, np.float64)
            if mean.shape != variance.shape:
                raise ValueError(f"Normalization: mean {mean.shape} and variance {variance.shape} differ in shape")
            if mean.ndim > len(self.axis):
                raise ValueError(
                    f"Normalization: mean has {mean.ndim} axes, more than the {len(self.axis)} kept by axis={axis!r}"
                )
            if np.any(variance < 0):
                raise ValueError("Normalization: variance must be >= 0")
        self.input_mean, self.input_variance = mean, variance
        self.invert = bool(invert)
        # NOTE: not built from ``input_shape=`` here (Keras 3 builds it from the data in adapt, or in a model): with
        # axis=None the statistics take the data's rank, so ``Normalization(input_shape=[1], axis=None)`` adapted on
        # a (n,) array normalises (n,) inputs to (n,), as the TF regression tutorial's horsepower normalizer does

    def build(self, input_shape) -> None:
        ndim = len(input_shape)
        if any(not -ndim <= a < ndim for a in self.axis):
            raise ValueError(f"Normalization '{self.name}': axis {self.axis} is outside inputs of shape {input_shape}")
        keep = sorted(a % ndim for a in self.axis)
        if 0 in keep or any(input_shape[a] is None for a in keep):
            raise ValueError(f"Normalization '{self.name}': the kept axes {self.axis} must have known sizes (not the "
                             f"batch axis), inputs have shape {input_shape}")  # fmt: skip
        self._keep = tuple(keep)
        self._stat_shape = tuple(input_shape[a] for a in keep)
        self._broadcast = tuple(input_shape[a] if a in keep else 1 for a in range(ndim))
        if self.input_mean is None:
            for name, initializer in (("mean", "zeros"), ("variance", "ones")):
                self.add_weight(shape=self._stat_shape, initializer=initializer, trainable=False, name=name)
            # NOTE: int64 as Keras 3's "int" on TensorFlow (int32 on its other backends): 8 bytes in summaries
            self.add_weight(shape=(), dtype="int64", initializer="zeros", trainable=False, name="count")
        else:
            shape = [1] * ndim  # the given statistics' axes are the last kept axes, as Keras aligns them
            for i in range(1, self.input_mean.ndim + 1):
                shape[keep[-i]] = self.input_mean.shape[-i]
            self._given = [np.broadcast_to(v.reshape(shape), self._broadcast).astype(self.dtype)
                           for v in (self.input_mean, self.input_variance)]  # fmt: skip

    def adapt(self, data) -> None:
        """Set ``mean`` and ``variance`` to the statistics of ``data`` (see the class docstring)."""
        if self.input_mean is not None:
            raise ValueError(f"Normalization '{self.name}' was given its mean and variance: it cannot adapt")
        batches = _batches(data)
        first = next(batches, None)
        if first is None:
            raise ValueError("Normalization.adapt: the data has no batches")
        if first.ndim == 0:
            raise ValueError("Normalization.adapt: give a batch of samples (an array with a batch axis), not a number")
        self._ensure_built((None, *first.shape[1:]))
        mean = variance = None
        count = 0
        for batch in _chain(first, batches):
            if not self._fits(batch.shape):
                built = ", ".join(map(str, self._broadcast[1:]))
                raise ValueError(f"Normalization.adapt: a batch of shape {batch.shape} does not match the layer, "
                                 f"built for inputs of shape (None, {built})")  # fmt: skip
            reduce = tuple(a for a in range(batch.ndim) if a not in self._keep)  # all of them for axis=None
            n = math.prod(batch.shape[a] for a in reduce)
            if n == 0:
                continue
            b_mean, b_var = batch.mean(axis=reduce), batch.var(axis=reduce)
            if mean is None:
                mean, variance, count = b_mean, b_var, n
                continue
            count += n
            w = n / count  # Chan et al.: merge (mean, var) of the data so far with the new batch's
            new_mean = mean * (1 - w) + b_mean * w
            variance = (variance + (mean - new_mean) ** 2) * (1 - w) + (b_var + (b_mean - new_mean) ** 2) * w
            mean = new_mean
        if mean is None:
            raise ValueError("Normalization.adapt: the data has no values")
        with no_grad():
            shape = self._stat_shape
            self.set_weights([np.reshape(mean, shape), np.reshape(variance, shape), np.asarray(count, np.int64)])

    def _fits(self, shape: tuple) -> bool:
        """Whether inputs of ``shape`` have the kept axes the layer was built for (any shape if it keeps none)."""
        if not self._keep:
            return True
        return len(shape) == len(self._broadcast) and all(shape[a] == self._broadcast[a] for a in self._keep)

    def _statistics(self) -> tuple:
        """(mean, standard deviation) shaped to broadcast against the inputs."""
        if self.input_mean is not None:
            mean, variance = self._given
            return mean, np.maximum(np.sqrt(variance), EPSILON).astype(self.dtype)
        mean, variance = self.mean, self.variance
        return mean, ops.clip(ops.sqrt(variance), EPSILON, None)

    @property
    def mean(self) -> Tensor | None:
        """The mean, shaped to broadcast against the inputs (Keras 3's ``layer.mean``); None before build."""
        return self._broadcast_statistic("mean", 0)

    @property
    def variance(self) -> Tensor | None:
        """The variance, shaped to broadcast against the inputs (Keras 3's ``layer.variance``)."""
        return self._broadcast_statistic("variance", 1)

    def _broadcast_statistic(self, name: str, given: int) -> Tensor | None:
        if getattr(self, "_broadcast", None) is None:  # (not built)
            return None
        if self.input_mean is not None:
            return Tensor(self._given[given])  # (already of the broadcast shape, batch axis 1)
        return self._parameters[name].reshape(self._broadcast)

    def call(self, inputs, training=None):
        x = inputs if inputs.dtype == self.dtype else inputs.astype(self.dtype)
        if not self._fits(x.shape):
            raise ValueError(f"Normalization '{self.name}' was built for inputs of shape (None, "
                             f"{', '.join(map(str, self._broadcast[1:]))}), got {x.shape}")  # fmt: skip
        mean, std = self._statistics()
        return mean + x * std if self.invert else (x - mean) / std

    def get_config(self) -> dict:
        listed = [None if v is None else v.tolist() for v in (self.input_mean, self.input_variance)]
        axis = None if not self.axis else (self.axis[0] if len(self.axis) == 1 else list(self.axis))
        return {**super().get_config(), "axis": axis, "invert": self.invert, "mean": listed[0], "variance": listed[1]}


def _batches(data):
    """``data`` as an iterator of float64 arrays: one batch for an array-like (or a list of numbers), each item of
    another iterable."""
    if isinstance(data, Tensor):
        return iter([np.asarray(data.detach()._data, dtype=np.float64)])
    if hasattr(data, "__array__") or (isinstance(data, list) and data and all(is_number(v) for v in data)):
        return iter([np.asarray(data, dtype=np.float64)])
    if not hasattr(data, "__iter__"):
        raise TypeError(f"Normalization.adapt takes an array or an iterable of batches, got {type(data).__name__}")
    return (_batch(item) for item in data)


def _batch(item) -> np.ndarray:
    if isinstance(item, (tuple, list)) and item and not is_number(item[0]):
        item = item[0]  # an (x, y) batch: the features
    if isinstance(item, Tensor):
        item = item.detach()._data
    return np.asarray(item, dtype=np.float64)


def _chain(first, rest):
    yield first
    yield from rest
