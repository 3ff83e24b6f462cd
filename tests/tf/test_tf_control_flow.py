"""``tf.cond`` and ``tf.while_loop`` against TensorFlow 2.21 run eagerly: values, dtypes, the structure
returned, gradients through them, and inside a ``tf.function`` (Géron's chapter 12 ``add_10``)."""

from __future__ import annotations

import numpy as np
import pytest
from tf_parity import compare, same_outcome, tensorflow

import nabla.tf as ntf


def _absolute(tf, x):
    return tf.cond(tf.reduce_sum(x) > 0, lambda: x * x, lambda: -x)


def _power(tf, x):
    # x ** 3 as a loop, a counter and a tensor in the loop variables
    return tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * x), (0, tf.ones_like(x)))[1]


@pytest.mark.parametrize("fn", [_absolute, _power])
@pytest.mark.parametrize("seed", [0, 3])
def test_values_and_gradients_as_tensorflows(fn, seed):
    compare(fn, shapes=[(2, 3)], seed=seed)


@pytest.mark.parametrize(
    "expression",
    [
        "tf.while_loop(lambda i: i < 3, lambda i: (i + 1,), (0,))",
        "tf.while_loop(lambda i: i > 10, lambda i: (i + 1,), [5.0])",  # never runs: the inputs as tensors
        "tf.while_loop(lambda d: d['a'] < 3, lambda d: ({'a': d['a'] + 1},), [{'a': tf.constant(0)}])",
        "tf.cond(tf.constant(3) > 2, lambda: [tf.constant(1.0)], lambda: [tf.constant(2.0)])",  # a list stays one
        "tf.cond(False, lambda: tf.constant(1), lambda: (tf.constant(2), 3))",
        "tf.cond(True, 1, lambda: 2)",
        "tf.cond(tf.constant([True, False]), lambda: 1, lambda: 2)",
        "tf.while_loop(lambda i: i < 3, lambda i: (i + 1, 2), [0])",
        "tf.while_loop(lambda i: i < 3, lambda i: i, [])",
    ],
)
def test_results_and_refusals_as_tensorflows(expression):
    ours, theirs = same_outcome(expression)
    assert ours == theirs


def test_a_one_variable_body_returning_a_bare_value_is_refused_with_the_fix():
    # TensorFlow raises TypeError("'int' object is not iterable"); nabla.tf says what to write instead.
    with pytest.raises(ValueError, match=r"one-element tuple, \(i \+ 1,\)"):
        ntf.while_loop(lambda i: i < 3, lambda i: i + 1, [0])


def test_maximum_iterations_stops_the_loop():
    tf = tensorflow()
    for lib in (ntf, tf):
        (i, total) = lib.while_loop(lambda i, t: i < 10, lambda i, t: (i + 1, t + i), (0, 0), maximum_iterations=4)
        assert (int(i), int(total)) == (4, 6)


def test_a_while_loop_in_a_tf_function_as_in_geron_chapter_12():
    def make(tf):
        @tf.function
        def add_10(x):
            condition = lambda i, x: tf.less(i, 10)  # noqa: E731 - the book's code
            body = lambda i, x: (tf.add(i, 1), tf.add(x, 1))  # noqa: E731
            final_i, final_x = tf.while_loop(condition, body, [tf.constant(0), x])
            return final_x

        return add_10

    ours, theirs = make(ntf), make(tensorflow())
    for start in (5, 7):
        np.testing.assert_array_equal(ours(ntf.constant(start)).numpy(), theirs(tensorflow().constant(start)).numpy())
