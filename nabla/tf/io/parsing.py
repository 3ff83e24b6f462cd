"""``tf.io.parse_single_example`` and ``tf.io.parse_example``: serialized ``tf.train.Example``\\ s as tensors.

``features`` maps each feature's name to how to read it:

- ``FixedLenFeature(shape, dtype, default_value=None)``: exactly ``prod(shape)`` values, as a dense tensor of
  ``shape`` (``(batch, *shape)`` for ``parse_example``); a missing feature takes ``default_value`` (reshaped to
  ``shape``), or raises ``InvalidArgumentError`` when there is none.
- ``VarLenFeature(dtype)``: any number of values, as a ``tf.SparseTensor`` (``indices`` ``(N, 1)`` and
  ``dense_shape`` ``[N]`` for one example; ``(total, 2)`` and ``[batch, longest]`` for a batch).
- ``RaggedFeature(dtype, value_key=None)``: any number of values, as a 1-D tensor for one example, a
  ``tf.RaggedTensor`` (a row per example) for a batch. One level of rows only (``partitions=()``).

``dtype`` picks the list that must hold the values: ``tf.string`` a ``BytesList``, ``tf.int64`` an
``Int64List``, ``tf.float32`` a ``FloatList``; another list, a wrong count, or bytes that are not an
``Example`` raise ``InvalidArgumentError``. As in TensorFlow the result is a dict of the sparse features then
the dense ones then the ragged ones, each group sorted by name; features the description does not name are ignored.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ...keras.ragged import RaggedTensor
from ..data.structure import as_tensor
from ..dtypes import as_dtype
from ..errors import InvalidArgumentError
from ..sparse import SparseTensor
from ..string_tensor import StringTensor, text_data
from ..tensor import Tensor
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


class RaggedFeature(NamedTuple):
    """``tf.io.RaggedFeature(dtype, value_key=None)``: any number of values, read from feature ``value_key``
    (default: the description's key); see the module's documentation. ``partitions`` must be ``()`` (one
    level of rows); ``row_splits_dtype`` and ``validate`` are kept and change nothing."""

    dtype: object
    value_key: str | None = None
    partitions: tuple = ()
    row_splits_dtype: object = "int32"
    validate: bool = False


def _numpy_dtype(feature, key: str) -> np.dtype:
    dtype = as_dtype(feature.dtype).dtype
    if dtype not in _LISTS:
        raise ValueError(f"feature {key!r}: dtype must be tf.string, tf.int64 or tf.float32, got {feature.dtype!r}")
    return dtype


def _feature_values(feature, where: str, dtype: np.dtype) -> np.ndarray:
    """The values of one ``Feature``, checked to be of the list ``dtype`` needs (an unset one is empty);
    ``where`` names it in the error (``Key: name`` or ``Feature list: name, Index: step``)."""
    kind = feature.WhichOneof("kind")
    if kind is None:
        return np.empty(0, dtype)
    if kind != _LISTS[dtype][0]:
        raise InvalidArgumentError(f"Name: <unknown>, {where}.  Data types don't match. Data type: "
                                   f"{kind.split('_')[0]} but expected type: {_LISTS[dtype][1]} (describe the "
                                   f"feature with the dtype of its list)")  # fmt: skip
    return np.array(getattr(feature, kind).value, dtype=dtype).reshape(-1)


def _values(feature_map: dict, key: str, dtype: np.dtype) -> np.ndarray | None:
    """The values of feature ``key`` of a ``Features.feature`` map (None if it lacks it)."""
    feature = feature_map.get(key)
    return None if feature is None else _feature_values(feature, f"Key: {key}, Index: 0", dtype)


def _example(record: bytes) -> Example:
    try:
        return Example.FromString(record)
    except DecodeError as error:
        raise InvalidArgumentError(f"Could not parse example input ({error})") from None


def _dense(values: np.ndarray | None, key: str, feature: FixedLenFeature, dtype: np.dtype) -> np.ndarray:
    shape = _shape(feature, key)
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


def _shape(feature: FixedLenFeature, key: str) -> tuple[int, ...]:
    if any(d is None for d in feature.shape):
        raise ValueError(f"feature {key!r}: a FixedLenFeature has a known shape, got {list(feature.shape)}; for "
                         "a varying number of values use VarLenFeature or RaggedFeature")  # fmt: skip
    return tuple(int(d) for d in feature.shape)


def kinds(features: dict, allowed: tuple[type, ...], where: str) -> list[tuple[type, list[str]]]:
    """The keys of ``features`` by kind, in TensorFlow's order of the result (sparse, dense, ragged; each sorted
    by name); a description of another kind raises ``ValueError``."""
    for key, feature in features.items():
        if not isinstance(feature, allowed):
            names = " or ".join(kind.__name__ for kind in allowed)
            raise ValueError(f"{where}: feature {key!r} is a {type(feature).__name__}; {where} takes {names}")
        if isinstance(feature, RaggedFeature) and feature.partitions:
            raise ValueError(f"feature {key!r}: nabla's RaggedFeature reads one level of rows (partitions=()), "
                             f"got partitions={feature.partitions!r}: reshape the values after parsing")  # fmt: skip
    out = [(kind, sorted(k for k, f in features.items() if type(f) is kind)) for kind in allowed]
    ragged = {f.value_key or k for k, f in features.items() if isinstance(f, RaggedFeature)}
    both = ragged & {k for k, f in features.items() if not isinstance(f, RaggedFeature)}
    if both:
        raise ValueError(f"{where}: Ragged and other keys must not intersect (as in TensorFlow), both read "
                         f"{sorted(both)}: describe each feature once")  # fmt: skip
    return out


def ragged_rows(rows: list[np.ndarray], dtype: np.dtype) -> RaggedTensor:
    """A ``tf.RaggedTensor`` of these rows, each a ``nabla.tf`` tensor when read."""
    return RaggedTensor(rows, dtype, tensor_class=Tensor, text_class=StringTensor)


def _parse(maps: list[dict], features: dict, where: str) -> dict:
    """Parse a batch of ``Features.feature`` maps: dense features stacked ``(batch, *shape)``, sparse ones with
    ``(b, j)`` indices, ragged ones a ``RaggedTensor`` of a row per map."""
    out = {}
    for kind, keys in kinds(features, (VarLenFeature, FixedLenFeature, RaggedFeature), where):
        for key in keys:
            feature = features[key]
            dtype = _numpy_dtype(feature, key)
            if kind is FixedLenFeature:
                shape = _shape(feature, key)
                tensors = [_dense(_values(m, key, dtype), key, feature, dtype) for m in maps]
                out[key] = as_tensor(np.stack(tensors) if tensors else np.empty((0, *shape), dtype))
                continue
            found = (_values(m, feature.value_key or key if kind is RaggedFeature else key, dtype) for m in maps)
            rows = [np.empty(0, dtype) if row is None else row for row in found]
            out[key] = ragged_rows(rows, dtype) if kind is RaggedFeature else sparse_rows(rows, dtype)
    return out


def sparse_rows(rows: list[np.ndarray], dtype: np.dtype) -> SparseTensor:
    """A 2-D ``SparseTensor`` of these rows: ``(i, j)`` indices, dense shape ``[rows, longest]``."""
    indices = [(b, j) for b, row in enumerate(rows) for j in range(len(row))]
    values = np.concatenate(rows) if rows else np.empty(0, dtype)
    longest = max((len(row) for row in rows), default=0)
    return SparseTensor(np.array(indices, np.int64).reshape(-1, 2), values, [len(rows), longest])


def one(parsed: dict) -> dict:
    """A parsed batch of one, the batch dimension dropped (a ragged feature's one row is a 1-D tensor)."""
    out = {}
    for key, value in parsed.items():
        if isinstance(value, SparseTensor):
            out[key] = SparseTensor(value._indices[:, 1:], value._values, value._shape[1:])
        else:
            out[key] = value[0]
    return out


def parse_example(serialized, features: dict, example_names=None, name=None) -> dict:
    """``tf.io.parse_example(serialized, features)``: a vector of serialized ``Example``\\ s (a batch) as a dict
    of tensors, ``(batch, *shape)`` for ``FixedLenFeature``\\ s (see the module's documentation)."""
    records = _records(serialized)
    if records.ndim != 1:
        raise ValueError(f"parse_example takes a vector of serialized Examples, got shape {records.shape}: one "
                         "Example goes to parse_single_example")  # fmt: skip
    return _parse([_example(record).features.feature for record in records], features, "parse_example")


def parse_single_example(serialized, features: dict, example_names=None, name=None) -> dict:
    """``tf.io.parse_single_example(serialized, features)``: one serialized ``Example`` (a scalar) as a dict of
    tensors of the features' shapes (see the module's documentation)."""
    records = _records(serialized)
    if records.ndim != 0:
        raise ValueError(f"parse_single_example takes one serialized Example, got shape {records.shape}: a batch "
                         "goes to parse_example")  # fmt: skip
    return one(_parse([_example(records[()]).features.feature], features, "parse_single_example"))
