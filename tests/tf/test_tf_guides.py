"""What TensorFlow's introductory guides ("Introduction to Tensors", "Introduction to gradients and automatic
differentiation") show, line by line, against TensorFlow: each expression is evaluated with ``tf`` bound to
nabla.tf and to TensorFlow, and what a learner sees (the repr, or the kind of error) must be identical."""

from __future__ import annotations

import numpy as np
import pytest
from tf_parity import run_both, same, same_outcome

import nabla.tf as ntf

# The guides' x axis: tf.linspace's values bit for bit (start + i * delta in float32, not NumPy's rounding).
LINSPACE = [
    "tf.linspace(-10.0, 10.0, 200 + 1)",
    "tf.linspace(-2, 2, 201)",
    "tf.linspace(0.0, 1.0, 1)",
    "tf.linspace(0.0, 1.0, 0)",
    "tf.linspace([0.0, 1.0], [1.0, 3.0], 4)",
    "tf.linspace([0.0, 1.0], 5.0, 3)",
    "tf.linspace([0.0, 1.0], [1.0, 3.0], 3, axis=1)",
]

# Shapes an eager TensorFlow kernel refuses: InvalidArgumentError, which the guides catch.
REFUSED_SHAPES = [
    "tf.reshape(tf.range(30), [7, -1])",
    "tf.reshape(tf.range(30), [4, 5])",
    "tf.constant([1, 2, 3]) + tf.constant([1, 2])",
    "tf.add(tf.ones([2, 3]), tf.ones([3, 2]))",
    "tf.ones([2, 3]) @ tf.ones([2, 3])",
    "tf.range(5)[7]",
    "tf.concat([tf.ones([2, 3]), tf.ones([2, 2])], axis=0)",
    "tf.stack([tf.ones([2]), tf.ones([3])])",
    "tf.reduce_sum(tf.ones([2, 3]), axis=2)",
    "tf.transpose(tf.ones([2, 3]), [0, 2])",
    "tf.squeeze(tf.ones([2, 3]), axis=0)",
    "tf.gather(tf.range(5), [7])",
    "tf.broadcast_to(tf.ones([3]), [2, 2])",
    "tf.tile(tf.ones([3]), [2, 2])",
    "tf.split(tf.ones([5]), 2)",
    "tf.expand_dims(tf.ones([2]), 5)",
    "tf.expand_dims(tf.ones([2]), -3)",
    "tf.one_hot(tf.constant([1.0]), 3)",
]

ACCEPTED = [
    "tf.tile(tf.ones([2, 1]), [1, 3])",
    "tf.expand_dims(tf.ones([2]), -2)",
    "tf.expand_dims(tf.ones([2]), 1)",
    "tf.one_hot(tf.constant([1, 4], dtype=tf.int64), 3)",
]


@pytest.mark.parametrize("expression", LINSPACE + REFUSED_SHAPES + ACCEPTED)
def test_as_tensorflow(expression):
    ours, theirs = same_outcome(expression)
    assert ours == theirs


def test_a_refusal_is_caught_by_the_guides_except_clause():
    for expression in REFUSED_SHAPES:
        ours, theirs = run_both(lambda tf, e=expression: eval(e, {"tf": tf, "np": np}))  # noqa: S307
        assert type(ours).__name__ == type(theirs).__name__ == "InvalidArgumentError", expression


def test_the_gradient_along_linspace_is_tensorflows():
    def grad(tf):
        start = tf.Variable([0.0, 1.0])
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(tf.linspace(start, 4.0, 5) ** 2)
        return tape.gradient(y, start).numpy()

    ours, theirs = run_both(grad)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)


# "Advanced automatic differentiation": the batch Jacobian's diagonal, and einsum's implicit output.
EINSUM = ["ii->i", "ii", "ij,jk", "ij->", "ji", "ij,ij"]


@pytest.mark.parametrize("equation", EINSUM)
def test_einsum_as_tensorflow(equation):
    a = np.arange(9.0).reshape(3, 3)
    operands = "[a]" if "," not in equation else "[a, a]"
    ours, theirs = same_outcome(f"tf.einsum({equation!r}, *{operands})", {"a": a})
    assert ours == theirs


def test_the_batch_jacobians_diagonal_and_its_gradient():
    def diag(tf):
        j = tf.Variable(np.arange(36.0).reshape(2, 3, 2, 3))
        with tf.GradientTape() as tape:
            y = tf.einsum("bxby->bxy", j)
            total = tf.reduce_sum(y**2)
        return y.numpy(), tape.gradient(total, j).numpy()

    ours, theirs = run_both(diag)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)


def test_a_keras_layer_built_by_hand_is_not_built_again_at_its_first_call():
    def weights(tf):
        layer = tf.keras.layers.Dense(10, activation=tf.nn.relu)
        layer.build([None, 5])
        layer(tf.ones([2, 5]))
        return [tuple(v.shape) for v in layer.trainable_variables]

    # (TensorFlow 2.21's answer; the Keras the tests import runs on another backend than TensorFlow)
    assert weights(ntf) == [(5, 10), (10,)]


# "Advanced automatic differentiation" decorates a method with input_signature=[tf.TensorSpec(None)]: a shape of
# unknown rank, which TensorFlow prints, compares and refuses to measure as below.
UNKNOWN_RANK = [
    "tf.TensorSpec(None)",
    "tf.TensorShape(None)",
    "str(tf.TensorShape(None))",
    "(tf.TensorShape(None).rank, tf.TensorShape(None).num_elements(), tf.TensorShape(None).is_fully_defined())",
    "tf.TensorShape(None) == tf.TensorShape(None)",
    "tf.TensorShape(None) == tf.TensorShape([2])",
    "tf.TensorShape(None).is_compatible_with([2, 3])",
    "tf.TensorShape([2, 3]).is_compatible_with(tf.TensorShape(None))",
    "tf.TensorShape([2, 3]).merge_with(tf.TensorShape(None))",
    "tf.TensorShape(None).merge_with([2, 3])",
    "tf.TensorShape([2]).concatenate(tf.TensorShape(None))",
    "len(tf.TensorShape(None))",
    "list(tf.TensorShape(None))",
    "tf.TensorShape(None).as_list()",
]


@pytest.mark.parametrize("expression", UNKNOWN_RANK)
def test_a_shape_of_unknown_rank_as_tensorflow(expression):
    ours, theirs = same_outcome(expression)
    assert ours == theirs


def test_a_method_with_an_unknown_rank_signature_and_a_custom_gradient():
    def fn(tf):
        @tf.custom_gradient
        def clip_gradients(y):
            def backward(dy):
                return tf.clip_by_norm(dy, 0.5)

            return y, backward

        class MyModule(tf.Module):
            @tf.function(input_signature=[tf.TensorSpec(None)])
            def call_custom_grad(self, x):
                return clip_gradients(x)

        v = tf.Variable(2.0)
        with tf.GradientTape() as t:
            output = MyModule().call_custom_grad(v * v)
        return t.gradient(output, v)

    same(fn)


@pytest.mark.parametrize(
    "expression",
    ["tf.gather(tf.constant([1.0, 2.0]), [0, 2])", "tf.gather(tf.ones([2, 2]), [[0], [-1]], axis=1)",
     "tf.gather(tf.range(3), 5)"],
)  # fmt: skip
def test_gather_refuses_an_index_outside_with_tensorflows_message(expression):
    """Negative indices too: TensorFlow refuses them, where NumPy would count from the end."""
    ours, theirs = run_both(lambda tf: eval(expression, {"tf": tf}))  # noqa: S307
    assert type(ours).__name__ == type(theirs).__name__ == "InvalidArgumentError"
    assert str(ours) == str(theirs).split("}} ")[-1].removesuffix(" name: ")  # (a scalar index: TF adds " name: ")
