"""``tf.function``'s ``input_signature`` and ``get_concrete_function`` (Géron's chapter 12), against TensorFlow."""

from __future__ import annotations

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
