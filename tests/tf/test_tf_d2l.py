"""What "Dive into Deep Learning" (d2l.ai, TensorFlow tab) leans on, checked against TensorFlow.

Each case is an idiom the book's TensorFlow code (and its inlined ``d2l`` helpers) uses that nabla.tf once
got wrong: the same code runs on both libraries and must give the same values, gradients and errors.
"""

from __future__ import annotations

import numpy as np
import pytest
from tf_keras_reference import tf_keras
from tf_parity import assert_same, compare, run_both, tensorflow

import nabla.tf as ntf


def test_boolean_mask_takes_a_numeric_mask_as_its_nonzero_entries():
    # d2l's cross_entropy picks each row's label probability with tf.one_hot's float mask
    compare(lambda tf, x: tf.boolean_mask(x, tf.one_hot([0, 2, 1], depth=4)), shapes=[(3, 4)])
    compare(lambda tf, x: tf.boolean_mask(x, tf.constant([[0, 2, 0], [-1, 0, 0]])), shapes=[(2, 3)])
    compare(lambda tf, x: tf.boolean_mask(x, tf.constant([1.0, 0.0]), axis=1), shapes=[(3, 2, 2)])


def test_boolean_mask_refuses_a_string_mask_as_tensorflow_does():
    ours, theirs = run_both(lambda tf: tf.boolean_mask(tf.constant([1.0, 2.0]), tf.constant(["a", "b"])))
    assert isinstance(ours, TypeError) and "mask must be bool or numeric" in str(ours)
    assert isinstance(theirs, Exception)


@pytest.mark.parametrize("name", ["MeanSquaredError", "MeanAbsoluteError", "Huber", "BinaryCrossentropy"])
def test_a_loss_differentiates_through_its_first_argument_too(name):
    # d2l's concise linear regression calls loss(net(X), y): the prediction in y_true's place
    rng = np.random.default_rng(0)
    w0, x, y = rng.normal(size=(3, 1)), rng.normal(size=(6, 3)), rng.uniform(0.1, 0.9, size=(6, 1))

    def grads(tf, keras):
        w = tf.Variable(w0.astype(np.float32))
        with tf.GradientTape() as tape:
            pred = tf.sigmoid(tf.matmul(x.astype(np.float32), w))
            loss = getattr(keras.losses, name)()(pred, y.astype(np.float32))
        return loss, tape.gradient(loss, w)

    ours, theirs = grads(ntf, ntf.keras), grads(tensorflow(), tf_keras())
    assert_same(ours, theirs)
    assert type(ours[0]) is ntf.Tensor  # (a tf.Tensor came in, as y_pred: a tf.Tensor comes out)


def test_a_list_holding_tensors_is_stacked_with_its_gradients():
    # d2l's weight decay: loss(net(X), y) + net.losses (a tensor plus a list of tensors)
    def grads(tf):
        a, b = tf.Variable(2.0), tf.Variable([1.0, 3.0])
        with tf.GradientTape(persistent=True) as tape:
            plus = tf.reduce_sum(tf.constant([1.0]) + [a * a])
            nested = tf.reduce_sum(tf.convert_to_tensor([[a, 1.0], b]) * b)
        return [tape.gradient(plus, a), *tape.gradient(nested, [a, b])]

    for ours, theirs in zip(*run_both(grads)):
        assert_same(ours, theirs)


def test_an_operation_on_a_variable_returns_a_tensor_even_when_it_changes_nothing():
    # d2l prints tf.reshape(layer.gamma, (-1,)): a tf.Tensor in TensorFlow, not the variable
    ours, theirs = run_both(
        lambda tf: [tf.reshape(tf.Variable([1.0, 2.0]), (-1,)), tf.cast(tf.Variable([1.0]), "float32")]
    )
    for mine, reference in zip(ours, theirs):
        assert repr(mine) == repr(reference)


def test_the_one_replica_strategies_and_the_device_name():
    def use(tf):
        strategy = tf.distribute.OneDeviceStrategy(tf.device("/CPU:0")._device_name)
        with strategy.scope() as inside:
            current = tf.distribute.get_strategy() is strategy and inside is strategy and tf.distribute.has_strategy()
        value = tf.constant([[1.0, 2.0], [3.0, 4.0]])
        return [
            current,
            tf.distribute.has_strategy(),
            strategy.num_replicas_in_sync,
            tf.distribute.MirroredStrategy().num_replicas_in_sync,
            strategy.run(lambda a, b: a * b, args=(value, 2.0)),
            strategy.reduce(tf.distribute.ReduceOp.SUM, value, axis=0),
            strategy.reduce("MEAN", value, axis=None),
            list(strategy.experimental_distribute_dataset(tf.data.Dataset.from_tensor_slices([1, 2]).batch(1))),
        ]

    ours, theirs = run_both(use)
    assert not isinstance(ours, Exception), ours
    for i, (mine, reference) in enumerate(zip(ours, theirs)):
        assert_same(mine, reference, f"item {i}")
    assert_same(*run_both(lambda tf: tf.distribute.OneDeviceStrategy("/CPU:0").reduce("MAX", 1.0, None)))


def test_indexed_slices_convert_to_their_dense_tensor():
    # d2l's grad_clipping: if isinstance(grad, tf.IndexedSlices): grad = tf.convert_to_tensor(grad)
    def dense(tf):
        values = tf.Variable([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
        with tf.GradientTape() as tape:
            out = tf.convert_to_tensor(tf.IndexedSlices(values * 1.0, tf.constant([0, 2, 0]), tf.constant([4, 2])))
            total = tf.reduce_sum(out * tf.constant([[1.0], [2.0], [3.0], [4.0]]))
        return out, tape.gradient(total, values)

    ours, theirs = run_both(dense)
    assert_same(ours, theirs)


def _keras2_rnn(tf, keras):
    """d2l's concise RNN: a time-major RNN layer over a SimpleRNNCell, from the cell's Keras 2 initial state."""
    cell = keras.layers.SimpleRNNCell(3, kernel_initializer="ones", recurrent_initializer="ones")
    layer = keras.layers.RNN(cell, time_major=True, return_sequences=True, return_state=True)
    state = cell.get_initial_state(batch_size=2, dtype=tf.float32)
    x = np.linspace(-1, 1, 4 * 2 * 5).reshape(4, 2, 5).astype(np.float32) / 4
    y, new_state = layer(tf.constant(x), state)
    return state, y, new_state


def test_a_time_major_rnn_from_a_keras_2_initial_state():
    ours, theirs = _keras2_rnn(ntf, ntf.keras), _keras2_rnn(tensorflow(), tf_keras())
    for name, mine, reference in zip(("state", "sequence", "final state"), ours, theirs):
        assert_same(mine, reference, name)
    assert tuple(ours[1].shape) == (4, 2, 3)


class _Keras2Layers:
    """d2l's own layers, built on either library: a BatchNorm whose call requires ``training`` and assigns its
    moving mean with ``add_update``, and a layer that one-hot encodes integer token ids."""

    @staticmethod
    def make(tf, keras):
        class Norm(keras.layers.Layer):
            def build(self, input_shape):
                self.moving_mean = self.add_weight(name="m", shape=[input_shape[-1]], initializer="zeros",
                                                   trainable=False)  # fmt: skip

            def call(self, inputs, training):
                if training:
                    self.add_update(self.moving_mean.assign(tf.reduce_mean(inputs, 0)))
                    return inputs - tf.reduce_mean(inputs, 0)
                return inputs - self.moving_mean

        class OneHot(keras.layers.Layer):
            def call(self, inputs):
                return tf.one_hot(tf.transpose(inputs), 4)

        x = tf.constant([[1.0, 2.0], [3.0, 6.0]])
        model = keras.Sequential([Norm()])
        return model(x, training=True), model(x), model.layers[0].moving_mean.numpy(), OneHot()(np.array([[1, 3]]))


def test_keras_2_layers_of_the_users_own():
    ours, theirs = _Keras2Layers.make(ntf, ntf.keras), _Keras2Layers.make(tensorflow(), tf_keras())
    for i, (mine, reference) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(np.asarray(mine), np.asarray(reference), err_msg=f"item {i}")


@pytest.mark.parametrize("size", [(9, 9), (4, 10), (3, 3), (28, 28)])
@pytest.mark.parametrize("method", ["bilinear", "nearest"])
def test_resize_with_pad_as_d2ls_fashion_mnist_loader(size, method):
    images = np.random.default_rng(0).uniform(0, 255, (2, 5, 7, 1)).astype(np.uint8)
    ours, theirs = run_both(lambda tf: tf.image.resize_with_pad(images, *size, method=method))
    assert ours.dtype.name == theirs.dtype.name
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), atol=1e-4)


def test_resize_with_its_gradient_and_aspect_ratio():
    compare(lambda tf, x: tf.image.resize(x, [6, 11]), shapes=[(5, 7, 2)], dtype=np.float32, atol=1e-5)
    compare(lambda tf, x: tf.image.resize(x, [10, 10], preserve_aspect_ratio=True), shapes=[(1, 5, 7, 2)],
            dtype=np.float32, atol=1e-5)  # fmt: skip
    ours, theirs = run_both(lambda tf: tf.image.resize(np.zeros((4, 4)), [2, 2]))
    assert isinstance(ours, ValueError) and isinstance(theirs, ValueError)


def _resnet_block(tf, keras):
    """d2l's ResnetBlock: an empty list attribute, layers appended to it, read back through ``.layers``."""

    class Block(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.residual_layers, self.notes = [], []
            for units in (3, 2):
                self.residual_layers.append(keras.layers.Dense(units, kernel_initializer="ones"))
            self.notes.append("not a layer")

        def call(self, x):
            for layer in self.residual_layers.layers:
                x = layer(x)
            return x

    block = Block()
    out = block(tf.ones((1, 4)))
    return out, [tuple(v.shape) for v in block.trainable_variables], list(block.notes)


def test_layers_appended_to_an_empty_list_attribute_are_tracked():
    ours, theirs = _resnet_block(ntf, ntf.keras), _resnet_block(tensorflow(), tf_keras())
    np.testing.assert_allclose(ours[0].numpy(), theirs[0].numpy())
    assert ours[1:] == theirs[1:]
