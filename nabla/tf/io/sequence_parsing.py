"""``tf.io.parse_single_sequence_example``: a serialized ``tf.train.SequenceExample`` as tensors.

A ``SequenceExample`` holds a ``context`` (``Features``, read as ``parse_single_example`` reads an
``Example``'s) and ``feature_lists`` (``FeatureLists``: each name maps to a ``FeatureList``, a sequence of
``Feature``\\ s, one a step). ``sequence_features`` maps each list's name to how to read it, ``steps`` being
the number of ``Feature``\\ s in the list:

- ``FixedLenSequenceFeature(shape, dtype, allow_missing=False)``: each step holds exactly ``prod(shape)``
  values; a dense tensor ``(steps, *shape)``. A missing list raises ``InvalidArgumentError``, or with
  ``allow_missing=True`` gives ``(0, *shape)``. ``default_value`` must be None (as in TensorFlow).
- ``VarLenFeature(dtype)``: any number of values a step; a ``tf.SparseTensor`` with ``(step, j)`` indices and
  ``dense_shape`` ``[steps, longest]`` (``[0, 0]`` when the list is missing). Géron's chapter 13 turns it into
  rows with ``tf.RaggedTensor.from_sparse``.
- ``RaggedFeature(dtype, value_key=None)``: a ``tf.RaggedTensor``, a row a step (no rows when missing).

``context_features`` takes ``FixedLenFeature``, ``VarLenFeature`` and ``RaggedFeature`` (see
:mod:`.parsing`). Each dict of the result lists the sparse features, then the dense, then the ragged, each
group sorted by name, as TensorFlow's does. Wrong types and counts raise ``InvalidArgumentError``, as do bytes
that are not a ``SequenceExample``; a description of the wrong kind raises ``ValueError``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..data.structure import as_tensor
from ..errors import InvalidArgumentError
from ..train.example import SequenceExample
from .parsing import (
    RaggedFeature,
    VarLenFeature,
    _feature_values,
    _numpy_dtype,
    _parse,
    _records,
    kinds,
    one,
    ragged_rows,
    sparse_rows,
)
from .wire import DecodeError


class FixedLenSequenceFeature(NamedTuple):
    """``tf.io.FixedLenSequenceFeature(shape, dtype, allow_missing=False, default_value=None)``: see the
    module's documentation."""

    shape: object
    dtype: object
    allow_missing: bool = False
    default_value: object = None


def _steps(feature_list, key: str, dtype: np.dtype) -> list[np.ndarray]:
    return [_feature_values(f, f"Feature list: {key}, Index: {i}", dtype) for i, f in enumerate(feature_list.feature)]


def _dense_steps(steps: list[np.ndarray] | None, key: str, feature: FixedLenSequenceFeature, dtype: np.dtype):
    if any(d is None for d in feature.shape):
        raise ValueError(f"sequence feature {key!r}: a FixedLenSequenceFeature's step has a known shape, got "
                         f"{list(feature.shape)}; for steps of varying length use VarLenFeature or RaggedFeature")
    shape = tuple(int(d) for d in feature.shape)
    if steps is None:
        if not feature.allow_missing:
            raise InvalidArgumentError(f"Name: <unknown>, Feature list '{key}' is required but could not be found: "
                                       "give its FixedLenSequenceFeature allow_missing=True to read it as no "
                                       "steps")  # fmt: skip
        steps = []
    size = int(np.prod(shape))
    for i, step in enumerate(steps):
        if step.size != size:
            raise InvalidArgumentError(f"Name: <unknown>, Key: {key}, Index: {i}.  Number of values != expected.  "
                                       f"values size: {step.size} but output shape: {list(shape)} (use "
                                       "VarLenFeature or RaggedFeature for steps of different lengths)")  # fmt: skip
    return as_tensor(np.stack(steps).reshape(len(steps), *shape) if steps else np.empty((0, *shape), dtype))


def _parse_feature_lists(feature_lists: dict, features: dict) -> dict:
    out = {}
    allowed = (VarLenFeature, FixedLenSequenceFeature, RaggedFeature)
    for kind, keys in kinds(features, allowed, "sequence_features"):
        for key in keys:
            feature = features[key]
            if kind is FixedLenSequenceFeature and feature.default_value is not None:
                raise ValueError(f"sequence feature {key!r}: FixedLenSequenceFeature's default_value must be None "
                                 "(a missing list is read as no steps with allow_missing=True)")  # fmt: skip
            dtype = _numpy_dtype(feature, key)
            found = feature_lists.get(feature.value_key or key if kind is RaggedFeature else key)
            steps = None if found is None else _steps(found, key, dtype)
            if kind is FixedLenSequenceFeature:
                out[key] = _dense_steps(steps, key, feature, dtype)
            else:
                rows = steps or []
                out[key] = ragged_rows(rows, dtype) if kind is RaggedFeature else sparse_rows(rows, dtype)
    return out


def parse_single_sequence_example(serialized, context_features: dict | None = None,
                                  sequence_features: dict | None = None, example_name=None,
                                  name=None) -> tuple[dict, dict]:  # fmt: skip
    """``tf.io.parse_single_sequence_example(serialized, context_features, sequence_features)``: one serialized
    ``SequenceExample`` (a scalar) as ``(context, feature_lists)``, two dicts of tensors (see the module's
    documentation).

    Example (Géron, chapter 13)::

        context, lists = tf.io.parse_single_sequence_example(
            serialized, {"author_id": tf.io.FixedLenFeature([], tf.int64, default_value=0)},
            {"content": tf.io.VarLenFeature(tf.string)})
        tf.RaggedTensor.from_sparse(lists["content"])  # a row of words a sentence
    """
    if not context_features and not sequence_features:
        raise ValueError("parse_single_sequence_example: both context_features and sequence_features are empty; "
                         "describe at least one feature to read")  # fmt: skip
    records = _records(serialized)
    if records.ndim != 0:
        raise ValueError(f"parse_single_sequence_example takes one serialized SequenceExample (a scalar), got shape "
                         f"{records.shape}: parse each record (Dataset.map) before batching")  # fmt: skip
    try:
        example = SequenceExample.FromString(records[()])
    except DecodeError as error:
        raise InvalidArgumentError(f"Could not parse the SequenceExample ({error}): is this a serialized "
                                   "tf.train.SequenceExample?") from None  # fmt: skip
    context = one(_parse([example.context.feature], context_features or {}, "context_features"))
    return context, _parse_feature_lists(example.feature_lists.feature_list, sequence_features or {})
