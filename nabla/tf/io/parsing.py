"""``tf.io.parse_single_example`` and ``tf.io.parse_example``: serialized ``tf.train.Example``\\ s as tensors.

``features`` maps each feature's name to how to read it:

- ``FixedLenFeature(shape, dtype, default_value=None)``: exactly ``prod(shape)`` values, as a dense tensor of
  ``shape`` (``(batch, *shape)`` for ``parse_example``); a missing feature takes ``default_value`` (reshaped to
  ``shape``), or raises ``InvalidArgumentError`` when there is none.
- ``VarLenFeature(dtype)``: any number of values, as a ``tf.SparseTensor`` (``indices`` ``(N, 1)`` and
  ``dense_shape`` ``[N]`` for one example; ``(total, 2)`` and ``[batch, longest]`` for a batch).

``dtype`` picks the list that must hold the values: ``tf.string`` a ``BytesList``, ``tf.int64`` an
``Int64List``, ``tf.float32`` a ``FloatList``; another list, a wrong count, or bytes that are not an
``Example`` raise ``InvalidArgumentError``. As in TensorFlow the result is a dict of the sparse features then
the dense ones, each group sorted by name; features the description does not name are ignored.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..data.structure import as_tensor
from ..dtypes import as_dtype
from ..errors import InvalidArgumentError
from ..sparse import SparseTensor
from ..string_tensor import text_data
from ..train.example import Example
from .wire import DecodeError

_LISTS = {np.dtype(object): ("bytes_list", "string"), np.dtype(np.int64): ("int64_list", "int64"),
          np.dtype(np.float32): ("float_list", "float")}  # fmt: skip


class FixedLenFeature(NamedTuple):
    """``tf.io.FixedLenFeature(shape, dtype, default_value=None)``: see the module's documentation."""

    shape: object
    dtype: object
    default_value: object = None


class VarLenFeature(NamedTuple):
    """``tf.io.VarLenFeature(dtype)``: see the module's documentation."""

    dtype: object


def _numpy_dtype(feature, key: str) -> np.dtype:
    dtype = as_dtype(feature.dtype).dtype
    if dtype not in _LISTS:
        raise ValueError(f"feature {key!r}: dtype must be tf.string, tf.int64 or tf.float32, got {feature.dtype!r}")
    return dtype


def _values(example: Example, key: str, dtype: np.dtype) -> np.ndarray | None:
    """The values of feature ``key`` (None if the example lacks it), checked to be of the list ``dtype`` needs."""
    feature = example.features.feature.get(key)
    if feature is None:
        return None
    kind = feature.WhichOneof("kind")
    if kind is None:
        return np.empty(0, dtype)
    if kind != _LISTS[dtype][0]:
        raise InvalidArgumentError(f"Name: <unknown>, Key: {key}, Index: 0.  Data types don't match. Data type: "
                                   f"{kind.split('_')[0]} but expected type: {_LISTS[dtype][1]}")  # fmt: skip
    return np.array(getattr(feature, kind).value, dtype=dtype).reshape(-1)


def _example(record: bytes) -> Example:
    try:
        return Example.FromString(record)
    except DecodeError as error:
        raise InvalidArgumentError(f"Could not parse example input ({error})") from None


def _dense(values: np.ndarray | None, key: str, feature: FixedLenFeature, dtype: np.dtype) -> np.ndarray:
    shape = tuple(int(d) for d in feature.shape)
    if values is None:
        if feature.default_value is None:
            raise InvalidArgumentError(f"Feature: {key} (data type: {_LISTS[dtype][1]}) is required but could not "
                                       "be found.")  # fmt: skip
        default = text_data(feature.default_value)
        default = np.asarray(feature.default_value, dtype) if default is None else default
        return default.reshape(shape) if default.size == int(np.prod(shape)) else np.broadcast_to(default, shape)
    if values.size != int(np.prod(shape)):
        raise InvalidArgumentError(f"Key: {key}.  Can't parse serialized Example: {values.size} values for shape "
                                   f"{list(shape)}")  # fmt: skip
    return values.reshape(shape)


def _records(serialized) -> np.ndarray:
    data = text_data(serialized.numpy() if hasattr(serialized, "numpy") else serialized)
    if data is None:
        raise TypeError(f"parsing takes serialized Examples (bytes or a tf.string tensor), got {type(serialized)}")
    return data


def _parse(records: np.ndarray, features: dict) -> dict:
    """Parse a vector of records: dense features stacked ``(batch, *shape)``, sparse ones with ``(b, j)`` indices."""
    examples = [_example(record) for record in records]
    sparse = sorted(k for k, f in features.items() if isinstance(f, VarLenFeature))
    dense = sorted(k for k, f in features.items() if isinstance(f, FixedLenFeature))
    unknown = set(features) - set(sparse) - set(dense)
    if unknown:
        raise TypeError(f"features must be FixedLenFeature or VarLenFeature, not for {sorted(unknown)}")
    out = {}
    for key in sparse:
        dtype = _numpy_dtype(features[key], key)
        rows = [_values(example, key, dtype) for example in examples]
        rows = [np.empty(0, dtype) if row is None else row for row in rows]
        indices = [(b, j) for b, row in enumerate(rows) for j in range(len(row))]
        values = np.concatenate(rows) if rows else np.empty(0, dtype)
        longest = max((len(row) for row in rows), default=0)
        out[key] = SparseTensor(np.array(indices, np.int64).reshape(-1, 2), values, [len(rows), longest])
    for key in dense:
        dtype = _numpy_dtype(features[key], key)
        tensors = [_dense(_values(example, key, dtype), key, features[key], dtype) for example in examples]
        shape = tuple(int(d) for d in features[key].shape)
        out[key] = as_tensor(np.stack(tensors) if tensors else np.empty((0, *shape), dtype))
    return out


def parse_example(serialized, features: dict, example_names=None, name=None) -> dict:
    """``tf.io.parse_example(serialized, features)``: a vector of serialized ``Example``\\ s (a batch) as a dict
    of tensors, ``(batch, *shape)`` for ``FixedLenFeature``\\ s (see the module's documentation)."""
    records = _records(serialized)
    if records.ndim != 1:
        raise ValueError(f"parse_example takes a vector of serialized Examples, got shape {records.shape}: one "
                         "Example goes to parse_single_example")  # fmt: skip
    return _parse(records, features)


def parse_single_example(serialized, features: dict, example_names=None, name=None) -> dict:
    """``tf.io.parse_single_example(serialized, features)``: one serialized ``Example`` (a scalar) as a dict of
    tensors of the features' shapes (see the module's documentation)."""
    records = _records(serialized)
    if records.ndim != 0:
        raise ValueError(f"parse_single_example takes one serialized Example, got shape {records.shape}: a batch "
                         "goes to parse_example")  # fmt: skip
    out = _parse(records.reshape(1), features)
    for key, value in out.items():
        if isinstance(value, SparseTensor):
            out[key] = SparseTensor(value._indices[:, 1:], value._values, value._shape[1:])
        else:
            out[key] = value[0]
    return out
