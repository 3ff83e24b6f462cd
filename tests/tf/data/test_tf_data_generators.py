"""``Dataset.from_generator``, ``tf.data.experimental.assert_cardinality`` and ``set_shape`` in a ``map``
function: the same elements, dtypes, ``element_spec``, counts and errors as TensorFlow 2.21, each pipeline
built with the same code on both."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require

import nabla.tf as ntf


def _windows():
    yield np.zeros((2, 3)), 1  # float64 declared float32, a Python int declared int64
    yield [[1.5, 2.0, 3.0]], np.int32(2)  # a list of numbers is one tensor


PIPELINES = {
    "signature": lambda tf: tf.data.Dataset.from_generator(
        _windows, output_signature=(tf.TensorSpec((None, 3), tf.float32), tf.TensorSpec((), tf.int64))
    ),
    "types and shapes, args": lambda tf: tf.data.Dataset.from_generator(
        lambda a, b: iter(range(int(a), int(b))), output_types=tf.int32, output_shapes=(), args=(1, 4)
    ),
    "a dict, then batch": lambda tf: tf.data.Dataset.from_generator(
        lambda: ({"x": [i, i + 1.0], "y": i} for i in range(5)),
        output_signature={"x": tf.TensorSpec((2,), tf.float32), "y": tf.TensorSpec((), tf.int32)},
    ).batch(2),
    "set_shape in map states the spec": lambda tf: tf.data.Dataset.from_generator(
        lambda: (np.full((i + 1, 2), i) for i in range(3)), output_signature=tf.TensorSpec((None, None), tf.int64)
    ).map(lambda x: _stated(x, [None, 2])),
    "asserted count": lambda tf: tf.data.Dataset.from_generator(
        lambda: iter(range(6)), output_signature=tf.TensorSpec((), tf.int64)
    ).apply(tf.data.experimental.assert_cardinality(6)),
    "asserted count after filter": lambda tf: tf.data.Dataset.range(10)
    .filter(lambda x: x % 2 == 0)
    .apply(tf.data.experimental.assert_cardinality(5))
    .batch(2),
}


def _stated(x, shape):
    x.set_shape(shape)
    return x, x[:, 1:]  # (a slice of the stated tensor: TensorFlow's shape inference knows it, nabla's trial runs too)


def _flat(element) -> list:
    return [np.asarray(leaf) for leaf in ntf.nest.flatten(element)]


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_the_pipelines_are_tensorflow_s(name):
    tf = require("tensorflow")
    ours, theirs = PIPELINES[name](ntf), PIPELINES[name](tf)
    assert repr(ours.element_spec) == repr(theirs.element_spec)
    assert int(ours.cardinality()) == int(theirs.cardinality())
    got, want = [_flat(e) for e in ours], [_flat(e) for e in theirs]
    assert len(got) == len(want) > 0
    for element, expected in zip(got, want):
        assert [(a.dtype, a.shape) for a in element] == [(b.dtype, b.shape) for b in expected]
        assert all(np.array_equal(a, b) for a, b in zip(element, expected))
    assert [_flat(e) for e in ours] and len(list(ours)) == len(got)  # (a new pass calls the generator again)


@pytest.mark.parametrize(
    "generator, signature, error, message",
    [
        (lambda: iter([np.zeros(4)]), ((3,), "float32"), "InvalidArgumentError", "element of shape"),
        (lambda: iter(["a"]), ((), "float32"), "InvalidArgumentError", "could not be converted"),
        (lambda: iter([(1, 2)]), None, "InvalidArgumentError", "did not match the expected structure"),
    ],
)
def test_values_that_do_not_fit_raise_as_tensorflow(generator, signature, error, message):
    tf = require("tensorflow")
    for module in (ntf, tf):
        spec = (module.TensorSpec((), module.int32),) * 3 if signature is None else module.TensorSpec(*signature)
        with pytest.raises(getattr(module.errors, error), match=message):
            list(module.data.Dataset.from_generator(generator, output_signature=spec))


def test_a_wrong_asserted_count_raises_failed_precondition_as_tensorflow():
    tf = require("tensorflow")
    for module in (ntf, tf):
        for count, found in ((5, "only 3"), (2, "at least 3")):
            dataset = module.data.Dataset.range(3).apply(module.data.experimental.assert_cardinality(count))
            expected = f"contain {count} elements but contained {found}"
            with pytest.raises(module.errors.FailedPreconditionError, match=expected):
                list(dataset)


def test_bad_declarations_are_refused():
    with pytest.raises(TypeError, match="callable"):
        ntf.data.Dataset.from_generator(3, output_signature=ntf.TensorSpec(()))
    with pytest.raises(TypeError, match="output_signature"):
        ntf.data.Dataset.from_generator(_windows)
    with pytest.raises(ValueError, match="output_shapes"):
        ntf.data.Dataset.from_generator(_windows, output_types=ntf.float32)
