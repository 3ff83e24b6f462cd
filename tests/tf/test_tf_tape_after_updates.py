"""A persistent tape asked for the gradients of one part of a model after an optimizer stepped another part
(Géron's "Hands-On Machine Learning", chapter 12: two optimizers, one per group of layers), against TensorFlow."""

from __future__ import annotations

import numpy as np
from tf_parity import same

import nabla as nb


def test_a_persistent_tape_gives_the_second_group_its_gradients_after_the_first_group_stepped():
    def fn(tf):
        lower = tf.Variable([[0.5, -1.0], [2.0, 0.25]])
        upper = tf.Variable([[1.5], [-0.5]])
        x = tf.constant([[1.0, 2.0], [3.0, -1.0]])
        with tf.GradientTape(persistent=True) as tape:
            loss = tf.reduce_sum(tf.square(tf.nn.relu(x @ lower) @ upper))
        grads = []
        for variable in (lower, upper):  # (a step of SGD each, as each group's optimizer would take)
            (gradient,) = tape.gradient(loss, [variable])
            variable.assign_sub(0.1 * gradient)
            grads.append(gradient)
        del tape
        return grads, lower, upper

    same(fn)


def test_a_value_changed_below_a_needed_node_is_still_an_error():
    w = nb.tensor([2.0], requires_grad=True)
    v = nb.tensor([3.0], requires_grad=True)
    hidden = w * v
    loss = (hidden * hidden).sum()
    with nb.no_grad():
        v.add_(1.0)  # the gradient of w reads v: changed in place
    try:
        nb.grad(loss, [w])
    except RuntimeError as e:
        assert "modified in place" in str(e)
    else:
        raise AssertionError("nb.grad used a value changed in place")
    u = nb.tensor([1.0], requires_grad=True)
    z = nb.tensor([5.0], requires_grad=True)
    loss = (u * 2.0).sum() + (z * z).sum()
    with nb.no_grad():
        z.add_(1.0)  # only z's own gradient reads z: u's is unaffected
    np.testing.assert_array_equal(nb.grad(loss, [u])[0].numpy(), [2.0])
