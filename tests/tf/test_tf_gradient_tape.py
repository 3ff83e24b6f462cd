"""GradientTape's semantics against TensorFlow's: what is watched, None gradients, persistence, nested tapes,
non-scalar targets, output gradients, stop_recording, watch_accessed_variables, jacobians."""

from __future__ import annotations

import numpy as np
import pytest
from tf_parity import same

import nabla as nb
import nabla.tf as ntf


def test_variables_are_watched_and_constants_are_not():
    def fn(tf):
        x0 = tf.Variable(3.0, name="x0")
        x1 = tf.Variable(3.0, name="x1", trainable=False)
        x2 = tf.Variable(2.0, name="x2") + 1.0  # a tensor computed outside the tape: a constant to it
        x3 = tf.constant(3.0)
        with tf.GradientTape() as tape:
            y = (x0**2) + (x1**2) + (x2**2) + x3**2
        return tape.gradient(y, [x0, x1, x2, x3]), [v.name for v in tape.watched_variables()]

    same(fn)


def test_watched_constant_and_intermediate_values():
    def fn(tf):
        x = tf.constant(3.0)
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            y = x * x
            z = y * y
        return tape.gradient(z, x), tape.gradient(z, y), tape.gradient(y, x)

    same(fn)


def test_unconnected_sources_give_none_or_zeros():
    def fn(tf):
        x, w = tf.Variable([1.0, 2.0]), tf.Variable(5.0)
        with tf.GradientTape(persistent=True) as tape:
            y = tf.reduce_sum(x * 2.0)
        zeros = tape.gradient(y, w, unconnected_gradients=tf.UnconnectedGradients.ZERO)
        return tape.gradient(y, [x, w]), zeros, tape.gradient(y, w, unconnected_gradients="zero")

    same(fn)


def test_gradients_do_not_flow_through_integers_numpy_or_assignments():
    def fn(tf):
        x, x1 = tf.Variable(2.0), tf.Variable(3.0)
        with tf.GradientTape(persistent=True) as tape:
            through_int = tf.cast(tf.cast(x, tf.int32), tf.float32) * 2.0
            through_numpy = tf.constant(x.numpy() * 2)
            x1.assign_add(x)
            through_assign = x1**2
        return [tape.gradient(t, x) for t in (through_int, through_numpy, through_assign)]

    same(fn)


def test_a_non_persistent_tape_answers_once():
    def fn(tf):
        x = tf.Variable(3.0)
        with tf.GradientTape() as tape:
            y = x * x
        tape.gradient(y, x)
        return tape.gradient(y, x)

    same(fn)


def test_persistent_tape_answers_several_times_with_nested_sources():
    def fn(tf):
        x = tf.Variable(3.0)
        with tf.GradientTape(persistent=True) as tape:
            y = x * x
            z = y * y
        return tape.gradient(y, x), tape.gradient(z, {"a": x, "b": [x, (x,)]})

    same(fn)


def test_second_derivative_with_nested_tapes():
    def fn(tf):
        x = tf.Variable(2.0)
        with tf.GradientTape() as outer:
            with tf.GradientTape() as inner:
                y = x**3 + tf.sin(x)
            dy = inner.gradient(y, x)
        return dy, outer.gradient(dy, x)

    same(fn)


def test_third_derivative_and_gradient_inside_the_tapes_block():
    def fn(tf):
        x = tf.Variable(1.5)
        with tf.GradientTape() as t3:
            with tf.GradientTape() as t2:
                with tf.GradientTape() as t1:
                    y = tf.exp(2.0 * x) * x
                d1 = t1.gradient(y, x)
            d2 = t2.gradient(d1, x)
        return d1, d2, t3.gradient(d2, x)

    same(fn)


def test_nonscalar_and_list_targets_are_summed_and_output_gradients_weight_them():
    def fn(tf):
        x = tf.Variable([1.0, 2.0])
        with tf.GradientTape(persistent=True) as tape:
            y = x * x
            z = x * 3.0
        weights = tf.constant([1.0, 10.0])
        return tape.gradient(y, x), tape.gradient([y, z], x), tape.gradient(y, x, output_gradients=weights)

    same(fn)


def test_watch_accessed_variables_false_watches_only_what_it_is_told():
    def fn(tf):
        x, w = tf.Variable(2.0), tf.Variable(3.0)
        with tf.GradientTape(watch_accessed_variables=False) as tape:
            tape.watch(x)
            y = x * w
        return tape.gradient(y, [x, w]), len(tape.watched_variables())

    same(fn)


def test_stop_recording_leaves_its_block_out_of_the_gradient():
    def fn(tf):
        x = tf.Variable(2.0)
        with tf.GradientTape() as tape:
            y = x * x
            with tape.stop_recording():
                z = x * x * x
            w = y + z
        return tape.gradient(w, x)

    same(fn)


def test_operations_after_the_tape_are_not_recorded():
    def fn(tf):
        x = tf.Variable(2.0)
        with tf.GradientTape() as tape:
            y = x * x
        z = y * 3.0
        return tape.gradient(z, x)

    same(fn)


def test_gradients_through_keras_style_layers_of_variables():
    def fn(tf):
        rng = np.random.default_rng(0)
        w = tf.Variable(rng.normal(size=(3, 2)).astype(np.float32), name="w")
        b = tf.Variable(tf.zeros(2), name="b")
        x = tf.constant(rng.normal(size=(4, 3)).astype(np.float32))
        labels = tf.constant([0, 1, 1, 0])
        with tf.GradientTape() as tape:
            logits = tf.matmul(x, w) + b
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits))
        return loss, tape.gradient(loss, [w, b])

    same(fn)


def test_jacobians():
    def fn(tf):
        x = tf.Variable([1.0, 2.0, 3.0])
        with tf.GradientTape(persistent=True) as tape:
            y = tf.stack([x[0] * x[1], tf.reduce_sum(x**2)])
            rows = tf.reshape(x, [3, 1]) * tf.constant([[1.0, 2.0]])
        return tape.jacobian(y, x), tape.batch_jacobian(rows**2, tf.reshape(x, [3, 1]) * 1.0)

    ours = fn(ntf)
    assert ours[0].shape == (2, 3)
    np.testing.assert_allclose(ours[0].numpy(), [[2.0, 1.0, 0.0], [2.0, 4.0, 6.0]])
    same(lambda tf: fn(tf)[0])


def test_sibling_tapes_share_one_forward_pass():
    """Two tapes over one forward pass (a GAN's generator and discriminator): both may answer."""

    def fn(tf):
        g, d = tf.Variable(0.5), tf.Variable(2.0)
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            fake = g * 3.0
            score = tf.sigmoid(d * fake)
            gen_loss, disc_loss = -tf.math.log(score), -tf.math.log(1.0 - score)
        return gen_tape.gradient(gen_loss, g), disc_tape.gradient(disc_loss, d)

    same(fn)


def test_errors_as_tensorflow():
    same(lambda tf: tf.GradientTape().watch(3.0))
    same(lambda tf: tf.GradientTape().stop_recording().__enter__())


def test_a_variable_is_a_parameter_for_nablas_optimizers():
    w = ntf.Variable([[1.0, -2.0]], name="w")
    opt = nb.optim.SGD([w], lr=0.5)
    with ntf.GradientTape() as tape:
        loss = ntf.reduce_sum(w * w)
    (g,) = tape.gradient(loss, [w])
    w.grad = g
    opt.step()
    np.testing.assert_allclose(w.numpy(), [[0.0, 0.0]])
    assert isinstance(w, nb.Tensor) and w.requires_grad and w.is_leaf


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_gradient_dtype_follows_the_source(dtype):
    def fn(tf):
        x = tf.Variable(np.ones(3, dtype=dtype))
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(tf.exp(x))
        return tape.gradient(y, x)

    same(fn)


def test_reset_forgets_what_was_recorded_before_it():
    """The "Advanced automatic differentiation" guide: after tape.reset(), y * y computed before is a constant."""

    def fn(tf):
        x, y = tf.Variable(2.0), tf.Variable(3.0)
        with tf.GradientTape() as t:
            y_sq = y * y
            t.reset()
            z = x * x + y_sq
        return t.gradient(z, {"x": x, "y": y})

    same(fn)


def test_a_tape_sees_only_what_it_recorded():
    """What another tape recorded before this one started, or while this one was stopped, is a constant to it;
    so is a constant that only the other tape watched."""

    def fn(tf):
        x, c = tf.Variable(2.0), tf.constant(3.0)
        with tf.GradientTape(persistent=True) as outer:
            outer.watch(c)
            before = x * x * c
            with tf.GradientTape(persistent=True) as inner:
                after = before * x
                with inner.stop_recording():
                    hidden = x * 5.0
                total = after + hidden + c * x
        return (
            inner.gradient(total, [x, c, before]),
            outer.gradient(total, [x, c, before]),
            inner.gradient(hidden, x),
        )

    same(fn)


def test_grad_cam_takes_the_gradient_of_a_pooled_relu_convolutions_output_as_tensorflow():
    """keras.io's Grad-CAM on a small convnet: ``tape.gradient(class_score, last_conv_output)``, where the
    Conv2D(relu) output is also max-pooled (nabla fuses that pair; the gradient asked for must still come)."""
    from tf_keras_reference import tf_keras  # (the tests' Keras 3 runs on PyTorch: Keras on TensorFlow is tf_keras)
    from tf_parity import tensorflow

    def grad_cam(tf, keras, weights=None):
        inputs = keras.Input((12, 12, 2))
        conv = keras.layers.Conv2D(4, 3, activation="relu", name="last_conv")(inputs)
        pooled = keras.layers.MaxPooling2D()(conv)
        outputs = keras.layers.Dense(3)(keras.layers.Flatten()(pooled))
        model = keras.Model(inputs, outputs)
        if weights is not None:
            model.set_weights(weights)
        grad_model = keras.Model(model.inputs, [model.get_layer("last_conv").output, model.output])
        image = np.random.default_rng(5).normal(size=(1, 12, 12, 2)).astype("float32")
        with tf.GradientTape() as tape:
            conv_output, predictions = grad_model(image)
            class_channel = predictions[:, 1]
        grads = tape.gradient(class_channel, conv_output)
        weights_per_channel = tf.reduce_mean(grads, axis=(0, 1, 2))
        heatmap = tf.squeeze(conv_output[0] @ weights_per_channel[..., tf.newaxis])
        return model.get_weights(), grads.numpy(), heatmap.numpy()

    weights, grads, heatmap = grad_cam(ntf, ntf.keras)
    _, tf_grads, tf_heatmap = grad_cam(tensorflow(), tf_keras(), weights)
    assert np.abs(tf_grads).sum() > 0
    np.testing.assert_allclose(grads, tf_grads, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(heatmap, tf_heatmap, rtol=1e-5, atol=1e-5)
