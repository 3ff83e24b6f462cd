"""tf.Variable against TensorFlow's: creation, assignment (whole and sliced), printing, names, trainable;
and as a parameter of nabla's optimizers and of a tf.Module."""

from __future__ import annotations

import numpy as np
import pytest
from tf_parity import same, tensorflow

import nabla as nb
import nabla.tf as ntf


def test_assignments():
    def fn(tf):
        v = tf.Variable([[1.0, 2.0], [3.0, 4.0]], name="kernel")
        v[0, 0].assign(9.0)
        v[1].assign([7.0, 8.0])
        v.assign_sub([[1.0, 1.0], [1.0, 1.0]])
        v.assign_add(tf.ones((2, 2)))
        w = tf.Variable(1.0)
        w.assign(5)
        return v, v.numpy(), repr(v), w.numpy(), v.name, v.trainable, v.shape.as_list()

    same(fn)


def test_assignment_keeps_the_variables_dtype():
    same(lambda tf: tf.Variable([1, 2]).assign([1.5, 2.0]))
    same(lambda tf: tf.Variable([1.0, 2.0]).assign(tf.constant([1.0, 2.0], tf.float64)))
    same(lambda tf: tf.Variable([1.0, 2.0]).assign(np.array([3.0, 4.0])).numpy())


def test_initial_values():
    same(lambda tf: tf.Variable(lambda: tf.ones((2,))).numpy())
    same(lambda tf: tf.Variable(tf.random.uniform((3, 2), minval=0, maxval=1e-1)).shape)
    same(lambda tf: tf.Variable(np.arange(3.0)).dtype)
    same(lambda tf: tf.Variable([1, 2], dtype=tf.float32).dtype)


def test_a_variable_owns_a_copy_of_its_initial_value():
    data = np.array([1.0, 2.0], dtype=np.float32)
    v = ntf.Variable(data)
    data[0] = 99.0
    assert v.numpy().tolist() == [1.0, 2.0]


def test_variables_are_leaves_that_optimizers_update_in_place():
    w = ntf.Variable(np.ones((2, 2), dtype=np.float32))
    frozen = ntf.Variable(3.0, trainable=False)
    assert w.requires_grad and w.is_leaf and not frozen.requires_grad
    opt = nb.optim.Adam([w], lr=0.1)
    data = w._data
    for _ in range(3):
        with ntf.GradientTape() as tape:
            loss = ntf.reduce_sum(ntf.square(w - 3.0))
        w.grad = tape.gradient(loss, w)
        opt.step()
    assert w._data is data and float(w[0, 0]) > 1.2  # updated in place, towards 3


def test_gradient_after_an_update_of_what_the_graph_read_raises():
    w = ntf.Variable([1.0, 2.0])
    with ntf.GradientTape() as tape:
        loss = ntf.reduce_sum(w * w)
    w.assign_sub([0.5, 0.5])
    with pytest.raises(RuntimeError, match="modified in place"):
        tape.gradient(loss, w)


def test_variables_in_a_module_are_found_in_tensorflows_order():
    def fn(tf):
        class Dense(tf.Module):
            def __init__(self, name=None):
                super().__init__(name=name)
                self.w = tf.Variable(tf.ones((2, 3)), name="w")
                self.b = tf.Variable(tf.zeros(3), name="b")
                self.scale = tf.Variable(2.0, trainable=False, name="scale")

        class Model(tf.Module):
            def __init__(self):
                super().__init__()
                self.layers = [Dense(), Dense()]

        model = Model()
        return (
            [v.name for v in model.variables],
            [v.name for v in model.trainable_variables],
            len(model.submodules),
            model.name,
        )

    same(fn)


def test_a_variable_is_not_a_tensor_but_is_tensor_like():
    same(lambda tf: (isinstance(tf.Variable(1.0), tf.Variable), tf.is_tensor(tf.Variable(1.0))))
    same(lambda tf: tf.Variable([1.0, 2.0]) * 2.0)
    same(lambda tf: tf.reduce_sum(tf.Variable([[1.0, 2.0]]), axis=1))


def test_in_place_operators_as_tensorflow():
    def fn(tf):
        x = tf.constant([1.0, 2.0])
        y = x
        x += 1.0
        x *= 2.0
        return x, y  # a new tensor: y keeps its values

    same(fn)
    for op in ("+=", "-=", "*=", "/=", "**="):
        same(lambda tf, op=op: exec(f"v {op} 1.0", {"v": tf.Variable([1.0])}))
    same(lambda tf: exec("t[0] = 2.0", {"t": tf.constant([1.0])}))
    same(lambda tf: exec("v[0] = 2.0", {"v": tf.Variable([1.0])}))


@pytest.mark.parametrize(
    "update",
    [
        # Géron's chapter 12: v.scatter_nd_update(indices=[[0, 0], [1, 2]], updates=[100., 200.])
        lambda tf, v: v.scatter_nd_update(indices=[[0, 0], [1, 2]], updates=[100.0, 200.0]),
        lambda tf, v: v.scatter_nd_update([[1]], [[7.0, 8.0, 9.0]]),  # whole rows (k < rank)
        lambda tf, v: v.scatter_nd_add([[0, 1], [0, 1]], [1.0, 2.0]),  # a repeated position gets both
        lambda tf, v: v.scatter_nd_sub([[1, 0]], [0.5]),
        lambda tf, v: v.scatter_update(tf.IndexedSlices(values=[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], indices=[1, 0])),
        lambda tf, v: v.scatter_add(tf.IndexedSlices(values=tf.ones((2, 3)), indices=tf.constant([1, 1]))),
        lambda tf, v: v.scatter_sub(tf.IndexedSlices(values=[[1.0, 1.0, 1.0]], indices=[0])),
    ],
)
def test_scattered_updates_as_tensorflows(update):
    tf = tensorflow()
    results = []
    for lib in (ntf, tf):
        v = lib.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        out = update(lib, v)
        results.append((np.asarray(v.numpy()), np.asarray(out.numpy()), v.dtype.name))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    np.testing.assert_array_equal(results[0][1], results[1][1])
    assert results[0][2] == results[1][2]


def test_a_scattered_update_of_the_wrong_shape_says_which():
    v = ntf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    with pytest.raises(ValueError, match=r"updates must have shape \(2,\), got \(3,\)"):
        v.scatter_nd_update([[0, 0], [1, 2]], [1.0, 2.0, 3.0])
