"""``tf.function``'s ``input_signature`` and ``get_concrete_function`` (Géron's chapter 12), against TensorFlow:
arrays, lists and numbers become tensors of the signature, by position or keyword; a mismatch is a TypeError."""

from __future__ import annotations

import numpy as np
import pytest
from tf_parity import same

import nabla.tf as ntf


def test_an_input_signature_takes_any_batch_and_refuses_another_shape_or_dtype():
    def fn(tf):
        @tf.function(input_signature=[tf.TensorSpec([None, 4, 4], tf.float32)])
        def shrink(images):
            return images[:, ::2, ::2]

        outcomes = [shrink(tf.ones([3, 4, 4])).shape.as_list(), shrink(tf.zeros([1, 4, 4])).shape.as_list()]
        for bad in (tf.ones([2, 2, 2]), tf.ones([2, 4, 4], dtype=tf.int32)):
            try:
                shrink(bad)
            except TypeError:
                outcomes.append("TypeError")
        return outcomes

    same(fn)


def test_a_concrete_function_is_one_per_signature_and_runs_as_the_function():
    def fn(tf):
        @tf.function
        def tf_cube(x):
            return x**3

        concrete = tf_cube.get_concrete_function(tf.constant(2.0))
        return (concrete(tf.constant(3.0)), concrete is tf_cube.get_concrete_function(tf.constant(5.0)),
                concrete is tf_cube.get_concrete_function(tf.constant([5.0])))  # fmt: skip

    same(fn)


def test_the_graph_of_a_concrete_function_is_refused_saying_why():
    concrete = ntf.function(lambda x: x + 1).get_concrete_function(ntf.constant(1))
    with pytest.raises(AttributeError, match="builds no TensorFlow graph"):
        concrete.graph.get_operations()


def _convert(tf):
    """A function of two specs, and the arguments TensorFlow converts to them."""

    @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32), tf.TensorSpec([], tf.int32)])
    def scale(x, n):
        return x * tf.cast(n, tf.float32)

    return scale


@pytest.mark.parametrize(
    "call",
    [
        lambda f: f(np.ones((3, 2)), 2),  # a float64 array becomes float32, a Python int int32
        lambda f: f(np.arange(4).reshape(2, 2), np.int64(3)),  # int64 values too, as tf.constant(v, dtype)
        lambda f: f([[1, 2]], n=np.array(2.7)),  # a nested list; a float array casts to int32 (2)
        lambda f: f(x=[[1.5, 2.5]], n=4),  # every argument by keyword
        lambda f: f(n=1, x=np.ones((1, 2), np.float16)),  # keywords in another order
        lambda f: f(np.array([[True, False]]), 1),
    ],
    ids=["float64-array", "int64-array", "list-and-keyword", "keywords", "keywords-reordered", "bools"],
)
def test_arrays_lists_numbers_and_keywords_become_tensors_of_the_signature(call):
    same(lambda tf: call(_convert(tf)))


@pytest.mark.parametrize(
    "call",
    [
        lambda tf, f: f(np.ones((3, 3)), 2),  # a shape the spec does not take
        lambda tf, f: f([1.0, 2.0], 2),  # a rank it does not take
        lambda tf, f: f(tf.constant(np.ones((3, 2))), 2),  # a float64 tensor: TensorFlow casts no tensor
        lambda tf, f: f(tf.ones((1, 2), tf.float32), tf.constant(2, tf.int64)),
        lambda tf, f: f(tf.Variable(np.ones((1, 2))), 1),
        lambda tf, f: f(np.ones((1, 2)), 2.0),  # a Python float does not become an int32
        lambda tf, f: f([[1.0, 2.0]], [1.5]),
        lambda tf, f: f(np.array([["a", "b"]]), 1),
        lambda tf, f: f(np.ones((1, 2))),  # an argument missing
        lambda tf, f: f(np.ones((1, 2)), 1, 2),  # one too many
        lambda tf, f: f(np.ones((1, 2)), m=1),  # a keyword it does not have
    ],
    ids="shape rank float64-tensor int64-tensor float64-variable float-for-int list-for-int text missing too-many "
    "unknown-keyword".split(),
)
def test_what_the_signature_does_not_take_is_a_type_error_as_in_tensorflow(call):
    same(lambda tf: call(tf, _convert(tf)))
    with pytest.raises(TypeError) as refusal:
        call(ntf, _convert(ntf))
    assert str(refusal.value).startswith("tf.function scale: ") and "\n" not in str(refusal.value)


def test_nested_specs_varargs_methods_and_defaults_bind_as_in_tensorflow():
    def fn(tf):
        @tf.function(input_signature=[[tf.TensorSpec([2], tf.float32), tf.TensorSpec([], tf.int32)]])
        def pair(p):
            return p[0] * tf.cast(p[1], tf.float32)

        @tf.function(input_signature=[{"a": tf.TensorSpec([None], tf.float32)}])
        def keyed(d):
            return d["a"] * 2.0

        @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)] * 2)
        def total(*xs):
            return xs[0] + xs[1]

        @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
        def doubled(x, factor=2.0):
            return x * factor

        class Shift(tf.Module):
            @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
            def __call__(self, x):
                return x + 1.0

        outcomes = [pair([np.ones(2), 3]), keyed({"a": [1.0, 2.0]}), total([1.0], np.array([2.0])),
                    doubled([1.0]), doubled([1.0], factor=2.0), Shift()(np.arange(3)), Shift()(x=[1.0])]  # fmt: skip
        for bad in (lambda: pair((np.ones(2), 3)), lambda: keyed({"b": [1.0]}), lambda: doubled([1.0], 3.0)):
            try:
                bad()
            except TypeError:
                outcomes.append("TypeError")
        return outcomes

    same(fn)


def test_a_signature_that_does_not_fit_the_parameters_is_refused_at_decoration_as_in_tensorflow():
    def fn(tf):
        outcomes = []
        for specs, python_function in (([tf.TensorSpec([None])], lambda x, y: x),
                                       ([tf.TensorSpec([None])] * 2, lambda x: x)):  # fmt: skip
            try:
                tf.function(python_function, input_signature=specs)
            except TypeError:
                outcomes.append("TypeError")
        return outcomes

    same(fn)


def test_keyword_arguments_without_a_signature_run_as_in_tensorflow():
    def fn(tf):
        @tf.function
        def scaled(x, scale=1.0):
            return x * scale

        # (a NumPy array keeps its float64: without a signature TensorFlow converts it as tf.constant does)
        return [scaled(x=tf.ones(2), scale=3.0), scaled(x=np.ones(2), scale=3.0),
                scaled(tf.ones(2), scale=tf.constant(2.0)), scaled(scale=0.5, x=tf.constant([1.0, 2.0]))]  # fmt: skip

    same(fn)
