"""Comparing a nabla.tf.data pipeline with TensorFlow's, built by the same code: the tests of tf.data share it."""

from __future__ import annotations

import numpy as np


def same(ours, theirs, where: str = "element") -> None:
    """Equal nests (tuples, dicts: same keys in the same order) of equal arrays of equal dtypes."""
    if isinstance(theirs, dict):
        assert isinstance(ours, dict) and list(ours) == list(theirs), where
        for key in theirs:
            same(ours[key], theirs[key], f"{where}[{key!r}]")
    elif isinstance(theirs, tuple):
        assert type(ours) is tuple and len(ours) == len(theirs), where
        for i, (a, b) in enumerate(zip(ours, theirs)):
            same(a, b, f"{where}[{i}]")
    else:
        assert type(ours) is type(theirs), (where, type(ours), type(theirs))  # np.int64 scalar or ndarray
        assert np.asarray(ours).dtype == np.asarray(theirs).dtype, where
        np.testing.assert_array_equal(ours, theirs, err_msg=where)


def as_arrays(value):
    """A parsed feature as :func:`same` compares it: a tensor's array, a sparse tensor's (indices, values,
    dense_shape), a ragged tensor's rows as text."""
    if hasattr(value, "dense_shape"):
        return (value.indices.numpy(), value.values.numpy(), value.dense_shape.numpy())
    if hasattr(value, "to_list"):
        return ("ragged", repr(value.to_list()))
    return value.numpy()


def same_pipeline(ours, theirs) -> None:
    """The same elements (:func:`same`, in order), ``element_spec`` and ``cardinality()``."""
    a, b = list(ours.as_numpy_iterator()), list(theirs.as_numpy_iterator())
    assert len(a) == len(b)
    for i, (x, y) in enumerate(zip(a, b)):
        same(x, y, f"element {i}")
    assert repr(ours.element_spec) == repr(theirs.element_spec)
    assert int(ours.cardinality()) == int(theirs.cardinality())
