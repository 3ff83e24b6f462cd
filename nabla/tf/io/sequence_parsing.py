"""``tf.io.parse_single_sequence_example`` / ``parse_sequence_example``: serialized ``tf.train.SequenceExample``\\ s
as tensors (one, or a batch: see :func:`parse_sequence_example`).

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
from ..sparse import SparseTensor
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


def _dense_steps(steps: list[np.ndarray] | None, key: str, feature: FixedLenSequenceFeature,
                 dtype: np.dtype) -> np.ndarray:  # fmt: skip
    """A ``FixedLenSequenceFeature``'s steps as one ``(steps, *shape)`` array, checked."""
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
    return np.stack(steps).reshape(len(steps), *shape) if steps else np.empty((0, *shape), dtype)


def _list_steps(feature_lists: dict, key: str, feature, kind: type) -> list[np.ndarray] | None:
    """The values of each step of the feature list ``feature`` describes (None when the example lacks it)."""
    if kind is FixedLenSequenceFeature and feature.default_value is not None:
        raise ValueError(f"sequence feature {key!r}: FixedLenSequenceFeature's default_value must be None "
                         "(a missing list is read as no steps with allow_missing=True)")  # fmt: skip
    found = feature_lists.get(feature.value_key or key if kind is RaggedFeature else key)
    return None if found is None else _steps(found, key, _numpy_dtype(feature, key))


_SEQUENCE_KINDS = (VarLenFeature, FixedLenSequenceFeature, RaggedFeature)


def _parse_feature_lists(feature_lists: dict, features: dict) -> dict:
    out = {}
    for kind, keys in kinds(features, _SEQUENCE_KINDS, "sequence_features"):
        for key in keys:
            feature, dtype = features[key], _numpy_dtype(features[key], key)
            steps = _list_steps(feature_lists, key, feature, kind)
            if kind is FixedLenSequenceFeature:
                out[key] = as_tensor(_dense_steps(steps, key, feature, dtype))
            else:
                rows = steps or []
                out[key] = ragged_rows(rows, dtype) if kind is RaggedFeature else sparse_rows(rows, dtype)
    return out


def _sequence_example(record: bytes) -> SequenceExample:
    try:
        return SequenceExample.FromString(record)
    except DecodeError as error:
        raise InvalidArgumentError(f"Could not parse the SequenceExample ({error}): is this a serialized "
                                   "tf.train.SequenceExample?") from None  # fmt: skip


def _check_described(context_features, sequence_features, where: str) -> None:
    if not context_features and not sequence_features:
        raise ValueError(f"{where}: both context_features and sequence_features are empty; describe at least one "
                         "feature to read")  # fmt: skip


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
    _check_described(context_features, sequence_features, "parse_single_sequence_example")
    records = _records(serialized)
    if records.ndim != 0:
        raise ValueError(f"parse_single_sequence_example takes one serialized SequenceExample (a scalar), got shape "
                         f"{records.shape}: a batch goes to parse_sequence_example")  # fmt: skip
    example = _sequence_example(records[()])
    context = one(_parse([example.context.feature], context_features or {}, "context_features"))
    return context, _parse_feature_lists(example.feature_lists.feature_list, sequence_features or {})


def _batched_list(per_example: list[list[np.ndarray] | None], key: str, feature, kind: type, dtype: np.dtype):
    """One feature list across a batch: a dense ``(batch, longest, *shape)`` tensor (padded with zeros or
    ``b""``) and its int64 lengths, or a 3-D ``SparseTensor`` with ``(example, step, j)`` indices."""
    if kind is FixedLenSequenceFeature:
        dense = [_dense_steps(steps, key, feature, dtype) for steps in per_example]
        lengths = np.array([len(d) for d in dense], np.int64)
        shape = tuple(int(d) for d in feature.shape)
        out = np.full((len(dense), max(lengths, default=0), *shape), b"" if dtype.kind == "O" else 0, dtype)
        for b, d in enumerate(dense):
            out[b, : len(d)] = d
        return as_tensor(out), as_tensor(lengths)
    rows = [steps or [] for steps in per_example]
    indices = [(b, i, j) for b, steps in enumerate(rows) for i, step in enumerate(steps) for j in range(len(step))]
    values = [np.empty(0, dtype)] + [step for steps in rows for step in steps]
    longest = max((len(step) for steps in rows for step in steps), default=0)
    shape = [len(rows), max((len(steps) for steps in rows), default=0), longest]
    return SparseTensor(np.array(indices, np.int64).reshape(-1, 3), np.concatenate(values), shape), None


def parse_sequence_example(serialized, context_features: dict | None = None, sequence_features: dict | None = None,
                           example_names=None, name=None) -> tuple[dict, dict, dict]:  # fmt: skip
    """``tf.io.parse_sequence_example(serialized, context_features, sequence_features)``: a vector of serialized
    ``SequenceExample``\\ s (a batch) as ``(context, feature_lists, feature_list_lengths)``, three dicts.

    - ``context``: as ``tf.io.parse_example`` reads a batch of ``Example``\\ s (``(batch, *shape)`` dense).
    - ``feature_lists``: a ``FixedLenSequenceFeature`` list as ``(batch, longest, *shape)``, each example's
      steps padded at the end with zeros (``b""`` for strings); a ``VarLenFeature`` list as a 3-D
      ``tf.SparseTensor``, indices ``(example, step, j)``, ``dense_shape`` ``[batch, most steps, most values]``.
    - ``feature_list_lengths``: for each ``FixedLenSequenceFeature``, its number of steps in each example
      (int64, ``(batch,)``).

    A scalar ``serialized`` is read as ``parse_single_sequence_example`` reads it, the lengths being scalars.
    ``RaggedFeature`` feature lists are refused for a batch (TensorFlow's result has ragged rank 2, nabla's
    ragged tensors rank 1): use ``VarLenFeature``, or parse each record with ``parse_single_sequence_example``.

    Example::

        context, lists, lengths = tf.io.parse_sequence_example(
            batch_of_serialized, None, {"frames": tf.io.FixedLenSequenceFeature([2], tf.float32)})
        lists["frames"].shape  # (batch, longest, 2); lengths["frames"]: each example's number of frames
    """
    _check_described(context_features, sequence_features, "parse_sequence_example")
    sequence_features = sequence_features or {}
    records = _records(serialized)
    if records.ndim == 0:
        context, lists = parse_single_sequence_example(records, context_features, sequence_features)
        dense = (k for k, f in sequence_features.items() if isinstance(f, FixedLenSequenceFeature))
        return context, lists, {k: as_tensor(np.array(lists[k].shape[0], np.int64)) for k in sorted(dense)}
    if records.ndim != 1:
        raise InvalidArgumentError(f"Expected serialized to be a scalar or vector, got shape: {list(records.shape)} "
                                   "(reshape it to a vector of serialized SequenceExamples)")  # fmt: skip
    examples = [_sequence_example(record) for record in records]
    context = _parse([e.context.feature for e in examples], context_features or {}, "context_features")
    lists, lengths = {}, {}
    for kind, keys in kinds(sequence_features, _SEQUENCE_KINDS, "sequence_features"):
        if kind is RaggedFeature and keys:
            raise ValueError(f"sequence feature {keys[0]!r}: a batch of RaggedFeature lists has ragged rank 2, and "
                             "nabla's ragged tensors have rank 1: use VarLenFeature (then tf.RaggedTensor."
                             "from_sparse per example) or parse_single_sequence_example")  # fmt: skip
        for key in keys:
            feature = sequence_features[key]
            per_example = [_list_steps(e.feature_lists.feature_list, key, feature, kind) for e in examples]
            lists[key], length = _batched_list(per_example, key, feature, kind, _numpy_dtype(feature, key))
            if length is not None:
                lengths[key] = length
    return context, lists, lengths
